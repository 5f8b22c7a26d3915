"""Standards are versioned: published versions are never edited, and history is kept."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from outsidein.common.audit import audit_trail
from outsidein.standards.models import StandardVersion
from outsidein.standards.selectors import current_version, version_in_force
from outsidein.standards.services import (
    guarantee_set,
    standard_create,
    standard_discard_draft,
    standard_publish,
    standard_revise,
)
from outsidein.standards.vocabulary import RemedyKind, VersionStatus
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def svc(province_world):
    return factories.service(province_world.transport)


def test_editing_a_published_standard_creates_a_new_version(svc):
    v1 = factories.published_standard(svc, effective_from=dt.date(2025, 4, 1))
    lead = factories.person("lead")
    v2 = standard_revise(standard=v1.standard, threshold=Decimal(10), by=lead,
                         change_note="Faster decisions")
    assert v2.pk != v1.pk and v2.number == 2 and v2.status == VersionStatus.DRAFT
    v1.refresh_from_db()
    assert v1.threshold == 15 and v1.status == VersionStatus.PUBLISHED

    standard_publish(version=v2, effective_from=dt.date(2026, 1, 1), by=lead)
    v1.refresh_from_db()
    assert v1.status == VersionStatus.SUPERSEDED and v1.effective_to == dt.date(2025, 12, 31)
    standard = v1.standard
    assert version_in_force(standard, dt.date(2025, 12, 31)).number == 1
    assert version_in_force(standard, dt.date(2026, 1, 1)).number == 2
    assert version_in_force(standard, dt.date(2025, 3, 31)) is None
    assert current_version(standard).number == 2
    actions = [e.action for e in audit_trail(standard)]
    assert actions.count("standard.publish") == 2 and "standard.revise" in actions


def test_revising_twice_edits_the_same_draft(svc):
    v1 = factories.published_standard(svc)
    a = standard_revise(standard=v1.standard, threshold=Decimal(12))
    b = standard_revise(standard=v1.standard, threshold=Decimal(11))
    assert a.pk == b.pk and StandardVersion.objects.filter(standard=v1.standard).count() == 2


def test_new_version_must_take_effect_after_the_current_one(svc):
    v1 = factories.published_standard(svc, effective_from=dt.date(2025, 4, 1))
    draft = standard_revise(standard=v1.standard, threshold=Decimal(10))
    with pytest.raises(ValidationError):
        standard_publish(version=draft, effective_from=dt.date(2025, 4, 1))


def test_timeliness_standard_needs_its_clock_and_threshold(svc):
    with pytest.raises(ValidationError) as err:
        standard_create(organization=svc.organization, service=svc, code="X",
                        name_en="x", name_fr="x", text_en="x", text_fr="x",
                        standard_type="timeliness", channel="online", unit="business_days")
    assert "clock_start" in err.value.message_dict and "threshold" in err.value.message_dict


def test_unknown_clock_event_is_refused(svc):
    with pytest.raises(ValidationError) as err:
        standard_create(organization=svc.organization, service=svc, code="X",
                        name_en="x", name_fr="x", text_en="x", text_fr="x",
                        standard_type="timeliness", channel="telephone", unit="rings",
                        clock_start="submitted", clock_stop="answered", threshold=3)
    assert "clock_start" in err.value.message_dict


def test_guarantee_without_approval_cannot_be_published(svc):
    version = standard_create(
        organization=svc.organization, service=svc, code="G1", name_en="Licence in 2 days",
        name_fr="Licence en 2 jours", text_en="Your licence within 2 business days.",
        text_fr="Votre licence en 2 jours ouvrables.", standard_type="timeliness",
        channel="online", clock_start="submitted", clock_stop="completed",
        unit="business_days", threshold=2, target_share=Decimal("0.95"))
    guarantee_set(standard=version.standard, remedy_kind=RemedyKind.FEE_SHARE,
                  fee_share=Decimal(1))
    with pytest.raises(ValidationError) as err:
        standard_publish(version=version)
    assert "approval" in str(err.value)
    guarantee = guarantee_set(standard=version.standard,
                              approving_body="Management Board of Cabinet",
                              approved_on=dt.date(2025, 3, 1), approval_reference="MB-2025-17")
    assert standard_publish(version=version).status == VersionStatus.PUBLISHED
    assert guarantee.refund_for(Decimal("60.00")) == Decimal("60.00")


def test_discarding_a_draft_keeps_published_history(svc):
    v1 = factories.published_standard(svc)
    standard_revise(standard=v1.standard, threshold=Decimal(9))
    standard_discard_draft(standard=v1.standard)
    assert list(v1.standard.versions.values_list("number", flat=True)) == [1]


def test_moving_a_service_needs_rights_over_its_new_organization_too(province_world):
    from django.core.exceptions import PermissionDenied

    from outsidein.accounts.models import Role
    from outsidein.standards.services import service_update

    gov, health, transport = province_world.gov, province_world.health, province_world.transport
    svc = factories.service(health, code="H1")
    lead = province_world.lead
    with pytest.raises(PermissionDenied):
        service_update(service=svc, by=lead, organization=transport)
    svc.refresh_from_db()
    assert svc.organization == health
    both = factories.person("both", gov, Role.QUALITY_LEAD)
    assert service_update(service=svc, by=both, organization=transport) == ["organization"]
