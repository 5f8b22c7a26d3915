"""Every stored result can be shown record by record: over the demo province's records, the
drill-down of EVERY engine result lists exactly the records the result counted, with the same
count per outcome (met, missed, pending, set aside).

The world: the demo's organizations, services and standards, ~20,000 of its records imported,
plus a few hundred copies of them whose service code no organization registered (or is blank),
which the engine counts under "no service" — the case that once listed nothing. Results of every
period kind are checked. Each (version, organization, service, channel) is read once per day and
outcome by the drill-down's own reader and filter, and summed per period; a sample of results is
also listed in full, row by row, as the drill-down page and its CSV read them.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter, defaultdict
from dataclasses import replace

import pytest

from outsidein.compliance.engine.periods import PERIOD_KINDS, day_number
from outsidein.compliance.engine.records import RecordReader
from outsidein.compliance.engine.rules import EXCLUDED, MET, MISSED, PENDING, UNRECORDED
from outsidein.compliance.models import ComplianceResult, ResultSource
from outsidein.compliance.selectors.plans import version_plan
from outsidein.compliance.selectors.records import (
    cell_reader,
    default_dataset,
    known_service_codes,
    result_cell,
)
from outsidein.compliance.services import compliance_run
from outsidein.compliance.tests.recordsets import write_dataset
from outsidein.demo.loading import demo_records_load
from outsidein.demo.services import demo_load
from outsidein.warehouse.engines import open_engine
from outsidein.warehouse.store import InteractionStore, default_root

pytestmark = pytest.mark.django_db

RECORDS = 20_000
UNREGISTERED = ("POTHOLE", "GRAFFITI", "")  # codes no organization offers, and a blank one
LISTED_IN_FULL = 25  # results whose records are also listed row by row


def unregistered_copies(count: int) -> int:
    """Copies of stored records under codes nobody registered, written to the store."""
    stored = InteractionStore(default_root()).table()
    rows = random.Random(9).sample(stored.to_pylist(), count)
    for i, row in enumerate(rows):
        row.update(source="evidence-test", record_id=f"unregistered-{i}",
                   service=UNREGISTERED[i % len(UNREGISTERED)])
    write_dataset(default_root(), rows)
    return len(rows)


def tally(by_day: dict[tuple[int, int], int], first: dt.date, last: dt.date) -> Counter:
    low, high = day_number(first), day_number(last)
    found: Counter = Counter()
    for (day, status), n in by_day.items():
        if low <= day <= high:
            found[status] += n
    return found


def expected(result: ComplianceResult) -> Counter:
    return Counter({MET: result.meeting, MISSED: result.total - result.meeting,
                    PENDING: result.pending, EXCLUDED: sum(result.excluded.values())})


def as_listed(counts: Counter) -> Counter:
    """Set-aside records, whether excluded with a reason or unrecorded, as one outcome."""
    counts = Counter(counts)
    counts[EXCLUDED] += counts.pop(UNRECORDED, 0)
    return +counts


def test_every_stored_result_lists_exactly_the_records_it_counted():
    started = time.perf_counter()
    demo_load()
    demo_records_load(rows=RECORDS)
    copies = unregistered_copies(300)
    compliance_run()
    results = list(ComplianceResult.objects.filter(source=ResultSource.ENGINE)
                   .select_related("version__standard", "organization", "service"))
    assert {r.period_kind for r in results} == set(PERIOD_KINDS)
    # Standards of no one service count per service the records name; "no service" holds the
    # copies (the demo's own records all name registered services).
    no_service = [r for r in results
                  if r.service_id is None and r.version.standard.service_id is None]
    assert sum(r.total + r.pending + sum(r.excluded.values()) for r in no_service
               if r.period_kind == "fiscal_year") >= copies // 3, "the unregistered codes count"

    by_version: dict[int, dict[tuple, list[ComplianceResult]]] = defaultdict(lambda: defaultdict(list))
    for result in results:
        by_version[result.version_id][(result.organization_id, result.service_id,
                                       result.channel)].append(result)
    sample = random.Random(4).sample(results, LISTED_IN_FULL) + no_service[:5]
    known = {o.pk: known_service_codes(o) for o in {r.organization for r in results}}
    dataset, as_of = default_dataset(), results[0].as_of
    engine = open_engine()
    checked, listed = 0, 0
    try:
        # One reader per version over all its organizations and dates, read per
        # (organization, service, channel) with each result's own drill-down filter.
        for groups in by_version.values():
            members = [r for group in groups.values() for r in group]
            version = members[0].version
            plan, calendars = version_plan(version, list({r.organization for r in members}))
            reader = RecordReader(engine, plan, calendars, dataset, as_of,
                                  min(r.period_start for r in members),
                                  max(r.period_end for r in members))
            for group in groups.values():
                first = group[0]
                cell = replace(result_cell(first, known=known[first.organization_id]),
                               first_day=reader.first_day, last_day=reader.last_day)
                by_day = reader.counts_by_day(cell)
                for result in group:
                    counted = as_listed(tally(by_day, result.period_start, result.period_end))
                    assert counted == +expected(result), result
                    checked += 1
        # A sample as the drill-down page and its CSV list them, row by row.
        for result in sample:
            with cell_reader(result, engine=engine) as (reader, cell):
                rows = reader.rows(cell).to_pydict()
            assert as_listed(Counter(rows["status"])) == +expected(result), result
            assert len(set(zip(rows["source"], rows["record_id"], strict=True))) \
                == len(rows["status"])
            assert sum(1 for s in rows["status"] if s in (MET, MISSED)) == result.total
            listed += 1
    finally:
        engine.close()
    assert checked == len(results) and listed >= LISTED_IN_FULL
    print(f"{checked} results checked, {listed} listed in full, "
          f"{time.perf_counter() - started:.1f} s")
