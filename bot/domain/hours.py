"""Time-of-day sanity: a session slot that falls in someone's night.

A 1:1 slot is a wall time in the leader's zone, a pod session one in the program's zone; the
coach (and every leader of a pod) may live elsewhere. Before a slot is saved, each person's
local time of its next occurrence is checked against the waking day below. Only the start
counts: a 20:30 session that runs past 21:00 is late, not a night call.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.domain.args.slots import MonthlySlot, WeeklySlot
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


@dataclass(frozen=True, slots=True)
class SlotWarning:
    """One session that falls in someone's night: the pod session (``leader_id`` None) or a
    leader's 1:1."""

    leader_id: str | None
    hours: tuple[OddHour, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Zones:
    """Everyone's zone as known, the program's for anyone else (as the planner does), and the
    first day a slot is checked on (today or the kickoff, whichever is later)."""

    known: Mapping[str, str]
    program: str
    first_day: date

    def of(self, user_id: str) -> str:
        return self.known.get(user_id) or self.program


def pod_warnings(
    zones: Zones,
    *,
    coach_id: str | None,
    session: MonthlySlot | None,
    leaders: Sequence[tuple[str, WeeklySlot | None]],
) -> list[SlotWarning]:
    """The pod session (a wall time in the program's zone) for the coach and every leader,
    and each leader's 1:1 (in the leader's zone) for the coach."""
    warnings: list[SlotWarning] = []
    if session is not None:
        start = next_monthly(
            zones.first_day,
            ordinal=session.ordinal,
            weekday=session.weekday,
            at=session.time,
            zone=zones.program,
        )
        people = [*([coach_id] if coach_id else []), *(leader for leader, _ in leaders)]
        found = odd_hours(start, [Participant(person, zones.of(person)) for person in people])
        if found:
            warnings.append(SlotWarning(leader_id=None, hours=found))
    for leader, one_on_one in leaders:
        if one_on_one is not None and coach_id is not None:
            warnings += leader_warnings(
                zones, leader_id=leader, coach_id=coach_id, slot=one_on_one, for_leader=False
            )
    return warnings


def leader_warnings(
    zones: Zones,
    *,
    leader_id: str,
    coach_id: str | None,
    slot: WeeklySlot | None,
    for_leader: bool = True,
) -> list[SlotWarning]:
    """A leader's 1:1 (a wall time in their zone) for the coach, and for the leader too
    unless ``for_leader`` is False."""
    if slot is None:
        return []
    start = next_weekly(
        zones.first_day, weekday=slot.weekday, at=slot.time, zone=zones.of(leader_id)
    )
    people = [*([leader_id] if for_leader else []), *([coach_id] if coach_id else [])]
    found = odd_hours(start, [Participant(person, zones.of(person)) for person in people])
    return [SlotWarning(leader_id=leader_id, hours=found)] if found else []


def first_day(today: date, kickoff: date | None) -> date:
    return max(today, kickoff) if kickoff is not None else today
