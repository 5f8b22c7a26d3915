"""Staff import pages: the user's imports, a new import (upload), its progress and rejects,
undoing an import as a whole, saved column mappings.

Every page needs the import_records permission (403 without it); an import the user did not
make is a 404.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from outsidein.accounts.models import Organization
from outsidein.common.formatting import number, percent
from outsidein.common.forms import add_validation_errors
from outsidein.interactions.forms import ImportForm, MappingForm
from outsidein.interactions.models import ImportStatus, InteractionImport
from outsidein.interactions.selectors import (
    import_for_user,
    import_reject_list,
    import_scope,
    imports_for_user,
    mapping_list,
)
from outsidein.interactions.services import (
    interactions_import_enqueue,
    interactions_import_undo,
    source_mapping_create,
    source_mapping_update,
)

IMPORTS_PER_PAGE = 25
REJECTS_SHOWN = 50
CHUNK = 1 << 16


def _scope_or_403(user) -> list[str] | None:
    """The organization codes the user may import for (None: any); 403 for none at all."""
    scope = import_scope(user)
    if scope == []:
        raise PermissionDenied
    return scope


def _organizations(scope: list[str] | None):
    """The organizations of a scope, as form choices (every one, for a superuser)."""
    organizations = Organization.objects.order_by("path")
    return organizations if scope is None else organizations.filter(code__in=scope)


# ---- imports --------------------------------------------------------------------------------

@login_required
def import_list(request):
    """The user's imports, newest first, a page at a time."""
    _scope_or_403(request.user)
    imports = imports_for_user(request.user)
    page = Paginator(imports, IMPORTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "interactions/import_list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def import_new(request):
    """Upload a file; the import runs in the background and its page shows how far it got."""
    scope = _scope_or_403(request.user)
    form = ImportForm(request.POST or None, request.FILES or None, mappings=mapping_list(scope),
                      owners=_organizations(scope))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        owner = form.cleaned_data.get("organization")
        try:
            record = interactions_import_enqueue(
                file=upload, file_name=upload.name, source=form.cleaned_data["source"],
                mapping=form.cleaned_data["mapping"], by=request.user,
                dry_run=form.cleaned_data["dry_run"], organizations=scope,
                organization=owner.code if owner else None,
                encoding=form.cleaned_data["encoding"])
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("The file is uploaded; the import is queued."))
            return redirect("interactions:detail", pk=record.pk)
    return render(request, "interactions/import_new.html", {"form": form})


@login_required
def import_detail(request, pk: int):
    """An import's status and progress, its counts and the first rejects."""
    _scope_or_403(request.user)
    record = import_for_user(request.user, pk)
    share = 1.0 if record.status in (ImportStatus.DONE, ImportStatus.UNDONE) else record.progress
    return render(request, "interactions/import_detail.html", {
        "record": record,
        "percent": percent(share, 0),
        "progress_value": round(share * 100),
        "excluded": sorted((record.excluded_by_reason or {}).items()),
        "rejects": import_reject_list(record, limit=REJECTS_SHOWN),
        "rejects_shown": REJECTS_SHOWN,
        "has_report": bool(record.rejects_path) and Path(record.rejects_path).is_file(),
        "poll_url": reverse("api:import_detail", kwargs={"import_id": record.pk}),
        "statuses": ImportStatus.choices,
    })


@login_required
def import_rejects_csv(request, pk: int):
    """The whole reject report: line, field, value, reason."""
    _scope_or_403(request.user)
    record = import_for_user(request.user, pk)
    path = Path(record.rejects_path) if record.rejects_path else None
    if path is None or not path.is_file():
        raise Http404

    def chunks():
        yield "\ufeff".encode()  # Excel reads accents right only with the mark
        with open(path, "rb") as handle:
            while block := handle.read(CHUNK):
                yield block

    response = StreamingHttpResponse(chunks(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="rejects-{record.pk}.csv"'
    return response


def _undo_refusal(record: InteractionImport) -> str:
    if record.dry_run:
        return _("This import was a dry run: it stored nothing, so there is nothing to undo.")
    if record.status == ImportStatus.UNDONE:
        return _("This import is already undone.")
    return _("Only a finished import can be undone; this one is %(status)s.") % {
        "status": record.get_status_display().lower()}


@login_required
@require_http_methods(["GET", "POST"])
def import_undo(request, pk: int):
    """Confirm (GET), then take the import's records out and put back what it replaced (POST)."""
    scope = _scope_or_403(request.user)
    record = import_for_user(request.user, pk)
    if request.method == "POST":
        if not record.can_undo:
            messages.error(request, _undo_refusal(record))
            return redirect("interactions:detail", pk=record.pk)
        try:
            record, result = interactions_import_undo(import_id=record.pk, by=request.user,
                                                      scope=scope)
        except PermissionDenied:
            raise Http404 from None  # seen as one's own, but owned elsewhere: not there
        except ValidationError:
            record.refresh_from_db()
            messages.error(request, _undo_refusal(record))
        else:
            messages.success(request, _(
                "Import %(id)s is undone. Records taken out: %(removed)s; earlier versions "
                "put back: %(restored)s.") % {
                "id": record.pk, "removed": number(result.removed),
                "restored": number(result.restored)})
        return redirect("interactions:detail", pk=record.pk)
    return render(request, "interactions/import_undo.html", {
        "record": record, "refusal": "" if record.can_undo else _undo_refusal(record)})


# ---- saved mappings -------------------------------------------------------------------------

@login_required
def mapping_index(request):
    """Saved column mappings of the organizations the user may import for, by name."""
    scope = _scope_or_403(request.user)
    return render(request, "interactions/mapping_list.html", {"mappings": mapping_list(scope)})


@login_required
@require_http_methods(["GET", "POST"])
def mapping_create(request):
    """Save how a source system's files read as records."""
    scope = _scope_or_403(request.user)
    form = MappingForm(request.POST or None, organizations=_organizations(scope))
    if request.method == "POST" and form.is_valid():
        try:
            mapping = source_mapping_create(name=form.cleaned_data["name"],
                                            source=form.cleaned_data["source"],
                                            organization=form.cleaned_data["organization"],
                                            scope=scope, by=request.user,
                                            **form.mapping_fields())
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Mapping %(name)s is saved.") % {"name": mapping.name})
            return redirect("interactions:mappings")
    return render(request, "interactions/mapping_form.html", {"form": form, "mapping": None})


@login_required
@require_http_methods(["GET", "POST"])
def mapping_edit(request, pk: int):
    """Change a saved mapping (imports already done keep what they stored)."""
    scope = _scope_or_403(request.user)
    mapping = get_object_or_404(mapping_list(scope), pk=pk)
    # The form works on its own copy: the service compares the saved mapping with the changes.
    form = MappingForm(request.POST or None, instance=get_object_or_404(mapping_list(scope), pk=pk),
                       organizations=_organizations(scope))
    if request.method == "POST" and form.is_valid():
        try:
            source_mapping_update(mapping=mapping, scope=scope, by=request.user,
                                  source=form.cleaned_data["source"],
                                  organization=form.cleaned_data["organization"],
                                  **form.mapping_fields())
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Mapping %(name)s is saved.") % {"name": mapping.name})
            return redirect("interactions:mappings")
    return render(request, "interactions/mapping_form.html", {"form": form, "mapping": mapping})
