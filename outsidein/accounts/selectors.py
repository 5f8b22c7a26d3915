"""Reads about organizations and a user's scope."""

import re

from django.db.models import Q, QuerySet

from outsidein.accounts.models import Membership, Organization
from outsidein.accounts.permissions import ROLE_PERMISSIONS, VIEW

# "/<id>/<id>/.../", as accounts.services writes it when it saves an organization.
TREE_PATH = re.compile(r"(/\d+)+/")


def has_tree_path(organization: Organization) -> bool:
    """Whether the organization sits in the tree. One saved without the services has no path,
    and a blank path would prefix every other: such an organization grants and holds nothing."""
    return TREE_PATH.fullmatch(organization.path or "") is not None


def organization_subtree(organization: Organization) -> QuerySet[Organization]:
    """The organization and all its descendants (none when it has no tree path)."""
    if not has_tree_path(organization):
        return Organization.objects.none()
    return Organization.objects.filter(path__startswith=organization.path)


def organization_ancestors(organization: Organization) -> list[Organization]:
    """From the root down to the organization itself."""
    ids = [int(p) for p in organization.path.strip("/").split("/") if p]
    by_id = Organization.objects.in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]


def _scope_paths(user, permission: str) -> list[str]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    memberships = Membership.objects.filter(user=user).select_related("organization")
    # Fail closed: a membership on an organization without a tree path grants nothing.
    return [m.organization.path for m in memberships
            if permission in ROLE_PERMISSIONS.get(m.role, frozenset())
            and has_tree_path(m.organization)]


def organizations_for_user(user, permission: str = VIEW) -> QuerySet[Organization]:
    """Organizations the user may act on with this permission (superusers: all)."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return Organization.objects.all()
    paths = _scope_paths(user, permission)
    if not paths:
        return Organization.objects.none()
    query = Q()
    for path in paths:
        query |= Q(path__startswith=path)
    return Organization.objects.filter(query)


def user_can(user, permission: str, organization: Organization) -> bool:
    """Whether the user holds the permission over this organization."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    return has_tree_path(organization) and any(
        organization.path.startswith(p) for p in _scope_paths(user, permission))


def user_roles(user) -> list[Membership]:
    """The user's memberships, broadest organization first."""
    return list(Membership.objects.filter(user=user).select_related("organization")
                .order_by("organization__path", "role"))
