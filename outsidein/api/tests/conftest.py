"""The API's tests run in the shared Province of Example (tests/factories.py), with Health's
services and standards added, and API clients holding the personas' tokens."""

import pytest
from django.test import Client

from tests import factories
from tests.factories import token_client


@pytest.fixture
def world(province_world):
    """The shared light world, plus two Health services (H1 online and in person, H2 by mail)
    and Transportation's T1, each ministry with one published standard (HS1, TS1)."""
    w = province_world
    w.health_card = factories.service(w.health, code="H1", name_en="Health card renewal",
                                      name_fr="Renouvellement de la carte Santé",
                                      channels=["online", "in_person"])
    w.birth = factories.service(w.health, code="H2", name_en="Birth certificate",
                                name_fr="Certificat de naissance", channels=["mail"])
    w.licence = factories.service(w.transport, code="T1")
    w.health_standard = factories.published_standard(w.health_card, code="HS1").standard
    w.transport_standard = factories.published_standard(w.licence, code="TS1").standard
    return w


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
