"""Everything one ministry owns, read back as plain values, to prove a request changed none of it.

A ministry's snapshot holds the rows of its organizations, services, standards and their
versions and guarantees, calendars with their hours and closures, saved mappings, the imports its
people made, the compliance results of its organizations, the audit entries about all of those,
and the interaction records of its source systems or its offices as the interaction store holds
them. Two snapshots taken around a request are equal when the request changed nothing of it.
"""

from django.contrib.auth import get_user_model

from outsidein.accounts.models import Membership, Organization
from outsidein.calendars.models import BusinessCalendar, CalendarClosure, CalendarHours
from outsidein.common.models import AuditEntry
from outsidein.compliance.models import ComplianceResult
from outsidein.interactions.models import InteractionImport, SourceMapping
from outsidein.interactions.selectors import interaction_store
from outsidein.standards.models import Guarantee, Service, ServiceStandard, StandardVersion

# Columns that tell a record's owner and content apart (the store's own bookkeeping aside).
RECORD_COLUMNS = ["source", "record_id", "organization", "service", "channel", "import_id",
                  "submitted_at", "completed_at", "exclusion_reason", "fee_paid"]
# What a row's values may hold that changes without anyone changing the row.
VOLATILE = {"updated_at", "last_used_at"}
# A recompute rewrites every result with a new instant; only the figures must stay.
RESULT_BOOKKEEPING = {"id", "fingerprint", "computed_at", "as_of"}


def _rows(queryset) -> list[dict]:
    """Every stored column of every row (model_to_dict would leave out fields such as the
    organization's tree path, which are not editable in forms)."""
    fields = [f.attname for f in queryset.model._meta.concrete_fields if f.name not in VOLATILE]
    return list(queryset.order_by("pk").values_list(*fields))


def _figures(results) -> list[tuple]:
    """Compliance results as their cells and figures, whatever run wrote them last."""
    fields = [f.attname for f in ComplianceResult._meta.concrete_fields
              if f.name not in RESULT_BOOKKEEPING]
    return sorted(tuple(str(getattr(r, name)) for name in fields) for r in results)


def _owned_mappings(paths: list[str], sources: set[str]):
    """Mappings of the ministry: by their owning organization once they have one, and by the
    ministry's source systems (a mapping another saves for the same source changes which mapping
    the ministry's imports use)."""
    mappings = SourceMapping.objects.filter(source__in=sources)
    if any(f.name == "organization" for f in SourceMapping._meta.get_fields()):
        owned = SourceMapping.objects.filter(organization__path__startswith=paths[0])
        mappings = (mappings | owned).distinct()
    return mappings


def ministry_snapshot(ministry, *, sources: set[str], records: bool = True) -> dict:
    """The ministry's rows and (unless `records` is false) its interaction records, as values
    comparable with ==."""
    path = ministry.path
    assert path, "a ministry in the test world has its tree path"
    orgs = Organization.objects.filter(path__startswith=path)
    codes = set(orgs.values_list("code", flat=True))
    services = Service.objects.filter(organization__in=orgs)
    standards = ServiceStandard.objects.filter(organization__in=orgs)
    versions = StandardVersion.objects.filter(standard__in=standards)
    calendars = BusinessCalendar.objects.filter(organization__in=orgs)
    people = get_user_model().objects.filter(
        pk__in=Membership.objects.filter(organization__in=orgs).values("user"))
    mappings = _owned_mappings([path], sources)
    imports = InteractionImport.objects.filter(by__in=people)
    snapshot = {
        "organizations": _rows(orgs),
        "memberships": _rows(Membership.objects.filter(organization__in=orgs)),
        "services": _rows(services),
        "standards": _rows(standards),
        "versions": _rows(versions),
        "guarantees": _rows(Guarantee.objects.filter(standard__in=standards)),
        "calendars": _rows(calendars),
        "hours": _rows(CalendarHours.objects.filter(calendar__in=calendars)),
        "closures": _rows(CalendarClosure.objects.filter(calendar__in=calendars)),
        "mappings": _rows(mappings),
        "imports": _rows(imports),
        "results": _figures(ComplianceResult.objects.filter(organization__in=orgs)),
    }
    audited = {(model._meta.label_lower, str(pk))
               for model, queryset in [(Organization, orgs), (Service, services),
                                       (ServiceStandard, standards), (BusinessCalendar, calendars),
                                       (SourceMapping, mappings), (InteractionImport, imports)]
               for pk in queryset.values_list("pk", flat=True)}
    snapshot["audit"] = sorted(
        (e.object_type, e.object_id, e.action, e.summary)
        for e in AuditEntry.objects.filter(object_id__in={pk for _, pk in audited})
        if (e.object_type, e.object_id) in audited)
    if records:
        snapshot["records"] = ministry_records(codes=codes, sources=sources)
    return snapshot


def ministry_records(*, codes: set[str], sources: set[str]) -> list[tuple]:
    """The stored records that name one of the ministry's organizations or come from one of its
    source systems, sorted (every column that tells a record's owner and content)."""
    table = interaction_store().table(RECORD_COLUMNS).to_pylist()
    return sorted(tuple(str(r[c]) for c in RECORD_COLUMNS) for r in table
                   if r["organization"] in codes or r["source"] in sources)


def differences(before: dict, after: dict) -> list[str]:
    """Which parts of a snapshot changed, e.g. ["records: 6 -> 7", "mappings changed"]."""
    changed = []
    for key in before:
        if before[key] != after[key]:
            if len(before[key]) != len(after[key]):
                changed.append(f"{key}: {len(before[key])} -> {len(after[key])}")
            else:
                changed.append(f"{key} changed")
    return changed
