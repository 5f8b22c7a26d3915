"""Template helpers for the public pages: targets in plain words, this page in the other language."""

from decimal import Decimal

from django import template
from django.urls import translate_url
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext, ngettext

from outsidein.common import formatting
from outsidein.common.formatting import percent_figure_trimmed

register = template.Library()


@register.filter
def long_date(value) -> str:
    """A date as the active language writes it ("1er décembre 2026" in French)."""
    return formatting.long_date(value)


@register.filter
def target_phrase(share: Decimal | None) -> str:
    """A target share in plain words: 0.8 → "8 times out of 10 (80%)"."""
    if share is None:
        return ""
    share = Decimal(share)
    shown = share_percent(share)
    if share >= 1:
        return gettext("every time (100%)")
    if (share * 10) == (share * 10).to_integral_value() and share > 0:
        return gettext("%(times)s times out of 10 (%(percent)s%%)") % {
            "times": int(share * 10), "percent": shown}
    return gettext("%(percent)s%% of the time") % {"percent": shown}


@register.filter
def share_percent(share: Decimal | None) -> str:
    """A share of 0 to 1 as a localized percentage number: 0.5 → "50", 0.125 → "12.5"."""
    return percent_figure_trimmed(share)


@register.simple_tag(takes_context=True)
def translated_url(context, language: str) -> str:
    """The current page's address in the other language (unchanged where it has none).

    Computed while rendering, when the page's own language is active: Django's set_language
    translates `next` only when the language of its own request matches the page's prefix,
    which is not the case for a visitor whose browser prefers the other language.
    """
    request = context.get("request")
    if request is None:
        return "/"
    return translate_url(request.get_full_path(), language)


@register.filter
def public_period(result) -> str:
    """A result's period in words: "fiscal year 2025–2026", "the month of July 2025"."""
    if result is None:
        return ""
    start, end = result.period_start, result.period_end
    if result.period_kind == "fiscal_year":
        return gettext("fiscal year %(first)s–%(last)s") % {"first": start.year, "last": end.year}
    if result.period_kind == "quarter":
        return gettext("%(start)s to %(end)s") % {
            "start": formatting.long_date(start), "end": formatting.long_date(end)}
    if result.period_kind == "month":
        return date_format(start, "YEAR_MONTH_FORMAT")
    return gettext("%(start)s to %(end)s") % {
        "start": formatting.long_date(start), "end": formatting.long_date(end)}


# Unit -> (singular, plural) of "Currently completed within %(n)s <unit>".
_WITHIN = {
    "business_days": lambda n: ngettext("Currently completed within %(n)s business day",
                                        "Currently completed within %(n)s business days", n),
    "calendar_days": lambda n: ngettext("Currently completed within %(n)s calendar day",
                                        "Currently completed within %(n)s calendar days", n),
    "business_hours": lambda n: ngettext("Currently completed within %(n)s business hour",
                                         "Currently completed within %(n)s business hours", n),
    "minutes": lambda n: ngettext("Currently completed within %(n)s minute",
                                  "Currently completed within %(n)s minutes", n),
    "seconds": lambda n: ngettext("Currently completed within %(n)s second",
                                  "Currently completed within %(n)s seconds", n),
}


@register.filter
def current_phrase(current) -> str:
    """ "Currently completed within 3 business days" (without the date)."""
    if current is None or current.unit not in _WITHIN:
        return ""
    return _WITHIN[current.unit](current.within) % {"n": number_format(current.within)}
