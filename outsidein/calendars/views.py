"""Staff pages: the calendars in scope and a month-by-month view of one."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR

from outsidein import workdays
from outsidein.calendars.selectors import calendar_as_workdays, calendars_for_user, month_grid


@login_required
def calendar_list(request):
    """Calendars the user can see."""
    return render(request, "staff/calendar_list.html",
                  {"calendars": calendars_for_user(request.user).order_by("name")})


@login_required
def calendar_detail(request, pk: int):
    """A year of one calendar: open days, hours, holidays and closures."""
    stored = get_object_or_404(calendars_for_user(request.user), pk=pk)
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = timezone.localdate().year
    year = min(max(year, 2000), 2100)
    calendar = calendar_as_workdays(stored)
    months = [(dt.date(year, m, 1), month_grid(calendar, year, m)) for m in range(1, 13)]
    holidays = workdays.holidays_between(calendar, dt.date(year, 1, 1), dt.date(year, 12, 31))
    return render(request, "staff/calendar_detail.html", {
        "stored": stored, "calendar": calendar, "year": year, "months": months,
        "holidays": sorted(holidays.items()), "hours": calendar.hours,
        "weekdays": [WEEKDAYS_ABBR[d] for d in range(7)],
    })
