"""Staff compliance pages: dashboard, drill-down to records (page, filter, CSV), at-risk items.

Records are written as Parquet in a temporary interaction store (DATA_DIR overridden), results
come from the engine's own compliance_run, and the drill-down must list exactly the records
each stored share was computed from.
"""

import csv
import datetime as dt
import html
import io
import re

import pytest
from django.test import override_settings
from django.utils import timezone

from outsidein import workdays
from outsidein.compliance.engine import records
from outsidein.compliance.engine.at_risk import open_items
from outsidein.compliance.engine.rules import MISSED, PENDING
from outsidein.compliance.models import ComplianceResult, PeriodKind, ResultSource
from outsidein.compliance.selectors.plans import version_plan
from outsidein.compliance.services import compliance_run
from outsidein.compliance.tests.recordsets import at, record, write_dataset
from outsidein.warehouse.engines import open_engine
from tests import factories

pytestmark = pytest.mark.django_db
AS_OF = dt.datetime(2025, 12, 31, 12, tzinfo=dt.UTC)
RECEIVED = at("2025-06-02 09:00")  # a Monday


# The shared world's offices: Health's (ours) and Transportation's (the other ministry's).
O1, O2 = "health-north", "transport-south"


@pytest.fixture
def world(province_world, tmp_path, client):
    m1, m2 = province_world.health, province_world.transport
    o1, o2 = province_world.health_office, province_world.transport_office
    version = factories.common_mail_standard(m1)
    other = factories.common_mail_standard(m2, code="M2-MAIL")
    answered = [record(organization=O1, record_id=f"ok{i:02d}", received_at=RECEIVED,
                       responded_at=at("2025-06-03 10:00")) for i in range(55)]
    late = [record(organization=O1, record_id=f"late{i}", received_at=RECEIVED,
                   responded_at=at("2025-07-30 09:00")) for i in range(3)]
    excluded = [record(organization=O1, record_id="strike1", received_at=RECEIVED,
                       responded_at=at("2025-08-30 09:00"), exclusion_reason="labour disruption")]
    open_late = [record(organization=O1, record_id="open1", received_at=RECEIVED)]
    fax = [record("fax", organization=O1, record_id="fax1", received_at=RECEIVED,
                  exclusion_reason="labour disruption")]
    theirs = [record(organization=O2, record_id="m2rec", received_at=RECEIVED,
                     responded_at=at("2025-06-03 10:00"))]
    root = write_dataset(tmp_path / "interactions",
                         answered + late + excluded + open_late + fax + theirs)
    with override_settings(DATA_DIR=tmp_path):
        compliance_run(dataset=root, as_of=AS_OF)
        # Ministry A's quality lead, and a user of the other ministry (B's quality lead).
        yield dict(version=version, other=other, m1=m1, m2=m2, o1=o1, o2=o2,
                   lead1=province_world.lead, lead2=province_world.transport_lead,
                   client=client, root=root)


def june(version, organization, channel="mail", service=None):
    return ComplianceResult.objects.get(version=version, organization=organization,
                                        channel=channel, service=service,
                                        period_kind=PeriodKind.MONTH,
                                        period_start=dt.date(2025, 6, 1))


def text_of(response) -> str:
    body = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def csv_rows(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


# ---- dashboard ------------------------------------------------------------------------------

def test_dashboard_shows_share_interval_target_volume_chart_and_table(world):
    client = world["client"]
    client.force_login(world["lead1"])
    response = client.get("/staff/compliance/")
    assert response.status_code == 200
    body = response.content.decode()
    text = text_of(response)
    mail = june(world["version"], world["o1"])
    assert (mail.total, mail.meeting, mail.pending) == (59, 55, 0)
    assert "Mail answered within 15 business days" in text
    assert "93.2%" in text  # 55 / 59
    assert "55 of 59" in text and "Target met" in text
    assert "labour disruption: 1" in text
    # The chart: server-rendered SVG with its title and description, and the data table.
    assert body.count("<svg") >= 1 and "<title id=" in body and "<desc id=" in body
    assert "Data behind the chart" in text
    # The drill-down link names what the result measures: version, organization, period, channel.
    assert (f'href="/staff/compliance/results/{world["version"].pk}/{O1}/2025-06/records/'
            '?channel=mail"') in body
    # Nothing of the other ministry.
    assert "Ministry of Transportation" not in text and "M2-MAIL" not in text


def test_blank_is_not_zero(world):
    client = world["client"]
    client.force_login(world["lead1"])
    fax = june(world["version"], world["o1"], channel="fax")
    assert (fax.total, fax.share, fax.target_met) == (0, None, "NA")
    body = client.get("/staff/compliance/", {"period": "month"}).content.decode()
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    fax_row = next(r for r in rows if "<td>Fax</td>" in r)  # the channel by its label
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", fax_row, re.S)]
    # organization, service, channel, period, share, interval, target, met, volume, pending, excl.
    assert cells[4] == "Not available" and cells[5] == "—" and cells[7] == "Not available"
    assert cells[10] == "labour disruption: 1"
    assert "0%" not in cells[4] and "0.0%" not in body
    # The chart leaves the period blank ("n/a" on the axis) and draws no dot at 0.
    section = body[body.index('id="trend-') :]
    fax_chart = section[section.index("(Fax)"):section.index("</svg>")]
    assert ">n/a</text>" in fax_chart and "<circle" not in fax_chart
    assert "not available (no records counted)" in fax_chart


def test_period_kind_switch(world):
    client = world["client"]
    client.force_login(world["lead1"])
    text = text_of(client.get("/staff/compliance/", {"period": "fiscal_year"}))
    assert "FY2025-26" in text and "2025-06" not in text
    text = text_of(client.get("/staff/compliance/", {"period": "week"}))
    assert "2025-W23" in text


def test_without_monthly_results_the_dashboard_opens_on_fiscal_years(world):
    client = world["client"]
    client.force_login(world["lead1"])
    ComplianceResult.objects.exclude(period_kind=PeriodKind.FISCAL_YEAR).delete()
    body = client.get("/staff/compliance/").content.decode()
    assert "FY2025-26" in body
    assert '<option value="fiscal_year" selected>' in body
    assert "No results yet" in text_of(client.get("/staff/compliance/", {"period": "month"}))


def test_a_user_sees_only_their_organizations_results(world):
    client = world["client"]
    client.force_login(world["lead2"])
    text = text_of(client.get("/staff/compliance/"))
    assert "Ministry of Health" not in text and f"Office {O1}" not in text
    mail = june(world["version"], world["o1"])
    for url in (mail.records_url, mail.records_csv_url, mail.address.url(status="missed"),
                f"/staff/compliance/results/{mail.pk}/records/",
                f"/staff/compliance/results/{mail.pk}/records.csv"):
        assert client.get(url).status_code == 404, url
    theirs = june(world["other"], world["o2"])
    assert client.get(theirs.records_url).status_code == 200


def test_pages_need_a_signed_in_user(world):
    response = world["client"].get("/staff/compliance/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# ---- drill-down -------------------------------------------------------------------------------

def test_drill_down_lists_the_records_of_the_share_a_page_at_a_time(world):
    client = world["client"]
    client.force_login(world["lead1"])
    mail = june(world["version"], world["o1"])
    text = text_of(client.get(mail.records_url))
    assert "60 records: 55 met, 4 missed, 1 excluded, 0 pending." in text
    assert "Page 1 of 2" in text
    second = client.get(mail.address.url(page="2"))
    assert "Page 2 of 2" in text_of(second)
    assert text_of(second).count("test / ") == 10
    missed = text_of(client.get(mail.address.url(status="missed")))
    assert all(f"test / late{i}" in missed for i in range(3)) and "test / open1" in missed
    assert "test / ok00" not in missed and "Page 1 of" not in missed


def test_drill_down_csv_holds_every_record_of_the_filter(world):
    client = world["client"]
    client.force_login(world["lead1"])
    mail = june(world["version"], world["o1"])
    everything = csv_rows(client.get(mail.records_csv_url))
    assert len(everything) == 60
    assert list(everything[0]) == list(records.CSV_COLUMNS)
    by_id = {row["record_id"]: row for row in everything}
    # 2 June to 3 June is one business day; to 30 July, 41 (21 in June, 20 in July after
    # Canada Day), as workdays counts them too.
    late = workdays.business_time_between(workdays.Calendar("default"), RECEIVED,
                                          at("2025-07-30 09:00")).days
    assert late == 41
    assert (by_id["ok00"]["status"], by_id["ok00"]["elapsed"]) == ("met", "1")
    assert (by_id["late0"]["status"], by_id["late0"]["elapsed"]) == ("missed", "41")
    assert (by_id["open1"]["status"], by_id["open1"]["elapsed"]) == ("missed", "")
    assert (by_id["strike1"]["status"], by_id["strike1"]["exclusion_reason"]) \
        == ("excluded", "labour disruption")
    assert by_id["ok00"]["start_date"] == "2025-06-02"
    assert "m2rec" not in by_id and "fax1" not in by_id
    # Counts equal the stored result: the same rule judged them.
    met = sum(1 for r in everything if r["status"] == "met")
    missed = sum(1 for r in everything if r["status"] == "missed")
    assert (met, met + missed) == (mail.meeting, mail.total)
    excluded = csv_rows(client.get(mail.address.url("records_csv", status="excluded")))
    assert [r["record_id"] for r in excluded] == ["strike1"]


def test_reported_results_have_no_records_to_show(world):
    client = world["client"]
    client.force_login(world["lead1"])
    reported = ComplianceResult.objects.create(
        version=world["version"], organization=world["m1"], period_kind=PeriodKind.FISCAL_YEAR,
        period_start=dt.date(2024, 4, 1), period_end=dt.date(2025, 3, 31),
        source=ResultSource.REPORTED, total=10, meeting=9, share=0.9)
    assert reported.records_url == (f"/staff/compliance/results/{world['version'].pk}/health/"
                                    "FY2024-25/records/?source=reported")
    page = client.get(reported.records_url)
    assert page.status_code == 200
    assert "there are no interaction records behind them" in text_of(page)
    assert client.get(reported.records_csv_url).status_code == 404


# ---- stable links ----------------------------------------------------------------------------

def drill_links(body: str) -> list[str]:
    """The drill-down links of a page, as a browser follows them."""
    return [html.unescape(h) for h in re.findall(r'href="(/staff/compliance/results/[^"]+)"', body)]


def test_a_drill_down_link_outlives_the_recomputes_that_replace_its_result(world, tmp_path):
    client = world["client"]
    client.force_login(world["lead1"])
    before = june(world["version"], world["o1"])
    link = next(h for h in drill_links(client.get("/staff/compliance/").content.decode())
                if f"/{O1}/2025-06/" in h and "channel=mail" in h)
    page = client.get(link)
    csv_link = next(h for h in drill_links(page.content.decode()) if "records.csv" in h)
    listed = text_of(page)
    assert "60 records: 55 met, 4 missed, 1 excluded, 0 pending." in listed
    rows = csv_rows(client.get(csv_link))
    old_link = f"/staff/compliance/results/{before.pk}/records/"

    # The night's import brings one more answered letter of June: the result is recomputed and
    # its row replaced. The link names the same cell, so it shows the new figures.
    parts = set(world["root"].rglob("*.parquet"))
    write_dataset(world["root"], [record(organization=O1, record_id="extra",
                                         received_at=RECEIVED, responded_at=at("2025-06-04 10:00"))])
    added = set(world["root"].rglob("*.parquet")) - parts
    compliance_run(dataset=world["root"], as_of=AS_OF)
    replaced = june(world["version"], world["o1"])
    assert replaced.pk != before.pk and replaced.total == 60
    assert "61 records: 56 met" in text_of(client.get(link))
    assert client.get(old_link).status_code == 404  # the old row id died with its row

    # The import is withdrawn: recomputed again, a third row, the first figures and records.
    for part in added:
        part.unlink()
    compliance_run(dataset=world["root"], as_of=AS_OF)
    again = june(world["version"], world["o1"])
    assert again.pk not in (before.pk, replaced.pk)
    page = client.get(link)
    assert page.status_code == 200 and text_of(page) == listed
    response = client.get(csv_link)
    assert response.status_code == 200 and csv_rows(response) == rows
    assert response["Content-Disposition"] == (
        f'attachment; filename="records-CSS-MAIL-RESPONSE-v1-{O1}-2025-06-mail.csv"')


def test_a_row_id_link_of_before_leads_to_the_stable_address_while_its_row_lasts(world):
    client = world["client"]
    client.force_login(world["lead1"])
    mail = june(world["version"], world["o1"])
    response = client.get(f"/staff/compliance/results/{mail.pk}/records/", {"status": "missed"})
    assert response.status_code == 302
    assert response["Location"] == mail.address.url(status="missed")
    response = client.get(f"/staff/compliance/results/{mail.pk}/records.csv")
    assert (response.status_code, response["Location"]) == (302, mail.records_csv_url)


def test_a_service_result_is_addressed_by_the_service_slug(world):
    client = world["client"]
    client.force_login(world["lead1"])
    licence = factories.service(world["m1"], code="S1")
    write_dataset(world["root"], [
        record(organization=O1, service="S1", record_id=f"s1-{i}", received_at=RECEIVED,
               responded_at=at("2025-06-03 10:00")) for i in range(2)])
    compliance_run(dataset=world["root"], as_of=AS_OF)
    result = june(world["version"], world["o1"], service=licence)
    assert result.records_url == (f"/staff/compliance/results/{world['version'].pk}/{O1}/2025-06/"
                                  f"records/?service={licence.slug}&channel=mail")
    text = text_of(client.get(result.records_url))
    assert "2 records: 2 met" in text and "test / s1-0" in text and "test / ok00" not in text
    # Without the service, the same path names the result without one.
    assert "60 records" in text_of(client.get(june(world["version"], world["o1"]).records_url))


def test_filtering_keeps_the_result_the_page_is_about(world):
    client = world["client"]
    client.force_login(world["lead1"])
    body = client.get(june(world["version"], world["o1"]).records_url).content.decode()
    start = body.index('<form method="get" class="oi-filters"')
    form = body[start:body.index("</form>", start)]
    assert '<input type="hidden" name="channel" value="mail"' in form
    assert "<label" in form and form.count("<label") == 1  # the hidden field has none


def test_malformed_or_unknown_addresses_answer_404(world):
    client = world["client"]
    client.force_login(world["lead1"])
    version = world["version"].pk
    base = "/staff/compliance/results"
    for url in (f"{base}/{version}/{O1}/2025-13/records/?channel=mail",
                f"{base}/{version}/{O1}/2025-W60/records/?channel=mail",
                f"{base}/{version}/{O1}/FY2025-27/records/?channel=mail",
                f"{base}/{version}/{O1}/2025/records/?channel=mail",  # a calendar year: no results
                f"{base}/{version}/{O1}/june/records/?channel=mail",
                f"{base}/{version}/{O1}/2025-06/records/?channel=pigeon",
                f"{base}/{version}/{O1}/2025-06/records/?channel=mail&service=no-such-service",
                f"{base}/{version}/{O1}/2025-06/records/?channel=mail&source=rumour",
                f"{base}/{version}/{O1}/2025-06/records/?channel=mail&source=reported",
                f"{base}/{version}/nowhere/2025-06/records/?channel=mail",
                f"{base}/{world['other'].pk}/{O1}/2025-06/records/?channel=mail",
                f"{base}/99999999999999999999999/{O1}/2025-06/records/?channel=mail",
                f"{base}/{version}/{O1}/2025-06/records.csv?channel=pigeon",
                f"{base}/{version}/{O1}/9999-99/records.csv",
                f"{base}/99999999999999999999999/records/"):
        assert client.get(url).status_code == 404, url


# ---- at risk ---------------------------------------------------------------------------------

def test_open_items_at_risk_are_decided_by_the_engine_rule(world, tmp_path):
    cal = workdays.Calendar("default")
    now = at("2025-06-20 12:00")  # a Friday
    # 15 business days are allowed, so the deadline is close of business (17:00) on the 15th
    # business day after the day received: received 30 May, due today; received 2 June, due
    # Monday 23 June; received 19 June, far away. Answered items are not open.
    rows = [record(organization=O1, record_id="due-today", received_at=at("2025-05-30 10:00")),
            record(organization=O1, record_id="due-monday", received_at=at("2025-06-02 10:00")),
            record(organization=O1, record_id="fresh", received_at=at("2025-06-19 10:00")),
            record(organization=O1, record_id="overdue", received_at=at("2025-05-01 10:00")),
            record(organization=O1, record_id="done", received_at=at("2025-05-01 10:00"),
                   responded_at=at("2025-05-02 10:00"))]
    root = write_dataset(tmp_path / "atrisk", rows)
    plan, calendars = version_plan(world["version"], [world["o1"]])
    engine = open_engine()
    try:
        def found(hours):
            return {i.record_id: i for i in open_items(
                engine, plan, calendars, dataset=root, now=now, business_hours=hours)}
        # 12:00 to today's close is 5 business hours: within 4, only the overdue one.
        assert set(found(4)) == {"overdue"}
        soon = found(5)
        assert set(soon) == {"overdue", "due-today"}
        assert soon["overdue"].overdue and not soon["due-today"].overdue
        assert soon["due-today"].deadline == workdays.add_business_days(
            cal, at("2025-05-30 10:00"), 15) == at("2025-06-20 17:00")
        # Monday's close is 5 + 8.5 business hours away.
        assert set(found(13)) == {"overdue", "due-today"}
        assert set(found(14)) == {"overdue", "due-today", "due-monday"}
        assert "fresh" not in found(60)
    finally:
        engine.close()


def test_at_risk_page_lists_overdue_items_in_scope(world):
    client = world["client"]
    client.force_login(world["lead1"])
    month_ago = timezone.now() - dt.timedelta(days=30)
    write_dataset(world["root"], [record(organization=O1, record_id="stale",
                                         received_at=month_ago)])
    response = client.get("/staff/compliance/at-risk/", {"hours": 8})
    assert response.status_code == 200
    text = text_of(response)
    # Received a month ago and never answered: overdue now (15 business days allowed).
    assert "test / stale" in text and "Overdue" in text
    assert "test / open1" not in text  # open for over a year: beyond the look-back
    client.force_login(world["lead2"])
    assert "test / stale" not in text_of(client.get("/staff/compliance/at-risk/"))


def test_record_statuses_match_the_engine_for_pending_items(world, tmp_path):
    now = timezone.make_aware(dt.datetime(2025, 6, 3, 12))
    root = write_dataset(tmp_path / "pending", [
        record(organization=O1, record_id="p1", received_at=at("2025-06-02 10:00"))])
    plan, calendars = version_plan(world["version"], [world["o1"]])
    engine = open_engine()
    try:
        reader = records.RecordReader(engine, plan, calendars, root, now, dt.date(2025, 6, 1),
                                      dt.date(2025, 6, 30))
        cell = records.CellFilter(first_day=dt.date(2025, 6, 1), last_day=dt.date(2025, 6, 30))
        assert reader.counts(cell) == {PENDING: 1}
        later = records.RecordReader(engine, plan, calendars, root, AS_OF, dt.date(2025, 6, 1),
                                     dt.date(2025, 6, 30))
        assert later.counts(cell) == {MISSED: 1}
    finally:
        engine.close()


def test_records_with_a_service_code_nobody_registered_are_listed_under_no_service(world):
    """The engine counts a record whose code names no service of its organization (nor of any
    above it) as "no service"; the drill-down of that result lists it too, also when the
    organization has no service at all (it once listed none of them)."""
    client = world["client"]
    client.force_login(world["lead1"])
    write_dataset(world["root"], [
        record(organization=O1, service="POTHOLE", record_id=f"pothole-{i}",
               received_at=RECEIVED, responded_at=at("2025-06-03 10:00")) for i in range(3)])
    compliance_run(dataset=world["root"], as_of=AS_OF)
    mail = june(world["version"], world["o1"])
    assert (mail.total, mail.meeting) == (62, 58)
    text = text_of(client.get(mail.records_url))
    assert "63 records: 58 met, 4 missed, 1 excluded, 0 pending." in text
    listed = {r["record_id"] for r in csv_rows(client.get(mail.records_csv_url))}
    assert {"pothole-0", "pothole-1", "pothole-2"} <= listed and len(listed) == 63


# ---- evidence: every record of a selection ------------------------------------------------

EVIDENCE = "/staff/compliance/evidence/"


def parquet_rows(response) -> list[dict]:
    import pyarrow.parquet as pq

    return pq.read_table(io.BytesIO(b"".join(response.streaming_content))).to_pylist()


def counted(version, organizations, first=dt.date(2025, 6, 1)) -> int:
    """Records the stored monthly results of a version counted, every outcome."""
    return sum(r.total + r.pending + sum(r.excluded.values())
               for r in ComplianceResult.objects.filter(
                   version=version, organization__in=organizations, service=None,
                   period_kind=PeriodKind.MONTH, period_start=first))


def test_evidence_downloads_every_record_of_the_selection_in_scope(world):
    client = world["client"]
    client.force_login(world["lead1"])
    page = client.get(EVIDENCE)
    assert page.status_code == 200 and "Download Parquet" in text_of(page)
    rows = csv_rows(client.get(EVIDENCE, {"period": "2025-06", "format": "csv"}))
    # Every June record of the standards over lead1's ministry: mail and fax alike, as the
    # stored results counted them; nothing of the other ministry.
    assert len(rows) == counted(world["version"], [world["o1"], world["m1"]]) == 61
    assert {r["organization"] for r in rows} == {O1} and "m2rec" not in {
        r["record_id"] for r in rows}
    by_id = {r["record_id"]: r for r in rows}
    assert (by_id["late0"]["status"], by_id["late0"]["elapsed"], by_id["late0"]["unit"]) == (
        "missed", "41.0", "business_days")
    assert by_id["strike1"]["exclusion_reason"] == "labour disruption"
    assert by_id["ok00"]["standard"] == "CSS-MAIL-RESPONSE" and by_id["ok00"]["due_at"] == ""
    missed = csv_rows(client.get(EVIDENCE, {"period": "2025-06", "status": "missed",
                                            "channel": "mail", "format": "csv"}))
    assert sorted(r["record_id"] for r in missed) == ["late0", "late1", "late2", "open1"]
    parquet = parquet_rows(client.get(EVIDENCE, {"period": "2025-06", "format": "parquet"}))
    assert [r["record_id"] for r in parquet] == [r["record_id"] for r in rows]
    assert parquet[0]["start_date"] == dt.date(2025, 6, 2)


def test_evidence_outside_the_users_scope_is_nothing(world):
    client = world["client"]
    client.force_login(world["lead1"])
    response = client.get(EVIDENCE, {"organization": O2, "period": "2025-06",
                                     "format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert 'aria-invalid="true"' in response.content.decode()
    client.force_login(world["lead2"])  # over the other ministry: only its own record
    rows = csv_rows(client.get(EVIDENCE, {"period": "2025-06", "format": "csv"}))
    assert [r["record_id"] for r in rows] == ["m2rec"]
    client.logout()
    assert client.get(EVIDENCE).status_code == 302


def test_the_api_pages_through_the_same_records(world):
    client = world["client"]
    client.force_login(world["lead1"])
    everything = [r["record_id"] for r in csv_rows(
        client.get(EVIDENCE, {"period": "2025-06", "format": "csv"}))]
    paged, offset = [], 0
    while True:
        answer = client.get("/api/compliance/records",
                            {"period": "2025-06", "limit": 25, "offset": offset}).json()
        assert answer["count"] == len(everything) and answer["period"] == "2025-06"
        paged += [r["record_id"] for r in answer["items"]]
        offset += 25
        if offset >= answer["count"]:
            break
    assert paged == everything
    one = client.get("/api/compliance/records", {"period": "2025-06", "status": "excluded",
                                                 "channel": "mail"}).json()
    assert [(r["record_id"], r["exclusion_reason"]) for r in one["items"]] == [
        ("strike1", "labour disruption")]
    elsewhere = client.get("/api/compliance/records", {"organization": O2})
    assert elsewhere.status_code == 200 and elsewhere.json()["count"] == 0
    assert elsewhere.json()["items"] == []
    bad = client.get("/api/compliance/records", {"period": "June"})
    assert bad.status_code == 422 and "period" in bad.json()["error"]["fields"]


def test_the_records_list_shows_due_times_and_says_what_pending_means(world):
    client = world["client"]
    client.force_login(world["lead1"])
    write_dataset(world["root"], [
        record(organization=O1, record_id="fresh", received_at=at("2025-12-29 10:00")),
        record(organization=O1, record_id="promised", received_at=at("2025-12-29 11:00"),
               due_at=at("2026-01-09 17:00"))])
    compliance_run(dataset=world["root"], as_of=AS_OF)
    december = ComplianceResult.objects.get(
        version=world["version"], organization=world["o1"], channel="mail", service=None,
        period_kind=PeriodKind.MONTH, period_start=dt.date(2025, 12, 1))
    text = text_of(client.get(december.address.url(status="pending")))
    assert "Due" in text and "2026-01-09 17:00" in text
    assert "test / fresh" in text and "Pending: open, within the standard's time" in text
    assert "Pending: open, not yet due" in text
    assert "Pending (open, not yet due)" not in text
