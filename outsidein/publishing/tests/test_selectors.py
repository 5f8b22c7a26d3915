"""What the public pages read: search, grouping, one service's page, gaps in a language."""

import datetime as dt
from decimal import Decimal

import pytest

from outsidein.publishing.selectors import (
    directory_groups,
    folded,
    public_service_by_slug,
    public_service_search,
    service_page,
)
from outsidein.standards.services import (
    guarantee_set,
    standard_create,
    standard_publish,
    standard_revise,
)
from outsidein.standards.vocabulary import Channel, RemedyKind, StandardType, Unit
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def transport(province_world):
    """The shared world's Ministry of Transportation (Health is its sibling)."""
    return province_world.transport


def test_folded_ignores_case_and_accents():
    assert folded("Décision À ÉTÉ") == "decision a ete"


def test_search_needs_every_word_in_the_page_language(transport):
    licence = factories.service(transport, code="DL")
    factories.service(transport, code="VP", name_en="Vehicle permit",
                      name_fr="Certificat d'immatriculation",
                      description_en="Register your vehicle.",
                      description_fr="Immatriculez votre véhicule.")

    assert public_service_search(text="licence renewal", language="en") == [licence]
    assert public_service_search(text="licence plates", language="en") == []
    # English words do not find services on the French page (their French text is shown).
    assert public_service_search(text="licence", language="fr") == []
    assert public_service_search(text="PERMIS conduire", language="fr") == [licence]
    assert public_service_search(text="dl", language="fr") == [licence]
    assert len(public_service_search(text="", language="fr")) == 2


def test_non_public_services_are_never_read(transport):
    hidden = factories.service(transport, code="X", is_public=False)
    assert public_service_by_slug(hidden.slug) is None
    assert public_service_by_slug("unknown") is None
    assert directory_groups(text="", language="en") == []


def test_groups_are_sorted_by_name_in_the_page_language(transport, province_world):
    health = province_world.health
    factories.service(transport, code="B", name_en="Boat licence", name_fr="Permis de bateau")
    factories.service(transport, code="A", name_en="Zebra crossing", name_fr="Autorisation")
    factories.service(health, code="H", name_en="Health card", name_fr="Carte Santé")

    english = directory_groups(text="", language="en")
    assert [g.organization.code for g in english] == ["health", "transport"]
    assert [s.code for s in english[1].services] == ["B", "A"]
    french = directory_groups(text="", language="fr")
    assert [s.code for s in french[1].services] == ["A", "B"]


def test_service_page_reads_current_versions_common_standards_and_approved_guarantees(
        transport):
    licence = factories.service(transport, code="DL", channels=[Channel.ONLINE, Channel.KIOSK])
    own = factories.published_standard(licence, code="DL-1", redress_en="Call us.",
                                       redress_fr="Appelez-nous.")
    revised = standard_revise(standard=own.standard, name_en="Decision in 10 business days",
                              name_fr="Décision en 10 jours ouvrables")
    standard_publish(version=revised, effective_from=dt.date(2026, 1, 1))
    draft_only = standard_create(
        organization=transport, service=licence, code="DL-DRAFT", name_en="Draft",
        name_fr="Ébauche", text_en="Not yet.", text_fr="Pas encore.",
        standard_type=StandardType.OTHER, unit=Unit.NONE)
    common = standard_create(
        organization=transport.parent, code="CSS-1", is_common=True, name_en="Common",
        name_fr="Commune", text_en="For all.", text_fr="Pour tous.", redress_en="Call us.",
        redress_fr="Appelez-nous.", standard_type=StandardType.OTHER, unit=Unit.NONE)
    standard_publish(version=common, effective_from=dt.date(2025, 4, 1))
    guarantee_set(standard=common.standard, remedy_kind=RemedyKind.REFUND_AMOUNT,
                  refund_amount=Decimal("5"))  # not approved: not shown

    page = service_page(service=licence, language="fr")

    assert [item.version.number for item in page.standards] == [2]
    assert page.standards[0].version.name_fr == "Décision en 10 jours ouvrables"
    assert draft_only.standard not in [item.standard for item in page.standards]
    assert [item.standard.code for item in page.common_standards] == ["CSS-1"]
    assert page.guarantees == []
    assert page.complaint_texts == ["Appelez-nous."]  # the same text once
    assert page.channels == ["En ligne", "Kiosque"]
    assert page.other_language == "en"
    assert not page.missing_in_language


def test_text_in_one_language_only_is_flagged_not_borrowed(transport):
    licence = factories.service(transport, code="DL", description_fr="", contact_en="Call.")
    factories.published_standard(licence, pledge_en="", pledge_fr="Nous promettons.")

    french = service_page(service=licence, language="fr")
    assert french.missing_in_language
    assert french.missing_fields == frozenset({"description", "contact"})

    english = service_page(service=licence, language="en")
    assert english.missing_in_language  # the pledge exists only in French
    assert english.missing_fields == frozenset()
