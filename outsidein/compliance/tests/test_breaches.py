"""Service guarantees: breaches, refunds owed and refund rates on a small hand-computed example."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import override_settings

from outsidein.compliance.engine.breaches import CSV_COLUMNS, breach_report
from outsidein.compliance.engine.periods import day_number
from outsidein.compliance.engine.rules import EXCLUDED, MET, MISSED, PENDING
from outsidein.compliance.selectors.breaches import guarantee_breaches
from outsidein.compliance.tests.recordsets import at, record, write_dataset
from outsidein.standards.services import guarantee_set
from outsidein.standards.vocabulary import RemedyKind
from tests import factories

pytestmark = pytest.mark.django_db
AS_OF = at("2025-07-31 12:00")
OFFICE = "health-north"  # the shared world's office of Health, where the records are


def online(record_id, submitted, completed=None, *, eligible=True, fee="90.00", **fields):
    return record("online", organization=OFFICE, service="DL", record_id=record_id,
                  submitted_at=at(submitted), completed_at=at(completed) if completed else None,
                  guarantee_eligible=eligible, fee_paid=Decimal(fee), **fields)


# Decision within 2 business days, guaranteed from 1 June 2025.
RECORDS = [
    online("R1", "2025-06-02 09:00", "2025-06-03 09:00"),  # 1 business day: met
    online("R2", "2025-06-02 09:00", "2025-06-09 09:00"),  # 5: breach, refund 45.00
    online("R3", "2025-06-10 09:00", fee="20.00"),  # never completed: breach, refund 10.00
    online("R4", "2025-06-02 09:00", "2025-06-09 09:00", eligible=False),  # not guaranteed
    online("R5", "2025-06-02 09:00", "2025-06-20 09:00",
           exclusion_reason="labour disruption"),  # excluded: neither
    online("R6", "2025-07-30 10:00"),  # open, not yet due as of 31 July: pending, neither
    online("R7", "2025-05-20 09:00", "2025-05-30 09:00"),  # before the guarantee: neither
    online("R8", "2025-07-02 09:00", "2025-07-03 09:00"),  # met
    online("R9", "2025-07-07 09:00", "2025-07-14 09:00", fee="30.00"),  # breach, refund 15.00
]


@pytest.fixture
def guaranteed(province_world, tmp_path, client):
    m1, o1 = province_world.health, province_world.health_office
    licence = factories.service(m1, code="DL")
    version = factories.published_standard(licence, code="DL-2DAYS", threshold=Decimal(2),
                                           name_en="Decision within 2 business days",
                                           name_fr="Décision en 2 jours ouvrables")
    guarantee_set(standard=version.standard, remedy_kind=RemedyKind.FEE_SHARE,
                  fee_share=Decimal("0.5"), approving_body="Treasury Board",
                  approved_on=dt.date(2025, 6, 1), approval_reference="TB-2025-1")
    root = write_dataset(tmp_path / "interactions", RECORDS)
    with override_settings(DATA_DIR=tmp_path):
        yield dict(standard=version.standard, m1=m1, o1=o1, root=root, client=client,
                   lead1=province_world.lead, lead2=province_world.transport_lead)


def test_breaches_refunds_and_refund_rate_per_month(guaranteed):
    report = guarantee_breaches(standard=guaranteed["standard"],
                                organizations=[guaranteed["m1"], guaranteed["o1"]],
                                period_kind="month", as_of=AS_OF)
    assert report.first_day == dt.date(2025, 6, 1) and report.last_day == dt.date(2025, 7, 31)
    assert [b.record_id for b in report.breaches] == ["R2", "R3", "R9"]
    assert [b.refund for b in report.breaches] == [Decimal("45.00"), Decimal("10.00"),
                                                   Decimal("15.00")]
    assert report.breaches[0].elapsed == 5 and report.breaches[1].stopped_at is None
    assert report.breaches[0].organization == OFFICE and report.breaches[0].period == "2025-06"
    june, july = report.periods
    assert (june.label, june.guaranteed, june.breaches, june.refunds) \
        == ("2025-06", 3, 2, Decimal("55.00"))
    assert june.refund_rate == pytest.approx(2 / 3)
    assert (july.label, july.guaranteed, july.breaches, july.refunds) \
        == ("2025-07", 2, 1, Decimal("15.00"))
    assert july.refund_rate == 0.5
    total = report.total
    assert (total.guaranteed, total.breaches, total.refunds) == (5, 3, Decimal("70.00"))
    assert total.refund_rate == 0.6


def test_a_fixed_refund_and_quarters(guaranteed):
    guarantee_set(standard=guaranteed["standard"], remedy_kind=RemedyKind.REFUND_AMOUNT,
                  refund_amount=Decimal("90.00"))
    standard = type(guaranteed["standard"]).objects.get(pk=guaranteed["standard"].pk)
    report = guarantee_breaches(standard=standard, organizations=[guaranteed["o1"]],
                                period_kind="quarter", as_of=AS_OF)
    (q2, q3) = report.periods
    assert (q2.label, q2.breaches, q2.refunds) == ("2025-Q2", 2, Decimal("180.00"))
    assert (q3.label, q3.breaches, q3.refunds) == ("2025-Q3", 1, Decimal("90.00"))


def test_report_without_guaranteed_transactions_has_no_rate():
    report = breach_report(refund_for=lambda fee: Decimal(5), period_kind="month",
                           first_day=dt.date(2025, 6, 1), last_day=dt.date(2025, 6, 30),
                           missed=[], eligible_by_day={(day_number(dt.date(2025, 6, 2)), PENDING): 4,
                                               (day_number(dt.date(2025, 6, 3)), EXCLUDED): 2})
    (june,) = report.periods
    assert (june.guaranteed, june.breaches, june.refunds, june.refund_rate) \
        == (0, 0, Decimal(0), None)
    assert report.total.refund_rate is None


def test_breach_report_counts_only_decided_records():
    day = day_number(dt.date(2025, 6, 2))
    row = dict(day=day, org_id=1, service="DL", channel="online", source="s", record_id="x",
               started_at=None, stopped_at=None, elapsed=7200, fee_paid=Decimal("10.00"))
    report = breach_report(refund_for=lambda fee: fee, period_kind="week",
                           first_day=dt.date(2025, 6, 1), last_day=dt.date(2025, 6, 30),
                           missed=[row], eligible_by_day={(day, MET): 3, (day, MISSED): 1},
                           organization_codes={1: "o1"}, unit_factor=3600)
    (week,) = report.periods
    assert (week.label, week.guaranteed, week.breaches, week.refunds) \
        == ("2025-W23", 4, 1, Decimal("10.00"))
    assert report.breaches[0].elapsed == 2.0 and report.breaches[0].organization == "o1"


def test_pages_and_finance_csv_are_scoped(guaranteed):
    client, pk = guaranteed["client"], guaranteed["standard"].pk
    client.force_login(guaranteed["lead1"])
    listing = client.get("/staff/compliance/guarantees/")
    assert f'href="/staff/compliance/guarantees/{pk}/"' in listing.content.decode()
    page = client.get(f"/staff/compliance/guarantees/{pk}/", {"period": "month"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "2025-06" in text and "$55.00" in text and "66.67%" in text
    response = client.get(f"/staff/compliance/guarantees/{pk}/breaches.csv")
    rows = list(csv.DictReader(io.StringIO(
        b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert list(rows[0]) == list(CSV_COLUMNS)
    # Today, R6 (open since 30 July 2025) has long missed its two days too.
    refunds = {r["record_id"]: r["refund"] for r in rows}
    assert refunds == {"R2": "45.00", "R3": "10.00", "R6": "45.00", "R9": "15.00"}

    client.force_login(guaranteed["lead2"])
    assert f"/guarantees/{pk}/" not in client.get("/staff/compliance/guarantees/").content.decode()
    assert client.get(f"/staff/compliance/guarantees/{pk}/").status_code == 404
    assert client.get(f"/staff/compliance/guarantees/{pk}/breaches.csv").status_code == 404
