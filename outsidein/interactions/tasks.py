"""Background work: queued imports of interaction records (django-tasks)."""

from django_tasks import task

from outsidein.interactions.services.imports import interactions_import_run


@task()
def import_records_task(import_id: int) -> dict:
    """Run a queued import, recording its progress; returns its counts."""
    report = interactions_import_run(import_id=import_id)
    return {"import_id": report.import_id, "rows_read": report.rows_read,
            "stored": report.stored, "updated": report.updated, "rejected": report.rejected,
            "excluded": report.excluded}
