"""Suite-wide test set-up: which database, whether a missing service may skip, and the one
fictional world (tests/factories.py) every app's tests build on."""

import os
from pathlib import Path
from typing import NamedTuple

import pytest

# CI sets this: a test that would skip because PostgreSQL, the browser or Java is missing fails.
REQUIRE_SERVICES = os.environ.get("OUTSIDEIN_REQUIRE_SERVICES", "").lower() in {"1", "true", "yes"}


def skip_or_fail(reason: str) -> None:
    """Skip for a missing outside service, or fail where CI demands every service."""
    if REQUIRE_SERVICES:
        pytest.fail(f"required service missing: {reason}", pytrace=False)
    pytest.skip(reason)


def pytest_report_header(config):
    from django.conf import settings

    db = settings.DATABASES["default"]
    return [f"outsidein database: {db['ENGINE'].rsplit('.', 1)[-1]} {db.get('NAME')}",
            f"outsidein require services: {REQUIRE_SERVICES}"]


def pytest_configure(config):
    from django.conf import settings

    # Password hashing is deliberately slow; tests check behaviour, not the hash cost.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a page asked for in French leaves French
    active in the thread (LocaleMiddleware activates, nothing deactivates), and a command run
    in the same process afterwards would speak French."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path_factory):
    """Each test writes interaction records and files under its own temporary data directory."""
    settings.DATA_DIR = tmp_path_factory.mktemp("data")


class GcFiles(NamedTuple):
    """The Government of Canada's published 2023-24 files (Open Government dataset 3ac0d080)."""

    si: Path  # the service inventory
    ss: Path  # the service standards and their results


# Beside the checkout (../shared/data), or where OUTSIDEIN_GC_DATA says.
GC_DATA = Path(os.environ.get("OUTSIDEIN_GC_DATA") or
               Path(__file__).resolve().parent.parent / "shared" / "data" / "gc-service-inventory")


@pytest.fixture(scope="session")
def gc_files() -> GcFiles:
    """The real GC files, for the tests that import and export them; the test skips (or fails
    under OUTSIDEIN_REQUIRE_SERVICES) when they are not there."""
    files = GcFiles(si=GC_DATA / "si_2024.csv", ss=GC_DATA / "ss_2024.csv")
    missing = [path.name for path in files if not path.is_file()]
    if missing:
        skip_or_fail(f"the GC files {', '.join(missing)} are not in {GC_DATA} "
                     f"(set OUTSIDEIN_GC_DATA)")
    return files


@pytest.fixture
def province_world(db):
    """The Province of Example's light tree and personas (no services, no records): see
    tests.factories.province_world."""
    from tests import factories  # after pytest-django has set Django up

    return factories.province_world()


@pytest.fixture
def example_world(db):
    """The Province of Example with services, standards, calendars, imports, records and
    compliance results in both ministries: see tests.factories.example_world."""
    from tests import factories  # after pytest-django has set Django up

    return factories.example_world()
