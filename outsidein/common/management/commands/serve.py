"""`serve`: run the application on this machine with a production WSGI server (waitress),
and beside it a task worker so that queued imports and recomputes run (DESIGN 4)."""

import contextlib
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from outsidein.common.secret_key import REFUSAL, WARNING, uses_development_secret_key

LOOPBACK = ("127.0.0.1", "localhost", "::1")


class Command(BaseCommand):
    help = "Serve Outside-In on this machine (does not migrate: run `outsidein migrate` first)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1",
                            help="address to listen on (default 127.0.0.1: this machine only)")
        parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
        parser.add_argument("--threads", type=int, default=8, help="worker threads (default 8)")
        parser.add_argument("--reload", action="store_true",
                            help="development: Django's server, restarting when the code changes")
        parser.add_argument("--no-worker", dest="worker", action="store_false",
                            help="do not start a task worker (run `outsidein manage db_worker` "
                                 "yourself, e.g. on another machine)")

    def handle(self, *args, host, port, threads, reload, worker, **options):
        if uses_development_secret_key():
            # Listening beyond this machine is serving others, whatever the mode says.
            if settings.PRODUCTION or host not in LOOPBACK:
                raise CommandError(REFUSAL)
            self.stderr.write(WARNING)
        shown = f"[{host}]" if ":" in host else host
        self.stdout.write(f"Outside-In at http://{shown}:{port}/ (Ctrl-C to stop)")
        self.stdout.flush()
        if host not in LOOPBACK and settings.ALLOWED_HOSTS != ["*"]:
            self.stderr.write(f"note: only requests for {', '.join(settings.ALLOWED_HOSTS)} are "
                              f"answered; set ALLOWED_HOSTS to the names clients use")
        if settings.HTTPS and not settings.TRUSTED_PROXIES:
            # waitress speaks plain HTTP: OUTSIDEIN_HTTPS means a TLS proxy in front, which must be
            # named, or every request is redirected to https:// again (decision 0013).
            self.stderr.write("note: OUTSIDEIN_HTTPS is on but OUTSIDEIN_TRUSTED_PROXIES is not set: "
                              "behind a TLS proxy every request is redirected to https:// again; "
                              "set it to the proxy's address (see docs/operations.md)")
        with self._worker(worker):
            if reload:
                call_command("runserver", f"{shown}:{port}", use_reloader=True,
                             use_ipv6=":" in host)
                return
            if not any(settings.STATIC_ROOT.iterdir()):
                call_command("collectstatic", interactive=False, verbosity=0)
            # waitress: a pure-Python production server, nothing else to install (DESIGN 13);
            # WhiteNoise serves the static files from inside the application.
            from waitress import serve

            from config.wsgi import application

            # Behind a proxy, waitress hands X-Forwarded-* to the application untouched: which peer
            # to believe is decided in one place, TrustedProxyMiddleware (decision 0013), the same
            # under any WSGI server. Without trusted proxies waitress drops them, as by default.
            serve(application, host=host, port=port, threads=threads, ident="Outside-In",
                  clear_untrusted_proxy_headers=not settings.TRUSTED_PROXIES)

    @contextlib.contextmanager
    def _worker(self, wanted: bool):
        """A db_worker process for the database task backend, stopped with the server."""
        if not wanted or settings.TASKS["default"]["BACKEND"] != "django_tasks_db.DatabaseBackend":
            yield
            return
        process = subprocess.Popen([sys.executable, "-m", "outsidein.cli", "manage", "db_worker"])
        self.stdout.write(f"Task worker started (process {process.pid}): imports and "
                          f"recomputes run in the background")
        self.stdout.flush()
        # A SIGTERM (a service manager stopping us) unwinds like Ctrl-C, so the worker stops too.
        previous = signal.signal(signal.SIGTERM, _exit_on_signal)
        try:
            yield
        finally:
            signal.signal(signal.SIGTERM, previous)
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def _exit_on_signal(signum, frame):
    raise SystemExit(128 + signum)
