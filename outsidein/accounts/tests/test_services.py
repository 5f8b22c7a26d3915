"""Account writes: organizations placed in the tree, their updates, roles granted, staff users,
and API tokens (shown once, checked by digest, revoked at once), each audited."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from outsidein.accounts.models import ApiToken, GovernmentLevel, Membership, OrgKind, Role
from outsidein.accounts.permissions import EDIT_STANDARDS, VIEW
from outsidein.accounts.selectors import organizations_for_user, user_can
from outsidein.accounts.services import (
    api_token_authenticate,
    api_token_create,
    api_token_revoke,
    membership_grant,
    organization_create,
    organization_update,
    user_create,
)
from outsidein.common.models import AuditEntry
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def new_office(parent, code="health-south", by=None):
    return organization_create(code=code, name_en="Health south office",
                               name_fr="Bureau sud de la Santé", kind=OrgKind.OFFICE,
                               level_of_government=GovernmentLevel.PROVINCIAL, parent=parent,
                               by=by)


def signs_in(client, username: str, password: str) -> bool:
    """Sign in through the sign-in page, as a person would."""
    response = client.post("/accounts/login/", {"username": username, "password": password})
    return response.status_code == 302 and "_auth_user_id" in client.session


def audited(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("pk"))


# ---- organizations --------------------------------------------------------------------------

def test_a_new_organization_falls_in_its_parents_subtree_and_scope(province_world):
    w = province_world
    office = new_office(w.health, by=w.administrator)
    assert office.has_whole_path and office.ancestors() == [w.gov, w.health, office]
    assert w.health.subtree().filter(pk=office.pk).exists()
    assert office in organizations_for_user(w.lead)            # Health's lead sees it
    assert office not in organizations_for_user(w.transport_lead)
    entry = audited("organization.create")[-1]
    assert (entry.actor, entry.summary) == (w.administrator, "Health south office")


def test_an_organization_code_is_taken_once(province_world):
    with pytest.raises(ValidationError):
        new_office(province_world.transport, code="health-north")


def test_an_update_changes_names_and_audits_before_and_after(province_world):
    w = province_world
    organization_update(organization=w.health, name_en="Ministry of Health and Wellness",
                        acronym="MOH", by=w.administrator)
    w.health.refresh_from_db()
    assert (w.health.name_en, w.health.acronym) == ("Ministry of Health and Wellness", "MOH")
    assert audited("organization.update")[-1].changes == {
        "name_en": ["Ministry of Health", "Ministry of Health and Wellness"],
        "acronym": ["", "MOH"]}


def test_an_update_cannot_move_an_organization_or_change_its_code(province_world):
    w = province_world
    with pytest.raises(ValueError, match="parent"):
        organization_update(organization=w.health_office, parent=w.transport)
    with pytest.raises(ValueError, match="code"):
        organization_update(organization=w.health, code="sante")
    w.health_office.refresh_from_db()
    assert w.health_office.parent == w.health


def test_an_update_is_checked_before_it_is_saved(province_world):
    w = province_world
    with pytest.raises(ValidationError):
        organization_update(organization=w.health, name_en="")
    w.health.refresh_from_db()
    assert w.health.name_en == "Ministry of Health"


# ---- roles and users ------------------------------------------------------------------------

def test_a_role_grants_the_organizations_subtree(province_world):
    w = province_world
    newcomer = user_create(username="newcomer", password=PASSWORD)
    assert not organizations_for_user(newcomer).exists()
    membership_grant(user=newcomer, organization=w.transport, role=Role.ANALYST,
                     by=w.administrator)
    assert set(organizations_for_user(newcomer)) == {w.transport, w.transport_office}
    assert user_can(newcomer, VIEW, w.transport_office)
    assert not user_can(newcomer, EDIT_STANDARDS, w.transport)


def test_granting_a_role_twice_makes_one_membership_and_one_audit_entry(province_world):
    w = province_world
    for _ in range(2):
        membership_grant(user=w.analyst, organization=w.transport, role=Role.ANALYST)
    assert Membership.objects.filter(user=w.analyst, organization=w.transport).count() == 1
    assert [e.summary for e in audited("membership.grant")][-1] == (
        "health-analyst analyst transport")
    assert len([e for e in audited("membership.grant") if "analyst transport" in e.summary]) == 1


def test_a_new_user_signs_in_with_the_password_given(province_world, client):
    user = user_create(username="newcomer", password=PASSWORD, email="newcomer@example.org")
    assert user.check_password(PASSWORD) and user.email == "newcomer@example.org"
    assert signs_in(client, "newcomer", PASSWORD)


def test_a_user_made_without_a_password_cannot_sign_in(client):
    user = user_create(username="invited", password=None)
    assert not user.has_usable_password()
    assert not signs_in(client, "invited", "any password at all")


def test_a_username_is_taken_once(province_world):
    with pytest.raises(ValidationError):
        user_create(username="health-analyst", password=PASSWORD)


# ---- API tokens -----------------------------------------------------------------------------

def test_a_token_is_shown_once_and_stored_only_as_a_digest(province_world):
    token, raw = api_token_create(user=province_world.lead, name="nightly import")
    assert raw.startswith("oi_") and token.prefix == raw[3:11]
    stored = ApiToken.objects.get(pk=token.pk)
    assert raw not in (stored.digest, stored.prefix) and raw[3:] not in stored.digest
    assert api_token_authenticate(raw) == province_world.lead
    assert api_token_authenticate(raw + "x") is None
    assert audited("api_token.create")[-1].actor == province_world.lead


def test_a_revoked_token_stops_at_once(province_world):
    token, raw = api_token_create(user=province_world.lead, name="laptop")
    api_token_revoke(token=token, by=province_world.administrator)
    assert api_token_authenticate(raw) is None
    assert audited("api_token.revoke")[-1].actor == province_world.administrator


def test_a_deactivated_users_token_stops(province_world):
    _token, raw = api_token_create(user=province_world.analyst, name="loader")
    province_world.analyst.is_active = False
    province_world.analyst.save()
    assert api_token_authenticate(raw) is None


def test_a_token_records_its_last_use_at_most_once_a_minute(province_world):
    token, raw = api_token_create(user=province_world.lead, name="script")
    api_token_authenticate(raw)
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    api_token_authenticate(raw)
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(
        last_used_at=timezone.now() - dt.timedelta(minutes=2))
    api_token_authenticate(raw)
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first
