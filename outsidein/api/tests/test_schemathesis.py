"""Property-based: requests generated from our own OpenAPI schema never cause a server error,
and every answer (status, content type, body) is one the schema documents.

Every operation is tried with its schema examples, the coverage phase's boundary and invalid
values, and a bounded number of random (fuzzed) requests, all with a valid token of a
province-wide quality lead, so that writes can succeed as well as fail. Set
OUTSIDEIN_API_FUZZ_EXAMPLES to fuzz deeper than the default 25 examples per operation.
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.config import SchemathesisConfig

from config.wsgi import application
from outsidein.accounts.models import Role
from outsidein.accounts.services import api_token_create
from tests import factories

# Wrong methods are covered by test_errors; skipping them here keeps the run short.
CONFIG = SchemathesisConfig.from_dict({"phases": {"coverage": {"unexpected-methods": []}}})
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application, config=CONFIG)
# No server error, above all; and every answer is one the schema documents.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
MAX_EXAMPLES = int(os.environ.get("OUTSIDEIN_API_FUZZ_EXAMPLES", "25"))


@pytest.fixture
def same_connection():
    """Keep the test's database connection across requests, as Django's test client does.

    The WSGI handler closes connections when a request finishes; inside the test's transaction
    that would close it (PostgreSQL) and lose the test data.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def auth_header(province_world, same_connection):
    """A province-wide quality lead's token over the shared world and the organizations the
    schema examples name."""
    gov = province_world.gov
    health = factories.ministry(gov, "pex-health")  # the code the schema examples use
    card = factories.service(health, code="H1")
    factories.published_standard(card, code="HS1")
    lead = factories.person("sam", gov, Role.QUALITY_LEAD)
    _token, raw = api_token_create(user=lead, name="schemathesis")
    return {"Authorization": f"Bearer {raw}"}


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_no_server_error(case, auth_header):
    case.call_and_validate(headers=auth_header, checks=CHECKS)
