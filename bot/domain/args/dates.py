"""Calendar dates as people type them in a command.

``today`` is a parameter (the domain never reads the clock); relative forms count from it.
Slash forms like 03/01/2027 are refused on purpose: half the world reads them as 3 January.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from bot.domain.args.errors import ArgumentError, normalize, typed
from bot.domain.args.weekdays import weekday_number
from bot.domain.timeline import add_months

DATE_EXAMPLE = "2027-03-01"

MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_MONTHS: dict[str, int] = {
    **{name: number for number, name in enumerate(MONTH_NAMES, start=1)},
    **{name[:3]: number for number, name in enumerate(MONTH_NAMES, start=1)},
    "sept": 9,
}
_ISO = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})")
_AMBIGUOUS = re.compile(r"\d{1,2}[/.]\d{1,2}[/.]\d{2,4}")
# Digits are capped so int() never meets a number too long to convert.
_RELATIVE = re.compile(r"in (\d{1,6}|a|an|one) (day|week|month)s?")
_DAY = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?")
_YEAR = re.compile(r"\d{4}")
# Ten years ahead is far enough for any program, and keeps "in 999999 days" inside the calendar.
_RELATIVE_LIMITS = {"day": 3653, "week": 521, "month": 120}
# A 29 February without a year is at most eight years away (1900-style century gaps included).
_LEAP_SEARCH_YEARS = 9


def parse_date(text: str, *, today: date) -> date:
    """A date from ``2027-03-01``, ``today``, ``tomorrow``, ``friday`` (the next one after today),
    ``in 3 days`` / ``in 2 weeks`` / ``in a month``, ``1 March 2027``, ``March 1, 2027`` or
    ``Mar 1`` (without a year: the next 1 March on or after today)."""
    words = normalize(text).replace(",", " ").rstrip(".").split()
    if words and words[0] in ("on", "next"):
        words = words[1:]
    phrase = " ".join(words)
    if not phrase:
        raise ArgumentError(
            "I need a date here — use YYYY-MM-DD, like 2027-03-01.", example=DATE_EXAMPLE
        )
    if phrase == "today":
        return today
    if phrase == "tomorrow":
        return today + timedelta(days=1)
    if match := _ISO.fullmatch(phrase):
        year, month, day = (int(part) for part in match.groups())
        return _calendar_date(text, year=year, month=month, day=day)
    if _AMBIGUOUS.fullmatch(phrase):
        raise ArgumentError(
            f"{typed(text)} reads differently around the world — write it as YYYY-MM-DD, "
            "like 2027-03-01.",
            example=DATE_EXAMPLE,
        )
    if match := _RELATIVE.fullmatch(phrase):
        return _relative_date(text, today=today, count=match.group(1), unit=match.group(2))
    if len(words) == 1 and (weekday := weekday_number(phrase)) is not None:
        return _next_weekday(weekday, today=today)
    named = _named_date(text, words=words, today=today)
    if named is not None:
        return named
    raise ArgumentError(
        f"{typed(text)} isn't a date I can read — use YYYY-MM-DD, like 2027-03-01.",
        example=DATE_EXAMPLE,
    )


def _next_weekday(weekday: int, *, today: date) -> date:
    """The next such day strictly after today: on a Monday, "monday" means a week ahead."""
    return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def _relative_date(text: str, *, today: date, count: str, unit: str) -> date:
    amount = int(count) if count.isdigit() else 1
    if amount > _RELATIVE_LIMITS[unit]:
        raise ArgumentError(
            f"{typed(text)} is further ahead than I plan — pick a date within ten years, "
            "like 2027-03-01.",
            example=DATE_EXAMPLE,
        )
    if unit == "month":
        return add_months(today, amount)
    return today + timedelta(days=amount * (7 if unit == "week" else 1))


def _named_date(text: str, *, words: list[str], today: date) -> date | None:
    """ "1 March 2027", "1st of March", "March 1 2027", "Mar 1"; None when it isn't that shape."""
    words = [word for word in words if word != "of"]
    if len(words) not in (2, 3) or (len(words) == 3 and not _YEAR.fullmatch(words[2])):
        return None
    first, second = words[0], words[1]
    if first in _MONTHS and (day := _DAY.fullmatch(second)):
        month, day_number = _MONTHS[first], int(day.group(1))
    elif second in _MONTHS and (day := _DAY.fullmatch(first)):
        month, day_number = _MONTHS[second], int(day.group(1))
    else:
        return None
    if len(words) == 3:
        return _calendar_date(text, year=int(words[2]), month=month, day=day_number)
    return _next_occurrence(text, month=month, day=day_number, today=today)


def _next_occurrence(text: str, *, month: int, day: int, today: date) -> date:
    if not 1 <= day <= _longest_month(month):
        raise ArgumentError(
            f"{typed(text)} isn't a real date — {MONTH_NAMES[month - 1].title()} has "
            f"{_longest_month(month)} days.",
            example=DATE_EXAMPLE,
        )
    years = range(today.year, min(today.year + _LEAP_SEARCH_YEARS, date.max.year + 1))
    for year in years:
        if day <= calendar.monthrange(year, month)[1] and date(year, month, day) >= today:
            return date(year, month, day)
    raise ArgumentError(
        f"{typed(text)} has no date left on the calendar — write the full date, like 2027-03-01.",
        example=DATE_EXAMPLE,
    )


def _calendar_date(text: str, *, year: int, month: int, day: int) -> date:
    if not 1 <= month <= 12:
        raise ArgumentError(
            f"{typed(text)} isn't a date I can read — months go from 01 to 12; use YYYY-MM-DD, "
            "like 2027-03-01.",
            example=DATE_EXAMPLE,
        )
    if year < 1:
        raise ArgumentError(
            f"{typed(text)} isn't a date I can read — use YYYY-MM-DD, like 2027-03-01.",
            example=DATE_EXAMPLE,
        )
    days_in_month = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days_in_month:
        raise ArgumentError(
            f"{typed(text)} isn't a real date — {MONTH_NAMES[month - 1].title()} {year} has "
            f"{days_in_month} days.",
            example=DATE_EXAMPLE,
        )
    return date(year, month, day)


def _longest_month(month: int) -> int:
    return 29 if month == 2 else calendar.monthrange(2001, month)[1]
