"""Pause, resume and leave: a leader away for a while, back early, or gone for good.

Each change is stored first and the program's future agenda re-planned from the rows in the
same unit of work, so the agenda never disagrees with what the reply says. Owners may change
any leader of their program, a pod's coach may pause and resume the pod's leaders, and a
leader may pause and resume themselves (the coach and the owners are then told).

No Slack call happens here: the leader's time zone is fetched by the caller before the unit
of work opens and handed in (``zones``); whatever is sent is sent after it commits.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.blocks.pause import (
    BackSession,
    Left,
    Paused,
    WhoCan,
    leave_refusal_text,
    not_a_leader_text,
    nothing_to_resume_text,
    pause_refusal_text,
    pick_from_home_text,
    who_can_text,
    with_usage,
)
from bot.domain.args import ArgumentError
from bot.domain.cadence import SessionKind
from bot.domain.localtime import local_date
from bot.domain.pause import (
    Dated,
    Target,
    last_day,
    leave_problem,
    pause_problem,
    read_dates,
)
from bot.domain.program_rules import (
    LockedFieldError,
    ProgramField,
    ProgramState,
    check_change,
    has_reached,
)
from bot.domain.roles import Role
from bot.engine.planning import replan
from bot.flows.outcomes import Pick, Refused
from storage.db import session_scope
from storage.models import Program
from storage.pauses import (
    Membership,
    add_pause,
    end_pauses,
    leader_memberships,
    mark_left,
    open_pauses,
    skipped_sessions,
)
from storage.programs import has_role, members
from storage.setup_state import leaders_of

logger = logging.getLogger("emcoach.pause")


@dataclass(frozen=True, slots=True, kw_only=True)
class Ask:
    """One pause, resume or leave as typed (or clicked): who asks, about whom, where."""

    team_id: str
    user_id: str  # who asks
    target: Target
    usage: str  # the subcommand's usage line, shown with a date that cannot be read
    program_id: int | None = None  # picked from "which program?" or a button's value
    # Picked in a modal instead of typed: the last day away and the reason.
    until: date | None = None
    reason: str | None = None

    @property
    def self_service(self) -> bool:
        return self.target.leader_id == self.user_id


@dataclass(frozen=True, slots=True)
class PauseDone:
    paused: Paused
    tell: tuple[str, ...]  # the coach and owners to tell (a leader paused themselves)


@dataclass(frozen=True, slots=True, kw_only=True)
class Resumed:
    leader_id: str
    program_name: str
    running: bool
    back: tuple[BackSession, ...]
    self_service: bool


@dataclass(frozen=True, slots=True)
class ResumeDone:
    resumed: Resumed
    tell: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LeaveDone:
    left: Left


PauseOutcome = Refused | Pick | PauseDone
ResumeOutcome = Refused | Pick | ResumeDone
LeaveOutcome = Refused | Pick | LeaveDone


# --- who may change whom --------------------------------------------------------------------


def _may_change(session: Session, membership: Membership, ask: Ask, *, coaches_may: bool) -> bool:
    """Owners of the leader's program may; with ``coaches_may``, so may their pod's coach and
    the leader themselves (pause and resume, never leave)."""
    if coaches_may and ask.user_id in (membership.pod.coach_id, membership.leader.user_id):
        return True
    assert membership.program.id is not None
    return has_role(session, program_id=membership.program.id, user_id=ask.user_id, role=Role.OWNER)


def _resolve(
    session: Session, ask: Ask, *, subcommand: str, coaches_may: bool
) -> Membership | Refused | Pick:
    """The one leader row the command is about, if the caller may change it; otherwise a
    refusal, or "which program?" when the caller could mean several."""
    target = ask.target
    found = leader_memberships(session, team_id=ask.team_id, user_id=target.leader_id)
    if ask.program_id is not None:
        found = [m for m in found if m.program.id == ask.program_id]
    if target.program_name is not None:
        name = target.program_name.lower()
        found = [m for m in found if m.program.name.lower() == name]
    if not found:
        return Refused(
            not_a_leader_text(
                leader_id=target.leader_id,
                program_name=target.program_name,
                self_service=ask.self_service,
            )
        )
    permitted = [m for m in found if _may_change(session, m, ask, coaches_may=coaches_may)]
    if not permitted:
        return Refused(
            who_can_text(_who_can(session, found[0], coaches_may), subcommand=subcommand)
        )
    if len(permitted) > 1:
        return Pick(tuple((m.program.id, m.program.name) for m in permitted if m.program.id))
    return permitted[0]


def _who_can(session: Session, membership: Membership, coaches_may: bool) -> WhoCan:
    assert membership.program.id is not None
    return WhoCan(
        program_name=membership.program.name,
        owner_ids=members(session, program_id=membership.program.id, role=Role.OWNER),
        coach_id=membership.pod.coach_id if coaches_may else None,
        pod_name=membership.pod.name,
        leader_id=membership.leader.user_id,
    )


def _running(program: Program) -> bool:
    return has_reached(program.status, ProgramState.COMMITTED)


def _last_day(program: Program) -> date | None:
    return last_day(kickoff=program.kickoff_date, months=program.months)


def _locked(program: Program, field: ProgramField) -> str | None:
    """Why the program no longer takes this change (it is closed); pauses and leavings are
    never locked by commit."""
    try:
        check_change(field, state=program.status, reason=None)
    except LockedFieldError as error:
        return str(error)
    return None


def _zone(zones: Mapping[str, str], membership: Membership) -> str:
    """The leader's zone (the planner skips, resumes and stops their sessions by their own
    local days), else the program's — the planner's own fallback."""
    return zones.get(membership.leader.user_id) or membership.program.timezone


def _told(session: Session, membership: Membership, ask: Ask) -> tuple[str, ...]:
    """Whom to tell of a leader's change to their own pause: the pod's coach and the owners."""
    if not ask.self_service:
        return ()
    assert membership.program.id is not None
    owners = members(session, program_id=membership.program.id, role=Role.OWNER)
    people = [membership.pod.coach_id, *owners]
    return tuple(dict.fromkeys(p for p in people if p and p != ask.user_id))


# --- pause ----------------------------------------------------------------------------------


def pause_refusal(
    program: Program,
    *,
    left_on: date | None,
    start: date,
    end: date | None,
    today: date,
    self_service: bool = False,
) -> str | None:
    """Why a pause from ``start`` to ``end`` cannot be stored, as a sentence; None if it can."""
    last = _last_day(program)
    problem = pause_problem(last=last, left_on=left_on, start=start, end=end, today=today)
    if problem is None:
        return None
    return pause_refusal_text(
        problem,
        program_name=program.name,
        start=start,
        end=end,
        today=today,
        last=last,
        left_on=left_on,
        self_service=self_service,
    )


def leave_refusal(program: Program, *, left_on: date | None, day: date) -> str | None:
    """Why the leader cannot leave on ``day``, as a sentence; None if they can."""
    last = _last_day(program)
    problem = leave_problem(running=_running(program), last=last, left_on=left_on, day=day)
    if problem is None:
        return None
    return leave_refusal_text(problem, program_name=program.name, left_on=left_on, last=last)


def pause(engine: Engine, ask: Ask, *, zones: Mapping[str, str], now: datetime) -> PauseOutcome:
    with session_scope(engine) as session:
        found = _resolve(session, ask, subcommand="pause", coaches_may=True)
        if not isinstance(found, Membership):
            return found
        program, leader = found.program, found.leader
        assert leader.id is not None and program.id is not None
        zone = _zone(zones, found)
        today = local_date(now, zone)
        if ask.until is not None:
            dated = Dated(dates={"until": ask.until}, reason=ask.reason)
        else:
            try:
                dated = read_dates(
                    ask.target.rest, today=today, keywords=("from", "until"), implied="until"
                )
            except ArgumentError as error:
                return Refused(with_usage(error.message, ask.usage))
        start = dated.dates.get("from", today)
        end = dated.dates.get("until")
        refusal = pause_refusal(
            program,
            left_on=leader.left_on,
            start=start,
            end=end,
            today=today,
            self_service=ask.self_service,
        )
        if refusal is not None:
            return Refused(refusal)
        locked = _locked(program, ProgramField.SCHEDULE)
        if locked is not None or end is None:
            return Refused(locked or "")
        add_pause(
            session,
            leader_id=leader.id,
            start=start,
            end=end,
            reason=dated.reason,
            created_by=ask.user_id,
            now=now,
        )
        replan(session, program, now=now)
        skipped = tuple(
            SessionKind(row.kind)
            for row in skipped_sessions(session, program_id=program.id, user_id=leader.user_id)
            if start <= local_date(row.due_at, zone) <= end
        )
        logger.info("paused leader %s of program %s: %s..%s", leader.id, program.id, start, end)
        paused = Paused(
            leader_id=leader.user_id,
            program_name=program.name,
            start=start,
            end=end,
            reason=dated.reason,
            running=_running(program),
            kickoff=program.kickoff_date,
            skipped=skipped,
            self_service=ask.self_service,
        )
        return PauseDone(paused=paused, tell=_told(session, found, ask))


# --- resume ---------------------------------------------------------------------------------


def resume(engine: Engine, ask: Ask, *, zones: Mapping[str, str], now: datetime) -> ResumeOutcome:
    with session_scope(engine) as session:
        found = _resolve(session, ask, subcommand="resume", coaches_may=True)
        if not isinstance(found, Membership):
            return found
        program, leader = found.program, found.leader
        assert leader.id is not None and program.id is not None
        zone = _zone(zones, found)
        today = local_date(now, zone)
        if not open_pauses(session, leader_id=leader.id, today=today):
            return Refused(
                nothing_to_resume_text(
                    leader_id=leader.user_id,
                    program_name=program.name,
                    self_service=ask.self_service,
                )
            )
        before = {
            row.key: (SessionKind(row.kind), row.due_at)
            for row in skipped_sessions(session, program_id=program.id, user_id=leader.user_id)
            if row.due_at > now
        }
        end_pauses(session, leader_id=leader.id, today=today)
        replan(session, program, now=now)
        after = {
            row.key
            for row in skipped_sessions(session, program_id=program.id, user_id=leader.user_id)
        }
        back = tuple(
            BackSession(kind=kind, start=start, zone=zone)
            for key, (kind, start) in sorted(before.items(), key=lambda item: item[1][1])
            if key not in after
        )
        resumed = Resumed(
            leader_id=leader.user_id,
            program_name=program.name,
            running=_running(program),
            back=back,
            self_service=ask.self_service,
        )
        return ResumeDone(resumed=resumed, tell=_told(session, found, ask))


# --- leave ----------------------------------------------------------------------------------


def leave(engine: Engine, ask: Ask, *, zones: Mapping[str, str], now: datetime) -> LeaveOutcome:
    with session_scope(engine) as session:
        found = _resolve(session, ask, subcommand="leave", coaches_may=False)
        if not isinstance(found, Membership):
            return found
        program, pod, leader = found.program, found.pod, found.leader
        today = local_date(now, _zone(zones, found))
        try:
            dated = read_dates(ask.target.rest, today=today, keywords=("on",))
        except ArgumentError as error:
            return Refused(with_usage(error.message, ask.usage))
        day = dated.dates.get("on", today)
        refusal = leave_refusal(program, left_on=leader.left_on, day=day)
        if refusal is not None:
            return Refused(refusal)
        locked = _locked(program, ProgramField.COHORT)
        if locked is not None:
            return Refused(locked)
        mark_left(session, leader=leader, on=day)
        change = replan(session, program, now=now)
        assert pod.id is not None
        staying = [
            other
            for other in leaders_of(session, pod_id=pod.id)
            if other.id != leader.id and other.left_on is None
        ]
        # The Leader row has no reason column: the reason is for the record in the log.
        logger.info(
            "leader %s leaves program %s after %s: %s", leader.id, program.id, day, dated.reason
        )
        return LeaveDone(
            Left(
                leader_id=leader.user_id,
                program_name=program.name,
                left_on=day,
                reason=dated.reason,
                cancelled=change.removed,
                pod_name=pod.name,
                coach_id=pod.coach_id,
                leaders_staying=len(staying),
            )
        )


@dataclass(frozen=True, slots=True)
class SelfPauseForm:
    program_id: int
    program_name: str
    today: date  # in the leader's zone: the pause starts today


def self_pause_form(
    engine: Engine, ask: Ask, *, zones: Mapping[str, str], now: datetime
) -> SelfPauseForm | Refused:
    """What the leader's own pause modal needs, or why they cannot pause in that program."""
    with session_scope(engine) as session:
        found = _resolve(session, ask, subcommand="pause", coaches_may=True)
        if isinstance(found, Pick):
            return Refused(pick_from_home_text())
        if isinstance(found, Refused):
            return found
        program, leader = found.program, found.leader
        assert program.id is not None
        today = local_date(now, _zone(zones, found))
        # Even a one-day pause from today would be refused: say so before asking for dates.
        refusal = pause_refusal(
            program, left_on=leader.left_on, start=today, end=today, today=today, self_service=True
        )
        if refusal is not None:
            return Refused(refusal)
        locked = _locked(program, ProgramField.SCHEDULE)
        if locked is not None:
            return Refused(locked)
        return SelfPauseForm(program_id=program.id, program_name=program.name, today=today)
