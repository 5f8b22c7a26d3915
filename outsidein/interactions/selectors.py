"""Reads: imports, saved mappings, the interaction store of this installation."""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from outsidein.interactions.models import InteractionImport, SourceMapping
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
