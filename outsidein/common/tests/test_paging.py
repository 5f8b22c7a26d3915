"""Page links keep the list's filters."""

from django.template import Context, Template
from django.test import RequestFactory

PAGER = Template('{% load paging %}<a href="{% page_url 3 %}">')


def link(query: str) -> str:
    request = RequestFactory().get(f"/staff/services/?{query}")
    return PAGER.render(Context({"request": request}))


def test_page_url_keeps_every_other_parameter_and_replaces_the_page():
    assert link("q=licence&channel=online&page=1") == \
        '<a href="?q=licence&amp;channel=online&amp;page=3">'
    assert link("") == '<a href="?page=3">'


def test_page_url_escapes_what_it_keeps():
    assert link("q=%3Cb%3E%22x%22") == '<a href="?q=%3Cb%3E%22x%22&amp;page=3">'
