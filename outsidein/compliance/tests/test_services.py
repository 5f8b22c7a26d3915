"""compliance_run: plans from the database, results stored with fingerprints, skips, scheduling."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

from outsidein.calendars.services import closure_add
from outsidein.cli import main
from outsidein.compliance.models import ComplianceResult, RuleOptions
from outsidein.compliance.services import compliance_run, compliance_schedule_recompute
from outsidein.compliance.tests.recordsets import at, record, write_dataset
from outsidein.standards.services import standard_publish, standard_revise
from outsidein.standards.vocabulary import StandardType
from tests import factories

pytestmark = pytest.mark.django_db
AS_OF = dt.datetime(2025, 12, 31, 12, tzinfo=dt.UTC)


# The shared world's offices: two of Health's (ours) and Transportation's (the other ministry's).
O1, O1B, O2 = "health-north", "health-south", "transport-south"


@pytest.fixture
def tree(province_world):
    """Health (m1) with its office and a second one, and Transportation (m2) with its office."""
    return {"m1": province_world.health, "m2": province_world.transport,
            "o1": province_world.health_office,
            "o1b": factories.office(province_world.health, O1B),
            "o2": province_world.transport_office}


def results(**filters):
    return ComplianceResult.objects.filter(source="engine", **filters)


def test_results_cover_the_standards_subtree_with_services_and_fingerprints(tree, tmp_path):
    version = factories.common_mail_standard(tree["m1"])
    svc = factories.service(tree["m1"], code="S1")
    t, done = at("2025-06-02 09:00"), at("2025-06-04 09:00")
    root = write_dataset(tmp_path, [
        record(organization=O1, service="S1", received_at=t, responded_at=done),
        record(organization=O1, service="S1", received_at=t, responded_at=at("2025-07-30 09:00")),
        record(organization=O1, service="ZZ", received_at=t, responded_at=done),  # not in inventory
        record(organization=O2, service="S1", received_at=t, responded_at=done),  # other ministry
        record("fax", organization=O1B, received_at=t, exclusion_reason="labour disruption"),
    ])
    report = compliance_run(dataset=root, as_of=AS_OF)
    assert report.computed == ["CSS-MAIL-RESPONSE v1"] and report.records == 4
    year = results(version=version, period_kind="fiscal_year")
    found = sorted((r.organization.code, r.service_id or 0, r.channel, r.total, r.meeting) for r in year)
    assert found == [(O1, 0, "mail", 1, 1), (O1, svc.pk, "mail", 2, 1), (O1B, 0, "fax", 0, 0)]
    s1 = year.get(service=svc)
    assert (s1.share, s1.target, s1.target_met, s1.elapsed_unit) == (0.5, 0.8, "N", "business_days")
    assert s1.fingerprint and s1.as_of == AS_OF and s1.period_start == dt.date(2025, 4, 1)
    fax = year.get(channel="fax")
    assert (fax.share, fax.target_met, fax.excluded) == (None, "NA", {"labour disruption": 1})
    assert not results(organization=tree["o2"]).exists()
    assert set(results().values_list("period_kind", flat=True)) == {
        "day", "week", "month", "quarter", "fiscal_year"}


def test_unchanged_inputs_are_skipped_and_changes_recompute(tree, tmp_path):
    factories.common_mail_standard(tree["m1"])
    t = at("2025-06-02 09:00")
    root = write_dataset(tmp_path, [record(organization=O1, received_at=t,
                                           responded_at=at("2025-06-03 09:00"))])
    compliance_run(dataset=root, as_of=AS_OF)
    ids = set(results().values_list("id", flat=True))
    again = compliance_run(dataset=root, as_of=AS_OF + dt.timedelta(hours=6))
    assert again.computed == [] and again.unchanged == ["CSS-MAIL-RESPONSE v1"]
    assert set(results().values_list("id", flat=True)) == ids
    forced = compliance_run(dataset=root, as_of=AS_OF + dt.timedelta(hours=1), force=True)
    assert forced.computed == ["CSS-MAIL-RESPONSE v1"] and (forced.results, forced.written) == (5, 0)
    assert set(results().values_list("id", flat=True)) == ids  # same figures: rows kept
    assert set(results().values_list("as_of", flat=True)) == {AS_OF + dt.timedelta(hours=1)}
    write_dataset(tmp_path, [record(organization=O1, received_at=t)])  # a new file
    changed = compliance_run(dataset=root, as_of=AS_OF)
    assert changed.computed == ["CSS-MAIL-RESPONSE v1"]
    assert results(period_kind="fiscal_year").get().total == 2  # the open one is late by now


def test_pending_records_are_recomputed_as_time_passes(tree, tmp_path):
    factories.common_mail_standard(tree["m1"])
    root = write_dataset(tmp_path, [record(organization=O1, received_at=at("2025-06-02 09:00"))])
    compliance_run(dataset=root, as_of=at("2025-06-05 12:00"))
    assert results(period_kind="day").get().pending == 1
    later = compliance_run(dataset=root, as_of=at("2025-07-05 12:00"))
    assert later.computed == ["CSS-MAIL-RESPONSE v1"] and later.written == 5  # every period changed
    day = results(period_kind="day").get()
    assert (day.pending, day.total, day.meeting) == (0, 1, 0)


def test_each_office_is_measured_on_its_nearest_calendar(tree, tmp_path):
    factories.common_mail_standard(tree["m1"])
    own = factories.calendar(tree["o1"], "Office o1")
    closure_add(calendar=own, on=dt.date(2025, 6, 3), name_en="Flood", name_fr="Inondation")
    rows = [record(organization=code, received_at=at("2025-06-02 09:00"),
                   responded_at=at("2025-06-05 09:00")) for code in (O1, O1B)]
    compliance_run(dataset=write_dataset(tmp_path, rows), as_of=AS_OF)
    medians = dict(results(period_kind="day").values_list("organization__code", "median_elapsed"))
    # 2 June -> 5 June: 2, 3, 4 June = 3 business days; o1 was closed on 3 June: 2.
    assert medians == {O1: 2.0, O1B: 3.0}


def test_a_revised_standard_measures_records_by_the_version_in_force(tree, tmp_path):
    first = factories.common_mail_standard(tree["m1"], threshold=5)
    draft = standard_revise(standard=first.standard, threshold=Decimal(20))
    second = standard_publish(version=draft, effective_from=dt.date(2025, 7, 1))
    late = at("2025-08-12 09:00")  # 6 weeks after either start
    root = write_dataset(tmp_path, [
        record(organization=O1, received_at=at("2025-06-30 09:00"), responded_at=late),
        record(organization=O1, received_at=at("2025-07-21 09:00"), responded_at=late),
    ])
    compliance_run(dataset=root, as_of=AS_OF)
    v1 = results(version=first, period_kind="fiscal_year").get()
    v2 = results(version=second, period_kind="fiscal_year").get()
    assert (v1.total, v1.meeting, v2.total, v2.meeting) == (1, 0, 1, 1)


def test_a_period_run_replaces_only_cells_inside_the_period(tree, tmp_path):
    version = factories.common_mail_standard(tree["m1"])
    root = write_dataset(tmp_path, [
        record(organization=O1, received_at=at("2025-06-10 09:00"), responded_at=at("2025-06-11 09:00")),
        record(organization=O1, received_at=at("2025-08-12 09:00"), responded_at=at("2025-08-13 09:00")),
    ])
    compliance_run(dataset=root, as_of=AS_OF)
    june = results(period_kind="month", period_start=dt.date(2025, 6, 1)).get()
    report = compliance_run(dataset=root, as_of=AS_OF, period="2025-Q3", force=True)
    assert report.period == "2025-Q3"
    assert results(period_kind="month", period_start=dt.date(2025, 6, 1)).get().pk == june.pk
    assert results(version=version, period_kind="quarter", period_start=dt.date(2025, 7, 1)).get().total == 1
    assert results(period_kind="fiscal_year").count() == 1


def test_rule_options_and_common_defaults_say_what_yes_no_and_due_standards_read(tree, tmp_path):
    person = factories.common_telephone_standard(tree["m1"], "CSS-TEL-PERSON",
                                                 StandardType.ACCESS)
    protocol = factories.common_telephone_standard(tree["m1"], "CSS-TEL-PROTOCOL",
                                                   StandardType.ACCURACY)
    svc = factories.service(tree["m1"], code="PERMIT")
    permit = factories.published_standard(svc, code="PERMIT-10", threshold=Decimal(10))
    RuleOptions.objects.create(version=permit, against_due=True)
    t = at("2025-06-02 09:00")
    root = write_dataset(tmp_path, [
        record("telephone", organization=O1, call_started_at=t, person_offered=True),
        record("telephone", organization=O1, call_started_at=t, person_offered=False),
        record("online", organization=O1, service="PERMIT", submitted_at=t,
               completed_at=at("2025-06-04 09:00"), due_at=at("2025-06-03 17:00")),
    ])
    report = compliance_run(dataset=root, as_of=AS_OF)
    assert report.not_measurable == {"CSS-TEL-PROTOCOL v1": ["a yes/no standard names the column it reads"]}
    offered = results(version=person, period_kind="day").get()
    assert (offered.total, offered.meeting) == (2, 1)
    assert results(version=permit, period_kind="day").get().meeting == 0  # late against its due time
    assert not results(version=protocol).exists()


@override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}})
def test_a_scheduled_recompute_runs_as_a_task_once_the_change_commits(
        tree, tmp_path, django_capture_on_commit_callbacks):
    version = factories.common_mail_standard(tree["m1"])
    write_dataset(tmp_path / "interactions", [
        record(organization=O1, received_at=at("2025-06-02 09:00"), responded_at=at("2025-06-03 09:00"))])
    with override_settings(DATA_DIR=tmp_path), django_capture_on_commit_callbacks(execute=True):
        compliance_schedule_recompute(reason="calendar changed", versions=[version])
        assert not results(version=version).exists()  # nothing runs before the commit
    assert results(version=version).exists()


def queued_recomputes():
    from django_tasks_db.models import DBTaskResult

    return [row["kwargs"] for row in DBTaskResult.objects.filter(
        task_path="outsidein.compliance.tasks.recompute_task", status="READY")
        .order_by("enqueued_at").values_list("args_kwargs", flat=True)]


def test_publishing_queues_one_recompute_for_many_standards(
        tree, django_capture_on_commit_callbacks):
    first = factories.common_mail_standard(tree["m1"])
    draft = standard_revise(standard=first.standard, change_note="faster", threshold=Decimal(10))
    with django_capture_on_commit_callbacks(execute=True):
        standard_publish(version=draft, effective_from=dt.date(2026, 1, 1))
        factories.common_mail_standard(tree["m1"], code="CSS-MAIL-INTERIM", clock_stop="acknowledged")
    [queued] = queued_recomputes()
    assert queued["version_ids"] is None  # fingerprints pick out what changed
    assert queued["reason"] == "CSS-MAIL-RESPONSE v2 published"


def test_the_queued_run_recomputes_only_the_versions_that_changed(tree, tmp_path):
    first = factories.common_mail_standard(tree["m1"])
    other = factories.common_mail_standard(tree["m1"], code="CSS-MAIL-INTERIM", clock_stop="acknowledged")
    write_dataset(tmp_path / "interactions", [
        record(organization=O1, received_at=at("2025-06-02 09:00"),
               responded_at=at("2025-06-03 09:00"), acknowledged_at=at("2025-06-02 10:00"))])
    with override_settings(DATA_DIR=tmp_path):
        compliance_run(as_of=AS_OF)
        draft = standard_revise(standard=first.standard, change_note="faster",
                                threshold=Decimal(10))
        standard_publish(version=draft, effective_from=dt.date(2025, 9, 1))
        again = compliance_run(as_of=AS_OF)
    assert sorted(again.computed) == ["CSS-MAIL-RESPONSE v1", "CSS-MAIL-RESPONSE v2"]
    assert again.unchanged == [f"{other.standard.code} v1"]


def test_calendar_changes_and_imports_queue_one_recompute_of_everything_while_it_waits(
        tree, django_capture_on_commit_callbacks):
    calendar = factories.calendar(tree["m1"], "Office")
    with django_capture_on_commit_callbacks(execute=True):
        closure_add(calendar=calendar, on=dt.date(2025, 6, 3), name_en="Storm", name_fr="Tempête")
        closure_add(calendar=calendar, on=dt.date(2025, 6, 4), name_en="Storm", name_fr="Tempête")
    queued = queued_recomputes()
    assert [q["version_ids"] for q in queued] == [None]
    assert queued[0]["reason"] == "calendar Office closed on 2025-06-03"
    with django_capture_on_commit_callbacks(execute=True):  # covered by the waiting run
        compliance_schedule_recompute(reason="one version", versions=[1, 2])
        compliance_schedule_recompute(reason="a period", period="2025-Q3")
    assert [q["version_ids"] for q in queued_recomputes()] == [None, None]


def test_the_command_runs_one_standard_for_one_period(tree, tmp_path):
    factories.common_mail_standard(tree["m1"])
    factories.common_mail_standard(tree["m1"], code="CSS-MAIL-INTERIM", clock_stop="acknowledged",
                                   threshold=5)
    write_dataset(tmp_path / "interactions", [
        record(organization=O1, received_at=at("2025-07-02 09:00"), responded_at=at("2025-07-03 09:00"))])
    out = StringIO()
    with override_settings(DATA_DIR=tmp_path):
        call_command("compliance", "run", "--period", "2025-07", "--standard", "CSS-MAIL-RESPONSE",
                     "--as-of", "2025-12-31T12:00:00+00:00", stdout=out)
    assert "1 version(s): 1 computed (no results yet)" in out.getvalue() and "for 2025-07" in out.getvalue()
    assert set(results().values_list("version__standard__code", flat=True)) == {"CSS-MAIL-RESPONSE"}
    assert not results(period_kind="quarter").exists()


def test_the_console_script_runs_compliance(tree, tmp_path, capsys):
    factories.common_mail_standard(tree["m1"])
    write_dataset(tmp_path / "interactions", [
        record(organization=O1, received_at=at("2025-07-02 09:00"), responded_at=at("2025-07-03 09:00"))])
    with override_settings(DATA_DIR=tmp_path):
        status = main(["compliance", "run", "--period", "2025-Q3", "--engine", "duckdb"])
    assert status == 0
    assert "1 version(s): 1 computed (no results yet); 1 records" in capsys.readouterr().out
    assert results(period_kind="quarter").get().meeting == 1
    assert main(["compliance", "run", "--period", "2025-Q9"]) == 1
    assert "not a period" in capsys.readouterr().err


def test_rule_options_refuse_unknown_columns_and_channels(tree):
    from django.core.exceptions import ValidationError

    version = factories.common_mail_standard(tree["m1"])
    with pytest.raises(ValidationError) as caught:
        RuleOptions(version=version, measure="shoe_size", channels=["pigeon"]).full_clean()
    assert set(caught.value.message_dict) == {"measure", "channels"}
