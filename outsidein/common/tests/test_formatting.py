"""Figures as people read them, in English and in French (the one formatter every app uses)."""

from decimal import Decimal

from django.utils import translation

from outsidein.common.formatting import (
    in_sentence,
    number,
    one_place,
    percent,
    percent_figure,
    percent_figure_trimmed,
)

NBSP = "\u00a0"


def test_a_share_reads_as_a_percentage_in_each_language():
    with translation.override("en"):
        assert percent(0.8421) == "84.2%"
        assert percent(0.42, 0) == "42%"
        assert percent(0.0125, 2) == "1.25%"
        assert percent(None) == ""
    with translation.override("fr"):
        assert percent(0.8421) == f"84,2{NBSP}%"
        assert percent(Decimal("0.5"), 0) == f"50{NBSP}%"


def test_percentage_figures_keep_or_trim_their_decimals():
    with translation.override("en"):
        assert percent_figure(0.8) == "80.0"
        assert percent_figure_trimmed(Decimal("0.8")) == "80"
        assert percent_figure_trimmed(Decimal("0.125")) == "12.5"
        assert percent_figure_trimmed(None) == ""
    with translation.override("fr"):
        assert percent_figure_trimmed(Decimal("0.125")) == "12,5"


def test_counts_are_grouped_and_measures_keep_one_decimal_when_needed():
    with translation.override("en"):
        assert number(12345) == "12,345"
        assert number(None) == ""
        assert (one_place(3.46), one_place(4.0)) == ("3.5", "4")
    with translation.override("fr"):
        assert number(12345).replace(NBSP, " ").replace("\u202f", " ") == "12 345"
        assert one_place(3.46) == "3,5"


def test_a_label_inside_a_sentence_starts_in_lower_case():
    assert in_sentence("Fiscal year (April–March)") == "fiscal year (April–March)"
    assert in_sentence("") == ""


def test_french_writes_the_first_of_the_month_as_an_ordinal():
    import datetime as dt

    from outsidein.common.formatting import long_date

    with translation.override("fr"):
        assert long_date(dt.date(2026, 12, 1)) == "1er décembre 2026"
        assert long_date(dt.date(2026, 12, 2)) == "2 décembre 2026"
        assert long_date(dt.date(2026, 11, 11)) == "11 novembre 2026"
    with translation.override("en"):
        assert long_date(dt.date(2026, 12, 1)) == "Dec. 1, 2026"
    assert long_date(None) == ""
