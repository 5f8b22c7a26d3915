"""Error pages (403, 404, 500, CSRF failure) in the layout the visitor was in.

A signed-in user on a staff address keeps the staff menu; a public page (one with a language
prefix) and a signed-out visitor get the public layout. Every page is in the request's language
and obeys the Content-Security-Policy (Django's own CSRF page has an inline style).
"""

from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template import loader
from django.utils.translation import get_language_from_path
from django.views.decorators.csrf import requires_csrf_token

from outsidein.common.context_processors import site

STAFF_LAYOUT = "staff/base.html"
PUBLIC_LAYOUT = "base.html"


def _in_staff_area(request, user) -> bool:
    signed_in = user is not None and user.is_authenticated
    return signed_in and not get_language_from_path(request.path_info)


def _page(request, template_name: str, status: int) -> HttpResponse:
    staff = _in_staff_area(request, getattr(request, "user", None))
    context = {"layout": STAFF_LAYOUT if staff else PUBLIC_LAYOUT, "staff": staff}
    return HttpResponse(loader.render_to_string(template_name, context, request), status=status)


@requires_csrf_token
def permission_denied(request, exception=None):
    """403: the role does not allow this."""
    return _page(request, "403.html", 403)


@requires_csrf_token
def page_not_found(request, exception=None):
    """404: no such page, or nothing the user may see at that address."""
    return _page(request, "404.html", 404)


@requires_csrf_token
def csrf_failure(request, reason=""):
    """403 for a form whose CSRF check failed (CSRF_FAILURE_VIEW): say how to recover."""
    return _page(request, "403_csrf.html", 403)


@requires_csrf_token
def server_error(request):
    """500 without the database or context processors: either may be what failed.

    Only a user the request had already loaded counts as signed in (finding out would query the
    session and user tables), and the menu shows only the links that need no permission.
    """
    user = getattr(request, "_cached_user", None)
    staff = _in_staff_area(request, user)
    context = {
        **site(request),
        "layout": STAFF_LAYOUT if staff else PUBLIC_LAYOUT, "staff": staff,
        "request": request, "user": user if staff else None,
        "staff_permissions": frozenset(),
        "csrf_token": get_token(request),
    }
    # Rendered without the request: RequestContext would run every context processor.
    return HttpResponse(loader.get_template("500.html").render(context), status=500)
