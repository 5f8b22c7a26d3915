"""Staff forms: a new import (upload), saved column mappings."""

import codecs
from pathlib import Path

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from outsidein.accounts.models import Organization
from outsidein.interactions.models import SourceMapping
from outsidein.interactions.readers import FORMATS, upload_refusal
from outsidein.interactions.schema import CHANNELS
from outsidein.standards.vocabulary import Channel

INPUT = {"class": "ontario-input"}
SELECT = {"class": "ontario-input ontario-dropdown"}
JSON_TEXTAREA = {"class": "ontario-input oi-json", "rows": 6, "spellcheck": "false"}
CHANNEL_LABELS = {**dict(Channel.choices), "feedback": _("Feedback")}
# Encodings a CSV file may be read in, chosen on the upload page (blank: detected).
ENCODINGS = [
    ("", _("Detect: UTF-8, else Windows-1252")),
    ("utf-8", "UTF-8"),
    ("cp1252", _("Windows-1252 (Western European)")),
    ("iso-8859-1", "ISO-8859-1 (Latin-1)"),
    ("iso-8859-15", "ISO-8859-15 (Latin-9)"),
    ("utf-16", "UTF-16"),
]


def max_upload_bytes() -> int:
    """The largest file the import page takes (IMPORT_MAX_UPLOAD_BYTES)."""
    return settings.IMPORT_MAX_UPLOAD_BYTES


class ImportForm(forms.Form):
    """Upload a file of interaction records to import in the background."""

    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={
            "class": "ontario-input", "accept": ",".join(sorted(FORMATS))}),
        help_text=_("CSV, XLSX, Parquet or JSON lines (.csv, .xlsx, .parquet, .jsonl)."))
    source = forms.CharField(
        label=_("Source system"), max_length=64, widget=forms.TextInput(attrs=INPUT),
        help_text=_("The system the records come from, e.g. acd-toronto. With the record id, "
                    "it identifies a record: importing it again updates it."))
    mapping = forms.ModelChoiceField(
        label=_("Saved column mapping"), required=False, queryset=SourceMapping.objects.none(),
        widget=forms.Select(attrs=SELECT),
        help_text=_("How the file's columns read as fields. Blank: the source system's only "
                    "saved mapping, else columns named as the fields are."))
    organization = forms.ModelChoiceField(
        label=_("Organization that owns the source system"), required=False,
        queryset=Organization.objects.none(), to_field_name="code",
        widget=forms.Select(attrs=SELECT),
        help_text=_("Needed only the first time a source system is imported, when you may "
                    "import for several organizations."))
    encoding = forms.ChoiceField(
        label=_("Encoding of a CSV file"), required=False, choices=ENCODINGS,
        widget=forms.Select(attrs=SELECT),
        help_text=_("How the file's characters are written. Detect checks every line: when "
                    "lines disagree, the file is refused with their numbers, and you choose "
                    "here. With an encoding chosen, lines it cannot read are rejected with "
                    "their line number."))
    dry_run = forms.BooleanField(
        label=_("Dry run: check and count the records, store nothing"), required=False)

    def __init__(self, *args, mappings=None, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mapping"].queryset = (mappings if mappings is not None
                                           else SourceMapping.objects.none())
        self.fields["mapping"].empty_label = _("None")
        owners = owners if owners is not None else Organization.objects.none()
        if len(owners) <= 1:
            # One organization to import for: a new source can only be its own.
            del self.fields["organization"]
        else:
            self.fields["organization"].queryset = owners
            self.fields["organization"].empty_label = _("The one I import for")
        limit = filesizeformat(max_upload_bytes())
        self.fields["file"].help_text = _(
            "CSV, XLSX, Parquet or JSON lines (.csv, .xlsx, .parquet, .jsonl), at most "
            "%(limit)s.") % {"limit": limit}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in FORMATS:
            raise forms.ValidationError(
                _("“%(name)s” is not a file the importer reads: choose a CSV, XLSX, Parquet or "
                  "JSON lines file (.csv, .xlsx, .parquet, .jsonl)."),
                code="file_type", params={"name": Path(upload.name).name})
        limit = max_upload_bytes()
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is %(size)s; the largest file this page takes is %(limit)s. Split it, "
                  "or ask an administrator to import it from the command line."),
                code="file_size", params={"size": filesizeformat(upload.size),
                                          "limit": filesizeformat(limit)})
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."), code="empty")
        return upload

    def clean(self):
        """Refuse, before it is queued, a file that is not what its name says or whose lines
        disagree on their encoding (the import would fail as a whole)."""
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is None:
            return cleaned
        encoding = cleaned.get("encoding") or self._mapping_encoding(cleaned)
        problem = upload_refusal(upload, kind=FORMATS[Path(upload.name).suffix.lower()],
                                 encoding=encoding)
        if problem is not None:
            self.add_error("file", forms.ValidationError(problem, code="unreadable"))
        return cleaned

    def _mapping_encoding(self, cleaned: dict) -> str:
        """The encoding the import's mapping sets: the chosen mapping's, else that of the source
        system's only mapping among those offered (as the import picks it)."""
        mapping = cleaned.get("mapping")
        if mapping is None:
            offered = self.fields["mapping"].queryset.filter(source=cleaned.get("source") or "")
            candidates = list(offered[:2])
            mapping = candidates[0] if len(candidates) == 1 else None
        return mapping.encoding if mapping is not None else ""


class MappingForm(forms.ModelForm):
    """A saved column mapping; the model's own checks (fields, time zone) show by each field."""

    channel = forms.ChoiceField(
        label=_("Channel"), required=False, widget=forms.Select(attrs=SELECT),
        help_text=_("Channel of rows that give none."))

    class Meta:
        model = SourceMapping
        fields = ["name", "organization", "source", "description", "column_map", "constants",
                  "timestamp_format", "time_zone", "channel", "delimiter", "encoding", "sheet"]
        labels = {
            "name": _("Name"), "organization": _("Organization"),
            "source": _("Source system"), "description": _("Description"),
            "column_map": _("Column map (JSON)"), "constants": _("Constants (JSON)"),
            "timestamp_format": _("Date-time format"), "time_zone": _("Time zone"),
            "delimiter": _("Delimiter"), "encoding": _("Encoding"), "sheet": _("Sheet"),
        }
        help_texts = {
            "name": _("Short name used on the command line, e.g. acd-toronto."),
            "column_map": _("File column → field, e.g. {\"Call ID\": \"record_id\", "
                            "\"Answered\": \"answered_at\"}."),
            "constants": _("Field → value set on every row, e.g. {\"organization\": "
                           "\"tor-cc\"}."),
        }
        widgets = {
            "name": forms.TextInput(attrs=INPUT), "source": forms.TextInput(attrs=INPUT),
            "organization": forms.Select(attrs=SELECT),
            "description": forms.TextInput(attrs=INPUT),
            "column_map": forms.Textarea(attrs=JSON_TEXTAREA),
            "constants": forms.Textarea(attrs=JSON_TEXTAREA),
            "timestamp_format": forms.TextInput(attrs=INPUT),
            "time_zone": forms.TextInput(attrs=INPUT),
            "delimiter": forms.TextInput(attrs={"class": "ontario-input ontario-input--4-char-width"}),
            "encoding": forms.TextInput(attrs=INPUT), "sheet": forms.TextInput(attrs=INPUT),
        }

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The mapping belongs to one of the organizations the user may import for.
        field = self.fields["organization"]
        field.queryset = organizations if organizations is not None \
            else Organization.objects.none()
        field.to_field_name = "code"
        field.required = True
        if self.instance.pk and self.instance.organization_id:
            self.initial["organization"] = self.instance.organization.code
        elif len(field.queryset) == 1:
            field.initial = field.queryset[0].code
        field.help_text = _("Who keeps this mapping: people who may import for it see and "
                            "change it.")
        self.fields["channel"].choices = [("", _("None"))] + [
            (c, CHANNEL_LABELS.get(c, c)) for c in CHANNELS]
        if self.instance.pk:
            # A mapping keeps its name: scripts and the command line call it by it.
            del self.fields["name"]

    def clean_encoding(self):
        encoding = (self.cleaned_data.get("encoding") or "").strip()
        if encoding:
            try:
                codecs.lookup(encoding)
            except LookupError:
                raise forms.ValidationError(
                    _("“%(name)s” is not an encoding, e.g. utf-8, cp1252 or iso-8859-1."),
                    code="encoding", params={"name": encoding}) from None
        return encoding

    def clean_column_map(self):
        return self.cleaned_data["column_map"] or {}

    def clean_constants(self):
        return self.cleaned_data["constants"] or {}

    def mapping_fields(self) -> dict:
        """The cleaned fields as the mapping services take them (name and source apart)."""
        return {k: v for k, v in self.cleaned_data.items()
                if k not in {"name", "source", "organization"}}
