"""Reads: imports, saved mappings, the interaction store of this installation."""

import csv
import itertools
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import F, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from outsidein.accounts.models import Organization
from outsidein.accounts.permissions import IMPORT_RECORDS
from outsidein.accounts.selectors import has_tree_path, organization_subtree, organizations_for_user
from outsidein.interactions.models import ImportStatus, InteractionImport, SourceMapping
from outsidein.interactions.report import Reject
from outsidein.warehouse.store import InteractionStore, default_root


def interaction_store() -> InteractionStore:
    """The store of interaction records (the INTERACTION_STORE setting, else
    DATA_DIR/interactions)."""
    return InteractionStore(default_root())


def imported_record_count() -> int:
    """Records the store should hold by the database's account: stored or updated by finished
    imports that were not undone (dry runs store nothing)."""
    found = InteractionImport.objects.filter(status=ImportStatus.DONE, dry_run=False).aggregate(
        n=Sum(F("stored") + F("updated")))
    return int(found["n"] or 0)


def imports_dir() -> Path:
    """Where imports keep their reject reports and queued files: DATA_DIR/imports."""
    return Path(settings.DATA_DIR) / "imports"


def import_list(*, source: str | None = None) -> QuerySet[InteractionImport]:
    """Imports, newest first, optionally of one source system."""
    imports = InteractionImport.objects.select_related("mapping", "by")
    return imports.filter(source=source) if source else imports


def import_scope(user) -> list[str] | None:
    """Codes of the organizations the user may import records for: None for any (a
    superuser), [] for none (the role does not allow importing)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if user.is_superuser:
        return None
    return sorted(organizations_for_user(user, IMPORT_RECORDS).values_list("code", flat=True))


def import_owner_choices(scope: list[str] | None) -> list[Organization]:
    """The organizations that may own a new source: the broadest ones of the scope (codes the
    importer may import for; None: the roots of the tree)."""
    if scope is None:
        return list(Organization.objects.filter(parent__isnull=True).order_by("path"))
    within = [o for o in Organization.objects.filter(code__in=scope).order_by("path")
              if has_tree_path(o)]
    return [o for o in within if not any(p.contains(o) and o.pk != p.pk
                                         for p in within)]


def subtree_codes(organization: Organization) -> list[str]:
    """Codes of the organization and everything beneath it (none for a damaged node)."""
    if not has_tree_path(organization):
        return []
    return sorted(organization_subtree(organization).values_list("code", flat=True))


def imports_for_user(user) -> QuerySet[InteractionImport]:
    """Imports the user may see, newest first: those they made, and those of sources owned by
    organizations they may import for (every import, for a superuser)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return InteractionImport.objects.none()
    imports = import_list()
    if user.is_superuser:
        return imports
    return imports.filter(Q(by=user) | Q(
        organization__in=organizations_for_user(user, IMPORT_RECORDS)))


def import_for_user(user, pk: int) -> InteractionImport:
    """One import the user may see, or 404 (never a 403: others' imports do not exist)."""
    return get_object_or_404(imports_for_user(user), pk=pk)


def import_reject_list(record: InteractionImport, *, limit: int | None = None) -> list[Reject]:
    """The problems of an import's refused rows, in file order (the first `limit` of them)."""
    if not record.rejects_path:
        return []
    try:
        with open(record.rejects_path, newline="", encoding="utf-8") as handle:
            rows = itertools.islice(csv.DictReader(handle), limit)
            return [Reject(line=int(row["line"]), field=row["field"], value=row["value"],
                           reason=row["reason"]) for row in rows]
    except OSError:
        return []


def mapping_list(scope: list[str] | None = None) -> QuerySet[SourceMapping]:
    """Saved column mappings by name: those of the organizations in `scope` (codes the user
    may import for; None: every mapping, for a superuser or the command line)."""
    mappings = SourceMapping.objects.select_related("organization").order_by("name")
    if scope is None:
        return mappings
    return mappings.filter(organization__code__in=scope)


def mapping_for(source: str, mapping: "SourceMapping | str | None", *,
                scope: list[str] | None = None) -> SourceMapping | None:
    """The mapping an import uses: the one given (or named), else the only one saved for the
    source system, else none (columns named as canonical fields). Only mappings within the
    importer's `scope` count: another organization's mapping does not exist for it."""
    visible = mapping_list(scope)
    if isinstance(mapping, SourceMapping):
        if not visible.filter(pk=mapping.pk).exists():
            raise ValidationError({"mapping": _("No saved mapping named “%(name)s”.") % {
                "name": mapping.name}})
        return mapping
    if mapping:
        found = visible.filter(name=mapping).first()
        if found is None:
            names = ", ".join(visible.values_list("name", flat=True)) or _("none")
            raise ValidationError({"mapping": _(
                "No saved mapping named “%(name)s” (saved: %(names)s).") % {
                "name": mapping, "names": names}})
        return found
    candidates = list(visible.filter(source=source)[:2])
    return candidates[0] if len(candidates) == 1 else None
