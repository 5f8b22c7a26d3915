"""Staff import pages: who may see what, an upload run end to end, the reject report, undo,
saved mappings and their errors."""

import csv
import html
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from outsidein.common.models import AuditEntry
from outsidein.interactions.models import ImportStatus, InteractionImport, SourceMapping
from outsidein.interactions.selectors import interaction_store
from outsidein.interactions.services import (
    interactions_import_enqueue,
    interactions_import_run,
    source_mapping_create,
)

pytestmark = pytest.mark.django_db
IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
HEADER = "record_id,channel,organization,call_started,answered,rings,exclusion_reason\n"
ROWS = [
    "C1,telephone,health,2025-03-03 09:00:00,2025-03-03 09:00:12,2,",
    "C2,telephone,health,2025-03-03 09:01:00,2025-03-03 09:01:30,5,",
    "C3,telephone,health,2025-03-03 09:02:00,2025-03-03 09:02:06,1,labour disruption",
    "C4,telephone,health,2025-03-03 09:03:00,2025-03-03 08:00:00,1,",   # answered before the call
    "C5,telephone,transport,2025-03-03 09:04:00,2025-03-03 09:04:06,1,",   # not the lead's office
    "C6,telephone,health,2025-03-03 09:05:00,2025-03-03 09:05:06,three,",  # rings not a number
]


@pytest.fixture
def world(client, province_world):
    """The shared world (Health's lead, analyst and manager; Transportation's lead) and the
    test client the pages are asked through."""
    province_world.client = client
    return province_world


def csv_file(rows=ROWS, name="calls.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (HEADER + "\n".join(rows) + "\n").encode(), "text/csv")


def text_of(response) -> str:
    body = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def upload(client, django_capture_on_commit_callbacks, **fields):
    """POST the new-import form with the task backend running tasks at once."""
    data = {"file": csv_file(), "source": "acd-toronto", **fields}
    with override_settings(TASKS=IMMEDIATE_TASKS), \
            django_capture_on_commit_callbacks(execute=True):
        return client.post("/staff/imports/new/", data)


def finished_import(user, rows=ROWS, **fields) -> InteractionImport:
    record = interactions_import_enqueue(file=csv_file(rows), file_name="calls.csv",
                                         source="acd-toronto", by=user,
                                         organizations=["health"], **fields)
    interactions_import_run(import_id=record.pk)
    record.refresh_from_db()
    return record


# ---- who may see what -----------------------------------------------------------------------

PAGES = ["/staff/imports/", "/staff/imports/new/", "/staff/imports/mappings/",
         "/staff/imports/mappings/new/"]


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(world, url):
    response = world.client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("url", PAGES)
def test_a_role_that_may_not_import_gets_403(world, url):
    world.client.force_login(world.manager)
    assert world.client.get(url).status_code == 403


def test_someone_elses_import_does_not_exist(world):
    record = finished_import(world.lead)
    client = world.client
    client.force_login(world.transport_lead)
    for suffix in ("", "rejects.csv", "undo/"):
        assert client.get(f"/staff/imports/{record.pk}/{suffix}").status_code == 404, suffix
    assert client.post(f"/staff/imports/{record.pk}/undo/").status_code == 404
    assert InteractionImport.objects.get(pk=record.pk).status == ImportStatus.DONE
    assert f"/staff/imports/{record.pk}/" not in client.get("/staff/imports/").content.decode()
    # A role without the permission gets 403 before anything is looked up.
    client.force_login(world.manager)
    assert client.get(f"/staff/imports/{record.pk}/").status_code == 403


def test_the_staff_navigation_links_to_imports(world):
    world.client.force_login(world.analyst)
    body = world.client.get("/staff/").content.decode()
    assert 'href="/staff/imports/"' in body


# ---- an upload, end to end ------------------------------------------------------------------

def test_an_uploaded_csv_is_imported_and_its_counts_reconcile(world,
                                                              django_capture_on_commit_callbacks):
    client = world.client
    client.force_login(world.lead)
    form = client.get("/staff/imports/new/")
    assert form.status_code == 200 and 'enctype="multipart/form-data"' in form.content.decode()
    response = upload(client, django_capture_on_commit_callbacks)
    record = InteractionImport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/staff/imports/{record.pk}/"
    assert (record.status, record.by, record.organizations) == (
        ImportStatus.DONE, world.lead, ["health", "health-north"])  # the lead's scope
    assert (record.rows_read, record.stored, record.updated, record.rejected) == (6, 3, 0, 3)

    page = client.get(response["Location"])
    text = text_of(page)
    assert "Done" in text and "The counts reconcile." in text
    assert "Rows read = stored + updated + rejected: 6 = 3 + 0 + 3." in text
    assert "labour disruption 1" in text  # excluded, by reason
    assert '<progress id="import-progress" class="oi-progress" max="100" value="100">' in \
        page.content.decode()
    # Nothing to poll for once done: no script, no refresh link.
    assert "import-progress.js" not in page.content.decode() and "Refresh" not in text
    # The first rejects, each with its line, field and reason; the ministry outside the
    # lead's scope is refused like an unknown one.
    assert "answered_at" in text and "rings" in text and "three" in text
    assert re.search(r"<th scope=\"row\">6</th><td>organization</td><td>transport</td>",
                     page.content.decode())
    assert sorted(interaction_store().table(["record_id"])["record_id"].to_pylist()) == [
        "C1", "C2", "C3"]

    listing = text_of(client.get("/staff/imports/"))
    assert f"Import {record.pk} acd-toronto calls.csv Done 6 3 0 3 1" in listing


def test_the_reject_report_downloads_as_csv(world):
    record = finished_import(world.lead)
    client = world.client
    client.force_login(world.lead)
    response = client.get(f"/staff/imports/{record.pk}/rejects.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert 'filename="rejects-' in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == ["line", "field", "value", "reason"]
    assert {(r["line"], r["field"]) for r in rows} == {
        ("5", "answered_at"), ("6", "organization"), ("7", "rings")}
    # An import without rejects has no report.
    clean = finished_import(world.lead, rows=ROWS[:2])
    assert client.get(f"/staff/imports/{clean.pk}/rejects.csv").status_code == 404


def test_a_queued_import_shows_its_progress_and_offers_a_refresh(world):
    client = world.client
    client.force_login(world.analyst)
    record = interactions_import_enqueue(file=csv_file(), file_name="calls.csv", source="acd",
                                         by=world.analyst, organizations=["health"])
    InteractionImport.objects.filter(pk=record.pk).update(status=ImportStatus.RUNNING,
                                                          progress=0.42)
    page = client.get(f"/staff/imports/{record.pk}/")
    body = page.content.decode()
    assert 'value="42">42%</progress>' in body
    assert 'aria-live="polite"' in body and "Running" in text_of(page)
    assert f'href="/staff/imports/{record.pk}/" data-refresh' in body
    assert "/static/js/import-progress.js" in body
    assert f'data-poll-url="/api/interactions/imports/{record.pk}"' in body
    # The address the script polls answers the signed-in session.
    data = client.get(f"/api/interactions/imports/{record.pk}").json()
    assert (data["status"], data["progress"]) == ("running", 0.42)
    assert "Undo this import" not in body


# ---- the form's errors ----------------------------------------------------------------------

def test_an_unknown_file_type_and_a_missing_source_are_shown_by_their_fields(world):
    client = world.client
    client.force_login(world.lead)
    response = client.post("/staff/imports/new/", {
        "file": SimpleUploadedFile("calls.pdf", b"%PDF-1.4"), "source": ""})
    assert response.status_code == 200
    body = response.content.decode()
    assert "is not a file the importer reads" in text_of(response)
    assert 'id="id_file_error"' in body and 'aria-invalid="true"' in body
    assert 'id="id_source_error"' in body and "This field is required." in body
    assert not InteractionImport.objects.exists()


def test_a_file_over_the_size_limit_is_refused_with_the_limit(world, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 100
    client = world.client
    client.force_login(world.lead)
    response = client.post("/staff/imports/new/", {"file": csv_file(), "source": "acd"})
    text = text_of(response)
    assert "the largest file this page takes is 100 bytes" in text
    assert "at most 100 bytes" in text  # the hint says so before anyone tries
    assert not InteractionImport.objects.exists()


def test_form_errors_come_back_in_the_users_language(world):
    client = world.client
    client.force_login(world.lead)
    client.post("/i18n/setlang/", {"language": "fr", "next": "/staff/imports/new/"})
    response = client.post("/staff/imports/new/", {"source": "acd"})
    body = response.content.decode()
    assert '<html lang="fr">' in body
    assert "Ce champ est obligatoire." in body and "This field is required." not in body


def test_a_dry_run_stores_nothing_and_cannot_be_undone(world, django_capture_on_commit_callbacks):
    client = world.client
    client.force_login(world.lead)
    upload(client, django_capture_on_commit_callbacks, dry_run="on")
    record = InteractionImport.objects.get()
    assert (record.dry_run, record.status, record.stored) == (True, ImportStatus.DONE, 3)
    assert interaction_store().table(["record_id"]).num_rows == 0
    page = client.get(f"/staff/imports/{record.pk}/undo/")
    assert "it stored nothing, so there is nothing to undo" in text_of(page)
    assert "<form" not in page.content.decode().split("<main", 1)[1]


# ---- undo -----------------------------------------------------------------------------------

def test_undo_asks_first_then_takes_the_records_out(world):
    record = finished_import(world.lead)
    client = world.client
    client.force_login(world.lead)
    detail = client.get(f"/staff/imports/{record.pk}/")
    assert f'href="/staff/imports/{record.pk}/undo/"' in detail.content.decode()

    confirm = client.get(f"/staff/imports/{record.pk}/undo/")
    assert confirm.status_code == 200
    text = text_of(confirm)
    assert "take out the 3 new records it stored" in text
    assert "put back the earlier versions of the 0 records it updated" in text
    assert InteractionImport.objects.get(pk=record.pk).status == ImportStatus.DONE

    done = client.post(f"/staff/imports/{record.pk}/undo/", follow=True)
    assert done.redirect_chain[-1][0] == f"/staff/imports/{record.pk}/"
    assert f"Import {record.pk} is undone. Records taken out: 3; earlier versions put back: 0." \
        in text_of(done)
    record.refresh_from_db()
    assert record.status == ImportStatus.UNDONE and record.undone_at is not None
    assert interaction_store().table(["record_id"]).num_rows == 0
    entry = AuditEntry.objects.get(action="interactions.import_undo", object_id=str(record.pk))
    assert entry.actor == world.lead and entry.changes["removed"] == 3

    again = client.post(f"/staff/imports/{record.pk}/undo/", follow=True)
    assert "This import is already undone." in text_of(again)
    assert "Only a finished import" not in text_of(again)


def test_only_a_finished_import_can_be_undone(world):
    client = world.client
    client.force_login(world.lead)
    record = interactions_import_enqueue(file=csv_file(), file_name="calls.csv", source="acd",
                                         by=world.lead, organizations=["health"])
    page = client.get(f"/staff/imports/{record.pk}/undo/")
    assert "Only a finished import can be undone; this one is queued." in text_of(page)
    response = client.post(f"/staff/imports/{record.pk}/undo/", follow=True)
    assert "Only a finished import can be undone" in text_of(response)
    assert InteractionImport.objects.get(pk=record.pk).status == ImportStatus.QUEUED


# ---- saved mappings -------------------------------------------------------------------------

def test_a_mapping_is_created_listed_and_offered_on_the_import_form(world):
    client = world.client
    client.force_login(world.analyst)
    response = client.post("/staff/imports/mappings/new/", {
        "name": "acd-toronto", "organization": "health", "source": "acd",
        "description": "Toronto ACD export",
        "column_map": '{"Call ID": "record_id", "Answered": "answered_at"}',
        "constants": '{"organization": "health"}', "timestamp_format": "%d/%m/%Y %H:%M",
        "time_zone": "America/Toronto", "channel": "telephone"})
    assert response.status_code == 302 and response["Location"] == "/staff/imports/mappings/"
    mapping = SourceMapping.objects.get(name="acd-toronto")
    assert mapping.column_map == {"Call ID": "record_id", "Answered": "answered_at"}
    assert mapping.constants == {"organization": "health"}
    assert AuditEntry.objects.filter(action="source_mapping.create",
                                     actor=world.analyst).exists()
    listing = text_of(client.get("/staff/imports/mappings/"))
    assert "acd-toronto" in listing and "Toronto ACD export" in listing
    form = client.get("/staff/imports/new/").content.decode()
    assert f'<option value="{mapping.pk}">acd-toronto</option>' in form


def test_mapping_errors_show_next_to_their_fields(world):
    client = world.client
    client.force_login(world.lead)
    response = client.post("/staff/imports/mappings/new/", {
        "name": "bad", "source": "acd", "column_map": '{"Call ID": "nonsense"}',
        "constants": "{not json", "time_zone": "Mars/Olympus"})
    assert response.status_code == 200
    body = response.content.decode()

    def error_of(field):
        found = re.search(rf'id="id_{field}_error">(.*?)</div>', body, re.S)
        return re.sub(r"<[^>]+>", "", found.group(1)) if found else ""

    assert "Not a field: nonsense" in error_of("column_map")
    assert "Enter a valid JSON." in error_of("constants")
    assert "Not an IANA time zone" in error_of("time_zone")
    assert 'aria-describedby="id_column_map_helptext id_column_map_error"' in body
    assert not SourceMapping.objects.exists()


def test_editing_a_mapping_keeps_its_name_and_audits_the_change(world):
    mapping = source_mapping_create(name="acd-ottawa", source="acd",
                                    organization=world.lead.memberships.get().organization,
                                    column_map={"Call ID": "record_id"})
    client = world.client
    client.force_login(world.lead)
    page = client.get(f"/staff/imports/mappings/{mapping.pk}/edit/").content.decode()
    assert "Edit mapping acd-ottawa" in page and 'name="name"' not in page
    assert "{&quot;Call ID&quot;: &quot;record_id&quot;}" in page
    invalid = client.post(f"/staff/imports/mappings/{mapping.pk}/edit/", {
        "organization": "health", "source": "acd", "column_map": "[1, 2]",
        "time_zone": "America/Toronto"})
    assert "A mapping of file column names to field names." in text_of(invalid)
    response = client.post(f"/staff/imports/mappings/{mapping.pk}/edit/", {
        "organization": "health", "source": "acd",
        "column_map": '{"Call ID": "record_id", "Rings": "rings"}',
        "time_zone": "America/Toronto"})
    assert response.status_code == 302
    mapping.refresh_from_db()
    assert mapping.column_map == {"Call ID": "record_id", "Rings": "rings"}
    entry = AuditEntry.objects.get(action="source_mapping.update")
    assert entry.actor == world.lead
    assert entry.changes["column_map"][1] == {"Call ID": "record_id", "Rings": "rings"}


# ---- files refused at upload, with the encoding to choose -----------------------------------

def mixed_upload() -> SimpleUploadedFile:
    """UTF-8 rows from Québec, with line 3 saved by an older Windows program."""
    body = HEADER.encode()
    for line, row in enumerate(ROWS[:3], start=2):
        text = row + "Québec\n"
        body += text.encode("cp1252" if line == 3 else "utf-8")
    return SimpleUploadedFile("calls.csv", body, "text/csv")


def test_a_file_mixing_encodings_is_refused_on_the_page_and_then_read_as_chosen(
        world, django_capture_on_commit_callbacks):
    client = world.client
    client.force_login(world.lead)
    page = upload(client, django_capture_on_commit_callbacks, file=mixed_upload())
    text = html.unescape(text_of(page))
    assert page.status_code == 200
    assert ("Line 3 is not UTF-8 although the rest of the file is: choose the file's "
            "encoding.") in text
    assert '<option value="cp1252">Windows-1252 (Western European)</option>' in \
        page.content.decode()
    assert not InteractionImport.objects.exists()  # nothing queued, nothing stored

    page = upload(client, django_capture_on_commit_callbacks, file=mixed_upload(),
                  encoding="utf-8")
    record = InteractionImport.objects.get()
    assert page.status_code == 302 and record.encoding == "utf-8"
    assert (record.status, record.rows_read, record.stored, record.rejected) == (
        ImportStatus.DONE, 3, 2, 1)
    detail = html.unescape(text_of(client.get(page["Location"])))
    assert ("3 — C2,telephone,health,2025-03-03 09:01:00,2025-03-03 09:01:30,5,Qu\ufffdbec "
            "cannot be read as UTF-8 text, the encoding chosen for the file") in detail


def test_a_picture_named_csv_is_refused_in_french(world, django_capture_on_commit_callbacks):
    client = world.client
    client.force_login(world.lead)
    picture = SimpleUploadedFile("appels.csv", b"\x89PNG\r\n\x1a\n" + bytes(200), "text/csv")
    data = {"file": picture, "source": "acd-toronto"}
    page = client.post("/staff/imports/new/", data, HTTP_ACCEPT_LANGUAGE="fr")
    text = html.unescape(text_of(page))
    assert page.status_code == 200
    assert "Ce fichier semble être une image PNG, et non un fichier CSV." in text
    body = (HEADER + "C1,telephone,health,2025-03-03 09:00:00,,,Québec\n").encode()
    body += "".join(f"C{n},telephone,health,2025-03-03 09:00:00,,,Québec\n"
                    for n in (2, 3)).encode("cp1252")
    body += "C4,telephone,health,2025-03-03 09:00:00,,,Québec\n".encode()
    body += "C5,telephone,health,2025-03-03 09:00:00,,,Québec\n".encode()
    page = client.post("/staff/imports/new/", {
        "file": SimpleUploadedFile("appels.csv", body, "text/csv"), "source": "acd-toronto"},
        HTTP_ACCEPT_LANGUAGE="fr")
    assert ("Les lignes 3 et 4 ne sont pas en UTF-8, alors que le reste du fichier l'est : "
            "choisissez l'encodage du fichier.") in html.unescape(text_of(page))
    assert not InteractionImport.objects.exists()


def test_a_mapping_s_encoding_must_be_one_python_knows(world):
    client = world.client
    client.force_login(world.lead)
    page = client.post("/staff/imports/mappings/new/", {
        "name": "acd", "source": "acd-toronto", "time_zone": "America/Toronto",
        "column_map": "{}", "constants": "{}", "encoding": "klingon"})
    assert "is not an encoding, e.g. utf-8, cp1252 or iso-8859-1" in html.unescape(
        text_of(page))
    assert not SourceMapping.objects.exists()


def test_the_source_s_mapping_encoding_counts_at_upload(world, django_capture_on_commit_callbacks):
    source_mapping_create(name="acd-win", source="acd-toronto", encoding="cp1252",
                          organization=world.lead.memberships.get().organization)
    client = world.client
    client.force_login(world.lead)
    page = upload(client, django_capture_on_commit_callbacks, file=mixed_upload())
    assert page.status_code == 302  # the mapping chose Windows-1252: nothing to decide
    record = InteractionImport.objects.get()
    assert (record.status, record.stored, record.encoding) == (ImportStatus.DONE, 3, "")
