"""Times of day as people type them: ``15:00``, ``9:30``, ``9am``, ``9:30 pm``, ``15h``, ``noon``.

The result is a wall-clock ``time`` without a zone on purpose: a weekly slot is "Tuesday 15:00
where the leader is", and the zone is applied when a session is planned, so it survives DST.
"""

from __future__ import annotations

import re
from datetime import time

from bot.domain.args.errors import ArgumentError, normalize, typed

TIME_EXAMPLE = "15:00"

_NAMED = {"noon": time(12, 0), "midday": time(12, 0), "midnight": time(0, 0)}
_TWENTY_FOUR_HOUR = re.compile(r"(\d{1,2})[:.](\d{2})")
_HOURS_SUFFIX = re.compile(r"(\d{1,2})h(\d{2})?")
_TWELVE_HOUR = re.compile(r"(\d{1,2})(?:[:.](\d{2}))?(am|pm)")
_BARE_HOUR = re.compile(r"\d{1,2}")


def parse_time(text: str) -> time:
    """A time of day; 24:00, 13pm, 9:75 and a bare "9" (morning or evening?) are refused."""
    compact = normalize(text).replace("a.m.", "am").replace("p.m.", "pm").replace(" ", "")
    if compact in _NAMED:
        return _NAMED[compact]
    if match := _TWENTY_FOUR_HOUR.fullmatch(compact) or _HOURS_SUFFIX.fullmatch(compact):
        return _clock_time(text, hour=int(match.group(1)), minute=int(match.group(2) or 0))
    if match := _TWELVE_HOUR.fullmatch(compact):
        return _twelve_hour_time(
            text, hour=int(match.group(1)), minute=int(match.group(2) or 0), half=match.group(3)
        )
    if _BARE_HOUR.fullmatch(compact):
        hour = int(compact)
        raise ArgumentError(
            f"{typed(text)} needs a little more — write {_bare_hour_hint(hour)}.",
            example=TIME_EXAMPLE,
        )
    if not compact:
        raise ArgumentError("I need a time of day here, like 15:00 or 3pm.", example=TIME_EXAMPLE)
    raise ArgumentError(
        f"{typed(text)} isn't a time I can read — use the 24-hour clock, like 15:00, or 3pm.",
        example=TIME_EXAMPLE,
    )


def _clock_time(text: str, *, hour: int, minute: int) -> time:
    if hour == 24 and minute == 0:
        raise ArgumentError(
            f"{typed(text)} is the end of the day — the clock runs from 00:00 to 23:59; "
            "use 00:00 for midnight.",
            example=TIME_EXAMPLE,
        )
    if hour > 23:
        raise ArgumentError(
            f"{typed(text)} isn't a time — hours go from 00 to 23, like 15:00.",
            example=TIME_EXAMPLE,
        )
    _check_minute(text, minute)
    return time(hour, minute)


def _twelve_hour_time(text: str, *, hour: int, minute: int, half: str) -> time:
    if not 1 <= hour <= 12:
        raise ArgumentError(
            f"{typed(text)} isn't a time — with {half} the hours go from 1 to 12"
            f"{_twenty_four_hour_hint(hour, minute)}.",
            example=TIME_EXAMPLE,
        )
    _check_minute(text, minute)
    return time(hour % 12 + (12 if half == "pm" else 0), minute)


def _twenty_four_hour_hint(hour: int, minute: int) -> str:
    """For "13pm": the person meant 13:00, which is 1pm; say both."""
    if hour == 0:
        return "; write 12am or 00:00 for midnight"
    if hour <= 23 and minute <= 59:
        minutes = f":{minute:02d}" if minute else ""
        return f"; write {hour:02d}:{minute:02d} or {hour - 12}{minutes}pm"
    return ", like 3pm"


def _check_minute(text: str, minute: int) -> None:
    if minute > 59:
        raise ArgumentError(
            f"{typed(text)} isn't a time — minutes go from 00 to 59, like 15:30.",
            example=TIME_EXAMPLE,
        )


def _bare_hour_hint(hour: int) -> str:
    if 1 <= hour <= 12:
        return f"{hour}am, {hour}pm or {hour:02d}:00"
    if hour <= 23:
        return f"{hour:02d}:00"
    return "a time like 15:00 or 3pm"
