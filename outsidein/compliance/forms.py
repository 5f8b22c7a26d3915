"""Staff forms (GET filters) for the compliance pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from outsidein.compliance.engine.periods import parse_period
from outsidein.compliance.models import ADDRESS_PARAMETERS, PeriodKind

SELECT = {"class": "ontario-input ontario-dropdown"}
INPUT = {"class": "ontario-input"}

RECORD_FILTERS = [
    ("", _("All records")),
    ("met", _("Met the standard")),
    ("missed", _("Missed the standard")),
    ("excluded", _("Excluded")),
    # Open and not yet late: not yet due, or within the standard's time when it has no due time.
    ("pending", _("Pending (still open, not late yet)")),
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


EVIDENCE_FORMATS = [("csv", "CSV"), ("parquet", "Parquet")]


class EvidenceForm(forms.Form):
    """Which records to download with their outcomes: every choice is within the user's scope."""

    organization = forms.ChoiceField(label=_("Organization"), required=False,
                                     help_text=_("With every unit beneath it."),
                                     widget=forms.Select(attrs=SELECT))
    standard = forms.ChoiceField(label=_("Standard"), required=False,
                                 widget=forms.Select(attrs=SELECT))
    service = forms.ChoiceField(label=_("Service"), required=False,
                                widget=forms.Select(attrs=SELECT))
    channel = forms.ChoiceField(label=_("Channel"), required=False,
                                widget=forms.Select(attrs=SELECT))
    period = forms.CharField(label=_("Period"), required=False, max_length=16,
                             help_text=_("2025-06, 2025-Q2, FY2025-26, 2025 or 2025-06-02 "
                                         "(blank: the current fiscal year)."),
                             widget=forms.TextInput(attrs=INPUT))
    status = forms.ChoiceField(label=_("Outcome"), required=False, choices=RECORD_FILTERS,
                               widget=forms.Select(attrs=SELECT))
    format = forms.ChoiceField(label=_("Format"), required=False, choices=EVIDENCE_FORMATS,
                               widget=forms.HiddenInput)

    def __init__(self, *args, organizations=(), standards=(), services=(), channels=(),  # (value, label)s
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = _organization_choices(
            organizations, _("All my organizations"))
        self.fields["standard"].choices = [("", _("Every standard")), *standards]
        self.fields["service"].choices = [("", _("Every service")), *services]
        self.fields["channel"].choices = [("", _("Every channel")), *channels]

    def clean_period(self):
        text = self.cleaned_data["period"].strip()
        if not text:
            return None
        try:
            return parse_period(text)
        except ValueError:
            raise forms.ValidationError(
                _("Enter a period such as 2025-06, 2025-Q2, FY2025-26, 2025 or 2025-06-02."),
                code="period") from None
