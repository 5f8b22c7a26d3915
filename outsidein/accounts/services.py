"""Writes about organizations, memberships and API tokens."""

import datetime as dt
import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone

from outsidein.accounts.models import ApiToken, Membership, Organization
from outsidein.common.audit import audit_record


@transaction.atomic
def organization_create(*, code: str, name_en: str, name_fr: str, kind: str,
                        level_of_government: str, parent: Organization | None = None,
                        acronym: str = "", service_area: str = "",
                        client_types: list[str] | None = None, by=None) -> Organization:
    """Create an organization under parent and set its tree path."""
    org = Organization(code=code, name_en=name_en, name_fr=name_fr, kind=kind, parent=parent,
                       level_of_government=level_of_government, acronym=acronym,
                       service_area=service_area, client_types=client_types or [])
    org.full_clean(exclude=["path"])
    org.save()
    org.path = f"{parent.path if parent else '/'}{org.pk}/"
    org.save(update_fields=["path"])
    audit_record(actor=by, action="organization.create", obj=org, summary=name_en)
    return org


@transaction.atomic
def organization_update(*, organization: Organization, by=None, **fields) -> Organization:
    """Change an organization's names or peer attributes (not its place in the tree)."""
    allowed = {"name_en", "name_fr", "acronym", "service_area", "client_types",
               "level_of_government"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"cannot update {', '.join(sorted(unknown))}")
    before = {k: getattr(organization, k) for k in fields}
    for key, value in fields.items():
        setattr(organization, key, value)
    organization.full_clean(exclude=["path"])
    organization.save()
    audit_record(actor=by, action="organization.update", obj=organization,
                 changes={k: [before[k], v] for k, v in fields.items() if before[k] != v})
    return organization


def membership_grant(*, user, organization: Organization, role: str, by=None) -> Membership:
    """Give the user a role over the organization's subtree (idempotent)."""
    membership, created = Membership.objects.get_or_create(user=user, organization=organization,
                                                           role=role)
    if created:
        audit_record(actor=by, action="membership.grant", obj=membership,
                     summary=f"{user.get_username()} {role} {organization.code}")
    return membership


def user_create(*, username: str, password: str | None, email: str = "", first_name: str = "",
                last_name: str = ""):
    """Create a staff user (password None: unusable until reset)."""
    user = get_user_model()(username=username, email=email, first_name=first_name,
                            last_name=last_name)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    return user


def api_token_digest(raw: str) -> str:
    """The stored digest of a raw token."""
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """Issue a token; the raw value is returned once and never stored."""
    raw = "oi_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=raw[3:11],
                                    digest=api_token_digest(raw))
    audit_record(actor=user, action="api_token.create", obj=token, summary=name)
    return token, raw


def api_token_authenticate(raw: str):
    """The active user behind a raw token, or None; records last use."""
    token = (ApiToken.objects.select_related("user")
             .filter(digest=api_token_digest(raw), revoked_at__isnull=True).first())
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    # Record use at most once a minute: a write per request would cost more than the request.
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def api_token_revoke(*, token: ApiToken, by=None) -> None:
    """Revoke a token immediately."""
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(actor=by, action="api_token.revoke", obj=token)


# ---- Passwords (changed by their owner, or reset through an e-mailed link) -------------------

@transaction.atomic
def user_password_change(*, user, password: str, by) -> None:
    """Set a new password that AUTH_PASSWORD_VALIDATORS accept; audit who changed it."""
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=by, action="user.password_change", obj=user,
                 summary=user.get_username())


@transaction.atomic
def user_password_reset(*, user, password: str) -> None:
    """Set the password chosen through a reset link (whoever holds the link acts as the user)."""
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=user, action="user.password_reset", obj=user,
                 summary=user.get_username())
