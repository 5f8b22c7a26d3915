"""Recording audit entries: called from services, never from signals or save()."""

from typing import Any

from django.db import models

from outsidein.common.models import AuditEntry


def audit_record(*, actor, action: str, obj: models.Model, summary: str = "",
                 changes: dict[str, Any] | None = None) -> AuditEntry:
    """Append an audit entry for an action on obj."""
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        summary=summary[:500],
        changes=_jsonable(changes or {}),
    )


def audit_trail(obj: models.Model):
    """Audit entries for obj, newest first."""
    return AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def audit_record_many(*, actor, entries) -> None:
    """audit_record for many objects in one insert: entries of (action, obj, summary, changes)."""
    actor = actor if getattr(actor, "pk", None) else None
    AuditEntry.objects.bulk_create(
        [AuditEntry(actor=actor, action=action, object_type=obj._meta.label_lower,
                    object_id=str(obj.pk), summary=summary[:500], changes=_jsonable(changes or {}))
         for action, obj, summary, changes in entries], batch_size=500)
