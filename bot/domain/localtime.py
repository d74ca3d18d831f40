"""Wall-clock times in people's own zones, turned into UTC instants with one DST policy.

Every prompt is planned as "this date, this wall time, this person's zone" and stored as a UTC
instant. Daylight-saving changes make that conversion ambiguous twice a year, so the policy is
deliberate and the same everywhere:

* a wall time that does not exist (the spring-forward gap) moves FORWARD by the gap's length:
  02:30 in New York on the spring-forward day is 03:30 EDT. A prompt is never skipped.
* a wall time that happens twice (the fall-back overlap) means its FIRST occurrence (fold=0):
  01:30 in New York on the fall-back day is 01:30 EDT. A prompt is never sent twice.

Both follow from reading the wall time with the UTC offset in force just before the transition,
which is what PEP 495 prescribes for ``fold=0``; ``to_instant`` pins ``fold=0`` so the rule holds
whatever the caller passes.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# English names regardless of the process locale: %a/%b would follow setlocale().
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

LAST = -1
"""``ordinal`` for :func:`nth_weekday_of_month` meaning "the last one in the month"."""


class UnknownTimezoneError(ValueError):
    """A zone name that is not in the IANA database; the message is shown to the person."""

    def __init__(self, name: str) -> None:
        super().__init__(
            f"{name!r} is not a time zone we know. Use an IANA name such as "
            "'Europe/Warsaw', 'America/New_York' or 'UTC'."
        )
        self.name = name


@lru_cache(maxsize=1024)
def get_zone(name: str) -> ZoneInfo:
    """The ``ZoneInfo`` for an IANA name, cached so hot loops never re-resolve a zone.

    Raises :class:`UnknownTimezoneError` for anything that is not a zone: an unknown key, a
    malformed or absolute path, a directory such as ``"Europe"``. Failures are not cached.
    """
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise UnknownTimezoneError(name) from exc


def to_instant(day: date, wall: time, zone: str) -> datetime:
    """The aware UTC instant when the clocks in ``zone`` show ``wall`` on ``day``.

    Gaps move forward and repeats take the first occurrence; see the module docstring.
    """
    if wall.tzinfo is not None:
        raise ValueError("to_instant needs a naive wall time; the zone is its own argument")
    if wall.fold:
        wall = wall.replace(fold=0)
    local = datetime.combine(day, wall, tzinfo=get_zone(zone))
    return local.astimezone(UTC)


def require_aware(instant: datetime) -> None:
    """Refuse naive datetimes: an instant without a zone means nothing to a person elsewhere."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("expected a timezone-aware datetime")


def local_date(instant: datetime, zone: str) -> date:
    """The calendar date shown in ``zone`` at ``instant``."""
    require_aware(instant)
    return instant.astimezone(get_zone(zone)).date()


def format_day(day: date) -> str:
    """``"Mon 1 Feb 2027"``, in English whatever the process locale (like ``format_local``)."""
    return f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def format_local(instant: datetime, zone: str) -> str:
    """Short text for a person in ``zone``, e.g. ``"Tue 3 Mar, 15:00 CET"``."""
    require_aware(instant)
    local = instant.astimezone(get_zone(zone))
    return (
        f"{_WEEKDAYS[local.weekday()]} {local.day} {_MONTHS[local.month - 1]}, "
        f"{local:%H:%M} {local.tzname()}"
    )


def nth_weekday_of_month(year: int, month: int, ordinal: int, weekday: int) -> date:
    """The ``ordinal``-th ``weekday`` (Monday = 0) of a month; ``ordinal`` is 1..4 or -1 (last).

    Fifth occurrences are not offered because not every month has one; "last" covers that wish.
    """
    if not 0 <= weekday <= 6:
        raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), got {weekday}")
    if ordinal == LAST:
        last = date(year, month, calendar.monthrange(year, month)[1])
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    if not 1 <= ordinal <= 4:
        raise ValueError(f"ordinal must be 1..4 or -1 (last), got {ordinal}")
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (ordinal - 1))
