"""Reads: imports, saved mappings, the interaction store of this installation."""

import csv
import itertools
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from outsidein.accounts.permissions import IMPORT_RECORDS
from outsidein.accounts.selectors import organizations_for_user
from outsidein.interactions.models import InteractionImport, SourceMapping
from outsidein.interactions.report import Reject
from outsidein.warehouse.store import InteractionStore, default_root


def interaction_store() -> InteractionStore:
    """The store of interaction records under DATA_DIR/interactions."""
    return InteractionStore(default_root())


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


def imports_for_user(user) -> QuerySet[InteractionImport]:
    """Imports the user made, newest first (every import, for a superuser)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return InteractionImport.objects.none()
    imports = import_list()
    return imports if user.is_superuser else imports.filter(by=user)


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


def mapping_list() -> QuerySet[SourceMapping]:
    """Saved column mappings, by name."""
    return SourceMapping.objects.order_by("name")


def mapping_for(source: str, mapping: "SourceMapping | str | None") -> SourceMapping | None:
    """The mapping an import uses: the one given (or named), else the only one saved for the
    source system, else none (columns named as canonical fields)."""
    if isinstance(mapping, SourceMapping):
        return mapping
    if mapping:
        found = SourceMapping.objects.filter(name=mapping).first()
        if found is None:
            names = ", ".join(SourceMapping.objects.values_list("name", flat=True)) or "none"
            raise ValidationError({"mapping": f"No saved mapping named {mapping!r} "
                                              f"(saved: {names})."})
        return found
    candidates = list(SourceMapping.objects.filter(source=source)[:2])
    return candidates[0] if len(candidates) == 1 else None
