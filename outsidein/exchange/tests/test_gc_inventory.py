"""Import and export in the GC service-inventory layout, on the real 2023-24 file and crafted ones."""

import csv
import io
from pathlib import Path

import pytest
from django.db import IntegrityError

from outsidein.accounts.models import GovernmentLevel, Organization, OrgKind
from outsidein.common.models import AuditEntry
from outsidein.exchange.gc_inventory import (
    InventoryFileError,
    importer,
    inventory_export_gc,
    inventory_import_gc,
)
from outsidein.exchange.gc_inventory.columns import (
    channels_offered,
    client_types_served,
    program_names,
)
from outsidein.exchange.gc_inventory.layout import COLUMNS, OTHER_YEARS_KEY
from outsidein.exchange.gc_inventory.parser import InventoryReader, open_inventory
from outsidein.exchange.rows import organization_names
from outsidein.exchange.tests.support import crafted_csv, imported_for_the_module
from outsidein.standards.models import Service
from tests import factories


def _source_text(path: Path) -> str:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return stream.read()


def _rows_by_key(text: str) -> tuple[list[str], dict[tuple[str, str], dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    rows = {(row["service_id"], row["fiscal_yr"]): row for row in reader}
    return list(reader.fieldnames), rows


@pytest.fixture(scope="module")
def real_import(django_db_setup, django_db_blocker, gc_files):
    """The real file imported once for this module, rolled back when the module ends."""
    yield from imported_for_the_module(
        django_db_blocker, lambda: inventory_import_gc(path_or_file=gc_files.si))


# --- The real file -------------------------------------------------------------------------

@pytest.mark.django_db
def test_real_file_every_row_is_taken_and_counts_reconcile(real_import):
    assert real_import.rows_read == 1752
    assert (real_import.created, real_import.updated, real_import.unchanged) == (1752, 0, 0)
    assert real_import.rejects == () and real_import.rejected == 0
    assert real_import.reconciles
    # SRV02975 is reported for two fiscal years: one service, two rows.
    assert real_import.services_created == 1751
    assert Service.objects.filter(source="gc-si").count() == 1751
    assert real_import.organizations_created == 79 and real_import.root_created


@pytest.mark.django_db
def test_real_file_organizations_sit_under_the_government_of_canada(real_import):
    root = Organization.objects.get(code="gc")
    assert (root.name_en, root.kind, root.level_of_government) == (
        "Government of Canada", OrgKind.GOVERNMENT, GovernmentLevel.FEDERAL)
    owners = Organization.objects.filter(parent=root)
    assert owners.count() == 79
    health = owners.get(code="hc-sc")
    assert (health.name_en, health.name_fr, health.kind) == ("Health Canada", "Santé Canada",
                                                             OrgKind.MINISTRY)
    assert owners.get(code="cra-arc").kind == OrgKind.AGENCY
    assert set(owners.values_list("level_of_government", flat=True)) == {GovernmentLevel.FEDERAL}


@pytest.mark.django_db
def test_real_file_service_fields(real_import):
    library = Service.objects.get(organization__code="atssc-scdata", code="3595")
    assert library.name_en == "ATSSC Law Library Services"
    assert library.name_fr == "Services de Bibliothèque du SCDATA"
    assert library.has_fee is False
    assert library.program_en == "Information Management Services"
    assert library.program_fr == "Services de gestion de l'information"
    assert library.client_types == ["internal"]
    # Volumes: in person 10, phone 2, mail 1, e-mail 300, online 1; fax and other NA.
    assert library.channels == ["in_person", "telephone", "mail", "email", "online"]
    assert library.source == "gc-si"
    attributes = library.source_attributes
    assert attributes["fiscal_yr"] == "2023-2024"
    assert attributes["num_applications_by_email"] == "300"
    assert attributes["client_feedback_channel"] == "EML,ONL,PERSON,POST,TEL"
    # The program's quoted-list form is rebuilt from the field, so no copy of it is kept.
    assert "program_name_fr" not in attributes


@pytest.mark.django_db
def test_real_file_repeated_service_id_keeps_both_fiscal_years(real_import):
    policing = Service.objects.get(organization__code="rcmp-grc", code="SRV02975")
    assert policing.source_attributes["fiscal_yr"] == "2024-2025"
    earlier = policing.source_attributes[OTHER_YEARS_KEY]
    assert list(earlier) == ["2023-2024"]
    assert earlier["2023-2024"]["service_name_en"] == policing.name_en


@pytest.mark.django_db
def test_real_file_urls_only_when_usable(real_import):
    # "www.jobbank.gc.ca" gets a scheme; "N/A" and lists of several addresses give no URL.
    assert Service.objects.get(code="1293").url_en == "https://www.jobbank.gc.ca"
    assert Service.objects.get(code="2051").url_en == ""
    assert Service.objects.get(code="3733").url_en == ""
    assert Service.objects.get(code="3733").source_attributes["service_uri_en"].startswith(
        "https://irb-cisr.gc.ca/en/refugee-claims/")


@pytest.mark.django_db
def test_real_file_second_import_changes_nothing(real_import, gc_files):
    audit_before = AuditEntry.objects.count()
    report = inventory_import_gc(path_or_file=gc_files.si)
    assert (report.created, report.updated, report.unchanged, report.rejected) == (0, 0, 1752, 0)
    assert report.services_created == report.services_updated == 0
    assert report.organizations_created == report.organizations_updated == 0
    assert AuditEntry.objects.count() == audit_before


@pytest.mark.django_db
def test_real_file_export_reproduces_every_row(real_import, gc_files):
    out = io.StringIO()
    written = inventory_export_gc(file=out)
    assert written == 1752
    original_text = _source_text(gc_files.si)
    original_columns, original = _rows_by_key(original_text)
    columns, exported = _rows_by_key(out.getvalue())
    assert columns == original_columns == list(COLUMNS)
    assert exported == original
    # Same values, quoting and line ends: only the order of rows differs.
    assert sorted(out.getvalue().split("\r\n")) == sorted(original_text.split("\r\n"))


@pytest.mark.django_db
def test_real_file_export_then_import_changes_nothing(real_import, tmp_path):
    path = tmp_path / "export.csv"
    inventory_export_gc(file=path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    report = inventory_import_gc(path_or_file=path)
    assert (report.created, report.updated, report.unchanged, report.rejected) == (0, 0, 1752, 0)


@pytest.mark.django_db
def test_real_file_export_of_one_organization(real_import):
    out = io.StringIO()
    written = inventory_export_gc(file=out, organizations=[Organization.objects.get(
        code="rcmp-grc")])
    _, rows = _rows_by_key(out.getvalue())
    assert written == len(rows) == 68
    assert {row["owner_org"] for row in rows.values()} == {"rcmp-grc"}


# --- Crafted files -------------------------------------------------------------------------

def _row(**values: str) -> dict[str, str]:
    row = dict.fromkeys(COLUMNS, "")
    row.update(fiscal_yr="2023-2024", service_id="T1", service_name_en="Test permit",
               service_name_fr="Permis d'essai", service_description_en="A permit.",
               service_description_fr="Un permis.", service_type="APIR",
               service_recipient_type="CLIENT", service_scope="EXTERN",
               client_target_groups="ECONOM,PERSON", program_id="ZZZ01",
               program_name_en="'Testing'", program_name_fr="'Essais'", service_fee="N",
               os_application="Y", num_applications_by_phone="NA", num_phone_enquiries="ND",
               num_applications_online="12", num_applications_by_mail="0",
               num_applications_total="12", owner_org="test-agency",
               owner_org_title="Test Agency | Agence d'essai")
    row.update(values)
    return row


def _csv(rows: list[dict[str, str]], columns=COLUMNS) -> io.StringIO:
    return crafted_csv(rows, columns)


@pytest.mark.django_db
def test_bad_rows_are_rejected_with_line_field_and_reason_and_good_rows_stored():
    factories.province(code="pex")
    text = _csv([
        _row(service_id="T1", service_description_en="Two\r\nlines"),       # line 2-3
        _row(service_id=""),                                               # line 4
        _row(service_id="T3", service_fee="X"),                            # line 5
        _row(service_id="T4", owner_org="pex", owner_org_title="P | P"),   # line 6
        _row(service_id="T5", owner_org="new-org", owner_org_title=""),    # line 7
        _row(service_id="T1"),                                             # line 8
        _row(service_id="T7", fiscal_yr="2023"),                           # line 9
        _row(service_id="T8"),                                             # line 10
    ]).getvalue()
    lines = text.split("\r\n")
    lines[9] = ",".join(lines[9].split(",")[:5])  # the last row is cut short
    report = inventory_import_gc(path_or_file=io.StringIO("\r\n".join(lines)))

    found = {(r.line, r.field): r for r in report.rejects}
    assert set(found) == {(4, "service_id"), (5, "service_fee"), (6, "owner_org"),
                          (7, "owner_org_title"), (8, "service_id"), (9, "fiscal_yr"),
                          (10, "service_description_fr")}
    assert found[4, "service_id"].reason == "is empty"
    assert (found[5, "service_fee"].value, found[5, "service_fee"].reason) == ("X",
                                                                              "must be Y or N")
    assert "outside the Government of Canada" in found[6, "owner_org"].reason
    assert "English name | French name" in found[7, "owner_org_title"].reason
    assert found[8, "service_id"].reason.startswith("repeats line 2")
    assert "fiscal year" in found[9, "fiscal_yr"].reason
    assert "row ends" in found[10, "service_description_fr"].reason
    assert report.rows_read == 8 and report.created == 1 and report.rejected == 7
    assert report.reconciles
    stored = Service.objects.get(organization__code="test-agency", code="T1")
    assert stored.description_en == "Two\r\nlines"
    assert stored.channels == ["online"] and stored.client_types == ["individuals", "businesses"]
    assert not Service.objects.filter(code__in=["T3", "T4", "T5", "T7", "T8"]).exists()


@pytest.mark.django_db
def test_keys_with_odd_spacing_or_case_name_the_same_service():
    report = inventory_import_gc(path_or_file=_csv([
        _row(service_id=" T1 ", owner_org=" Test-Agency ", service_name_en=" Test permit "),
        _row(service_id="T1"),
    ]))
    assert report.created == 1 and report.rejects[0].reason.startswith("repeats line 2")
    service = Service.objects.get(organization__code="test-agency", code="T1")
    assert service.name_en == "Test permit"
    out = io.StringIO()
    inventory_export_gc(file=out, organizations=[service.organization])
    row = next(csv.DictReader(io.StringIO(out.getvalue())))
    # Service values come back as written; the organization's code as stored.
    assert (row["service_id"], row["service_name_en"], row["owner_org"]) == (
        " T1 ", " Test permit ", "test-agency")


@pytest.mark.django_db
def test_a_service_failing_model_validation_is_rejected_row_by_row(monkeypatch):
    from django.core.exceptions import ValidationError

    original = Service.clean

    def strict(service):
        if service.code == "T2":
            raise ValidationError({"name_en": "Not a name we accept."})
        original(service)

    monkeypatch.setattr(Service, "clean", strict)
    report = inventory_import_gc(path_or_file=_csv([
        _row(), _row(service_id="T2"), _row(service_id="T2", fiscal_yr="2022-2023")]))
    assert [(r.line, r.field, r.value, r.reason) for r in report.rejects] == [
        (3, "service_name_en", "Test permit", "Not a name we accept."),
        (4, "service_name_en", "Test permit", "Not a name we accept.")]
    assert (report.created, report.rejected) == (1, 2) and report.reconciles
    assert not Service.objects.filter(code="T2").exists()


@pytest.mark.django_db
def test_a_file_without_a_required_column_is_refused_whole():
    columns = [c for c in COLUMNS if c != "service_fee"]
    with pytest.raises(InventoryFileError, match="service_fee"):
        inventory_import_gc(path_or_file=_csv([_row()], columns=columns))
    assert not Organization.objects.filter(code="test-agency").exists()


@pytest.mark.django_db
def test_optional_columns_missing_or_extra_are_warned_about():
    columns = [c for c in COLUMNS if c != "sin_usage"] + ["internal_note"]
    row = _row(internal_note="keep me")
    report = inventory_import_gc(path_or_file=_csv([row], columns=columns))
    assert report.created == 1 and len(report.warnings) == 2
    service = Service.objects.get(code="T1", organization__code="test-agency")
    assert service.source_attributes["internal_note"] == "keep me"


@pytest.mark.django_db
def test_dry_run_counts_but_stores_nothing():
    report = inventory_import_gc(path_or_file=_csv([_row(), _row(service_id="T2")]),
                                 dry_run=True)
    assert report.dry_run and report.created == 2 and report.organizations_created == 1
    assert report.summary().startswith("Dry run, nothing stored.")
    assert not Organization.objects.filter(code="test-agency").exists()


@pytest.mark.django_db
def test_a_database_error_leaves_nothing_behind(monkeypatch):
    def broken(*args, **kwargs):
        raise IntegrityError("disk said no")

    organizations = Organization.objects.count()
    monkeypatch.setattr(importer, "services_import_write", broken)
    with pytest.raises(IntegrityError):
        inventory_import_gc(path_or_file=_csv([_row()]))
    assert Organization.objects.count() == organizations
    assert not Organization.objects.filter(code="test-agency").exists()


@pytest.mark.django_db
def test_a_changed_row_updates_the_service_and_is_audited():
    inventory_import_gc(path_or_file=_csv([_row(), _row(service_id="T2")]))
    report = inventory_import_gc(path_or_file=_csv([
        _row(service_name_en="Test permit (renamed)", service_fee="Y"), _row(service_id="T2")]))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    service = Service.objects.get(code="T1", organization__code="test-agency")
    assert service.name_en == "Test permit (renamed)" and service.has_fee
    entry = AuditEntry.objects.filter(action="service.update", object_id=str(service.pk)).get()
    assert entry.changes["name_en"] == ["Test permit", "Test permit (renamed)"]


@pytest.mark.django_db
def test_a_newer_fiscal_year_takes_over_and_the_older_is_kept():
    inventory_import_gc(path_or_file=_csv([_row()]))
    report = inventory_import_gc(path_or_file=_csv([
        _row(fiscal_yr="2024-2025", service_name_en="Test permit 2", num_applications_online="0",
             os_application="N", num_applications_by_mail="5")]))
    assert (report.created, report.updated, report.services_updated) == (1, 0, 1)
    service = Service.objects.get(code="T1", organization__code="test-agency")
    assert service.name_en == "Test permit 2" and service.channels == ["mail"]
    out = io.StringIO()
    inventory_export_gc(file=out, organizations=[service.organization])
    _, rows = _rows_by_key(out.getvalue())
    assert rows["T1", "2023-2024"]["service_name_en"] == "Test permit"
    assert rows["T1", "2024-2025"]["service_name_en"] == "Test permit 2"
    # The older file again: its row is found as kept, the newer fields stay.
    again = inventory_import_gc(path_or_file=_csv([_row()]))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert Service.objects.get(pk=service.pk).name_en == "Test permit 2"


@pytest.mark.django_db
def test_export_follows_an_edited_field_not_the_stored_original():
    inventory_import_gc(path_or_file=_csv([_row(service_uri_en="www.example.ca/permit")]))
    service = Service.objects.get(code="T1", organization__code="test-agency")
    out = io.StringIO()
    inventory_export_gc(file=out, organizations=[service.organization])
    assert _rows_by_key(out.getvalue())[1]["T1", "2023-2024"]["service_uri_en"] == (
        "www.example.ca/permit")
    Service.objects.filter(pk=service.pk).update(url_en="https://example.ca/new")
    out = io.StringIO()
    inventory_export_gc(file=out, organizations=[service.organization])
    assert _rows_by_key(out.getvalue())[1]["T1", "2023-2024"]["service_uri_en"] == (
        "https://example.ca/new")


@pytest.mark.django_db
def test_progress_is_reported_per_row():
    seen = []
    inventory_import_gc(path_or_file=_csv([_row(), _row(service_id="T2")]),
                        progress=seen.append)
    assert seen == [1, 1]


# --- Pure parts ----------------------------------------------------------------------------

def test_reader_gives_the_physical_line_where_each_row_starts_and_drops_the_bom():
    data = ("\ufeffservice_id,note\r\n1,\"a\r\nb\r\nc\"\r\n\r\n2,x\r\n").encode()
    with open_inventory(io.BytesIO(data)) as text:
        reader = InventoryReader(text)
        rows = list(reader)
    assert reader.columns == ["service_id", "note"]
    assert [(line, row["service_id"]) for line, row in rows] == [(2, "1"), (6, "2")]


def test_reader_refuses_text_that_is_not_utf8():
    data = "service_id,note\r\n1,caf\xe9\r\n".encode("latin-1")
    with pytest.raises(InventoryFileError, match="UTF-8"), open_inventory(io.BytesIO(data)) as t:
        list(InventoryReader(t))


def test_program_names_reads_the_publishers_quoted_list():
    assert program_names("'A', \"B's\"") == ["A", "B's"]
    assert program_names("'It\\'s'") == ["It's"]
    assert program_names("plain text") == ["plain text"]
    assert program_names("") == []


def test_channels_come_from_positive_volumes_and_online_flags():
    row = {"num_applications_by_phone": "ND", "num_phone_enquiries": "3",
           "num_applications_in_person": "0", "num_applications_by_fax": "NA",
           "os_issuance": "Y"}
    assert channels_offered(row) == ["telephone", "online"]
    assert channels_offered({}) == []


def test_client_types_map_where_a_type_exists():
    assert client_types_served({"client_target_groups": "FOR,NGO,PTC,PERSON"}) == [
        "individuals", "non_profits"]


def test_organization_names_need_both_languages():
    assert organization_names("Health Canada | Santé Canada") == ("Health Canada",
                                                                   "Santé Canada")
    assert organization_names("Health Canada") is None
    assert organization_names("A | B | C") is None
