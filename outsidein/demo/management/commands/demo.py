"""`outsidein demo [--reset]`: load the fictional Province of Example."""

from django.core.management.base import BaseCommand

from outsidein.demo.catalogue import DEMO_PASSWORD, PERSONAS
from outsidein.demo.services import demo_load, demo_remove


class Command(BaseCommand):
    help = "Load the demo organization (Province of Example); idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true",
                            help="Delete the demo organization first, then load it again.")

    def handle(self, *args, reset=False, **options):
        if reset:
            demo_remove()
            self.stdout.write("Removed the demo organization.")
        made = demo_load()
        self.stdout.write(self.style.SUCCESS(
            "Demo organization ready: {organizations} organizations, {services_created} services "
            "created, {common_standards_created} common standards created, {users_created} users "
            "created.".format(**made)))
        self.stdout.write("Sign in at http://127.0.0.1:8000/accounts/login/ with any of these "
                          f"(password: {DEMO_PASSWORD}):")
        for username, role, org, _first, _last in PERSONAS:
            self.stdout.write(f"  {username:<10} {role:<16} {org}")
