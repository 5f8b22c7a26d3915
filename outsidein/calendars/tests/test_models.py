"""Which calendar an organization keeps: its own, else the nearest one up the tree."""

import pytest

from outsidein.accounts.models import Organization
from outsidein.calendars.models import BusinessCalendar
from outsidein.calendars.services import calendar_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(province_world):
    """Province of Example > Ministry of Transportation > its office (the shared world)."""
    w = province_world
    return w.gov, w.transport, w.transport_office


def test_an_office_without_a_calendar_keeps_its_ministrys(tree):
    gov, transport, office = tree
    calendar_create(name="Province", organization=gov, country="CA", subdivision="ON")
    ministry = calendar_create(name="Transport", organization=transport)
    assert BusinessCalendar.objects.nearest_to(office) == ministry
    own = calendar_create(name="Licensing office", organization=office)
    assert BusinessCalendar.objects.nearest_to(office) == own


def test_no_calendar_up_the_tree_means_the_default(tree):
    gov, transport, office = tree
    calendar_create(name="Shared", organization=None)
    assert BusinessCalendar.objects.nearest_to(office) is None


def test_of_two_calendars_on_one_organization_the_first_made_counts(tree):
    gov, transport, office = tree
    first = calendar_create(name="Transport", organization=transport)
    calendar_create(name="Transport (second)", organization=transport)
    assert BusinessCalendar.objects.nearest_to(office) == first
    assert BusinessCalendar.objects.by_organization() == {transport.pk: first}


def test_an_office_with_a_damaged_path_inherits_no_calendar(tree):
    gov, transport, office = tree
    calendar_create(name="Province", organization=gov, country="CA")
    Organization.objects.filter(pk=office.pk).update(path="")
    office.refresh_from_db()
    assert BusinessCalendar.objects.nearest_to(office) is None
