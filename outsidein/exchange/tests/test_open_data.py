"""Open data: published fiscal-year results in the GC service-standard layout, small cells hidden."""

import csv
import datetime as dt
import io
import json

import pytest

from outsidein.accounts.models import GovernmentLevel, OrgKind
from outsidein.accounts.services import organization_create
from outsidein.compliance.models import ComplianceResult, PeriodKind, ResultSource
from outsidein.exchange.gc_standards.layout import COLUMNS
from outsidein.exchange.open_data import (
    MIN_CELL,
    open_data_csv,
    open_data_json,
    open_data_rows,
)
from tests import factories

pytestmark = pytest.mark.django_db

FY = dict(period_kind=PeriodKind.FISCAL_YEAR, period_start=dt.date(2025, 4, 1),
          period_end=dt.date(2026, 3, 31))


def office(parent, code):
    return organization_create(code=code, name_en=f"Office {code}", name_fr=f"Bureau {code}",
                               kind=OrgKind.OFFICE, parent=parent,
                               level_of_government=GovernmentLevel.PROVINCIAL)


def result(version, organization, service, **fields):
    values = dict(FY, source=ResultSource.ENGINE, target=0.8, channel="online")
    values.update(fields)
    return ComplianceResult.objects.create(version=version, organization=organization,
                                           service=service, **values)


@pytest.fixture
def published():
    transport = factories.ministry(factories.province(), "transport", "Ministry of Transportation",
                                   "Ministère des Transports")
    north, south = office(transport, "north"), office(transport, "south")
    licence = factories.service(transport, code="DL")
    decision = factories.published_standard(licence, code="DL-DECISION")
    # Two offices' cells add up to one row; the reported figure of the same year is not used.
    result(decision, north, licence, total=60, meeting=50)
    result(decision, south, licence, total=40, meeting=30)
    result(decision, transport, licence, total=999, meeting=1, source=ResultSource.REPORTED)
    # A small service: 7 records, suppressed.
    permit = factories.service(transport, code="VP", name_en="Vehicle permit",
                               name_fr="Certificat d'immatriculation")
    permit_std = factories.published_standard(permit, code="VP-MAIL")
    result(permit_std, transport, permit, total=7, meeting=7)
    # Not reported at all: blank, never zero.
    parking = factories.service(transport, code="PK", name_en="Accessible parking permit",
                                name_fr="Permis de stationnement accessible")
    parking_std = factories.published_standard(parking, code="PK-1")
    result(parking_std, transport, parking, total=None, meeting=None, target_met="NA",
           source=ResultSource.REPORTED)
    # Not public: never in open data.
    fleet = factories.service(transport, code="FLEET", name_en="Fleet", name_fr="Parc",
                              is_public=False)
    fleet_std = factories.published_standard(fleet, code="FLEET-1")
    result(fleet_std, transport, fleet, total=500, meeting=400)
    # A month is not a fiscal-year row.
    result(decision, north, licence, total=20, meeting=10, period_kind=PeriodKind.MONTH,
           period_start=dt.date(2025, 7, 1), period_end=dt.date(2025, 7, 31))
    return {"transport": transport, "licence": licence}


def by_standard(rows):
    return {row["service_standard_id"]: row for row in rows}


def test_header_is_the_gc_service_standard_layout(published, gc_files):
    with gc_files.ss.open(encoding="utf-8-sig", newline="") as handle:
        published_header = next(csv.reader(handle))
    ours = next(csv.reader(io.StringIO(open_data_csv())))
    assert ours == published_header == list(COLUMNS)
    assert json.loads(open_data_json())["fields"] == published_header


def test_cells_add_up_engine_preferred_over_reported(published):
    rows = by_standard(open_data_rows())
    row = rows["DL-DECISION"]
    assert (row["total_volume"], row["volume_meeting_target"], row["performance"]) \
        == ("100", "80", "0.8")
    assert row["target"] == "0.8" and row["target_met"] == "Y"
    assert row["fiscal_yr"] == "2025-2026" and row["service_id"] == "DL"
    assert row["owner_org"] == "transport"
    assert row["owner_org_title"] == "Ministry of Transportation | Ministère des Transports"
    assert row["channel"] == "ONL" and row["type"] == "TML"


def test_small_cells_are_suppressed_and_blank_stays_blank(published):
    rows = by_standard(open_data_rows())
    small = rows["VP-MAIL"]
    assert MIN_CELL == 10
    assert small["total_volume"] == small["volume_meeting_target"] == small["performance"] == ""
    assert small["target_met"] == "NA"
    assert "Fewer than 10" in small["comments_en"] and "Moins de 10" in small["comments_fr"]
    blank = rows["PK-1"]
    assert blank["total_volume"] == blank["performance"] == "" and blank["target_met"] == "NA"
    assert "Fewer than 10" not in blank["comments_en"]


def test_only_public_services_and_fiscal_years(published):
    rows = open_data_rows()
    assert sorted(r["service_standard_id"] for r in rows) == ["DL-DECISION", "PK-1", "VP-MAIL"]


def test_csv_and_json_download_in_both_languages(client, published):
    for lang in ("en", "fr"):
        response = client.get(f"/{lang}/open-data/service-standards.csv")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        text = response.content.decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text)))
        assert len(rows) == 3 and "FLEET-1" not in text
        # Our rows point at the service's public page in each language.
        licence = next(r for r in rows if r["service_standard_id"] == "DL-DECISION")
        slug = published["licence"].slug
        assert licence["performance_results_uri_en"] == f"http://testserver/en/services/{slug}/"
        assert licence["standards_targets_uri_fr"] == f"http://testserver/fr/services/{slug}/"
        data = client.get(f"/{lang}/open-data/service-standards.json").json()
        assert len(data["records"]) == 3
        assert data["suppression"]["min_records"] == 10
        page = client.get(f"/{lang}/open-data/")
        assert page.status_code == 200
        assert f'href="/{lang}/open-data/service-standards.csv"' in page.content.decode()
