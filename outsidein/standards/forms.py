"""Staff forms for the inventory and standards."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from outsidein.standards.models import StandardVersion
from outsidein.standards.vocabulary import Channel

INPUT = {"class": "ontario-input"}
SELECT = {"class": "ontario-input ontario-dropdown"}
TEXTAREA = {"class": "ontario-textarea", "rows": 3}


class ServiceFilterForm(forms.Form):
    """Search and filters for the service list (GET)."""

    q = forms.CharField(label=_("Search"), required=False, widget=forms.TextInput(attrs=INPUT))
    organization = forms.ChoiceField(label=_("Organization"), required=False,
                                     widget=forms.Select(attrs=SELECT))
    channel = forms.ChoiceField(label=_("Channel"), required=False,
                                choices=[("", _("Any channel")), *Channel.choices],
                                widget=forms.Select(attrs=SELECT))
    line_of_business = forms.ChoiceField(label=_("Line of business"), required=False,
                                         widget=forms.Select(attrs=SELECT))

    def __init__(self, *args, organizations=(), lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [("", _("All my organizations"))] + [
            (o.code, f"{'— ' * max(0, o.depth - 1)}{o.name}") for o in organizations]
        self.fields["line_of_business"].choices = [("", _("Any line of business"))] + [
            (line, line) for line in lines]


class StandardVersionForm(forms.ModelForm):
    """Edit a standard: saving a published one creates a new version."""

    clock_pauses = forms.CharField(
        label=_("Pause events"), required=False, widget=forms.TextInput(attrs=INPUT),
        help_text=_("Comma-separated events that stop the clock, e.g. waiting_for_client."))
    change_note = forms.CharField(label=_("What changed and why"), required=False,
                                  max_length=500, widget=forms.TextInput(attrs=INPUT))
    publish = forms.BooleanField(label=_("Publish this version now"), required=False)
    effective_from = forms.DateField(
        label=_("Takes effect on"), required=False,
        widget=forms.DateInput(attrs={**INPUT, "type": "date"}),
        help_text=_("Results are always computed against the version in force at the time."))

    class Meta:
        model = StandardVersion
        fields = ["name_en", "name_fr", "text_en", "text_fr", "pledge_en", "pledge_fr",
                  "redress_en", "redress_fr", "standard_type", "channel", "clock_start",
                  "clock_stop", "unit", "threshold", "target_share", "calendar"]
        widgets = {name: forms.Textarea(attrs=TEXTAREA) for name in
                   ["text_en", "text_fr", "pledge_en", "pledge_fr", "redress_en", "redress_fr"]}

    def __init__(self, *args, calendars=None, **kwargs):
        super().__init__(*args, **kwargs)
        if calendars is not None:
            # Only calendars the editor may see are offered (and accepted), plus the one the
            # version already uses: another ministry's calendar does not exist for them.
            current = self.instance.calendar_id if self.instance else None
            self.fields["calendar"].queryset = calendars.model.objects.filter(
                Q(pk__in=calendars.values("pk")) | Q(pk=current)).order_by("name")
        for field in self.fields.values():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs.update(SELECT)
            elif isinstance(field.widget, forms.TextInput | forms.NumberInput):
                field.widget.attrs.update(INPUT)
        if self.instance and self.instance.pk:
            self.initial["clock_pauses"] = ", ".join(self.instance.clock_pauses)

    def clean_clock_pauses(self):
        raw = self.cleaned_data.get("clock_pauses") or ""
        return [p.strip() for p in raw.split(",") if p.strip()]

    def version_fields(self) -> dict:
        """The cleaned values the standard_revise service takes."""
        data = {k: v for k, v in self.cleaned_data.items() if k in self.Meta.fields}
        data["clock_pauses"] = self.cleaned_data["clock_pauses"]
        return data
