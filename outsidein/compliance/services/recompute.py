"""Writes: queue a background recompute when a standard, a calendar or an import changed."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from outsidein.common.changes import InputsChanged
from outsidein.compliance.tasks import recompute_task, recompute_waiting
from outsidein.standards.models import StandardVersion


def compliance_schedule_recompute(*, reason: str,
                                  versions: Iterable[StandardVersion | int] | None = None,
                                  period: str = "") -> None:
    """Queue a background recompute once the current transaction commits (after a standard, a
    calendar or an import changed). `versions=None` means every version: the run's fingerprints
    skip those whose inputs did not change. A request identical to one still waiting in the
    queue is not queued twice, so a burst of changes costs one run.
    """
    ids = None if versions is None else sorted({getattr(v, "pk", v) for v in versions})
    transaction.on_commit(lambda: _enqueue_recompute(ids, reason, period))


def compliance_recompute_on_change(change: InputsChanged) -> None:
    """The listener compliance registers for `common.changes`: queue a recompute."""
    compliance_schedule_recompute(reason=change.reason, versions=change.versions)


def _enqueue_recompute(ids: list[int] | None, reason: str, period: str) -> None:
    if not recompute_waiting(ids, period):
        recompute_task.enqueue(version_ids=ids, reason=reason, period=period)
