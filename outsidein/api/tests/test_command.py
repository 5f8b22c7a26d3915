"""`manage.py api_token`: issue a token once, list tokens by prefix, revoke one."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from outsidein.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("api_token", *args, stdout=out, stderr=StringIO())
    return out.getvalue().strip()


def test_create_list_revoke(world):
    raw = run("create", "health-quality_lead", "--name", "nightly import")
    assert raw.startswith("oi_")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    assert client.get("/api/organizations").status_code == 200

    token = ApiToken.objects.get(user=world.lead)
    assert raw not in token.digest      # only the digest is stored
    listing = run("list", "health-quality_lead")
    assert token.prefix in listing and "nightly import" in listing and "active" in listing

    assert "Revoked" in run("revoke", token.prefix)
    assert client.get("/api/organizations").status_code == 401
    assert "revoked" in run("list", "health-quality_lead")


def test_revoke_accepts_the_whole_token(world):
    raw = run("create", "health-quality_lead")
    run("revoke", raw)
    assert ApiToken.objects.get(user=world.lead).revoked_at is not None


def test_refusals(world):
    with pytest.raises(CommandError, match="No user"):
        run("create", "ghost")
    with pytest.raises(CommandError, match="No active token"):
        run("revoke", "zzzzzzzz")
    world.analyst.is_active = False
    world.analyst.save()
    with pytest.raises(CommandError, match="not active"):
        run("create", "health-analyst")
