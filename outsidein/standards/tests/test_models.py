"""What a standard version knows: which versions count as in force, the open draft, and the
moves of its life (draft → published → superseded); and the public slug of a service."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from outsidein.standards.models import Service, StandardVersion
from outsidein.standards.services import standard_publish, standard_revise
from outsidein.standards.vocabulary import VersionStatus
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(province_world):
    """v1 in force 2025-04-01 to 2025-12-31, v2 from 2026-01-01, and an open draft v3."""
    svc = factories.service(province_world.transport)
    v1 = factories.published_standard(svc, effective_from=dt.date(2025, 4, 1))
    standard = v1.standard
    v2 = standard_revise(standard=standard, threshold=Decimal(10))
    v2 = standard_publish(version=v2, effective_from=dt.date(2026, 1, 1))
    v3 = standard_revise(standard=standard, threshold=Decimal(5))
    v1.refresh_from_db()
    return standard, v1, v2, v3


def _numbers(queryset) -> list[int]:
    return sorted(queryset.values_list("number", flat=True))


def test_in_force_means_published_or_superseded_never_a_draft(history):
    standard, v1, v2, v3 = history
    assert _numbers(standard.versions.in_force()) == [1, 2]
    assert _numbers(standard.versions.published()) == [2]
    assert v1.is_in_force and not v3.is_in_force


def test_the_draft_is_the_one_open_version(history):
    standard, v1, v2, v3 = history
    assert list(standard.versions.draft()) == [v3]
    assert v3.is_draft and not v2.is_draft


def test_covering_finds_the_version_in_force_on_a_date(history):
    standard, v1, v2, v3 = history
    assert _numbers(standard.versions.covering(dt.date(2025, 12, 31))) == [1]
    assert _numbers(standard.versions.covering(dt.date(2026, 1, 1))) == [2]
    assert _numbers(standard.versions.covering(dt.date(2025, 3, 31))) == []


def test_publishing_puts_a_draft_in_force_from_a_date(history):
    standard, v1, v2, v3 = history
    v3.publish(effective_from=dt.date(2026, 6, 1))
    assert v3.status == VersionStatus.PUBLISHED and v3.effective_from == dt.date(2026, 6, 1)
    assert v3.published_at is not None


def test_only_a_draft_can_be_published(history):
    standard, v1, v2, v3 = history
    with pytest.raises(ValidationError, match="Only a draft can be published"):
        v2.publish(effective_from=dt.date(2027, 1, 1))
    assert v2.status == VersionStatus.PUBLISHED and v2.effective_from == dt.date(2026, 1, 1)


def test_superseding_ends_a_published_version(history):
    standard, v1, v2, v3 = history
    v2.supersede(ending=dt.date(2026, 5, 31))
    assert v2.status == VersionStatus.SUPERSEDED and v2.effective_to == dt.date(2026, 5, 31)


def test_only_a_published_version_can_be_superseded(history):
    standard, v1, v2, v3 = history
    for version in (v1, v3):
        with pytest.raises(ValidationError, match="Only a published version can be superseded"):
            version.supersede(ending=dt.date(2027, 1, 1))
    assert v3.status == VersionStatus.DRAFT and v3.effective_to is None


def test_a_version_cannot_end_before_it_takes_effect(history):
    standard, v1, v2, v3 = history
    with pytest.raises(ValidationError, match="must take effect after 2026-01-01"):
        v2.supersede(ending=dt.date(2025, 12, 31))
    assert v2.status == VersionStatus.PUBLISHED and v2.effective_to is None
    v2.supersede(ending=dt.date(2026, 1, 1))  # a successor from 2026-01-02 is fine


def test_a_refused_move_is_explained_in_the_users_language(history):
    standard, v1, v2, v3 = history
    with translation.override("fr"):
        with pytest.raises(ValidationError) as refused:
            v3.supersede(ending=dt.date(2027, 1, 1))
        assert refused.value.messages == ["Seule une version publiée peut être remplacée."]


def test_the_moves_change_the_object_only_the_service_saves(history):
    standard, v1, v2, v3 = history
    v3.publish(effective_from=dt.date(2026, 6, 1))
    assert StandardVersion.objects.get(pk=v3.pk).status == VersionStatus.DRAFT


def test_a_service_slug_comes_from_its_name_and_code_and_is_never_reused(province_world):
    ministry = province_world.transport
    first = factories.service(ministry, code="S1", name_en="Driver's licence renewal")
    assert first.slug == "drivers-licence-renewal-s1"
    assert Service.free_slug("Driver's licence renewal", "S1") == "drivers-licence-renewal-s1-2"
    assert Service.free_slug("", "") == "service"
    taken = {"service", "service-2"}
    assert Service.free_slug("", "", taken=taken) == "service-3"
    assert "service-3" in taken
