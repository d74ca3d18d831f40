"""Time-of-day sanity: a session slot that falls in someone's night.

A 1:1 slot is a wall time in the leader's zone, a pod session one in the program's zone; the
coach (and every leader of a pod) may live elsewhere. Before a slot is saved, each person's
local time of its next occurrence is checked against the waking day below. Only the start
counts: a 20:30 session that runs past 21:00 is late, not a night call.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.domain.localtime import get_zone, nth_weekday_of_month, to_instant

EARLIEST = time(7, 0)
LATEST = time(21, 0)


@dataclass(frozen=True, slots=True)
class Participant:
    user_id: str
    zone: str  # their Slack zone, or the program's when Slack does not say


@dataclass(frozen=True, slots=True)
class OddHour:
    """``user_id`` would be in the session at ``local`` (their wall clock, in ``zone``)."""

    user_id: str
    zone: str
    local: datetime


def is_odd(wall: time) -> bool:
    return wall < EARLIEST or wall > LATEST


def odd_hours(start: datetime, participants: Iterable[Participant]) -> tuple[OddHour, ...]:
    """Who would meet at ``start`` (an aware instant) before 07:00 or after 21:00 their time,
    each person once, in the order given."""
    seen: set[str] = set()
    found: list[OddHour] = []
    for person in participants:
        if person.user_id in seen:
            continue
        seen.add(person.user_id)
        local = start.astimezone(get_zone(person.zone))
        if is_odd(local.time()):
            found.append(OddHour(user_id=person.user_id, zone=person.zone, local=local))
    return tuple(found)


def next_weekly(after: date, *, weekday: int, at: time, zone: str) -> datetime:
    """The first ``weekday`` on or after ``after`` at ``at`` in ``zone``, as an instant."""
    day = after + timedelta(days=(weekday - after.weekday()) % 7)
    return to_instant(day, at, zone)


def next_monthly(after: date, *, ordinal: int, weekday: int, at: time, zone: str) -> datetime:
    """The first "``ordinal``-th ``weekday`` of the month" on or after ``after``."""
    year, month = after.year, after.month
    day = nth_weekday_of_month(year, month, ordinal, weekday)
    if day < after:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        day = nth_weekday_of_month(year, month, ordinal, weekday)
    return to_instant(day, at, zone)
