"""A user of one ministry sees nothing of another."""

import pytest

from outsidein.accounts.models import Role
from outsidein.accounts.permissions import EDIT_STANDARDS, VIEW
from outsidein.accounts.selectors import organizations_for_user, user_can
from outsidein.standards.selectors import services_for_user
from tests import factories

pytestmark = pytest.mark.django_db


def test_scope_is_the_membership_subtree(province_world):
    health, transport = province_world.health, province_world.transport
    factories.service(health, code="H1")
    factories.service(transport, code="T1")
    alice = province_world.analyst

    assert set(organizations_for_user(alice)) == {health, province_world.health_office}
    assert [s.code for s in services_for_user(alice)] == ["H1"]
    assert user_can(alice, VIEW, health)
    assert not user_can(alice, VIEW, transport)
    assert not user_can(alice, EDIT_STANDARDS, health)


def test_government_membership_covers_every_ministry(province_world):
    w = province_world
    lead = factories.person("pex-lead", w.gov, Role.QUALITY_LEAD)
    assert user_can(lead, EDIT_STANDARDS, w.health)
    assert set(organizations_for_user(lead)) == {w.gov, w.health, w.health_office, w.transport,
                                                 w.transport_office}


def test_no_membership_no_scope(province_world):
    nobody = factories.person("nobody")
    assert not organizations_for_user(nobody).exists()


def test_a_role_on_an_organization_saved_without_the_services_grants_nothing():
    from outsidein.accounts.models import Membership, Organization, OrgKind

    gov = factories.province()
    health = factories.ministry(gov, "health")
    # Saved directly (as the admin site once did): no tree path.
    orphan = Organization.objects.create(code="orphan", name_en="Orphan", name_fr="Orphelin",
                                         kind=OrgKind.MINISTRY, parent=gov,
                                         level_of_government="provincial")
    assert orphan.path == ""
    user = factories.person("orphaned")
    Membership.objects.create(user=user, organization=orphan, role=Role.ADMINISTRATOR)
    assert not organizations_for_user(user).exists()
    assert not user_can(user, VIEW, health)
    assert not user_can(user, VIEW, orphan)
    # A damaged path (not ending with the node's own id) fails closed too.
    Organization.objects.filter(pk=orphan.pk).update(path=gov.path)
    orphan.refresh_from_db()
    assert not organizations_for_user(user).exists()
    assert not user_can(user, VIEW, gov)


def test_an_organization_added_through_the_admin_site_gets_its_place_in_the_tree(client):
    from outsidein.accounts.models import Organization

    gov = factories.province()
    admin = factories.person("root")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    response = client.post("/admin/accounts/organization/add/", {
        "code": "parks", "name_en": "Parks", "name_fr": "Parcs", "kind": "ministry",
        "parent": gov.pk, "level_of_government": "provincial", "client_types": "[]"})
    assert response.status_code == 302, response.content.decode()[:2000]
    parks = Organization.objects.get(code="parks")
    assert parks.path == f"{gov.path}{parks.pk}/"
    lead = factories.person("lead", parks, Role.QUALITY_LEAD)
    assert set(organizations_for_user(lead)) == {parks}


def test_an_organization_saved_without_the_service_grants_nothing():
    # Saved directly, it has no tree path; a blank path would prefix every other one.
    from outsidein.accounts.models import Organization
    from outsidein.accounts.permissions import IMPORT_RECORDS
    from outsidein.accounts.selectors import organization_subtree

    gov = factories.province()
    health = factories.ministry(gov, "health")
    unplaced = Organization.objects.create(code="unplaced", name_en="Unplaced", name_fr="Non placée",
                                           kind="office", parent=health,
                                           level_of_government="provincial")
    assert unplaced.path == ""
    lead = factories.person("lead", unplaced, Role.QUALITY_LEAD)
    assert not organizations_for_user(lead).exists()
    assert not organizations_for_user(lead, IMPORT_RECORDS).exists()
    assert not user_can(lead, VIEW, health)
    assert not user_can(lead, VIEW, unplaced)
    assert not organization_subtree(unplaced).exists()
    # Someone over the ministry does not reach it either: it is not in the tree.
    assert set(organizations_for_user(factories.person("hana", health, Role.ANALYST))) == {health}
