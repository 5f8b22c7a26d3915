"""Standards reads: services in a user's scope and their search, a service's standards, the
Common Service Standards that reach an organization, and the version in force; in the shared
world."""

import datetime as dt
from decimal import Decimal

import pytest

from outsidein.accounts.permissions import EDIT_STANDARDS
from outsidein.standards.common_standards import common_standards_seed
from outsidein.standards.selectors import (
    common_standards_for,
    current_version,
    service_lines_of_business,
    service_search,
    services_for_user,
    standards_for_service,
    version_in_force,
)
from outsidein.standards.services import standard_publish, standard_revise
from outsidein.standards.vocabulary import Channel
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def services(province_world):
    """Health's card (online, in person) and its office's birth certificate (mail, vital
    statistics); Transportation's road permit."""
    w = province_world
    return {
        "card": factories.service(w.health, code="H1", name_en="Health card renewal",
                                  name_fr="Renouvellement de la carte Santé",
                                  line_of_business="Health insurance"),
        "birth": factories.service(w.health_office, code="H2", name_en="Birth certificate",
                                   name_fr="Certificat de naissance", channels=[Channel.MAIL],
                                   line_of_business="Vital statistics"),
        "permit": factories.service(w.transport, code="T1", name_en="Road permit",
                                    name_fr="Permis routier"),
    }


def codes(queryset) -> list[str]:
    return sorted(queryset.values_list("code", flat=True))


def test_a_user_sees_the_services_of_their_subtree(province_world, services):
    w = province_world
    assert codes(services_for_user(w.analyst)) == ["H1", "H2"]
    assert codes(services_for_user(w.transport_lead)) == ["T1"]
    assert codes(services_for_user(w.analyst, EDIT_STANDARDS)) == []  # may not edit
    assert codes(services_for_user(factories.person("nobody"))) == []


def test_search_matches_every_word_in_either_language_or_the_code(province_world, services):
    everything = services_for_user(factories.person("pex", province_world.gov))
    assert codes(service_search(queryset=everything, text="carte santé")) == ["H1"]
    assert codes(service_search(queryset=everything, text="certificate")) == ["H2"]
    assert codes(service_search(queryset=everything, text="t1")) == ["T1"]
    assert codes(service_search(queryset=everything, text="road card")) == []


def test_search_filters_by_subtree_channel_and_line_of_business(province_world, services):
    everything = services_for_user(factories.person("pex", province_world.gov))
    assert codes(service_search(queryset=everything,
                                organization=province_world.health)) == ["H1", "H2"]
    assert codes(service_search(queryset=everything, channel=Channel.MAIL)) == ["H2"]
    assert codes(service_search(queryset=everything,
                                line_of_business="Vital statistics")) == ["H2"]
    assert service_lines_of_business(everything) == ["Health insurance", "Vital statistics"]


def test_a_services_standards_list_their_versions_newest_first(services):
    v1 = factories.published_standard(services["card"])
    standard_revise(standard=v1.standard, threshold=Decimal(10))
    [standard] = standards_for_service(services["card"])
    assert [v.number for v in standard.versions.all()] == [2, 1]
    assert not standards_for_service(services["permit"]).exists()


def test_common_standards_reach_the_organizations_beneath(province_world):
    w = province_world
    common_standards_seed(organization=w.health, effective_from=dt.date(2025, 4, 1))
    assert common_standards_for(w.health_office).exists()
    assert common_standards_for(w.health).count() == common_standards_for(
        w.health_office).count()
    assert not common_standards_for(w.transport).exists()
    assert not common_standards_for(w.gov).exists()


def test_the_version_in_force_follows_the_dates_and_the_public_sees_the_latest(services):
    v1 = factories.published_standard(services["card"], effective_from=dt.date(2025, 4, 1))
    standard = v1.standard
    assert version_in_force(standard, dt.date(2025, 3, 31)) is None
    v2 = standard_publish(version=standard_revise(standard=standard, threshold=Decimal(10)),
                          effective_from=dt.date(2026, 1, 1))
    assert version_in_force(standard, dt.date(2025, 12, 31)) == v1
    assert version_in_force(standard, dt.date(2026, 1, 1)) == v2
    standard_revise(standard=standard, threshold=Decimal(5))  # a draft is never current
    assert current_version(standard) == v2
