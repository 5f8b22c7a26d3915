"""`compliance run [--period P] [--engine duckdb|spark] [--standard CODE]`: compute results."""

import datetime as dt
import sys

from django.core.management.base import BaseCommand, CommandError

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
        run.add_argument("--as-of", default="", help="count records up to this instant (ISO 8601)")
        run.add_argument("--force", action="store_true", help="recompute unchanged versions too")

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


def _instant(text: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise ValueError(f"--as-of needs a time zone, e.g. {text}+00:00")
    return value
