from django.contrib import admin

from outsidein.calendars.models import BusinessCalendar, CalendarClosure, CalendarHours


class HoursInline(admin.TabularInline):
    model = CalendarHours
    extra = 0


class ClosureInline(admin.TabularInline):
    model = CalendarClosure
    extra = 0


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "parent", "timezone", "country", "subdivision"]
    inlines = [HoursInline, ClosureInline]
