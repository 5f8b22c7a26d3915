"""Public pages: service directory and one page per service, in English and French."""

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language

from outsidein.exchange import open_data as open_data_rows
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


def open_data(request):
    """What the open-data files hold, and links to them."""
    return render(request, "publishing/open_data.html", {"min_cell": open_data_rows.MIN_CELL})


def open_data_csv(request):
    """Published results in the Government of Canada service-standard layout (CSV)."""
    response = HttpResponse("\ufeff" + open_data_rows.open_data_csv(request.build_absolute_uri("/")),
                            content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="service-standards.csv"'
    return response


def open_data_json(request):
    """The same rows as JSON."""
    response = HttpResponse(open_data_rows.open_data_json(request.build_absolute_uri("/")),
                            content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="service-standards.json"'
    return response
