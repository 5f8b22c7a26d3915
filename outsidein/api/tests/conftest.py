"""Two ministries of the Province of Example, their people, and API clients holding tokens."""

from types import SimpleNamespace

import pytest
from django.test import Client

from outsidein.accounts.models import Role
from outsidein.accounts.services import api_token_create
from tests import factories


def token_client(user, **extra) -> Client:
    """A test client sending a fresh bearer token of the user."""
    _token, raw = api_token_create(user=user, name="tests")
    client = Client(headers={"Authorization": f"Bearer {raw}"}, **extra)
    client.raw_token = raw
    return client


@pytest.fixture
def world(db):
    """Health and Transport under the province; each ministry's service has one standard."""
    gov = factories.province()
    health = factories.ministry(gov, "health", "Ministry of Health", "Ministère de la Santé")
    transport = factories.ministry(gov, "transport", "Ministry of Transportation",
                                   "Ministère des Transports")
    health_card = factories.service(health, code="H1", name_en="Health card renewal",
                                    name_fr="Renouvellement de la carte Santé",
                                    channels=["online", "in_person"])
    birth = factories.service(health, code="H2", name_en="Birth certificate",
                              name_fr="Certificat de naissance", channels=["mail"])
    licence = factories.service(transport, code="T1")
    return SimpleNamespace(
        gov=gov, health=health, transport=transport,
        health_card=health_card, birth=birth, licence=licence,
        health_standard=factories.published_standard(health_card, code="HS1").standard,
        transport_standard=factories.published_standard(licence, code="TS1").standard,
        lead=factories.person("hana", health, Role.QUALITY_LEAD),
        manager=factories.person("pierre", health, Role.PROGRAM_MANAGER),
        analyst=factories.person("ana", health, Role.ANALYST),
        transport_lead=factories.person("theo", transport, Role.QUALITY_LEAD),
    )


@pytest.fixture
def lead(world) -> Client:
    """Health's quality lead: may edit and publish in Health."""
    return token_client(world.lead)


@pytest.fixture
def manager(world) -> Client:
    """Health's program manager: may edit but not publish."""
    return token_client(world.manager)


@pytest.fixture
def analyst(world) -> Client:
    """Health's analyst: may only read."""
    return token_client(world.analyst)


@pytest.fixture
def transport_lead(world) -> Client:
    """Transport's quality lead: sees nothing of Health."""
    return token_client(world.transport_lead)
