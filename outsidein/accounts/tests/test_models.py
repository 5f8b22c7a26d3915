"""What an organization knows about its place in the tree: subtree, ancestors, nearest value."""

import pytest

from outsidein.accounts.models import Organization, path_ids

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(province_world):
    """The shared world: Province of Example > Ministry of Transportation > its office; and
    Health (with its own office, health-north)."""
    w = province_world
    return w.gov, w.transport, w.transport_office, w.health


def _codes(queryset) -> set[str]:
    return set(queryset.values_list("code", flat=True))


def test_a_subtree_holds_the_organization_and_everything_beneath_it(tree):
    gov, transport, office, health = tree
    assert _codes(gov.subtree()) == {"pex", "transport", "transport-south", "health",
                                     "health-north"}
    assert _codes(transport.subtree()) == {"transport", "transport-south"}
    assert _codes(office.subtree()) == {"transport-south"}


def test_within_joins_the_subtrees_of_several_organizations(tree):
    gov, transport, office, health = tree
    assert _codes(Organization.objects.within(office, health)) == {
        "transport-south", "health", "health-north"}
    assert not Organization.objects.within().exists()


def test_ancestors_run_from_the_root_down_to_the_organization_itself(tree):
    gov, transport, office, health = tree
    assert [o.code for o in office.ancestors()] == ["pex", "transport", "transport-south"]
    assert office.ancestor_ids == (gov.pk, transport.pk, office.pk)
    assert [o.code for o in gov.ancestors()] == ["pex"]


def test_contains_says_whether_another_organization_sits_beneath(tree):
    gov, transport, office, health = tree
    assert gov.contains(office) and transport.contains(office) and office.contains(office)
    assert not health.contains(office) and not office.contains(transport)


def test_nearest_in_takes_the_organizations_own_value_else_the_nearest_ancestors(tree):
    gov, transport, office, health = tree
    by_org = {gov.pk: "province", transport.pk: "transport"}
    assert office.nearest_in(by_org) == "transport"
    assert health.nearest_in(by_org) == "province"
    assert office.nearest_in({office.pk: "own", gov.pk: "province"}) == "own"
    assert office.nearest_in({health.pk: "stranger"}) is None


@pytest.mark.parametrize("damage", ["", "/", "{parent}", "/x/{pk}/", "{parent}{pk}", "//{pk}/"])
def test_a_damaged_path_fails_closed(tree, damage):
    """A node whose path was not written by the services matches and inherits nothing:
    an empty prefix would otherwise match the whole tree, a parent's the parent's subtree."""
    gov, transport, office, health = tree
    Organization.objects.filter(pk=office.pk).update(
        path=damage.format(parent=transport.path, pk=office.pk))
    office.refresh_from_db()
    assert not office.has_whole_path
    assert not office.subtree().exists()
    assert office.ancestors() == [] and office.ancestor_ids == ()
    assert office.nearest_in({gov.pk: "province"}) is None
    assert not gov.contains(office) and not office.contains(office)
    assert _codes(Organization.objects.within(office, health)) == {"health", "health-north"}


def test_whole_paths_are_those_the_services_write(tree):
    gov, transport, office, health = tree
    assert all(o.has_whole_path for o in tree)
    assert path_ids(office.path) == (gov.pk, transport.pk, office.pk)
    assert path_ids("") == () and path_ids("/1/a/") == ()
