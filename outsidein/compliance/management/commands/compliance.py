"""`compliance run [--period P] [--engine duckdb|spark] [--standard CODE] [--as-of WHEN] [--force]`:
compute results, and say which versions were computed and which skipped, and why."""

import datetime as dt
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from outsidein.compliance.engine.periods import parse_period
from outsidein.compliance.services import compliance_run
from outsidein.warehouse.engines import ENGINES
from outsidein.warehouse.store import StoreUnavailable

STEPS = 4  # planning, fingerprinting, measuring, writing


class Command(BaseCommand):
    help = "Compute compliance results from the interaction store and store them."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        run = actions.add_parser("run", help="Measure standards over the interaction records.")
        run.add_argument("--period", default="",
                         help="only cells inside 2025-Q3, 2025-07, 2025, FY2025-26, 2025-W28 or a date")
        run.add_argument("--engine", default="duckdb", choices=ENGINES, help="default duckdb")
        run.add_argument("--standard", action="append", default=[], metavar="CODE",
                         help="only this standard (repeatable)")
        run.add_argument("--as-of", default="", metavar="WHEN",
                         help="count records as they stood then: a date (2025-12-31, its end in "
                              "the site's time zone) or an instant with its offset "
                              "(2025-12-31T12:00:00+00:00); default now")
        run.add_argument("--force", action="store_true",
                         help="recompute every version, also those whose inputs are unchanged")
        run.add_argument("--explain", action="store_true",
                         help="list each version and why it was computed or skipped")

    def handle(self, *args, action, **options):
        try:
            period = parse_period(options["period"]) if options["period"] else None
            as_of = _instant(options["as_of"]) if options["as_of"] else None
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        bar = None
        if sys.stderr.isatty():
            from tqdm import tqdm

            bar = tqdm(total=STEPS, file=sys.stderr, leave=False, bar_format="{desc} {bar} {n}/{total}")

        def progress(step: str) -> None:
            if bar is not None:
                bar.set_description(step)
                bar.update(1)

        try:
            report = compliance_run(period=period, engine=options["engine"], as_of=as_of,
                                    codes=options["standard"], force=options["force"],
                                    progress=progress)
        except StoreUnavailable as exc:
            raise CommandError(f"{exc}; nothing was computed or deleted") from None
        finally:
            if bar is not None:
                bar.close()
        for version, problems in report.not_measurable.items():
            self.stdout.write(f"  not measured: {version}: {'; '.join(problems)}")
        if options["standard"] and not (report.computed or report.unchanged or report.not_measurable):
            raise CommandError(f"no published standard {', '.join(options['standard'])}")
        self.stdout.write(str(report))
        if options["explain"]:
            for label in [*report.computed, *report.unchanged]:
                done = "computed" if label in report.computed else "unchanged"
                self.stdout.write(f"  {label}: {done} ({report.reasons.get(label, '')})")


def _instant(text: str) -> dt.datetime:
    """A date means its last second in the site's time zone: records up to the end of that day."""
    if len(text) == 10:
        day = dt.date.fromisoformat(text)
        zone = timezone.get_default_timezone()
        return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), zone) - dt.timedelta(seconds=1)
    value = dt.datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise ValueError(f"--as-of needs a time zone, e.g. {text}+00:00")
    return value
