"""The calendar page shows a year: holidays, closures and open hours, in the user's language."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from outsidein.accounts.models import Organization, Role
from outsidein.calendars.models import BusinessCalendar
from tests import factories

pytestmark = pytest.mark.django_db


def test_year_view_lists_holidays_and_office_closure(client):
    call_command("demo", "--no-records")
    client.force_login(factories.person("viewer", Organization.objects.get(code="pex"), Role.ANALYST))
    north = BusinessCalendar.objects.get(name="Northtown office")
    page = client.get(reverse("staff:calendar", args=[north.pk]), {"year": 2025}).content.decode()
    assert "Winter storm" in page and "Canada Day" in page and "Civic Holiday" in page
    assert "7.5 h" in page  # lunch break: 8:30–12:00 and 13:00–17:00
    french = client.get(reverse("staff:calendar", args=[north.pk]), {"year": 2025},
                        HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "lun" in french.lower()


def test_calendar_of_another_ministry_is_hidden(client):
    call_command("demo", "--no-records")
    client.force_login(factories.person("h", Organization.objects.get(code="pex-health"), Role.ANALYST))
    north = BusinessCalendar.objects.get(name="Northtown office")
    assert client.get(reverse("staff:calendar", args=[north.pk])).status_code == 404
