"""The demo loads the Province of Example once, and --reset rebuilds it."""

import pytest
from django.core.management import call_command

from outsidein import workdays
from outsidein.accounts.models import Membership, Organization
from outsidein.calendars.selectors import calendar_as_workdays, calendar_for_organization
from outsidein.standards.models import Guarantee, Service

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_resettable(capsys):
    call_command("demo", "--no-records")
    counts = (Organization.objects.count(), Service.objects.count(), Membership.objects.count())
    assert counts[1] == 20 and Guarantee.objects.get().is_approved
    call_command("demo", "--no-records")
    assert (Organization.objects.count(), Service.objects.count(),
            Membership.objects.count()) == counts
    call_command("demo", "--reset", "--no-records")
    assert (Organization.objects.count(), Service.objects.count(),
            Membership.objects.count()) == counts
    out = capsys.readouterr().out
    assert "quality" in out and "password" in out


def test_office_calendar_inherits_holidays_and_keeps_its_lunch_break():
    call_command("demo", "--no-records")
    import datetime as dt

    office = Organization.objects.get(code="pex-service-north")
    calendar = calendar_as_workdays(calendar_for_organization(office))
    assert not workdays.is_business_day(calendar, dt.date(2025, 7, 1))  # Canada Day (government)
    assert not workdays.is_business_day(calendar, dt.date(2025, 12, 12))  # office closure
    assert not workdays.is_business_day(calendar, dt.date(2025, 8, 4))  # Civic Holiday (opted in)
    day = workdays.calendar_table(calendar, dt.date(2025, 7, 2), dt.date(2025, 7, 2))[0]
    assert day.open_seconds == 7.5 * 3600
