"""Public pages: service directory and one page per service, in English and French."""

from django.shortcuts import redirect, render
from django.utils.translation import get_language

from outsidein.publishing.selectors import (
    directory_groups,
    public_service_by_slug,
    service_page,
)

MAX_QUERY_LENGTH = 200


def root(request):
    return redirect("public:index")


def index(request):
    """The service directory, grouped by organization, with a plain GET search."""
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    groups = directory_groups(text=query, language=get_language())
    return render(request, "publishing/index.html", {
        "query": query,
        "groups": groups,
        "service_count": sum(len(g.services) for g in groups),
    })


def service(request, slug: str):
    """One public service: what it is, fees, how to reach it, its standards, how to complain."""
    found = public_service_by_slug(slug)
    if found is None:
        # Drawn here rather than by the site-wide 404 handler so the page is in the
        # visitor's language with the directory one link away.
        return render(request, "publishing/service_not_found.html", status=404)
    return render(request, "publishing/service.html",
                  {"page": service_page(service=found, language=get_language())})
