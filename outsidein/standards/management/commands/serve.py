"""`serve`: run the application on this machine (Django's server; migrate first)."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Outside-In on this machine (does not migrate: run `outsidein migrate` first)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1",
                            help="address to listen on (default 127.0.0.1: this machine only)")
        parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
        parser.add_argument("--reload", action="store_true",
                            help="restart when the code changes (for development)")

    def handle(self, *args, host, port, reload, **options):
        shown = f"[{host}]" if ":" in host else host
        self.stdout.write(f"Outside-In at http://{shown}:{port}/ (Ctrl-C to stop)")
        self.stdout.flush()
        if host not in ("127.0.0.1", "localhost", "::1") and settings.ALLOWED_HOSTS != ["*"]:
            self.stderr.write(f"note: only requests for {', '.join(settings.ALLOWED_HOSTS)} are "
                              f"answered; set ALLOWED_HOSTS to the names clients use")
        # runserver: no separate server to install for the embedded default (DESIGN 13).
        call_command("runserver", f"{shown}:{port}", use_reloader=reload,
                     use_ipv6=":" in host)
