"""Staff pages: the service inventory, standards and their history."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from outsidein.accounts.permissions import EDIT_STANDARDS, PUBLISH_STANDARDS
from outsidein.accounts.selectors import organizations_for_user, user_can, user_roles
from outsidein.calendars.selectors import calendars_for_user
from outsidein.common.audit import audit_trail
from outsidein.common.forms import add_validation_errors
from outsidein.standards.forms import ServiceFilterForm, StandardVersionForm
from outsidein.standards.models import ServiceStandard
from outsidein.standards.selectors import (
    common_standards_for,
    service_lines_of_business,
    service_search,
    services_for_user,
    standards_for_service,
)
from outsidein.standards.services import standard_publish, standard_revise
from outsidein.standards.text_checks import version_findings


@login_required
def home(request):
    """The staff landing page: the user's organizations and roles."""
    return render(request, "staff/home.html", {
        "memberships": user_roles(request.user),
        "service_count": services_for_user(request.user).count(),
    })


@login_required
def service_list(request):
    """Searchable, filterable list of the services in the user's scope."""
    organizations = list(organizations_for_user(request.user))
    scoped = services_for_user(request.user)
    form = ServiceFilterForm(request.GET or None, organizations=organizations,
                             lines=service_lines_of_business(scoped))
    services = scoped
    if form.is_valid():
        org_code = form.cleaned_data["organization"]
        organization = next((o for o in organizations if o.code == org_code), None)
        services = service_search(queryset=scoped, text=form.cleaned_data["q"],
                                  organization=organization,
                                  channel=form.cleaned_data["channel"],
                                  line_of_business=form.cleaned_data["line_of_business"])
    page = Paginator(services.select_related("organization").order_by("name_en"), 50).get_page(
        request.GET.get("page"))
    return render(request, "staff/service_list.html", {
        "form": form, "page": page, "total": services.count()})


@login_required
def service_detail(request, pk: int):
    """A service with its standards, their versions and the common standards that apply."""
    service = get_object_or_404(services_for_user(request.user), pk=pk)
    return render(request, "staff/service_detail.html", {
        "service": service,
        "standards": standards_for_service(service),
        "common_standards": common_standards_for(service.organization),
        "can_edit": user_can(request.user, EDIT_STANDARDS, service.organization),
    })


def _standard_in_scope(user, pk: int) -> ServiceStandard:
    standard = get_object_or_404(ServiceStandard.objects.select_related("organization", "service"),
                                 pk=pk)
    if not user_can(user, "view", standard.organization):
        raise Http404
    return standard


@login_required
def standard_detail(request, pk: int):
    """One standard: every version, the audit trail and the text findings."""
    standard = _standard_in_scope(request.user, pk)
    versions = list(standard.versions.order_by("-number"))
    return render(request, "staff/standard_detail.html", {
        "standard": standard,
        "versions": versions,
        "findings": version_findings(versions[0]) if versions else [],
        "trail": audit_trail(standard)[:50],
        "can_edit": user_can(request.user, EDIT_STANDARDS, standard.organization),
        "can_publish": user_can(request.user, PUBLISH_STANDARDS, standard.organization),
    })


@login_required
@require_http_methods(["GET", "POST"])
def standard_edit(request, pk: int):
    """Edit the draft, or start a new version of a published standard."""
    standard = _standard_in_scope(request.user, pk)
    if not user_can(request.user, EDIT_STANDARDS, standard.organization):
        raise PermissionDenied
    base = standard.versions.order_by("-number").first()
    form = StandardVersionForm(request.POST or None, instance=base,
                               calendars=calendars_for_user(request.user))
    if request.method == "POST" and form.is_valid():
        publish = form.cleaned_data["publish"]
        if publish and not user_can(request.user, PUBLISH_STANDARDS, standard.organization):
            raise PermissionDenied
        try:
            with transaction.atomic():
                draft = standard_revise(standard=standard, by=request.user,
                                        change_note=form.cleaned_data["change_note"],
                                        **form.version_fields())
                if publish:
                    standard_publish(version=draft, by=request.user,
                                     effective_from=form.cleaned_data["effective_from"])
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            if publish:
                messages.success(request, _("Version %(n)s is published.") % {"n": draft.number})
            else:
                messages.success(request, _("Draft version %(n)s is saved.") % {"n": draft.number})
            return redirect("staff:standard", pk=standard.pk)
    return render(request, "staff/standard_edit.html", {
        "standard": standard, "form": form, "base": base,
        "creates_new_version": not base.is_draft,
    })


@login_required
@require_http_methods(["POST"])
def standard_publish_draft(request, pk: int):
    """Publish the open draft of a standard."""
    standard = _standard_in_scope(request.user, pk)
    if not user_can(request.user, PUBLISH_STANDARDS, standard.organization):
        raise PermissionDenied
    draft = standard.versions.draft().first()
    if draft is None:
        messages.error(request, _("There is no draft to publish."))
    else:
        try:
            standard_publish(version=draft, by=request.user)
            messages.success(request, _("Version %(n)s is published.") % {"n": draft.number})
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
    return redirect("staff:standard", pk=standard.pk)
