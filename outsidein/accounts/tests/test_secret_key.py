"""Production refuses the development SECRET_KEY; the demo on this machine only warns."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError

from outsidein.common.secret_key import refuse_development_key_in_production

REAL_KEY = "k3Q9v-a-long-random-production-key-xPz81Lw0qRt5yUe7iOa2sDf4gHj6kL"


def deploy_errors() -> list[str]:
    return [m.id for m in run_checks(include_deployment_checks=True) if m.is_serious()]


def test_deploy_check_refuses_the_development_key_and_accepts_a_real_one(settings):
    settings.SECRET_KEY = settings.DEVELOPMENT_SECRET_KEY
    assert "outsidein.E001" in deploy_errors()
    settings.SECRET_KEY = REAL_KEY
    assert "outsidein.E001" not in deploy_errors()


def test_production_mode_refuses_the_development_key_and_accepts_a_real_one(settings):
    settings.PRODUCTION = True
    settings.SECRET_KEY = settings.DEVELOPMENT_SECRET_KEY
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY is not set"):
        refuse_development_key_in_production()
    with pytest.raises(CommandError, match="SECRET_KEY is not set"):
        call_command("serve", "--no-worker")
    settings.SECRET_KEY = REAL_KEY
    refuse_development_key_in_production()


def test_serving_other_machines_refuses_the_development_key(settings):
    settings.PRODUCTION = False
    settings.SECRET_KEY = settings.DEVELOPMENT_SECRET_KEY
    with pytest.raises(CommandError, match="SECRET_KEY is not set"):
        call_command("serve", "--host", "0.0.0.0", "--no-worker")  # noqa: S104


def outside_in(tmp_path, *args: str, **environ: str) -> subprocess.Popen:
    """The `outsidein` command (or Python) in a fresh process, with only the given settings."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"SECRET_KEY", "OUTSIDEIN_ENV", "OUTSIDEIN_HTTPS", "DEBUG"}}
    env.update(OUTSIDEIN_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="config.settings",
               **environ)
    return subprocess.Popen([sys.executable, *args], env=env, cwd=django_settings.BASE_DIR,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.parametrize("mode", [{"OUTSIDEIN_ENV": "production"}, {"OUTSIDEIN_HTTPS": "1"}])
def test_serve_and_the_wsgi_application_refuse_to_start_in_production(tmp_path, mode):
    serve = outside_in(tmp_path, "-m", "outsidein.cli", "serve", "--no-worker", **mode)
    out, err = serve.communicate(timeout=120)
    assert serve.returncode == 1 and out == ""
    assert err.startswith("outsidein: error: SECRET_KEY is not set")
    wsgi = outside_in(tmp_path, "-c", "import config.wsgi", **mode)
    _, err = wsgi.communicate(timeout=120)
    assert wsgi.returncode != 0 and "ImproperlyConfigured: SECRET_KEY is not set" in err
    with_key = outside_in(tmp_path, "-c", "import config.wsgi", SECRET_KEY=REAL_KEY, **mode)
    assert with_key.wait(timeout=120) == 0, with_key.stderr.read()


def test_the_local_demo_serves_with_a_warning(tmp_path):
    serve = outside_in(tmp_path, "-m", "outsidein.cli", "serve", "--no-worker", "--port", "0")
    try:
        assert serve.stderr.readline().startswith("warning: SECRET_KEY is not set")
        assert serve.stdout.readline().startswith("Outside-In at http://127.0.0.1:0/")
    finally:
        serve.terminate()
        serve.wait(timeout=30)
