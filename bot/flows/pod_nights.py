"""While a pod or leader modal is filled in: does the session slot, or a 1:1 with the coach,
fall before 07:00 or after 21:00 for anyone in it (the rule: bot/domain/hours.py)? Zones
Slack has not told us about for a week are asked between two units of work, never inside one.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import date, datetime

from sqlalchemy.exc import SQLAlchemyError

from bot.blocks.cohort import NOT_OWNER
from bot.domain.hours import SlotWarning, Zones, first_day, leader_warnings, pod_warnings
from bot.domain.localtime import local_date
from bot.engine.people import store_answers
from bot.flows.pod import LeaderChange, Nights, PodChange, Said, pod_of
from bot.flows.programs import owned
from bot.slack.ports import Directory, SlackUnavailable
from storage.deadline import DatabaseUnavailable
from storage.models import Program
from storage.people import cached_zones, stale_people
from storage.pods import get_pod, weekly_slot_of
from storage.setup_state import leaders_of, pods_of
from storage.uow import UnitOfWork

logger = logging.getLogger("emcoach.pod")


def pod_nights(
    uow: UnitOfWork,
    directory: Directory,
    *,
    team_id: str,
    user_id: str,
    change: PodChange,
    now: datetime,
) -> Said | Nights:
    """Does the pod's session, or a leader's 1:1 with the coach picked, fall at night for
    anyone?"""
    with uow as session:
        program = owned(session, team_id=team_id, user_id=user_id, program_id=change.program_id)
        if program is None or program.id is None:
            return Said(NOT_OWNER)
        pod = pod_of(session, program.id, change.pod_id)
        rows = leaders_of(session, pod_id=pod.id) if pod is not None and pod.id else []
        leaders = [(leader.user_id, weekly_slot_of(leader)) for leader in rows]
        people = {leader for leader, _ in leaders} | (
            {change.coach_id} if change.coach_id else set()
        )
        zone, day = program.timezone, _first_day(program, now)
        stale = stale_people(session, team_id=team_id, user_ids=people, now=now)
    known = _known_zones(uow, directory, team_id=team_id, people=people, stale=stale, now=now)
    zones = Zones(known=known, program=zone, first_day=day)
    warnings = pod_warnings(zones, coach_id=change.coach_id, session=change.slot, leaders=leaders)
    return Nights(warnings=tuple(warnings), timezone=zone)


def leader_nights(
    uow: UnitOfWork,
    directory: Directory,
    *,
    team_id: str,
    user_id: str,
    change: LeaderChange,
    now: datetime,
) -> Said | Nights:
    """Does the leader's 1:1 fall at night for them or their pod's coach?"""
    plan = change.plan
    with uow as session:
        program = owned(session, team_id=team_id, user_id=user_id, program_id=change.program_id)
        if program is None or program.id is None:
            return Said(NOT_OWNER)
        pod = get_pod(session, program_id=program.id, pod_id=plan.pod_id)
        coach_id = pod.coach_id if pod is not None else None
        people = {plan.user_id, *([coach_id] if coach_id else [])} if plan.one_on_one else set()
        pods = tuple((row.id or 0, row.name) for row in pods_of(session, program_id=program.id))
        zone, day = program.timezone, _first_day(program, now)
        stale = stale_people(session, team_id=team_id, user_ids=people, now=now)
    known = _known_zones(uow, directory, team_id=team_id, people=people, stale=stale, now=now)
    zones = Zones(known=known, program=zone, first_day=day)
    warnings = leader_warnings(
        zones, leader_id=plan.user_id, coach_id=coach_id, slot=plan.one_on_one
    )
    return Nights(warnings=tuple(warnings), timezone=zone, pods=pods)


def saved_nights(
    uow: UnitOfWork,
    directory: Directory,
    *,
    team_id: str,
    user_id: str,
    saved: PodChange | LeaderChange,
    now: datetime,
) -> tuple[SlotWarning, ...]:
    """After a typed change was saved: who would meet at night in what it saved. The change is
    made whatever this finds, so a database error here is logged and warns of nothing (raised,
    it would make the reply an apology, or a rerun of the whole request redo the change)."""
    who = {"team_id": team_id, "user_id": user_id}
    try:
        if isinstance(saved, PodChange):
            nights = pod_nights(uow, directory, **who, change=saved, now=now)
        else:
            nights = leader_nights(uow, directory, **who, change=saved, now=now)
    except (SQLAlchemyError, DatabaseUnavailable) as error:
        logger.warning("night-time check after a typed change skipped: %s", type(error).__name__)
        return ()
    return () if isinstance(nights, Said) else nights.warnings


def _first_day(program: Program, now: datetime) -> date:
    """Slots are checked from today or the kickoff, whichever is later, in the program's zone."""
    return first_day(local_date(now, program.timezone), program.kickoff_date)


def _known_zones(
    uow: UnitOfWork,
    directory: Directory,
    *,
    team_id: str,
    people: Collection[str],
    stale: list[str],
    now: datetime,
) -> dict[str, str]:
    """Ask Slack for the stale ones (no transaction open), store its answers, then everyone's
    zone as the database knows it. Slack not answering is no reason to fail the check (or the
    typed change already saved before it): it goes on with the zones already known."""
    try:
        answers = directory.zones(stale) if stale else {}
    except SlackUnavailable:
        answers = {}
    with uow as session:
        store_answers(session, team_id=team_id, answers=answers, now=now)
        return cached_zones(session, team_id=team_id, user_ids=people)
