"""Service standards and reported results in the GC layout: the real 2023-24 file checked
against its own published figures, crafted files, round trips and the publisher's rule."""

import csv
import datetime as dt
import io
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
import pytest

from outsidein.accounts.models import Organization
from outsidein.analysis.proportions import wilson_interval
from outsidein.common.models import AuditEntry
from outsidein.compliance.models import (
    ComplianceResult,
    DataQualityFinding,
    PeriodKind,
    ResultSource,
)
from outsidein.exchange.gc_inventory import inventory_import_gc
from outsidein.exchange.gc_inventory.layout import COLUMNS as SI_COLUMNS
from outsidein.exchange.gc_standards import standards_export_gc, standards_import_gc
from outsidein.exchange.gc_standards.layout import COLUMNS
from outsidein.exchange.gc_standards.rules import (
    gc_target_met,
    performance_text,
    published_performance,
)
from outsidein.exchange.reading import GcFileError
from outsidein.exchange.tests.support import crafted_csv, imported_for_the_module
from outsidein.standards.models import Service, ServiceStandard, StandardVersion
from outsidein.standards.vocabulary import Channel, StandardType, Unit, VersionStatus
from tests import factories

FY_START, FY_END = dt.date(2023, 4, 1), dt.date(2024, 3, 31)


def _published_rows(path: Path) -> list[dict[str, str]]:
    """The real file read with the csv module alone (not our parser)."""
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream))


def _complete(row: dict[str, str]) -> bool:
    """Both volumes, a positive total and a target (0 is no target, as the publisher has it)."""
    return (row["volume_meeting_target"] != "" and row["total_volume"] != ""
            and int(row["total_volume"]) > 0 and row["target"] != ""
            and float(row["target"]) != 0)


def _key(row: dict[str, str]) -> tuple[str, str, str]:
    return row["owner_org"], row["service_id"], row["service_standard_id"]


@pytest.fixture(scope="module")
def real_import(django_db_setup, django_db_blocker, gc_files):
    """The real file imported once for this module, rolled back when the module ends."""
    yield from imported_for_the_module(
        django_db_blocker, lambda: standards_import_gc(path_or_file=gc_files.ss))


def _results_by_key() -> dict[tuple[str, str, str], ComplianceResult]:
    results = (ComplianceResult.objects.filter(source=ResultSource.REPORTED)
               .select_related("version__standard", "organization", "service"))
    return {(r.organization.code, r.service.code,
             r.version.source_attributes["service_standard_id"]): r for r in results}


# --- The rule ------------------------------------------------------------------------------

@pytest.mark.parametrize(("meeting", "total", "text"), [
    (643, 800, "0.8037"), (29, 32, "0.9062"), (6594000, 6720000, "0.9812"), (1, 1, "1.0"),
    (0, 5, "0.0"), (112, 204, "0.549"), (52, 33, "1.5758"), (None, 5, ""), (3, None, ""),
    (0, 0, ""),
])
def test_performance_is_written_as_the_publisher_writes_it(meeting, total, text):
    assert performance_text(meeting, total) == text


@pytest.mark.parametrize(("meeting", "total", "target", "met"), [
    (51811, 51813, "1", "Y"),  # 0.99996 rounds to 1.0
    (4195, 5244, "0.8", "Y"),  # 0.79996 rounds to 0.8
    (4194, 5244, "0.8", "N"),
    (998, 998, "0", "NA"),  # a target of 0 is no target
    (5, 10, None, "NA"), (None, 10, "0.8", "NA"), (0, 0, "0.8", "NA"),
])
def test_target_met_is_judged_on_the_rounded_performance(meeting, total, target, met):
    assert gc_target_met(meeting, total, None if target is None else Decimal(target)) == met
    if met != "NA":
        assert published_performance(meeting, total) is not None


# --- Crafted files (before the real file's module-wide import) --------------------------------

def _row(**values: str) -> dict[str, str]:
    row = dict.fromkeys(COLUMNS, "")
    row.update(fiscal_yr="2023-2024", service_id="T1", service_name_en="Test permit",
               service_name_fr="Permis d'essai", service_standard_id="S1",
               service_standard_en="Decide within 10 business days",
               service_standard_fr="Décision en 10 jours ouvrables", type="TML", channel="ONL",
               target="0.8", volume_meeting_target="8", total_volume="10", performance="0.8",
               target_met="Y", owner_org="test-agency",
               owner_org_title="Test Agency | Agence d'essai")
    row.update(values)
    return row


def _csv(rows: list[dict[str, str]], columns=COLUMNS) -> io.StringIO:
    return crafted_csv(rows, columns)


def _export(organization_code: str = "test-agency") -> list[dict[str, str]]:
    out = io.StringIO()
    standards_export_gc(file=out, organizations=[Organization.objects.get(
        code=organization_code)])
    return list(csv.DictReader(io.StringIO(out.getvalue())))


@pytest.mark.django_db
def test_bad_rows_are_rejected_with_line_field_and_reason_and_good_rows_stored():
    report = standards_import_gc(path_or_file=_csv([
        _row(),
        _row(service_standard_id="S2", type="FAST"),
        _row(service_standard_id="S3", channel="PIGEON", total_volume="-4"),
        _row(service_standard_id="S4", target="1.5"),
        _row(service_standard_id="S5", service_standard_fr=" "),
        _row(service_standard_id=""),
        _row(service_standard_id="S6", volume_meeting_target="ND"),
    ]))
    assert [(r.line, r.field, r.value) for r in report.rejects] == [
        (3, "type", "FAST"), (4, "channel", "PIGEON"), (4, "total_volume", "-4"),
        (5, "target", "1.5"), (6, "service_standard_fr", " "), (7, "service_standard_id", ""),
        (8, "volume_meeting_target", "ND")]
    assert "is not one of TML, ACS, ACY, OTH" in str(report.rejects[0])
    assert (report.created, report.rejected) == (1, 6) and report.reconciles
    assert list(ServiceStandard.objects.values_list("code", flat=True)) == ["S1"]


@pytest.mark.django_db
def test_a_repeated_key_is_rejected_and_ids_reused_across_services_are_kept():
    report = standards_import_gc(path_or_file=_csv([
        _row(), _row(target="0.9"), _row(service_id="T2", service_name_en="Other permit")]))
    assert [(r.line, r.reason) for r in report.rejects] == [
        (3, "repeats line 2 (same owner_org, service_id, service_standard_id and fiscal_yr)")]
    assert report.created == 2 and report.reconciles
    assert sorted(ServiceStandard.objects.values_list("code", "service__code")) == [
        ("S1", "T1"), ("S1@T2", "T2")]
    assert [f.code for f in report.findings] == ["reused_standard_id"]
    # The qualified code is found again: a second import changes nothing.
    again = standards_import_gc(path_or_file=_csv([
        _row(), _row(service_id="T2", service_name_en="Other permit")]))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert [row["service_standard_id"] for row in _export()] == ["S1", "S1"]


@pytest.mark.django_db
def test_keys_with_odd_spacing_or_case_name_the_same_standard_and_export_as_written():
    standards_import_gc(path_or_file=_csv([_row(
        service_id=" T1 ", service_standard_id=" S1 ", owner_org=" Test-Agency ", type="tml",
        target="0.80", service_standard_en=" Decide within 10 business days ")]))
    standard = ServiceStandard.objects.get(organization__code="test-agency")
    assert (standard.code, standard.service.code) == ("S1", "T1")
    version = standard.versions.get()
    assert (version.text_en, version.standard_type, version.target_share) == (
        "Decide within 10 business days", StandardType.TIMELINESS, Decimal("0.8"))
    row = _export()[0]
    assert (row["service_id"], row["service_standard_id"], row["type"], row["target"],
            row["service_standard_en"], row["owner_org"]) == (
        " T1 ", " S1 ", "tml", "0.80", " Decide within 10 business days ", "test-agency")
    again = standards_import_gc(path_or_file=_csv([_row()]))
    assert again.unchanged == 0 and again.updated == 1  # the same standard, now written plainly


@pytest.mark.django_db
def test_a_changed_row_corrects_its_year_and_its_findings():
    standards_import_gc(path_or_file=_csv([_row(total_volume="", performance="",
                                                target_met="NA")]))
    assert list(DataQualityFinding.objects.values_list("code", flat=True)) == ["missing_volume"]
    result = ComplianceResult.objects.get()
    assert (result.total, result.share, result.target_met) == (None, None, "NA")
    report = standards_import_gc(path_or_file=_csv([_row(target="0.9", performance="0.8",
                                                         target_met="N")]))
    assert (report.created, report.updated) == (0, 1)
    result.refresh_from_db()
    assert (result.total, result.meeting, result.share, result.target_met) == (10, 8, 0.8, "N")
    version = StandardVersion.objects.get()
    assert (version.number, version.target_share) == (1, Decimal("0.9"))
    assert not DataQualityFinding.objects.exists()
    assert AuditEntry.objects.filter(action="standard.revise").count() == 1


@pytest.mark.django_db
def test_an_inventory_imported_later_completes_the_minimal_service():
    standards_import_gc(path_or_file=_csv([_row()]))
    minimal = Service.objects.get(organization__code="test-agency", code="T1")
    assert (minimal.source, minimal.name_en, minimal.channels) == (
        "gc-ss", "Test permit", [Channel.ONLINE])
    row = dict.fromkeys(SI_COLUMNS, "")
    row.update(fiscal_yr="2023-2024", service_id="T1", service_name_en="Test permit (new)",
               service_name_fr="Permis d'essai", service_fee="N", owner_org="test-agency",
               owner_org_title="Test Agency | Agence d'essai")
    report = inventory_import_gc(path_or_file=_csv([row], SI_COLUMNS))
    assert (report.updated, report.services_created) == (1, 0)
    minimal.refresh_from_db()
    assert (minimal.source, minimal.name_en) == ("gc-si", "Test permit (new)")
    assert minimal.standards.get().code == "S1"
    # The standards row still exports with the service name it was published with.
    assert _export()[0]["service_name_en"] == "Test permit"
    again = standards_import_gc(path_or_file=_csv([_row()]))
    assert (again.unchanged, again.services_created) == (1, 0)


@pytest.mark.django_db
def test_published_figures_that_contradict_the_volumes_are_findings():
    report = standards_import_gc(path_or_file=_csv([_row(performance="0.75", target_met="N")]))
    assert report.rejected == 0 and report.complete_rows == 1
    assert report.complete_rows_matching == 0
    assert sorted(report.findings_by_code) == ["published_performance_mismatch",
                                                "published_target_met_mismatch"]
    row = _export()[0]
    assert (row["performance"], row["target_met"]) == ("0.8", "Y")  # ours, not the file's


@pytest.mark.django_db
def test_a_newer_fiscal_year_reuses_the_version_or_supersedes_it():
    standards_import_gc(path_or_file=_csv([_row(), _row(service_standard_id="S2")]))
    report = standards_import_gc(path_or_file=_csv([
        _row(fiscal_yr="2024-2025", volume_meeting_target="9", performance="0.9"),
        _row(fiscal_yr="2024-2025", service_standard_id="S2",
             service_standard_en="Decide within 8 business days")]))
    assert (report.created, report.updated, report.versions_created) == (2, 0, 1)
    s1 = ServiceStandard.objects.get(code="S1")
    assert s1.versions.count() == 1 and s1.versions.get().results.count() == 2
    old, new = StandardVersion.objects.filter(standard__code="S2").order_by("number")
    assert (old.status, old.effective_to) == (VersionStatus.SUPERSEDED, dt.date(2025, 3, 31) -
                                              dt.timedelta(days=365))
    assert (new.number, new.status, new.effective_from) == (
        2, VersionStatus.PUBLISHED, dt.date(2024, 4, 1))
    assert [(r["fiscal_yr"], r["service_standard_id"]) for r in _export()] == [
        ("2023-2024", "S1"), ("2023-2024", "S2"), ("2024-2025", "S1"), ("2024-2025", "S2")]
    older = standards_import_gc(path_or_file=_csv([_row(
        fiscal_yr="2022-2023", service_standard_id="S2", service_standard_en="Other words")]))
    assert older.rejected == 1 and "oldest first" in older.rejects[0].reason


@pytest.mark.django_db
def test_one_file_with_several_years_of_a_standard():
    report = standards_import_gc(path_or_file=_csv([
        _row(fiscal_yr="2024-2025", service_standard_en="Decide within 8 business days"),
        _row(), _row(service_standard_id="S2"),
        _row(service_standard_id="S2", fiscal_yr="2024-2025")]))
    assert (report.created, report.rejected, report.versions_created) == (4, 0, 3)
    old, new = StandardVersion.objects.filter(standard__code="S1").order_by("number")
    assert (old.effective_from, old.effective_to, old.status) == (
        FY_START, FY_END, VersionStatus.SUPERSEDED)
    assert (new.effective_from, new.status, new.text_en) == (
        dt.date(2024, 4, 1), VersionStatus.PUBLISHED, "Decide within 8 business days")
    assert StandardVersion.objects.get(standard__code="S2").results.count() == 2
    again = standards_import_gc(path_or_file=_csv([_row(), _row(fiscal_yr="2024-2025",
                                                   service_standard_en="Decide within 8 "
                                                                       "business days")]))
    assert (again.unchanged, again.created, again.updated) == (2, 0, 0)


@pytest.mark.django_db
def test_dry_run_counts_but_stores_nothing():
    report = standards_import_gc(path_or_file=_csv([
        _row(), _row(service_standard_id="S2", total_volume="0", volume_meeting_target="0")]),
        dry_run=True)
    assert report.dry_run and report.created == 2 and "zero_volume" in report.findings_by_code
    assert report.summary().startswith("Dry run, nothing stored.")
    assert not Organization.objects.filter(code="test-agency").exists()
    assert not DataQualityFinding.objects.exists()


@pytest.mark.django_db
def test_a_file_without_a_required_column_is_refused_whole():
    columns = [c for c in COLUMNS if c != "channel"]
    with pytest.raises(GcFileError, match="channel; is this the GC service-standards layout"):
        standards_import_gc(path_or_file=_csv([_row()], columns=columns))
    assert not Organization.objects.filter(code="test-agency").exists()


@pytest.mark.django_db
def test_an_organization_outside_the_government_of_canada_is_refused():
    factories.province(code="test-agency")
    report = standards_import_gc(path_or_file=_csv([_row()]))
    assert report.rejected == 1 and "outside the Government of Canada" in report.rejects[0].reason
    assert report.reconciles


@pytest.mark.django_db
def test_engine_results_export_in_the_same_layout():
    province = factories.province()
    service = factories.service(factories.ministry(province, "mot"), code="S9")
    version = factories.published_standard(service, code="DL-15")
    ComplianceResult.objects.create(
        version=version, organization=service.organization, service=service,
        channel=Channel.ONLINE, period_kind=PeriodKind.FISCAL_YEAR,
        period_start=dt.date(2025, 4, 1), period_end=dt.date(2026, 3, 31), total=21, meeting=7,
        share=7 / 21, target=0.8, target_met="N")
    out = io.StringIO()
    assert standards_export_gc(file=out, organizations=[province]) == 1
    row = next(csv.DictReader(io.StringIO(out.getvalue())))
    assert {k: row[k] for k in ("fiscal_yr", "service_id", "service_standard_id", "type",
                                "channel", "target", "volume_meeting_target", "total_volume",
                                "performance", "target_met", "owner_org")} == {
        "fiscal_yr": "2025-2026", "service_id": "S9", "service_standard_id": "DL-15",
        "type": "TML", "channel": "ONL", "target": "0.8", "volume_meeting_target": "7",
        "total_volume": "21", "performance": "0.3333", "target_met": "N", "owner_org": "mot"}
    assert row["service_name_en"] == service.name_en


@pytest.mark.django_db
def test_standards_attach_to_the_inventorys_services(gc_files):

    def only(path: Path, columns) -> io.StringIO:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            rows = [r for r in csv.DictReader(stream) if r["owner_org"] == "aafc-aac"]
        return _csv(rows, columns)

    inventory_import_gc(path_or_file=only(gc_files.si, SI_COLUMNS))
    services = Service.objects.filter(organization__code="aafc-aac").count()
    report = standards_import_gc(path_or_file=only(gc_files.ss, COLUMNS))
    assert report.created == report.rows_read > 0 and report.services_created == 0
    assert Service.objects.filter(organization__code="aafc-aac").count() == services
    assert not ServiceStandard.objects.filter(service__source="gc-ss").exists()
    contact = Service.objects.get(organization__code="aafc-aac", code="2224")
    assert contact.source == "gc-si" and contact.standards.get().code == "3261"


# --- The real file (imported once, for the rest of the module) --------------------------------

@pytest.mark.django_db
def test_real_file_every_row_is_kept_and_counts_reconcile(real_import):
    report = real_import
    assert report.rows_read == 2343
    assert (report.created, report.updated, report.unchanged, report.rejected) == (2343, 0, 0, 0)
    assert report.reconciles and report.rejects == ()
    assert report.standards_created == report.versions_created == 2343
    assert report.organizations_created == 62 and report.root_created
    # Without the inventory, each service gets a minimal record (1,001 distinct services).
    assert report.services_created == 1001
    assert ServiceStandard.objects.filter(organization__parent__code="gc").count() == 2343
    assert ComplianceResult.objects.filter(source=ResultSource.REPORTED).count() == 2343


@pytest.mark.django_db
def test_real_file_recomputed_performance_and_target_met_equal_the_published_on_every_complete_row(
        real_import, gc_files):
    results = _results_by_key()
    complete = [row for row in _published_rows(gc_files.ss) if _complete(row)]
    checked = 0
    for row in complete:
        result = results[_key(row)]
        assert result.total == int(row["total_volume"])
        assert result.meeting == int(row["volume_meeting_target"])
        assert repr(round(result.share, 4)) == row["performance"], row
        assert result.target_met == row["target_met"], row
        checked += 1
    print(f"\nrecomputed == published on {checked:,} complete rows")
    assert checked == len(complete) == 1783
    assert real_import.complete_rows == real_import.complete_rows_matching == 1783


@pytest.mark.django_db
def test_real_file_every_row_equals_the_published_figures_including_blanks(real_import, gc_files):
    results = _results_by_key()
    rows = _published_rows(gc_files.ss)
    assert len(results) == len(rows)
    for row in rows:
        result = results[_key(row)]
        assert performance_text(result.meeting, result.total) == row["performance"], row
        assert result.target_met == row["target_met"], row


def test_the_publishers_rounding_is_pythons_round_on_the_double_and_target_met_uses_it(gc_files):
    """Why the rule is what it is: each plausible alternative misses published rows."""
    rows = [r for r in _published_rows(gc_files.ss) if r["performance"] != ""]
    assert len(rows) == 1815

    def misses(rounding) -> list[str]:
        return [r["performance"] for r in rows if Decimal(r["performance"]) != rounding(
            int(r["volume_meeting_target"]), int(r["total_volume"]))]

    quantum = Decimal("0.0001")
    assert misses(lambda m, t: Decimal(repr(round(m / t, 4)))) == []
    assert len(misses(lambda m, t: (Decimal(m) / Decimal(t)).quantize(
        quantum, ROUND_HALF_UP))) == 4  # 29/32, 290/320, 6594000/6720000, 643/800
    assert misses(lambda m, t: (Decimal(m) / Decimal(t)).quantize(
        quantum, ROUND_HALF_EVEN)) == ["0.8037"]  # 643/800 = 0.80375, below it as a double
    assert misses(lambda m, t: Decimal(repr(float(np.round(m / t, 4))))) == ["0.8037"]

    complete = [r for r in rows if _complete(r)]
    assert len(complete) == 1783

    def met(share: float, target: float) -> str:
        return "Y" if share >= target else "N"

    on_unrounded = [r for r in complete if met(
        int(r["volume_meeting_target"]) / int(r["total_volume"]), float(r["target"]))
        != r["target_met"]]
    assert len(on_unrounded) == 6  # e.g. 4195/5244 = 0.79996 meets 0.8 once rounded
    assert all(gc_target_met(int(r["volume_meeting_target"]), int(r["total_volume"]),
                             Decimal(r["target"])) == r["target_met"] for r in complete)
    zero_targets = [r for r in rows if r["target"] == "0"]
    assert zero_targets and {r["target_met"] for r in zero_targets} == {"NA"}


@pytest.mark.django_db
def test_real_file_data_quality_findings_are_reported_and_stored_not_zeros(real_import, gc_files):
    by_code = real_import.findings_by_code
    assert by_code == {"zero_volume": 286, "missing_volume": 189, "missing_meeting_volume": 54,
                       "zero_target": 43, "reused_standard_id": 6,
                       "performance_above_one": 6, "placeholder_standard_id": 3}
    stored = DataQualityFinding.objects.filter(source="gc-ss-2024")
    assert stored.count() == len(real_import.findings) == 587
    assert {code: stored.filter(code=code).count() for code in by_code} == by_code
    # Five of the six rows above 1 have a target, so are among the complete rows checked.
    above = {(f.line, f.record_key) for f in real_import.findings
             if f.code == "performance_above_one"}
    rows = {"/".join(_key(row)): row for row in _published_rows(gc_files.ss)}
    assert sum(1 for _, key in above if _complete(rows[key])) == 5
    missing = ComplianceResult.objects.filter(source=ResultSource.REPORTED, total__isnull=True)
    assert missing.count() == 189
    assert set(missing.values_list("target_met", flat=True)) == {"NA"}
    assert not missing.filter(share__isnull=False).exists()
    zero = ComplianceResult.objects.filter(source=ResultSource.REPORTED, total=0)
    assert zero.count() == 286 and not zero.filter(share__isnull=False).exists()
    assert ComplianceResult.objects.filter(meeting__isnull=True).count() == 241
    blank = next(key for key, row in rows.items() if row["total_volume"] == "")
    finding = stored.get(code="missing_volume", record_key=blank)
    assert "blank (not reported)" in finding.message


@pytest.mark.django_db
def test_real_file_keys_ids_reused_across_services_and_placeholders(real_import):
    esdc = ServiceStandard.objects.filter(organization__code="esdc-edsc", code__startswith="1104")
    assert sorted((s.code, s.service.code) for s in esdc) == [("1104", "7"), ("1104@1001", "1001")]
    finding = DataQualityFinding.objects.get(code="reused_standard_id",
                                             record_key="esdc-edsc/1001/1104")
    assert "same volumes are reported on both rows" in finding.message
    # The same id in two organizations is two standards, each under its own organization.
    assert ServiceStandard.objects.filter(code="2250").count() == 2
    placeholders = ServiceStandard.objects.filter(
        code__in=["NA", "No service standard ID", "Not Available"])
    assert placeholders.count() == 3


@pytest.mark.django_db
def test_real_file_versions_are_published_for_the_fiscal_year_with_gc_columns_kept(real_import):
    version = StandardVersion.objects.get(standard__organization__code="aafc-aac",
                                          standard__code="3261")
    assert (version.status, version.number, version.effective_from) == (
        VersionStatus.PUBLISHED, 1, FY_START)
    assert (version.standard_type, version.channel, version.unit, version.target_share) == (
        StandardType.TIMELINESS, Channel.TELEPHONE, Unit.NONE, Decimal("0.9"))
    assert version.text_en == "Answer calls received within 60 seconds"
    assert (version.clock_start, version.clock_stop, version.threshold) == ("", "", None)
    assert version.source_attributes["standards_targets_uri_en"].startswith("https://")
    version.full_clean()  # timeliness with unit "none" needs no clock
    result = version.results.get()
    assert (result.period_kind, result.period_start, result.period_end, result.source) == (
        PeriodKind.FISCAL_YEAR, FY_START, FY_END, ResultSource.REPORTED)
    assert (result.meeting, result.total, result.target, result.target_met) == (
        31283, 31689, 0.9, "Y")
    interval = wilson_interval(31283, 31689)
    assert (result.ci_low, result.ci_high) == (interval.low, interval.high)
    assert set(StandardVersion.objects.values_list("channel", flat=True)) == set(Channel.values) - {
        Channel.KIOSK}
    # Above 1 there is no interval to give.
    above = ComplianceResult.objects.get(meeting=52, total=33)
    assert above.share > 1 and above.ci_low is None and above.target_met == "Y"


@pytest.mark.django_db
def test_real_file_second_import_changes_nothing(real_import, gc_files):
    audits, findings = AuditEntry.objects.count(), list(
        DataQualityFinding.objects.values_list("pk", "line", "message"))
    stamps = dict(ComplianceResult.objects.values_list("pk", "computed_at"))
    again = standards_import_gc(path_or_file=gc_files.ss)
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 2343, 0)
    assert (again.standards_created, again.services_created, again.organizations_created) == (
        0, 0, 0)
    assert AuditEntry.objects.count() == audits
    assert list(DataQualityFinding.objects.values_list("pk", "line", "message")) == findings
    assert dict(ComplianceResult.objects.values_list("pk", "computed_at")) == stamps


@pytest.mark.django_db
def test_real_file_export_reproduces_the_file_byte_for_byte_and_value_for_value(
        real_import, gc_files):
    out = io.StringIO()
    written = standards_export_gc(file=out)
    assert written == 2343
    original = gc_files.ss.read_bytes()
    assert ("\ufeff" + out.getvalue()).encode() == original
    exported = {_key(row): row for row in csv.DictReader(io.StringIO(out.getvalue()))}
    for row in _published_rows(gc_files.ss):
        assert exported[_key(row)] == row


@pytest.mark.django_db
def test_real_file_export_then_import_changes_nothing(real_import, tmp_path):
    path = tmp_path / "ss.csv"
    standards_export_gc(file=path)
    assert path.read_bytes()[:3] == b"\xef\xbb\xbf"
    again = standards_import_gc(path_or_file=path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2343)


@pytest.mark.django_db
def test_real_file_export_of_one_organization(real_import):
    out = io.StringIO()
    written = standards_export_gc(file=out, organizations=[
        Organization.objects.get(code="esdc-edsc")])
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert written == len(rows) > 0 and {row["owner_org"] for row in rows} == {"esdc-edsc"}
