"""Figures as people read them, in the active language: percentages, counts, labels in sentences.

The one place every app formats a share as a percentage, so "84.2%" (English) and "84,2 %"
(French, by the catalogue's "%(value)s%%") read the same on every page.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _


def percent_figure(share: float | Decimal | None, places: int = 1) -> str:
    """A share of 0 to 1 as a localized percentage figure, without the sign: 0.8421 → "84.2".

    Always `places` decimals ("80.0"); see `percent_figure_trimmed` for "80".
    """
    if share is None:
        return ""
    return formats.number_format(round(share * 100, places), decimal_pos=places, use_l10n=True)


def percent_figure_trimmed(share: float | Decimal | None) -> str:
    """A share as a percentage figure with no decimals when it is whole: 0.5 → "50",
    0.125 → "12.5" (computed in decimal, so 0.8 is 80, not 80.00000000000001)."""
    if share is None:
        return ""
    value = Decimal(share) * 100
    if value == value.to_integral_value():
        return str(int(value))
    return formats.number_format(value.quantize(Decimal("0.1")), decimal_pos=1, use_l10n=True)


def percent(share: float | Decimal | None, places: int = 1) -> str:
    """0.8421 → "84.2%" (localized, with the sign); blank for no share."""
    if share is None:
        return ""
    return _("%(value)s%%") % {"value": percent_figure(share, places)}


def number(value: int | float | None) -> str:
    """A count with the language's digit grouping: 12345 → "12,345" ("12 345" in French)."""
    if value is None:
        return ""
    return formats.number_format(value, use_l10n=True, force_grouping=True)


def one_place(value: float) -> str:
    """A measure to one decimal, without ".0" when whole: 3.46 → "3.5", 4.0 → "4"."""
    return formats.number_format(round(value, 1), decimal_pos=1 if value % 1 else 0,
                                 use_l10n=True)


def in_sentence(label: str) -> str:
    """A label inside a sentence: "Fiscal year (April–March)" → "fiscal year (April–March)"."""
    label = str(label)
    return label[:1].lower() + label[1:]


def long_date(value) -> str:
    """A date as people write it in the active language: "December 1, 2026"; in French
    "1er décembre 2026" (French typography writes the first of the month as an ordinal)."""
    if value is None:
        return ""
    text = formats.date_format(value, "DATE_FORMAT", use_l10n=True)
    if get_language_code() == "fr" and getattr(value, "day", None) == 1 and text.startswith("1 "):
        text = "1er " + text[2:]
    return text


def get_language_code() -> str:
    """The active language's two-letter code ("en" when none is active)."""
    return (get_language() or "en").split("-")[0]
