"""While a pod or leader modal is filled in: does the session slot, or a 1:1 with the coach,
fall before 07:00 or after 21:00 for anyone in it? Zones Slack has not told us about for a
week are asked between two units of work, never inside one."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime

from sqlmodel import Session

from bot.blocks.cohort import NOT_OWNER, SlotWarning
from bot.domain.args import MonthlySlot, WeeklySlot
from bot.domain.hours import Participant, next_monthly, next_weekly, odd_hours
from bot.domain.localtime import local_date
from bot.engine.people import store_answers
from bot.flows.pod import LeaderChange, Nights, PodChange, Said, owned, pod_of
from bot.slack.ports import Directory, ZoneAnswer
from storage.models import Leader, Program
from storage.people import cached_zones, stale_people
from storage.pods import get_pod, weekly_slot_of
from storage.setup_state import leaders_of, pods_of
from storage.uow import UnitOfWork


def _pod_warnings(
    program: Program,
    leaders: Sequence[Leader],
    *,
    coach_id: str | None,
    slot: MonthlySlot | None,
    zones: Mapping[str, str],
    now: datetime,
) -> list[SlotWarning]:
    """The pod session for everyone in it, and each leader's 1:1 for the coach."""
    after = _first_day(program, now)
    zone = _zone_in(zones, program)
    warnings: list[SlotWarning] = []
    if slot is not None:
        start = next_monthly(
            after, ordinal=slot.ordinal, weekday=slot.weekday, at=slot.time, zone=program.timezone
        )
        people = [*([coach_id] if coach_id else []), *(leader.user_id for leader in leaders)]
        found = odd_hours(start, [Participant(person, zone(person)) for person in people])
        if found:
            warnings.append(SlotWarning(leader_id=None, hours=found))
    for leader in leaders:
        one_on_one = weekly_slot_of(leader)
        if one_on_one is None or coach_id is None:
            continue
        start = next_weekly(
            after, weekday=one_on_one.weekday, at=one_on_one.time, zone=zone(leader.user_id)
        )
        found = odd_hours(start, [Participant(coach_id, zone(coach_id))])
        if found:
            warnings.append(SlotWarning(leader_id=leader.user_id, hours=found))
    return warnings


def _leader_warnings(
    program: Program,
    *,
    user_id: str,
    coach_id: str | None,
    slot: WeeklySlot | None,
    zones: Mapping[str, str],
    now: datetime,
) -> list[SlotWarning]:
    """The leader's 1:1 (a wall time in their zone) for them and their pod's coach."""
    if slot is None:
        return []
    zone = _zone_in(zones, program)
    start = next_weekly(
        _first_day(program, now), weekday=slot.weekday, at=slot.time, zone=zone(user_id)
    )
    people = [user_id, *([coach_id] if coach_id else [])]
    found = odd_hours(start, [Participant(person, zone(person)) for person in people])
    return [SlotWarning(leader_id=user_id, hours=found)] if found else []


def _first_day(program: Program, now: datetime) -> date:
    """The day slots are checked from: the next occurrence on or after today or the kickoff."""
    today = local_date(now, program.timezone)
    kickoff = program.kickoff_date
    return max(today, kickoff) if kickoff is not None else today


def _zone_in(zones: Mapping[str, str], program: Program) -> Callable[[str], str]:
    """A person's zone, the program's when Slack does not say (as the planner does)."""
    return lambda user_id: zones.get(user_id) or program.timezone


def pod_nights(
    uow: UnitOfWork,
    directory: Directory,
    *,
    team_id: str,
    user_id: str,
    change: PodChange,
    now: datetime,
) -> Said | Nights:
    """While the pod modal is filled in: does its session, or a leader's 1:1 with the coach
    picked, fall before 07:00 or after 21:00 for anyone? Zones Slack has not told us about
    for a week are asked with no transaction open."""
    with uow as session:
        program = owned(session, team_id=team_id, user_id=user_id, program_id=change.program_id)
        if program is None or program.id is None:
            return Said(NOT_OWNER)
        pod = pod_of(session, program.id, change.pod_id)
        leaders = leaders_of(session, pod_id=pod.id) if pod is not None and pod.id else []
        people = {leader.user_id for leader in leaders} | (
            {change.coach_id} if change.coach_id else set()
        )
        stale = stale_people(session, team_id=team_id, user_ids=people, now=now)
    answers = directory.zones(stale) if stale else {}
    with uow as session:
        program = owned(session, team_id=team_id, user_id=user_id, program_id=change.program_id)
        if program is None or program.id is None:
            return Said(NOT_OWNER)
        zones = _zones(session, program, people=people, answers=answers, now=now)
        warnings = _pod_warnings(
            program, leaders, coach_id=change.coach_id, slot=change.slot, zones=zones, now=now
        )
        return Nights(warnings=tuple(warnings), timezone=program.timezone)


def leader_nights(
    uow: UnitOfWork,
    directory: Directory,
    *,
    team_id: str,
    user_id: str,
    change: LeaderChange,
    now: datetime,
) -> Said | Nights:
    """While the leader modal is filled in: does their 1:1 fall before 07:00 or after 21:00
    for them or their pod's coach?"""
    plan = change.plan
    with uow as session:
        program = owned(session, team_id=team_id, user_id=user_id, program_id=change.program_id)
        if program is None or program.id is None:
            return Said(NOT_OWNER)
        pod = get_pod(session, program_id=program.id, pod_id=plan.pod_id)
        coach_id = pod.coach_id if pod is not None else None
        people = {plan.user_id, *([coach_id] if coach_id else [])}
        needed = people if plan.one_on_one is not None else set()
        stale = stale_people(session, team_id=team_id, user_ids=needed, now=now)
    answers = directory.zones(stale) if stale else {}
    with uow as session:
        program = owned(session, team_id=team_id, user_id=user_id, program_id=change.program_id)
        if program is None or program.id is None:
            return Said(NOT_OWNER)
        zones = _zones(session, program, people=people, answers=answers, now=now)
        warnings = _leader_warnings(
            program,
            user_id=plan.user_id,
            coach_id=coach_id,
            slot=plan.one_on_one,
            zones=zones,
            now=now,
        )
        pods = tuple((row.id or 0, row.name) for row in pods_of(session, program_id=program.id))
        return Nights(warnings=tuple(warnings), timezone=program.timezone, pods=pods)


def _zones(
    session: Session,
    program: Program,
    *,
    people: set[str],
    answers: Mapping[str, ZoneAnswer],
    now: datetime,
) -> dict[str, str]:
    """Store what Slack just said, then everyone's zone as the database knows it."""
    store_answers(session, team_id=program.team_id, answers=answers, now=now)
    return cached_zones(session, team_id=program.team_id, user_ids=people)
