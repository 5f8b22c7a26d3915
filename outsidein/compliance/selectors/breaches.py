"""Reads: guaranteed standards in a user's scope, and the breaches of one guarantee.

The figures come from the engine (compliance.engine.breaches); this module picks the standards,
versions and organizations from the database and opens an engine on this installation's store.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from django.utils import timezone

from outsidein.accounts.selectors import organizations_for_user
from outsidein.compliance.engine.breaches import BreachReport, breach_report, read_eligible
from outsidein.compliance.selectors.plans import version_plan
from outsidein.compliance.selectors.records import default_dataset, reading_engine
from outsidein.standards.models import ServiceStandard
from outsidein.warehouse.engines import open_engine


def guaranteed_standards_for_user(user):
    """Standards with an approved guarantee, owned by or applying to the user's organizations."""
    scope = list(organizations_for_user(user))
    standards = (ServiceStandard.objects.filter(guarantee__isnull=False)
                 .select_related("guarantee", "organization", "service").order_by("code"))
    return [s for s in standards if s.guarantee.is_approved
            and _organizations_in_scope(s, scope)]


def _organizations_in_scope(standard, scope) -> list:
    """The standard's organizations (its owner's subtree) that are in the scope."""
    return [o for o in scope if standard.organization.contains(o)]


def breach_organizations(user, standard) -> list:
    """The organizations whose breaches of the standard the user may read (empty: none)."""
    return _organizations_in_scope(standard, list(organizations_for_user(user).order_by("path")))


def guarantee_breaches(*, standard, organizations, period_kind: str = "month",
                       first_day: dt.date | None = None, last_day: dt.date | None = None,
                       as_of: dt.datetime | None = None, engine=None,
                       dataset=None) -> BreachReport:
    """Breaches and refunds of a guaranteed standard over its organizations' records.

    Every version of the standard in force between `first_day` (default: the guarantee's
    approval date) and `last_day` (default: the as-of date) is read with the engine's own rule.
    """
    guarantee = standard.guarantee
    as_of = (as_of or timezone.now()).astimezone(dt.UTC).replace(microsecond=0)
    # Transactions before the guarantee was approved were not guaranteed.
    starts = [d for d in (first_day, guarantee.approved_on) if d is not None]
    first_day = max(starts) if starts else as_of.date()
    last_day = min(last_day or as_of.date(), as_of.date())
    versions = (standard.versions.in_force().filter(effective_from__isnull=False,
                                                    effective_from__lte=last_day)
                .order_by("number"))
    versions = [v for v in versions if v.effective_to is None or v.effective_to >= first_day]
    organizations = list(organizations)
    owned = engine is None
    engine = reading_engine(engine or open_engine())
    try:
        found = read_eligible(engine, (version_plan(v, organizations) for v in versions),
                              dataset=dataset or default_dataset(), as_of=as_of,
                              first_day=first_day, last_day=last_day)
    finally:
        if owned:
            engine.close()
    report = breach_report(refund_for=guarantee.refund_for, period_kind=period_kind,
                           first_day=first_day, last_day=last_day, missed=found.missed,
                           eligible_by_day=found.by_day,
                           organization_codes={o.pk: o.code for o in organizations},
                           unit_factor=found.unit_factor)
    return replace(report, sql=found.sql)
