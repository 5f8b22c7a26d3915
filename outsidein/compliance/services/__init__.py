"""Compliance writes: `runs` computes and stores results; `recompute` queues a background run.

The task (compliance.tasks) calls `runs`, and `recompute` queues the task, so the two live in
separate modules: neither needs the other, and no import has to hide inside a function.
"""

from outsidein.compliance.services.recompute import (
    compliance_recompute_on_change,
    compliance_schedule_recompute,
)
from outsidein.compliance.services.reported import (
    data_quality_findings_sync,
    reported_results_write,
)
from outsidein.compliance.services.runs import RunReport, compliance_run

__all__ = ["RunReport", "compliance_recompute_on_change", "compliance_run",
           "compliance_schedule_recompute", "data_quality_findings_sync",
           "reported_results_write"]
