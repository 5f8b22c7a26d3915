"""Background work: recompute compliance results when a standard, calendar or import changes."""

from django.conf import settings
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from outsidein.compliance.services.runs import compliance_run


@task()
def recompute_task(*, version_ids: list[int] | None = None, reason: str = "", period: str = "") -> dict:
    """Recompute the results of some versions (all when None); unchanged inputs are skipped."""
    report = compliance_run(versions=version_ids, period=period or None)
    return {"reason": reason, "summary": str(report), "computed": report.computed,
            "unchanged": report.unchanged, "reasons": report.reasons, "results": report.results,
            "records": report.records}


def recompute_waiting(version_ids: list[int] | None, period: str) -> bool:
    """Whether a queued, not yet started recompute already covers these versions and period.

    Only the database task backend can be asked; with another backend this says no.
    """
    if settings.TASKS["default"]["BACKEND"] != "django_tasks_db.DatabaseBackend":
        return False
    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY,
                                          task_path=recompute_task.module_path)
    for args_kwargs in waiting.values_list("args_kwargs", flat=True):
        queued = args_kwargs.get("kwargs", {})
        if (queued.get("period") or "") != period:
            continue
        covered = queued.get("version_ids")
        if covered is None or (version_ids is not None and set(version_ids) <= set(covered)):
            return True
    return False
