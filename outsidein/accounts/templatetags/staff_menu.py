"""`{% staff_menu %}`: the staff header's links, only those the signed-in user may open."""

from dataclasses import dataclass

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from outsidein.accounts.permissions import IMPORT_RECORDS
from outsidein.accounts.selectors import permissions_for_user

register = template.Library()

# (URL name, label, permission needed over some organization; None: every signed-in user).
# The pages without a permission show each user what their scope holds, possibly nothing.
MENU = (
    ("staff:services", _("Services"), None),
    ("staff:calendars", _("Calendars"), None),
    ("compliance:dashboard", _("Compliance"), None),
    ("interactions:imports", _("Imports"), IMPORT_RECORDS),
    ("accounts:password_change", _("Change password"), None),
)


@dataclass(frozen=True)
class MenuLink:
    """One link of the staff header."""

    url: str
    label: str
    current: bool


def staff_links(user, held: frozenset[str], path: str = "") -> list[MenuLink]:
    """The menu's links that `user`, holding these permissions, may open."""
    if not getattr(user, "is_authenticated", False):
        return []
    links = []
    for name, label, permission in MENU:
        if permission is None or permission in held:
            url = reverse(name)
            links.append(MenuLink(url=url, label=str(label), current=path.startswith(url)))
    return links


@register.inclusion_tag("staff/_menu.html", takes_context=True)
def staff_menu(context):
    """The links for context's user; an error page may pass `staff_permissions` precomputed."""
    user = context.get("user")
    held = context.get("staff_permissions")
    if held is None:
        held = permissions_for_user(user)
    request = context.get("request")
    return {"links": staff_links(user, held, request.path if request is not None else "")}
