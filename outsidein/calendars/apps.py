from django.apps import AppConfig


class CalendarsConfig(AppConfig):
    name = "outsidein.calendars"
    label = "calendars"
    verbose_name = "Business calendars"
