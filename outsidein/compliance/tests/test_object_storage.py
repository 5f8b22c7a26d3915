"""A compliance run on an interaction store on S3-compatible object storage (moto's server on
loopback) gives what the same run gives on disk, and a store that cannot be read, or reads as
empty after imports, stops the run before any stored result is touched."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from outsidein.compliance.models import ComplianceResult
from outsidein.compliance.selectors.records import at_risk_for_user
from outsidein.compliance.services import compliance_run
from outsidein.compliance.tests.test_services import AS_OF, O1, O1B, tree  # noqa: F401
from outsidein.interactions.selectors import interaction_store
from outsidein.interactions.services import (
    interactions_import_records,
    interactions_import_undo,
)
from outsidein.warehouse.store import StoreUnavailable
from outsidein.warehouse.tests.s3server import s3_bucket, s3_server  # noqa: F401 - fixtures
from tests import factories
from tests.factories import person

pytestmark = pytest.mark.django_db


def mail(record_id, office, received, responded=None):
    row = {"record_id": record_id, "channel": "mail", "organization": office,
           "received_at": f"{received}T13:00:00Z"}
    if responded:
        row["responded_at"] = f"{responded}T13:00:00Z"
    return row


def import_undo_compact_and_run():
    """Three imports (the second corrects the first), the third undone, the store compacted,
    then a forced run; returns the results as a user reads them."""
    interactions_import_records(source="post", records=[
        mail("L1", O1, "2025-06-02", "2025-06-04"),
        mail("L2", O1, "2025-06-02", "2025-07-30"),
        mail("L3", O1B, "2025-07-07"),
        mail("L4", O1, "2025-09-01", "2025-09-02")])
    interactions_import_records(source="post", records=[
        mail("L2", O1, "2025-06-02", "2025-06-05"),  # answered in time after all
        mail("L5", O1B, "2025-10-06", "2025-11-28")])
    third = interactions_import_records(source="post", records=[
        mail("L1", O1, "2025-06-02"), mail("L6", O1, "2025-08-04", "2025-08-05")])
    interactions_import_undo(import_id=third.import_id)
    interaction_store().compact(min_files=1)
    report = compliance_run(as_of=AS_OF, force=True)
    assert report.records == 5
    return figures()


def open_items(user):
    """What the at-risk page lists (record ids, overdue or not)."""
    found = at_risk_for_user(user, business_hours=24, now=AS_OF)
    return sorted((i.record_id, i.overdue) for i in found.items)


def figures():
    return sorted(ComplianceResult.objects.filter(source="engine").values_list(
        "version_id", "organization__code", "service_id", "channel", "period_kind", "period_start",
        "total", "meeting", "pending", "share", "median_elapsed", "p90_elapsed", "target_met"))


def test_a_run_on_object_storage_equals_the_run_on_disk(tree, settings, s3_bucket):  # noqa: F811
    factories.common_mail_standard(tree["m1"])
    lead = person("lead", tree["m1"])
    on_disk = import_undo_compact_and_run()
    assert (O1, "fiscal_year", 3, 3) in {(r[1], r[4], r[6], r[7]) for r in on_disk}
    assert open_items(lead) == [("L3", True)]
    ComplianceResult.objects.all().delete()
    settings.INTERACTION_STORE = f"s3://{s3_bucket}/interactions"
    assert interaction_store().count() == 0 and open_items(lead) == []
    assert import_undo_compact_and_run() == on_disk
    assert open_items(lead) == [("L3", True)]
    assert interaction_store().count() == 5 and interaction_store().remote is not None


@pytest.mark.parametrize("where", ["empty folder", "empty bucket", "missing bucket"])
def test_an_unreadable_or_empty_store_stops_the_run_and_deletes_nothing(
        tree, settings, tmp_path, s3_bucket, where):  # noqa: F811
    factories.common_mail_standard(tree["m1"])
    interactions_import_records(source="post", records=[
        mail("L1", O1, "2025-06-02", "2025-06-04"), mail("L2", O1B, "2025-06-03")])
    compliance_run(as_of=AS_OF)
    stored = figures()
    assert stored
    settings.INTERACTION_STORE = {"empty folder": str(tmp_path / "elsewhere"),
                                  "empty bucket": f"s3://{s3_bucket}/interactions",
                                  "missing bucket": "s3://no-such-bucket/interactions"}[where]
    expected = "holds no records, but 2 were imported" if where != "missing bucket" else "no-such-bucket"
    with pytest.raises(StoreUnavailable, match=expected):
        compliance_run(as_of=AS_OF + dt.timedelta(days=1), force=True)
    assert figures() == stored
    with pytest.raises(CommandError, match="nothing was computed or deleted"):
        call_command("compliance", "run", "--force", stdout=StringIO())
    assert figures() == stored
