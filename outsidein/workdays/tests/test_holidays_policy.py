"""Holiday policy: pinned Ontario years and the holidays/workalendar oracles."""

from __future__ import annotations

from datetime import date

import holidays
import pytest
from workalendar.america import Ontario

from outsidein.workdays import HOLIDAY_KEYS, HolidayPolicy
from outsidein.workdays.holidays_policy import holiday_key

YEARS = range(2015, 2036)
D = date

# Weekday dates where the `holidays` package (observed=True, CA-ON public) and
# workalendar disagree, Civic Holiday aside. They are exactly the substitutes the
# package does not give for Ontario: Canada Day on a Saturday or Sunday, and
# Christmas on a Sunday (the package puts its substitute on Boxing Day itself).
# Our policy sides with workalendar (and the OPS practice) on each of them.
SUBSTITUTES_MISSING_FROM_PACKAGE = {
    D(2016, 12, 27),  # Christmas on Sunday
    D(2017, 7, 3),  # Canada Day on Saturday
    D(2018, 7, 2),  # Canada Day on Sunday
    D(2022, 12, 27),
    D(2023, 7, 3),
    D(2028, 7, 3),
    D(2029, 7, 2),
    D(2033, 12, 27),
    D(2034, 7, 3),
    D(2035, 7, 2),
}


def weekdays(days) -> set[date]:
    return {d for d in days if d.weekday() < 5}


def civic_holidays() -> set[date]:
    return {d for y in YEARS for d, n in Ontario().holidays(y) if n.startswith("Civic Holiday")}


def package(year: int, **kwargs) -> dict[date, str]:
    return dict(holidays.country_holidays("CA", subdiv="ON", years=year, **kwargs))


def workalendar_weekdays() -> set[date]:
    return weekdays(d for y in YEARS for d, _ in Ontario().holidays(y))


def policy_weekdays(policy: HolidayPolicy) -> set[date]:
    return weekdays(d for y in YEARS for d in policy.holidays_for_year(y))


def test_holidays_package_is_the_pinned_version():
    # Ontario rules in the package were rewritten in 2026 (vacanza/holidays#3689:
    # Boxing Day substitute rule, Easter Monday/Civic/Remembrance as optional).
    # Every pinned value below was checked against 0.109: re-check on upgrade.
    assert holidays.__version__ == "0.109"


def test_package_and_workalendar_disagree_only_on_the_known_days():
    pkg = weekdays(d for y in YEARS for d in package(y))
    disagreements = pkg ^ workalendar_weekdays()
    assert pkg <= workalendar_weekdays()
    assert disagreements == civic_holidays() | SUBSTITUTES_MISSING_FROM_PACKAGE


def test_policy_with_civic_holiday_matches_workalendar_on_every_weekday():
    policy = HolidayPolicy(optional_holidays={"civic_holiday"})
    assert policy_weekdays(policy) == workalendar_weekdays()


def test_default_policy_differs_from_workalendar_by_civic_holiday_only():
    assert workalendar_weekdays() - policy_weekdays(HolidayPolicy()) == civic_holidays()
    assert policy_weekdays(HolidayPolicy()) <= workalendar_weekdays()


def test_policy_substitutes_extend_the_package_substitutes():
    for year in YEARS:
        ours = HolidayPolicy().holidays_for_year(year)
        assert set(package(year)) <= set(ours), year
        extra = weekdays(set(ours) - set(package(year)))
        assert extra == {d for d in SUBSTITUTES_MISSING_FROM_PACKAGE if d.year == year}


def test_without_substitutes_policy_equals_package_actual_dates():
    policy = HolidayPolicy(observe_substitute_days=False)
    for year in YEARS:
        assert policy.holidays_for_year(year) == package(year, observed=False, language="en_CA")


def test_every_key_resolves_once_a_year_in_ontario():
    # Guards the name-based key mapping against renames in a new package version.
    policy = HolidayPolicy(observe_substitute_days=False, optional_holidays=set(HOLIDAY_KEYS))
    for year in YEARS:
        keys = [holiday_key(n) for name in policy.holidays_for_year(year).values() for n in name.split("; ")]
        expected = set(HOLIDAY_KEYS) - ({"truth_and_reconciliation_day"} if year < 2021 else set())
        assert sorted(keys) == sorted(expected), year


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (
            2017,  # New Year's Day on Sunday, Canada Day on Saturday.
            {
                D(2017, 1, 1): "New Year's Day",
                D(2017, 1, 2): "New Year's Day (observed)",
                D(2017, 2, 20): "Family Day",
                D(2017, 4, 14): "Good Friday",
                D(2017, 5, 22): "Victoria Day",
                D(2017, 7, 1): "Canada Day",
                D(2017, 7, 3): "Canada Day (observed)",
                D(2017, 9, 4): "Labour Day",
                D(2017, 10, 9): "Thanksgiving Day",
                D(2017, 12, 25): "Christmas Day",
                D(2017, 12, 26): "Boxing Day",
            },
        ),
        (
            2018,  # Canada Day on Sunday.
            {
                D(2018, 1, 1): "New Year's Day",
                D(2018, 2, 19): "Family Day",
                D(2018, 3, 30): "Good Friday",
                D(2018, 5, 21): "Victoria Day",
                D(2018, 7, 1): "Canada Day",
                D(2018, 7, 2): "Canada Day (observed)",
                D(2018, 9, 3): "Labour Day",
                D(2018, 10, 8): "Thanksgiving Day",
                D(2018, 12, 25): "Christmas Day",
                D(2018, 12, 26): "Boxing Day",
            },
        ),
        (
            2021,  # Christmas on Saturday, Boxing Day on Sunday.
            {
                D(2021, 1, 1): "New Year's Day",
                D(2021, 2, 15): "Family Day",
                D(2021, 4, 2): "Good Friday",
                D(2021, 5, 24): "Victoria Day",
                D(2021, 7, 1): "Canada Day",
                D(2021, 9, 6): "Labour Day",
                D(2021, 10, 11): "Thanksgiving Day",
                D(2021, 12, 25): "Christmas Day",
                D(2021, 12, 26): "Boxing Day",
                D(2021, 12, 27): "Christmas Day (observed)",
                D(2021, 12, 28): "Boxing Day (observed)",
            },
        ),
        (
            2022,  # New Year's Day on Saturday, Christmas on Sunday.
            {
                D(2022, 1, 1): "New Year's Day",
                D(2022, 1, 3): "New Year's Day (observed)",
                D(2022, 2, 21): "Family Day",
                D(2022, 4, 15): "Good Friday",
                D(2022, 5, 23): "Victoria Day",
                D(2022, 7, 1): "Canada Day",
                D(2022, 9, 5): "Labour Day",
                D(2022, 10, 10): "Thanksgiving Day",
                D(2022, 12, 25): "Christmas Day",
                D(2022, 12, 26): "Boxing Day",
                D(2022, 12, 27): "Christmas Day (observed)",
            },
        ),
        (
            # 0.109 has no Ontario rule conditional on a year after 2008 (Family
            # Day): 2026 follows the same rules as 2025. Boxing Day on Saturday.
            2026,
            {
                D(2026, 1, 1): "New Year's Day",
                D(2026, 2, 16): "Family Day",
                D(2026, 4, 3): "Good Friday",
                D(2026, 5, 18): "Victoria Day",
                D(2026, 7, 1): "Canada Day",
                D(2026, 9, 7): "Labour Day",
                D(2026, 10, 12): "Thanksgiving Day",
                D(2026, 12, 25): "Christmas Day",
                D(2026, 12, 26): "Boxing Day",
                D(2026, 12, 28): "Boxing Day (observed)",
            },
        ),
        (
            2027,  # Christmas on Saturday, Boxing Day on Sunday; nothing else on a weekend.
            {
                D(2027, 1, 1): "New Year's Day",
                D(2027, 2, 15): "Family Day",
                D(2027, 3, 26): "Good Friday",
                D(2027, 5, 24): "Victoria Day",
                D(2027, 7, 1): "Canada Day",
                D(2027, 9, 6): "Labour Day",
                D(2027, 10, 11): "Thanksgiving Day",
                D(2027, 12, 25): "Christmas Day",
                D(2027, 12, 26): "Boxing Day",
                D(2027, 12, 27): "Christmas Day (observed)",
                D(2027, 12, 28): "Boxing Day (observed)",
            },
        ),
    ],
)
def test_pinned_ontario_years(year, expected):
    assert HolidayPolicy().holidays_for_year(year) == expected


def test_2026_package_observed_days_pinned():
    # What 0.109 itself says for 2026-2027 with observed=True (our rule agrees).
    assert package(2026, observed=True, language="en_CA")[D(2026, 12, 28)] == ("Boxing Day (observed)")
    assert D(2027, 12, 27) in package(2027) and D(2027, 12, 28) in package(2027)


def test_canada_day_substitute_is_an_explicit_setting():
    with_subs = HolidayPolicy().holidays_for_year(2017)
    without = HolidayPolicy(observe_substitute_days=False).holidays_for_year(2017)
    assert with_subs[D(2017, 7, 3)] == "Canada Day (observed)"
    assert D(2017, 7, 3) not in without
    # The package itself gives no Ontario substitute for Canada Day.
    assert D(2017, 7, 3) not in package(2017)


def test_christmas_on_sunday_substitute_is_an_explicit_setting():
    # The package observes Christmas 2022 on Boxing Day itself (one day lost);
    # our rule moves it to the next free weekday, Tuesday Dec 27.
    assert package(2022)[D(2022, 12, 26)] == "Boxing Day; Christmas Day (observed)"
    assert HolidayPolicy().holidays_for_year(2022)[D(2022, 12, 27)] == "Christmas Day (observed)"
    assert D(2022, 12, 27) not in HolidayPolicy(observe_substitute_days=False).holidays_for_year(2022)


def test_civic_holiday_is_an_explicit_setting():
    assert D(2026, 8, 3) not in HolidayPolicy().holidays_for_year(2026)
    policy = HolidayPolicy(optional_holidays={"civic_holiday"})
    assert policy.holidays_for_year(2026)[D(2026, 8, 3)] == "Civic Holiday"


def test_optional_holidays_with_substitutes():
    policy = HolidayPolicy(
        optional_holidays={"easter_monday", "remembrance_day", "truth_and_reconciliation_day"}
    )
    h2023 = policy.holidays_for_year(2023)
    assert h2023[D(2023, 4, 10)] == "Easter Monday"
    assert h2023[D(2023, 11, 11)] == "Remembrance Day"  # a Saturday
    assert h2023[D(2023, 11, 13)] == "Remembrance Day (observed)"
    assert h2023[D(2023, 9, 30)] == "National Day for Truth and Reconciliation"  # Saturday
    assert h2023[D(2023, 10, 2)] == "National Day for Truth and Reconciliation (observed)"
    assert D(2020, 9, 30) not in policy.holidays_for_year(2020)  # before it existed


def test_excluded_holiday_takes_its_substitute_with_it():
    policy = HolidayPolicy(excluded_holidays={"boxing_day"})
    h2021 = policy.holidays_for_year(2021)
    assert D(2021, 12, 26) not in h2021
    assert D(2021, 12, 28) not in h2021
    assert h2021[D(2021, 12, 27)] == "Christmas Day (observed)"


def test_substitute_skips_over_other_holidays_and_weekends():
    # 2016: Christmas on Sunday, Boxing Day on Monday -> Christmas observed Tuesday.
    assert HolidayPolicy().holidays_for_year(2016)[D(2016, 12, 27)] == "Christmas Day (observed)"


def test_holidays_for_year_returns_a_copy():
    policy = HolidayPolicy()
    policy.holidays_for_year(2024).clear()
    assert policy.holidays_for_year(2024)


def test_no_holidays_policy():
    assert HolidayPolicy.none().holidays_for_year(2024) == {}


def test_other_subdivision_works():
    # Quebec: Saint-Jean-Baptiste, a public holiday the Ontario keys do not name.
    assert HolidayPolicy(subdivision="QC").holidays_for_year(2024)[D(2024, 6, 24)] == (
        "Saint Jean Baptiste Day"
    )


def test_policy_is_hashable_and_compares_by_value():
    a = HolidayPolicy(optional_holidays={"civic_holiday"})
    b = HolidayPolicy(optional_holidays=frozenset({"civic_holiday"}))
    a.holidays_for_year(2024)  # a warm cache must not affect equality
    assert a == b and hash(a) == hash(b)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"optional_holidays": {"civic_day"}}, ValueError),
        ({"excluded_holidays": {"xmas"}}, ValueError),
        ({"optional_holidays": "civic_holiday"}, TypeError),
        ({"country": "XX"}, ValueError),
        ({"subdivision": "ZZ"}, ValueError),
    ],
)
def test_invalid_policies_are_rejected(kwargs, error):
    with pytest.raises(error):
        HolidayPolicy(**kwargs)
