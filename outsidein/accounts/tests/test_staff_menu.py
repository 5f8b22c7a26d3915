"""The staff header shows only the pages the user's roles may open."""

import pytest
from django.urls import reverse

from outsidein.accounts.models import Role
from outsidein.accounts.permissions import IMPORT_RECORDS, ROLE_PERMISSIONS
from outsidein.accounts.selectors import permissions_for_user
from outsidein.accounts.services import membership_grant
from tests import factories

pytestmark = pytest.mark.django_db

def header(client, user) -> str:
    client.force_login(user)
    html = client.get(reverse("staff:home")).content.decode()
    return html[html.index("<header"):html.index("</header>")]


@pytest.mark.parametrize("role", list(Role))
def test_imports_link_only_for_roles_that_may_import(client, role):
    user = factories.person("someone", factories.province(), role)
    imports = reverse("interactions:imports")
    may_import = IMPORT_RECORDS in ROLE_PERMISSIONS[role]
    assert (f'href="{imports}"' in header(client, user)) is may_import
    # The link and the page agree.
    assert client.get(imports).status_code == (200 if may_import else 403)


def test_every_signed_in_user_gets_the_password_link(client):
    user = factories.person("someone", factories.province(), Role.AUDITOR)
    assert f'href="{reverse("accounts:password_change")}"' in header(client, user)


def test_permissions_combine_across_memberships_and_superusers_hold_all():
    gov = factories.province()
    user = factories.person("both", gov, Role.CASE_OFFICER)
    assert IMPORT_RECORDS not in permissions_for_user(user)
    membership_grant(user=user, organization=factories.ministry(gov, "transport"), role=Role.ANALYST)
    assert IMPORT_RECORDS in permissions_for_user(user)
    boss = factories.person("boss")
    boss.is_superuser = True
    assert permissions_for_user(boss) == frozenset().union(*ROLE_PERMISSIONS.values())
