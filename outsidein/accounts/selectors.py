"""Reads about organizations and a user's scope."""

from django.db.models import QuerySet

from outsidein.accounts.models import Membership, Organization
from outsidein.accounts.permissions import ROLE_PERMISSIONS, VIEW


def organization_subtree(organization: Organization) -> QuerySet[Organization]:
    """The organization and all its descendants (see Organization.subtree)."""
    return organization.subtree()


def has_tree_path(organization: Organization) -> bool:
    """Whether the organization's tree path is whole (see Organization.has_whole_path)."""
    return organization.has_whole_path


def _scope_roots(user, permission: str) -> list[Organization]:
    """The organizations whose subtrees the user's roles with this permission cover."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    memberships = Membership.objects.filter(user=user).select_related("organization")
    return [m.organization for m in memberships
            if permission in ROLE_PERMISSIONS.get(m.role, frozenset())
            and m.organization.has_whole_path]


def organizations_for_user(user, permission: str = VIEW) -> QuerySet[Organization]:
    """Organizations the user may act on with this permission (superusers: all)."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return Organization.objects.all()
    return Organization.objects.within(*_scope_roots(user, permission))


def user_can(user, permission: str, organization: Organization) -> bool:
    """Whether the user holds the permission over this organization."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    return any(root.contains(organization) for root in _scope_roots(user, permission))


def user_roles(user) -> list[Membership]:
    """The user's memberships, broadest organization first."""
    return list(Membership.objects.filter(user=user).select_related("organization")
                .order_by("organization__path", "role"))


def permissions_for_user(user) -> frozenset[str]:
    """Every permission the user holds over at least one organization (superusers: all)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return frozenset().union(*ROLE_PERMISSIONS.values())
    roles = Membership.objects.filter(user=user).values_list("role", flat=True).distinct()
    return frozenset().union(*(ROLE_PERMISSIONS.get(role, frozenset()) for role in roles))
