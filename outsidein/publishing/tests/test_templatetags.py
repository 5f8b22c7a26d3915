"""Targets in plain words, and the same page's address in the other language."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation

from outsidein.publishing.templatetags.public_pages import share_percent, target_phrase


@pytest.mark.parametrize(("share", "english", "french"), [
    (Decimal("0.8"), "8 times out of 10 (80%)", "8 fois sur 10 (80\u00a0%)"),
    (Decimal("0.95"), "95% of the time", "95\u00a0% du temps"),
    (Decimal("0.875"), "87.5% of the time", "87,5\u00a0% du temps"),
    (Decimal("1"), "every time (100%)", "chaque fois (100\u00a0%)"),
    (None, "", ""),
])
def test_target_phrase_in_both_languages(share, english, french):
    with translation.override("en"):
        assert target_phrase(share) == english
    with translation.override("fr"):
        assert target_phrase(share) == french


def test_share_percent():
    assert share_percent(Decimal("0.5")) == "50"
    assert share_percent(None) == ""


def test_translated_url_gives_this_page_in_the_other_language():
    template = Template("{% load public_pages %}{% translated_url 'fr' %}|"
                        "{% translated_url 'en' %}")
    request = RequestFactory().get("/en/services/some-service/?q=x")
    with translation.override("en"):
        assert template.render(Context({"request": request})) == (
            "/fr/services/some-service/?q=x|/en/services/some-service/?q=x")
    staff = RequestFactory().get("/staff/")
    with translation.override("en"):
        assert template.render(Context({"request": staff})) == "/staff/|/staff/"
