"""Template helpers for paged lists: a page's link that keeps the list's filters."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context, number) -> str:
    """This page's query string for page `number`, keeping every other parameter.

    "?q=licence&channel=online&page=3" from any page of the filtered list (page last, replaced).
    """
    query = context["request"].GET.copy()
    query.pop("page", None)
    query["page"] = number
    return f"?{query.urlencode()}"
