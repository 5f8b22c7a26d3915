"""Staff forms (GET filters) for the compliance pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from outsidein.compliance.models import ADDRESS_PARAMETERS, PeriodKind

SELECT = {"class": "ontario-input ontario-dropdown"}
INPUT = {"class": "ontario-input"}

RECORD_FILTERS = [
    ("", _("All records")),
    ("met", _("Met the standard")),
    ("missed", _("Missed the standard")),
    ("excluded", _("Excluded")),
    ("pending", _("Pending (open, not yet due)")),
]


def _organization_choices(organizations, blank):
    return [("", blank)] + [(o.code, f"{'— ' * max(0, o.depth - 1)}{o.name}")
                            for o in organizations]


class DashboardFilterForm(forms.Form):
    """Which organization, service and kind of period the dashboard shows."""

    organization = forms.ChoiceField(label=_("Organization"), required=False,
                                     widget=forms.Select(attrs=SELECT))
    service = forms.ChoiceField(label=_("Service"), required=False,
                                widget=forms.Select(attrs=SELECT))
    period = forms.ChoiceField(label=_("Period"), required=False, choices=PeriodKind.choices,
                               initial=PeriodKind.MONTH, widget=forms.Select(attrs=SELECT))

    def __init__(self, *args, organizations=(), services=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = _organization_choices(
            organizations, _("All my organizations"))
        self.fields["service"].choices = [("", _("Every service"))] + [
            (str(s.pk), s.name or s.code) for s in services]


class RecordFilterForm(forms.Form):
    """Which records of a result to list."""

    status = forms.ChoiceField(label=_("Show"), required=False, choices=RECORD_FILTERS,
                               widget=forms.Select(attrs=SELECT))

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        # The result's service, channel and source are part of its address (query parameters):
        # filtering must keep them, and a GET form sends only its own fields.
        for name in ADDRESS_PARAMETERS:
            if data and data.get(name):
                self.fields[name] = forms.CharField(required=False, widget=forms.HiddenInput)


class AtRiskForm(forms.Form):
    """Open items that will breach within a number of business hours."""

    hours = forms.IntegerField(label=_("Will breach within (business hours)"), min_value=1,
                               max_value=400, initial=8, required=False,
                               widget=forms.NumberInput(attrs=INPUT))
    organization = forms.ChoiceField(label=_("Organization"), required=False,
                                     widget=forms.Select(attrs=SELECT))

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = _organization_choices(
            organizations, _("All my organizations"))


class BreachFilterForm(forms.Form):
    """Which kind of period the guarantee breaches are totalled by."""

    period = forms.ChoiceField(label=_("Totals by"), required=False, choices=PeriodKind.choices,
                               initial=PeriodKind.MONTH, widget=forms.Select(attrs=SELECT))
