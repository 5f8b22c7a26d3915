"""Suite-wide test set-up: which database, and whether a missing service may skip."""

import os

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
def _data_dir(settings, tmp_path_factory):
    """Each test writes interaction records and files under its own temporary data directory."""
    settings.DATA_DIR = tmp_path_factory.mktemp("data")
