"""`serve`: run the application on this machine with a production WSGI server (waitress)."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Outside-In on this machine (does not migrate: run `outsidein migrate` first)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1",
                            help="address to listen on (default 127.0.0.1: this machine only)")
        parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
        parser.add_argument("--threads", type=int, default=8, help="worker threads (default 8)")
        parser.add_argument("--reload", action="store_true",
                            help="development: Django's server, restarting when the code changes")

    def handle(self, *args, host, port, threads, reload, **options):
        shown = f"[{host}]" if ":" in host else host
        self.stdout.write(f"Outside-In at http://{shown}:{port}/ (Ctrl-C to stop)")
        self.stdout.flush()
        if host not in ("127.0.0.1", "localhost", "::1") and settings.ALLOWED_HOSTS != ["*"]:
            self.stderr.write(f"note: only requests for {', '.join(settings.ALLOWED_HOSTS)} are "
                              f"answered; set ALLOWED_HOSTS to the names clients use")
        if reload:
            call_command("runserver", f"{shown}:{port}", use_reloader=True, use_ipv6=":" in host)
            return
        if not any(settings.STATIC_ROOT.iterdir()):
            call_command("collectstatic", interactive=False, verbosity=0)
        # waitress: a pure-Python production server, nothing else to install (DESIGN 13);
        # WhiteNoise serves the static files from inside the application.
        from waitress import serve

        from config.wsgi import application

        serve(application, host=host, port=port, threads=threads, ident="Outside-In")
