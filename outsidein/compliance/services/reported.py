"""Reported results and data-quality findings of an imported file (outsidein.exchange), written
in bulk through compliance's own service."""

from collections.abc import Iterable

from outsidein.compliance.models import ComplianceResult, DataQualityFinding


def reported_results_write(*, created: list[ComplianceResult], changed: list[ComplianceResult],
                           fields: Iterable[str]) -> None:
    """Save a file's reported results: new ones, and changed ones (only `fields` written)."""
    ComplianceResult.objects.bulk_create(created, batch_size=500)
    if changed:
        ComplianceResult.objects.bulk_update(changed, list(fields), batch_size=500)


def data_quality_findings_sync(*, records: set[tuple[str, str]],
                               wanted: dict[tuple[str, str, str], tuple[int, str]]) -> None:
    """Store a file's findings: add new ones, correct moved ones, drop those now gone.

    `records` are the (source, record key) pairs the file holds; `wanted` the findings it
    raises, (source, record key, code) -> (line, message). A record's stored findings that its
    latest import no longer raises are deleted; records not in the file are left alone.
    """
    wanted = dict(wanted)
    stale, moved = [], []
    sources = {source for source, _ in records}
    for finding in DataQualityFinding.objects.filter(source__in=sources):
        if (finding.source, finding.record_key) not in records:
            continue
        want = wanted.pop((finding.source, finding.record_key, finding.code), None)
        if want is None:
            stale.append(finding.pk)
        elif (finding.line, finding.message) != want:
            finding.line, finding.message = want
            moved.append(finding)
    if stale:
        DataQualityFinding.objects.filter(pk__in=stale).delete()
    if moved:
        DataQualityFinding.objects.bulk_update(moved, ["line", "message"], batch_size=500)
    DataQualityFinding.objects.bulk_create(
        [DataQualityFinding(source=source, line=line, record_key=key, code=code,
                            message=message)
         for (source, key, code), (line, message) in wanted.items()], batch_size=500)
