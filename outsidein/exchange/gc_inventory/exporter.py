"""The export service: services back into the GC layout, one row per service and fiscal year."""

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from django.db.models import Q

from outsidein.accounts.models import Organization
from outsidein.exchange.federal import ROOT_CODE
from outsidein.exchange.gc_inventory.layout import COLUMNS
from outsidein.exchange.gc_inventory.mapping import rows_for_service
from outsidein.standards.models import Service


def services_to_export(organizations: Iterable[Organization] | None = None):
    """Services of the organizations' subtrees (default: the Government of Canada's)."""
    if organizations is None:
        root = Organization.objects.filter(code=ROOT_CODE).first()
        organizations = [root] if root is not None else []
    organizations = list(organizations)
    if not organizations:
        return Service.objects.none()
    within = Q(organization__in=Organization.objects.within(*organizations))
    # Grouped by organization in title order, as the publisher's file is.
    return (Service.objects.filter(within).select_related("organization")
            .order_by("organization__name_en", "organization__code", "code"))


def inventory_export_gc(*, file: str | Path | IO[str],
                        organizations: Iterable[Organization] | None = None) -> int:
    """Write services in the GC layout (header and column order of the publisher's file).

    Returns the number of rows written. A path is written as UTF-8 with a byte-order mark and
    CRLF line ends, like the published file.
    """
    services = services_to_export(organizations)
    if isinstance(file, str | Path):
        with Path(file).open("w", encoding="utf-8-sig", newline="") as stream:
            return _write_rows(stream, services)
    return _write_rows(file, services)


def _write_rows(stream: IO[str], services) -> int:
    # A plain writer on purpose: this is the publisher's interchange file, read back by programs
    # (theirs and our import), and the publisher's own values start with "-" (decision 0010).
    writer = csv.writer(stream)
    writer.writerow(COLUMNS)
    written = 0
    for service in services.iterator(chunk_size=500):
        for row in rows_for_service(service):
            writer.writerow([row[column] for column in COLUMNS])
            written += 1
    return written
