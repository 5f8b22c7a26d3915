"""Published results on public service pages, in English and French, as a visitor sees them."""

import datetime as dt
import html
import re
from types import SimpleNamespace

import pytest
from django.utils import timezone

from outsidein.compliance.models import ComplianceResult, PeriodKind, ResultSource
from outsidein.standards.vocabulary import Channel, StandardType, Unit
from tests import factories
from tests.functional.browser import assert_no_axe_violations, assert_no_console_problems

AS_OF = timezone.make_aware(dt.datetime(2025, 11, 20, 6, 0))
FY = dict(period_kind=PeriodKind.FISCAL_YEAR, period_start=dt.date(2025, 4, 1),
          period_end=dt.date(2026, 3, 31))


def result(version, organization, service, **fields):
    values = dict(FY, source=ResultSource.ENGINE, target=0.8, channel="online", as_of=AS_OF,
                  pending=0, elapsed_unit="business_days")
    values.update(fields)
    return ComplianceResult.objects.create(version=version, organization=organization,
                                           service=service, **values)


def build_results():
    """A licence service with a current result, a small one, and one with none."""
    transport = factories.province_world().transport
    licence = factories.service(transport, code="DL")
    decision = factories.published_standard(licence, code="DL-DECISION")
    # Last year's reported figure, then this year's figures computed from records.
    result(decision, transport, licence, source=ResultSource.REPORTED, total=900, meeting=700,
           period_start=dt.date(2024, 4, 1), period_end=dt.date(2025, 3, 31), as_of=None)
    result(decision, transport, licence, total=1000, meeting=842, share=0.842, target_met="Y")
    for month, p90 in ((10, 6.1), (11, 3.2)):
        result(decision, transport, licence, period_kind=PeriodKind.MONTH,
               period_start=dt.date(2025, month, 1),
               period_end=dt.date(2025, month, 30 if month == 11 else 31),
               total=120, meeting=110, share=110 / 120, p90_elapsed=p90, median_elapsed=2.0)
    answer = factories.published_standard(
        licence, code="DL-MAIL", name_en="Letters answered within 15 business days",
        name_fr="Lettres répondues en 15 jours ouvrables", channel=Channel.MAIL,
        clock_start="received", clock_stop="responded", standard_type=StandardType.TIMELINESS,
        unit=Unit.BUSINESS_DAYS)
    result(answer, transport, licence, total=7, meeting=7, channel="mail")
    factories.published_standard(licence, code="DL-NEW", name_en="Counter wait under 20 minutes",
                                 name_fr="Attente au comptoir de moins de 20 minutes",
                                 channel=Channel.IN_PERSON, clock_start="arrived",
                                 clock_stop="served", unit=Unit.MINUTES)
    return SimpleNamespace(transport=transport, licence=licence)


@pytest.fixture
def data(db):
    return build_results()


def text_of(response) -> str:
    body = response.content.decode()
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def standard_block(text: str, name: str) -> str:
    """The text from a standard's heading to the next standard's."""
    start = text.index(name)
    rest = text[start + len(name):]
    ends = [rest.index(n) for n in ("Letters answered", "Counter wait", "Décision en",
                                    "Lettres répondues", "Attente au comptoir", "Common Service",
                                    "How to complain", "Comment porter plainte") if n in rest]
    return name + rest[:min(ends)] if ends else name + rest


def test_english_page_shows_target_latest_result_and_current_performance(client, data):
    text = text_of(client.get(f"/en/services/{data.licence.slug}/"))
    block = standard_block(text, "Decision within 15 business days")
    assert "We meet this standard 8 times out of 10 (80%)." in block
    assert "We met this standard 84.2% of the time in fiscal year 2025–2026." in block
    assert "That is 842 of 1,000." in block and "Target met." in block
    assert "Year to date, as of Nov. 20, 2025." in block
    # The latest month's 90th percentile (3.2) rounded up.
    assert "Currently completed within 4 business days, as of Nov. 20, 2025, " \
           "updated daily." in block


def test_fewer_than_ten_records_is_not_enough_data_never_a_share(client, data):
    text = text_of(client.get(f"/en/services/{data.licence.slug}/"))
    block = standard_block(text, "Letters answered within 15 business days")
    assert "Not enough data to report a result for fiscal year 2025–2026" in block
    assert "100%" not in block and "7 of 7" not in block
    none = standard_block(text, "Counter wait under 20 minutes")
    assert "No result has been published for this standard yet." in none
    assert "Currently" not in none


def test_french_page_shows_the_result_with_its_date_in_french(client, data):
    response = client.get(f"/fr/services/{data.licence.slug}/")
    assert '<html lang="fr">' in response.content.decode()
    block = standard_block(text_of(response), "Décision en 15 jours ouvrables")
    assert "84,2" in block and "2025–2026" in block
    assert "20 novembre 2025" in block
    assert "November" not in block


def test_engine_results_are_preferred_to_reported_for_the_same_year(client, data):
    version = data.licence.standards.get(code="DL-DECISION").versions.get()
    result(version, data.transport, data.licence, source=ResultSource.REPORTED, total=50,
           meeting=1)
    block = standard_block(text_of(client.get(f"/en/services/{data.licence.slug}/")),
                           "Decision within 15 business days")
    assert "84.2%" in block and "1 of 50" not in block


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_public_results_in_a_real_browser(browser_page, live_server, transactional_db, lang):
    data = build_results()
    page = browser_page
    page.goto(f"/{lang}/services/{data.licence.slug}/")
    assert page.locator("html").get_attribute("lang") == lang
    result_text = page.locator(".oi-result").first.inner_text()
    if lang == "fr":
        assert "84,2" in result_text and "20 novembre 2025" in result_text
    else:
        assert "84.2%" in result_text and "Nov. 20, 2025" in result_text
    assert_no_axe_violations(page)
    assert_no_console_problems(page)


def build_dashboard():
    """A quality lead's results for one standard over six months, one month without records."""

    data = build_results()
    version = data.licence.standards.get(code="DL-DECISION").versions.get()
    for month, (total, meeting) in zip(range(4, 10), [(40, 30), (50, 45), (0, 0), (60, 50),
                                                      (45, 40), (70, 66)], strict=True):
        share = meeting / total if total else None
        result(version, data.transport, data.licence, period_kind=PeriodKind.MONTH,
               period_start=dt.date(2025, month, 1), period_end=dt.date(2025, month, 28),
               total=total, meeting=meeting, share=share,
               ci_low=None if share is None else share - 0.1,
               ci_high=None if share is None else min(1.0, share + 0.05),
               target_met="NA" if share is None else ("Y" if share >= 0.8 else "N"),
               excluded={"labour disruption": 3} if month == 6 else {})
    return data


@pytest.mark.browser
def test_staff_dashboard_is_accessible(browser_page, live_server, transactional_db):
    build_dashboard()
    page = browser_page
    page.goto("/accounts/login/?next=/staff/compliance/")
    page.get_by_label("Username").fill("transport-lead")  # the shared world's Transportation lead
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/staff/compliance/")
    assert page.locator("svg.oi-chart").count() >= 1
    assert page.locator("svg.oi-chart title").first.text_content().startswith("Decision within")
    assert "Not available" in page.locator("main").inner_text()
    assert_no_axe_violations(page)
    assert_no_console_problems(page)
