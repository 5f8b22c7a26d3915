"""Every download is safe to open in a spreadsheet (decision 0010): formula-like values that came
in through an import or a form leave as text, never as a formula.

The world is built through the real services: records whose text fields hold formula payloads
are imported as a staff user would import them, measured by the compliance engine, and each
download is then requested as a user allowed to see it.
"""

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import override_settings

from outsidein.common.spreadsheet_safe import DANGEROUS_FIRST
from outsidein.compliance.models import ComplianceResult, PeriodKind
from outsidein.compliance.services import compliance_run
from outsidein.exchange.gc_standards.layout import COLUMNS as GC_COLUMNS
from outsidein.interactions.models import InteractionImport
from outsidein.interactions.services import interactions_import_enqueue, interactions_import_run
from outsidein.standards.services import guarantee_set
from outsidein.standards.vocabulary import RemedyKind
from tests import factories

pytestmark = pytest.mark.django_db
AS_OF = dt.datetime(2025, 12, 31, 12, tzinfo=dt.UTC)

# What OWASP's CSV-injection page and its readers use to test (a hyperlink that leaks the
# sheet, a DDE command, an @-function, arithmetic), and the same behind a tab or a return.
PAYLOADS = (
    '=HYPERLINK("http://x","y")',
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "+1+1",
    "-1+1",
    "\t=1+1",
    "\r=1+1",
)
HEADER = ["record_id", "channel", "organization", "service", "submitted", "completed",
          "guarantee_eligible", "fee_paid", "queue", "tier", "exclusion_reason"]


def _row(record_id, *, day=2, late=True, queue="counter", tier="regular", reason="",
         **changes) -> dict:
    done = "2025-06-16 09:00:00" if late else "2025-06-03 09:00:00"
    row = dict(record_id=record_id, channel="online", organization="health", service="DL",
               submitted=f"2025-06-{day:02d} 09:00:00", completed=done, guarantee_eligible="yes",
               fee_paid="90.00", queue=queue, tier=tier, exclusion_reason=reason)
    row.update(changes)
    return row


def _records_file() -> SimpleUploadedFile:
    """Late, guaranteed records (breaches) whose text fields are payloads, an excluded one, a
    few on time, and rows refused because a payload sits where a date, flag, amount or known
    organization belongs (rejects)."""
    rows = [_row(p, queue=p, tier=p) for p in PAYLOADS]
    rows.append(_row("X1", reason=PAYLOADS[0]))
    rows += [_row(f"ok{i}", late=False) for i in range(12)]
    rows += [_row("bad-date", submitted=PAYLOADS[3]),
             _row("bad-flag", guarantee_eligible=PAYLOADS[2]),
             _row("bad-fee", fee_paid=PAYLOADS[1]),
             _row("bad-org", organization=PAYLOADS[4]),
             _row("bad-fee-tab", fee_paid=PAYLOADS[5])]
    out = io.StringIO()
    writer = csv.DictWriter(out, HEADER)
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile("records.csv", out.getvalue().encode(), "text/csv")


@pytest.fixture
def world(province_world, tmp_path, client):
    """Health of the shared world offers a service named with payloads; its lead imported
    late, guaranteed records whose text fields are payloads, and results are computed."""
    health = province_world.health
    licence = factories.service(health, code="DL", name_en=PAYLOADS[0], name_fr=PAYLOADS[1])
    version = factories.published_standard(licence, code="DL-2DAYS", threshold=Decimal(2))
    guarantee_set(standard=version.standard, remedy_kind=RemedyKind.FEE_SHARE,
                  fee_share=Decimal("0.5"), approving_body="Treasury Board",
                  approved_on=dt.date(2025, 4, 1), approval_reference="TB-2025-1")
    lead = province_world.lead
    with override_settings(DATA_DIR=tmp_path):
        record = interactions_import_enqueue(file=_records_file(), file_name="records.csv",
                                             source="acd", by=lead, organizations=["health"])
        interactions_import_run(import_id=record.pk)
        compliance_run(as_of=AS_OF)
        client.force_login(lead)
        yield dict(client=client, lead=lead, version=version, health=health,
                   record=InteractionImport.objects.get(pk=record.pk), tmp_path=tmp_path)


def _cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def _body(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    content = (b"".join(response.streaming_content) if response.streaming
               else response.content)
    return content.decode("utf-8")


def _assert_safe(rows: list[list[str]], *, expected: tuple[str, ...] = PAYLOADS) -> None:
    """No cell starts a formula, and the payloads are all there, as text behind a quote."""
    dangerous = [cell for row in rows for cell in row if cell[:1] in DANGEROUS_FIRST
                 and not _is_number(cell)]
    assert dangerous == []
    cells = {cell for row in rows for cell in row}
    # Stored records are trimmed, so a tab- or return-led payload may arrive as "=1+1".
    missing = [p for p in expected if "'" + p not in cells and "'" + p.strip() not in cells]
    assert missing == [], sorted(cells)


def _is_number(cell: str) -> bool:
    return re.fullmatch(r"[+-]?[0-9]+(\.[0-9]+)?", cell) is not None


def _records_csv(world) -> list[list[str]]:
    result = ComplianceResult.objects.get(version=world["version"], organization=world["health"],
                                          channel="online", period_kind=PeriodKind.MONTH,
                                          period_start=dt.date(2025, 6, 1))
    return _cells(_body(world["client"].get(result.address.url("records_csv"))))


def _breaches_csv(world) -> list[list[str]]:
    standard = world["version"].standard
    return _cells(_body(world["client"].get(
        f"/staff/compliance/guarantees/{standard.pk}/breaches.csv", {"period": "month"})))


def _rejects_csv(world) -> list[list[str]]:
    return _cells(_body(world["client"].get(f"/staff/imports/{world['record'].pk}/rejects.csv")))


def _open_data_csv(world) -> list[list[str]]:
    world["client"].logout()  # a public file
    return _cells(_body(world["client"].get("/en/open-data/service-standards.csv")))


DOWNLOADS = {
    # download -> (its cells, the payloads it carries)
    "records": (_records_csv, PAYLOADS),
    "breaches": (_breaches_csv, PAYLOADS),
    "rejects": (_rejects_csv, PAYLOADS[1:6]),
    "open data": (_open_data_csv, PAYLOADS[:2]),
}


@pytest.mark.parametrize("name", DOWNLOADS)
def test_no_cell_of_a_download_starts_a_formula(world, name):
    cells, carried = DOWNLOADS[name]
    _assert_safe(cells(world), expected=carried)


def test_numbers_stay_numbers_in_a_download(world):
    breaches = _breaches_csv(world)
    header, rows = breaches[0], breaches[1:]
    refunds = [row[header.index("refund")] for row in rows]
    assert refunds and all(r == "45.00" for r in refunds)  # half the fee, no quote


def test_the_import_page_shows_a_refused_payload_as_text(world):
    """The page lists the report's first lines: the value is shown as the report holds it."""
    body = world["client"].get(f"/staff/imports/{world['record'].pk}/").content.decode()
    assert "&#x27;=cmd|&#x27; /C calc&#x27;!A0" in body


def test_the_standards_import_report_is_safe(world, tmp_path):
    """`standards import --report` writes a CSV for people: a refused row's values are text."""
    source = tmp_path / "ss.csv"
    with source.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, GC_COLUMNS)
        writer.writeheader()
        writer.writerow(dict.fromkeys(GC_COLUMNS, "") | {
            "fiscal_yr": PAYLOADS[1], "owner_org": "health", "service_id": PAYLOADS[0],
            "service_standard_id": PAYLOADS[2]})
    report = tmp_path / "report.csv"
    with pytest.raises(CommandError):
        call_command("standards", "import", str(source), "--format", "gc",
                     "--report", str(report), stdout=io.StringIO(), stderr=io.StringIO())
    rows = _cells(report.read_text(encoding="utf-8-sig"))
    assert len(rows) > 1
    _assert_safe(rows, expected=())


def test_the_open_data_page_says_why_some_cells_have_an_apostrophe(client):
    english = client.get("/en/open-data/").content.decode()
    french = client.get("/fr/open-data/").content.decode()
    assert "so that spreadsheets show it as text instead of running it as a formula" in english
    assert "pour que les tableurs l'affichent comme du texte" in french
