"""Recurring slots: a weekly 1:1 ("tue 15:00") and a monthly pod session ("first tuesday 15:00")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from bot.domain.args.errors import ArgumentError, normalize, typed
from bot.domain.args.times import parse_time
from bot.domain.args.weekdays import parse_weekday
from bot.domain.localtime import LAST, nth_weekday_of_month

WEEKLY_SLOT_EXAMPLE = "tue 15:00"
MONTHLY_SLOT_EXAMPLE = "first tuesday 15:00"

_ORDINALS = {
    "1st": 1,
    "first": 1,
    "2nd": 2,
    "second": 2,
    "3rd": 3,
    "third": 3,
    "4th": 4,
    "fourth": 4,
    "last": LAST,
}
# Words people add that change nothing: "every first tuesday of the month at 3pm".
_FILLER = frozenset({"every", "each", "on", "at", "of", "the", "month", "months"})


@dataclass(frozen=True, slots=True)
class WeeklySlot:
    """A weekday (0 = Monday) and a local wall-clock time."""

    weekday: int
    time: time


@dataclass(frozen=True, slots=True)
class MonthlySlot:
    """The n-th weekday of every month (``ordinal`` 1–4, or -1 for the last) at a local time.

    Only 1–4 and "last": a fifth Tuesday exists in some months only, and a monthly session
    that silently skips most months would break the cadence.
    """

    ordinal: int
    weekday: int
    time: time

    def __post_init__(self) -> None:
        self.day_in(2000, 1)  # validates ordinal and weekday with the one rule that uses them

    def day_in(self, year: int, month: int) -> date:
        """The date this slot falls on in the given month."""
        return nth_weekday_of_month(year, month, self.ordinal, self.weekday)


def parse_weekday_time(text: str) -> WeeklySlot:
    """``"tue 15:00"``, ``"Tuesdays at 3pm"``, ``"every tuesday 9:30 am"``."""
    words = _meaningful_words(text)
    if len(words) < 2:
        raise ArgumentError(
            f"{_what(text)} needs both a day and a time, like “{WEEKLY_SLOT_EXAMPLE}”.",
            example=WEEKLY_SLOT_EXAMPLE,
        )
    return WeeklySlot(weekday=parse_weekday(words[0]), time=parse_time(" ".join(words[1:])))


def parse_monthly_slot(text: str) -> MonthlySlot:
    """``"first tuesday 15:00"``, ``"2nd thu 9am"``, ``"last friday of the month at 3pm"``."""
    words = _meaningful_words(text)
    if len(words) < 3:
        raise ArgumentError(
            f"{_what(text)} needs which week, a day and a time, like “{MONTHLY_SLOT_EXAMPLE}”.",
            example=MONTHLY_SLOT_EXAMPLE,
        )
    ordinal = _ORDINALS.get(words[0])
    if ordinal is None:
        raise ArgumentError(
            f"{typed(words[0])} isn't a week of the month I can use — say first, second, third, "
            f"fourth or last (or 1st–4th), like “{MONTHLY_SLOT_EXAMPLE}”. A fifth week only "
            "comes in some months.",
            example=MONTHLY_SLOT_EXAMPLE,
        )
    return MonthlySlot(
        ordinal=ordinal, weekday=parse_weekday(words[1]), time=parse_time(" ".join(words[2:]))
    )


def _meaningful_words(text: str) -> list[str]:
    return [word for word in normalize(text).replace(",", " ").split() if word not in _FILLER]


def _what(text: str) -> str:
    return typed(text) if text.strip() else "This"
