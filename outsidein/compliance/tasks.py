"""Background work: recompute compliance results when a standard, calendar or import changes."""

from django_tasks import task


@task()
def recompute_task(*, version_ids: list[int] | None = None, reason: str = "", period: str = "") -> dict:
    """Recompute the results of some versions (all when None); unchanged inputs are skipped."""
    from outsidein.compliance.services import compliance_run

    report = compliance_run(versions=version_ids, period=period or None)
    return {"reason": reason, "summary": str(report), "computed": report.computed,
            "unchanged": report.unchanged, "results": report.results, "records": report.records}
