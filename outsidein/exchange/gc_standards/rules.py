"""How the publisher derives performance and target met, reproduced exactly.

Found on the 2023-24 file (docs/decisions/0008-gc-standards-layout.md): performance is
`round(volume_meeting_target / total_volume, 4)` computed in binary floating point with
Python's `round` — correctly rounded from the double, so a tie that is exact in binary goes to
the even digit (29/32 = 0.90625 gives 0.9062) and a decimal tie that is not exact in binary
goes the way its double lies (643/800 = 0.80375 is stored as 0.80374999… and gives 0.8037).
Decimal half-up misses 4 published rows, decimal half-even 1 and numpy.round 1. Target met is
decided on that rounded performance (51,811/51,813 = 0.99996 rounds to 1.0 and meets a target
of 1; 4,195/5,244 = 0.79996 rounds to 0.8 and meets 0.8), and a target of 0 counts as no target
(target met NA). The figure is written as Python writes the float: 0.9872, 0.549, 1.0, 0.0.
"""

from decimal import Decimal, InvalidOperation

from outsidein.analysis.proportions import share_meeting_standard, target_met

PERFORMANCE_DECIMALS = 4


def published_performance(meeting: int | None, total: int | None) -> float | None:
    """The performance the publisher writes: the share rounded to 4 places, or None."""
    share = share_meeting_standard(meeting, total)
    return None if share is None else round(share, PERFORMANCE_DECIMALS)


def performance_text(meeting: int | None, total: int | None) -> str:
    """The performance column's text ("" when there is no share)."""
    performance = published_performance(meeting, total)
    return "" if performance is None else repr(performance)


def effective_target(target: float | Decimal | None) -> float | None:
    """The target target met is judged against: a target of 0 is no target."""
    if target is None or target == 0:
        return None
    return float(target)


def gc_target_met(meeting: int | None, total: int | None,
                  target: float | Decimal | None) -> str:
    """Y, N or NA as the publisher decides it: the rounded performance against the target."""
    return target_met(published_performance(meeting, total), effective_target(target))


def same_number(published: str, ours: str) -> bool:
    """Whether a published figure has our value ("0.90" and "0.9" do); blank equals blank."""
    published, ours = published.strip(), ours.strip()
    if not published or not ours:
        return published == ours
    try:
        return Decimal(published) == Decimal(ours)
    except InvalidOperation:
        return False


def format_target(target: Decimal | None) -> str:
    """A target as the publisher writes it: 0.8, 0.95, 1, 0 (blank when there is none)."""
    if target is None:
        return ""
    text = format(target.normalize(), "f")
    return text
