"""`outsidein demo [--reset] [--records N | --no-records]`: load the fictional Province of Example."""

import time

from django.core.management.base import BaseCommand, CommandError

from outsidein.demo import loading, records
from outsidein.demo.catalogue import DEMO_PASSWORD, PERSONAS
from outsidein.demo.services import demo_load, demo_remove


class Command(BaseCommand):
    help = "Load the demo organization (Province of Example) and a year of its records; idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true",
                            help="Delete the demo organization and its records first, then load "
                                 "them again.")
        parser.add_argument("--records", dest="rows", type=int, default=records.DEFAULT_ROWS,
                            metavar="N",
                            help="Interaction records to generate over the last twelve months "
                                 f"(default {records.DEFAULT_ROWS:,}).")
        parser.add_argument("--no-records", action="store_true",
                            help="Load the organization only, no interaction records.")
        parser.add_argument("--no-compliance", action="store_true",
                            help="Do not compute compliance results after loading the records.")
        parser.add_argument("--seed", type=int, default=records.DEFAULT_SEED,
                            help="Seed of the record generator (the same seed, the same records).")

    def handle(self, *args, reset=False, rows=records.DEFAULT_ROWS, no_records=False,
               no_compliance=False, seed=records.DEFAULT_SEED, **options):
        if rows < 0:
            raise CommandError("--records must be 0 or more")
        if reset:
            undone = loading.demo_records_remove()
            demo_remove()
            self.stdout.write("Removed the demo organization"
                              + (f" and undid {undone} import(s) of its records." if undone else "."))
        made = demo_load()
        self.stdout.write(self.style.SUCCESS(
            "Demo organization ready: {organizations} organizations, {services_created} services "
            "created, {common_standards_created} common standards created, {users_created} users "
            "created.".format(**made)))
        if not no_records and rows > 0:
            self._records(rows, seed, compliance=not no_compliance)
        self.stdout.write("Sign in at http://127.0.0.1:8000/accounts/login/ with any of these "
                          f"(password: {DEMO_PASSWORD}):")
        for username, role, org, _first, _last in PERSONAS:
            self.stdout.write(f"  {username:<10} {role:<16} {org}")

    def _records(self, rows: int, seed: int, *, compliance: bool) -> None:
        loaded = loading.demo_records_loaded()
        if loaded:
            # Loading again would only replace every record with itself (same ids); say so.
            self.stdout.write(f"Demo records already loaded (import {', '.join(map(str, loaded))}); "
                              "use --reset to generate them again.")
            return
        started = time.monotonic()
        report = loading.demo_records_load(rows=rows, seed=seed)
        self.stdout.write(self.style.SUCCESS(
            f"Demo records: {report.summary()} ({time.monotonic() - started:.1f} s)."))
        if compliance:
            self.stdout.write(loading.demo_compliance_run())
