"""/emcoach pause, resume and leave: a leader away for a while, back early, or gone for good.

Each change is stored first and the program's future agenda re-planned from the rows in the
same unit of work, so the agenda never disagrees with what the reply says.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from slack_bolt import App
from sqlmodel import Session

from bot.blocks.pause import (
    LEAVE_USAGE,
    PAUSE_USAGE,
    RESUME_USAGE,
    BackSession,
    Left,
    Paused,
    build_left,
    build_paused,
    build_refusal,
    build_resumed,
    day_text,
)
from bot.blocks.picker import build_program_picker
from bot.blocks.reply import Reply
from bot.domain.args import (
    ArgumentError,
    UserRef,
    escape_mrkdwn,
    parse_date,
    tokenize,
    users,
)
from bot.domain.args.tokens import Token, Word
from bot.domain.cadence import AgendaState, SessionKind
from bot.domain.localtime import local_date
from bot.domain.program_rules import ProgramField, ProgramState, has_reached
from bot.domain.roles import Audience, Role
from bot.domain.timeline import Timeline
from bot.engine.planning import replan
from bot.services import Services
from bot.slack_names import COMMAND
from handlers.locks import change_refusal
from handlers.router import Invocation, Router, Subcommand
from handlers.schedule import zone_of
from storage.agenda import rows_of
from storage.db import session_scope
from storage.models import AgendaRow, LeaderPause, Program
from storage.pauses import (
    Membership,
    add_pause,
    end_pauses,
    leader_memberships,
    mark_left,
    open_pauses,
)
from storage.programs import has_role, members
from storage.setup_state import leaders_of

logger = logging.getLogger("emcoach.pause")

REASON_MAX = 255  # LeaderPause.reason's column
# The longest date people type: "1st of March 2027", "in 2 weeks", "March 1, 2027".
_DATE_WORDS_MAX = 4
_SESSION_KINDS = frozenset(kind.value for kind in SessionKind)
_VERBS = {"pause": "pause", "resume": "resume", "leave": "record the leaving of"}


# --- arguments ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Target:
    """Whom a command is about: the leader, an optional program name typed before them, and
    the words after them (dates and a reason, read once the program's "today" is known)."""

    leader_id: str
    program_name: str | None
    rest: tuple[str, ...]


def split_target(args: str, *, usage: str) -> Target:
    """``[program] @leader rest…``; raises ``ArgumentError`` without exactly one person."""
    tokens = tokenize(args)
    mentioned = users(tokens)
    if len(mentioned) != 1:
        problem = "Name the leader" if not mentioned else "Name one leader at a time"
        raise ArgumentError(
            f"{problem}, picked from Slack's list as you type @: `{COMMAND} {usage}`.",
            example="@lena",
        )
    leader = mentioned[0]
    at = next(i for i, token in enumerate(tokens) if isinstance(token, UserRef))
    before = _words(tokens[:at])
    return Target(
        leader_id=leader.id,
        program_name=" ".join(before) or None,
        rest=tuple(_words(tokens[at + 1 :])),
    )


def _words(tokens: Sequence[Token]) -> list[str]:
    return [token.text for token in tokens if isinstance(token, Word)]


@dataclass(frozen=True, slots=True)
class Dated:
    dates: dict[str, date]  # keyword ("from", "until", "on") → the date typed after it
    reason: str | None


def read_dates(
    words: Sequence[str],
    *,
    today: date,
    keywords: Collection[str],
    implied: str | None = None,
) -> Dated:
    """Leading ``keyword DATE`` pairs, then a free-text reason.

    A date right after the person without a keyword stands for ``implied`` ("until" is
    optional in ``pause @lena 2027-03-14``). Dates may be several words ("14 March 2027"), so
    the longest run of words that reads as a date wins.
    """
    rest = list(words)
    dates: dict[str, date] = {}
    while rest:
        keyword = rest[0].lower()
        if keyword in keywords and keyword not in dates:
            day, used = _leading_date(rest[1:], today=today, after=keyword)
            dates[keyword] = day
            rest = rest[1 + used :]
        elif implied is not None and not dates:
            try:
                day, used = _leading_date(rest, today=today, after=implied)
            except ArgumentError:
                break
            dates[implied] = day
            rest = rest[used:]
        else:
            break
    reason = " ".join(rest).strip() or None
    if reason is not None and len(reason) > REASON_MAX:
        raise ArgumentError(
            f"Keep the reason under {REASON_MAX} characters — a few words are enough.",
            example="parental leave",
        )
    return Dated(dates=dates, reason=reason)


def _with_usage(error: ArgumentError, usage: str) -> str:
    return f"{error.message} The whole command: `{COMMAND} {usage}`."


def _leading_date(words: Sequence[str], *, today: date, after: str) -> tuple[date, int]:
    if not words:
        raise ArgumentError(
            f"I need a date after “{after}” — use YYYY-MM-DD, like 2027-03-14.",
            example="2027-03-14",
        )
    first_error: ArgumentError | None = None
    for count in range(min(_DATE_WORDS_MAX, len(words)), 0, -1):
        try:
            return parse_date(" ".join(words[:count]), today=today), count
        except ArgumentError as error:
            first_error = error  # the last tried is the shortest: its message is the clearest
    assert first_error is not None
    raise first_error


# --- who may change whom --------------------------------------------------------------------


def _may_change(
    session: Session, membership: Membership, user_id: str, *, coaches_may: bool
) -> bool:
    """Owners of the leader's program may; with ``coaches_may``, so may their pod's coach."""
    if coaches_may and membership.pod.coach_id == user_id:
        return True
    assert membership.program.id is not None
    return has_role(session, program_id=membership.program.id, user_id=user_id, role=Role.OWNER)


def resolve(
    session: Session,
    invocation: Invocation,
    target: Target,
    *,
    subcommand: str,
    coaches_may: bool,
) -> Membership | Reply:
    """The one leader row the command is about, if the caller may change it; otherwise the
    reply to send (a refusal, or "which program?" when the caller could mean several)."""
    who = f"<@{target.leader_id}>"
    found = leader_memberships(session, team_id=invocation.team_id, user_id=target.leader_id)
    if invocation.program_id is not None:
        found = [m for m in found if m.program.id == invocation.program_id]
    if target.program_name is not None:
        name = target.program_name.lower()
        found = [m for m in found if m.program.name.lower() == name]
    if not found:
        where = " any program"
        if target.program_name:
            where = f" a program called “{escape_mrkdwn(target.program_name)}”"
        return build_refusal(
            f"{who} isn't a leader in{where} here. Check the name, or see each program's "
            f"leaders with `{COMMAND} pod`."
        )
    permitted = [
        m for m in found if _may_change(session, m, invocation.user_id, coaches_may=coaches_may)
    ]
    if not permitted:
        return build_refusal(
            _who_can(session, found[0], subcommand=subcommand, coaches_may=coaches_may)
        )
    if len(permitted) > 1:
        return build_program_picker(
            subcommand=subcommand,
            args=invocation.args,
            programs=[(m.program.id, m.program.name) for m in permitted if m.program.id],
        )
    return permitted[0]


def _leader_today(
    session: Session, invocation: Invocation, membership: Membership, now: datetime
) -> tuple[str, date]:
    """The leader's zone and today's date there: the planner skips, resumes and stops their
    sessions by their own local days, so "today" and relative dates are read the same way."""
    program, leader = membership.program, membership.leader
    zone = zone_of(session, invocation.client, program=program, user_id=leader.user_id, now=now)
    return zone, local_date(now, zone)


def _who_can(
    session: Session, membership: Membership, *, subcommand: str, coaches_may: bool
) -> str:
    program = membership.program
    assert program.id is not None
    owners = " ".join(
        f"<@{owner}>" for owner in members(session, program_id=program.id, role=Role.OWNER)
    )
    who = f"the owners of *{escape_mrkdwn(program.name)}* ({owners})"
    coach = membership.pod.coach_id
    if coaches_may and coach:
        who += f" or <@{coach}>, the coach of pod “{escape_mrkdwn(membership.pod.name)}”"
    return (
        f"Only {who} can {_VERBS[subcommand]} <@{membership.leader.user_id}>. Ask one of them "
        f"to run `{COMMAND} {subcommand} <@{membership.leader.user_id}> …`."
    )


def _running(program: Program) -> bool:
    return has_reached(program.status, ProgramState.COMMITTED)


def _last_day(program: Program) -> date | None:
    if program.kickoff_date is None:
        return None
    return Timeline(kickoff=program.kickoff_date, months=program.months).end - timedelta(days=1)


# --- pause ----------------------------------------------------------------------------------


def run_pause(invocation: Invocation) -> Reply:
    services = invocation.services
    now = services.clock.now()
    try:
        target = split_target(invocation.args, usage=PAUSE_USAGE)
    except ArgumentError as error:
        return build_refusal(error.message)
    with session_scope(services.engine) as session:
        found = resolve(session, invocation, target, subcommand="pause", coaches_may=True)
        if isinstance(found, Reply):
            return found
        program, leader = found.program, found.leader
        assert leader.id is not None
        zone, today = _leader_today(session, invocation, found, now)
        try:
            dated = read_dates(
                target.rest, today=today, keywords=("from", "until"), implied="until"
            )
        except ArgumentError as error:
            return build_refusal(_with_usage(error, PAUSE_USAGE))
        start = dated.dates.get("from", today)
        end = dated.dates.get("until")
        refusal = pause_refusal(program, left_on=leader.left_on, start=start, end=end, today=today)
        refusal = refusal or change_refusal(session, program, ProgramField.SCHEDULE, now=now)
        if refusal or end is None:
            return build_refusal(refusal or "")
        add_pause(
            session,
            leader_id=leader.id,
            start=start,
            end=end,
            reason=dated.reason,
            created_by=invocation.user_id,
            now=now,
        )
        replan(session, program, now=now)
        skipped = tuple(
            SessionKind(row.kind)
            for row in _skipped_rows(session, program, leader.user_id)
            if start <= local_date(row.due_at, zone) <= end
        )
        logger.info("paused leader %s of program %s: %s..%s", leader.id, program.id, start, end)
        return build_paused(
            Paused(
                leader_id=leader.user_id,
                program_name=program.name,
                start=start,
                end=end,
                reason=dated.reason,
                running=_running(program),
                kickoff=program.kickoff_date,
                skipped=skipped,
            )
        )


def pause_refusal(
    program: Program, *, left_on: date | None, start: date, end: date | None, today: date
) -> str | None:
    """Why a pause from ``start`` to ``end`` cannot be stored, as a sentence; None if it can."""
    example = f"`{COMMAND} pause @leader until {(today + timedelta(days=14)).isoformat()}`"
    if end is None:
        return f"Say until when (the last day away), like {example}."
    if start < today:
        return (
            f"A pause can't start in the past ({day_text(start)}): sessions already due stay "
            f"as they were. Start it today or later, like {example}."
        )
    if end < start:
        return (
            f"The pause would end ({day_text(end)}) before it starts ({day_text(start)}). "
            f"Give the last day away, like {example}."
        )
    last_day = _last_day(program)
    if last_day is not None and end > last_day:
        return (
            f"*{escape_mrkdwn(program.name)}* ends after {day_text(last_day)}: pause until "
            "that day at the "
            f"latest — or, if the leader won't come back, use `{COMMAND} leave @leader`."
        )
    if left_on is not None and start > left_on:
        return (
            f"That leader left *{escape_mrkdwn(program.name)}* after {day_text(left_on)}: "
            "there is nothing "
            f"left to pause. `{COMMAND} schedule all` shows what is still planned."
        )
    return None


def _skipped_rows(session: Session, program: Program, user_id: str) -> list[AgendaRow]:
    assert program.id is not None
    return [
        row
        for row in rows_of(session, program_id=program.id, states=[AgendaState.SKIPPED])
        if row.recipient == user_id and row.kind in _SESSION_KINDS
    ]


# --- resume ---------------------------------------------------------------------------------


def run_resume(invocation: Invocation) -> Reply:
    services = invocation.services
    now = services.clock.now()
    try:
        target = split_target(invocation.args, usage=RESUME_USAGE)
    except ArgumentError as error:
        return build_refusal(error.message)
    with session_scope(services.engine) as session:
        found = resolve(session, invocation, target, subcommand="resume", coaches_may=True)
        if isinstance(found, Reply):
            return found
        program, leader = found.program, found.leader
        assert leader.id is not None
        zone, today = _leader_today(session, invocation, found, now)
        pauses: list[LeaderPause] = open_pauses(session, leader_id=leader.id, today=today)
        if not pauses:
            return build_refusal(
                f"<@{leader.user_id}> has no current or upcoming pause in "
                f"*{escape_mrkdwn(program.name)}*, so "
                f"there is nothing to resume. To pause them: `{COMMAND} pause "
                f"<@{leader.user_id}> until DATE`."
            )
        before = {
            row.key: (SessionKind(row.kind), row.due_at)
            for row in _skipped_rows(session, program, leader.user_id)
            if row.due_at > now
        }
        end_pauses(session, leader_id=leader.id, today=today)
        replan(session, program, now=now)
        after = {row.key for row in _skipped_rows(session, program, leader.user_id)}
        back = [
            BackSession(kind=kind, start=start, zone=zone)
            for key, (kind, start) in sorted(before.items(), key=lambda item: item[1][1])
            if key not in after
        ]
        return build_resumed(
            leader_id=leader.user_id,
            program_name=program.name,
            running=_running(program),
            back=back,
        )


# --- leave ----------------------------------------------------------------------------------


def run_leave(invocation: Invocation) -> Reply:
    services = invocation.services
    now = services.clock.now()
    try:
        target = split_target(invocation.args, usage=LEAVE_USAGE)
    except ArgumentError as error:
        return build_refusal(error.message)
    with session_scope(services.engine) as session:
        found = resolve(session, invocation, target, subcommand="leave", coaches_may=False)
        if isinstance(found, Reply):
            return found
        program, pod, leader = found.program, found.pod, found.leader
        _, today = _leader_today(session, invocation, found, now)
        try:
            dated = read_dates(target.rest, today=today, keywords=("on",))
        except ArgumentError as error:
            return build_refusal(_with_usage(error, LEAVE_USAGE))
        day = dated.dates.get("on", today)
        refusal = leave_refusal(program, left_on=leader.left_on, day=day)
        refusal = refusal or change_refusal(session, program, ProgramField.COHORT, now=now)
        if refusal:
            return build_refusal(refusal)
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
        return build_left(
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


def leave_refusal(program: Program, *, left_on: date | None, day: date) -> str | None:
    if left_on is not None:
        return (
            f"That leader already left *{escape_mrkdwn(program.name)}* after "
            f"{day_text(left_on)}. Their "
            f"history stays in the results; see who is left with `{COMMAND} pod`."
        )
    if not _running(program):
        return (
            f"*{escape_mrkdwn(program.name)}* hasn't started, so there is nothing to leave: "
            "take the leader "
            f"out of their pod with `{COMMAND} pod` instead."
        )
    last_day = _last_day(program)
    if last_day is not None and day > last_day:
        return (
            f"*{escape_mrkdwn(program.name)}* ends after {day_text(last_day)} anyway. Give a "
            "day up to then, "
            f"like `{COMMAND} leave @leader on {last_day.isoformat()}`."
        )
    return None


def register(app: App, services: Services, router: Router) -> None:
    """Adds pause, resume and leave to ``router``; they open no modals and have no actions."""
    router.add(
        Subcommand(
            name="pause",
            usage=PAUSE_USAGE,
            summary="pause a leader for a vacation or leave; their sessions are skipped",
            audience=Audience.PARTICIPANTS,
            help_audience=Audience.OVERSEERS,  # homes: `help` per role (leaders: `pause me`)
            run=run_pause,
        )
    )
    router.add(
        Subcommand(
            name="resume",
            usage=RESUME_USAGE,
            summary="end a leader's pause early; their sessions come back",
            audience=Audience.PARTICIPANTS,
            help_audience=Audience.OVERSEERS,  # homes: `help` per role (leaders: `pause me`)
            run=run_resume,
        )
    )
    router.add(
        Subcommand(
            name="leave",
            usage=LEAVE_USAGE,
            summary="a leader leaves the program; their history stays, the pod goes on",
            audience=Audience.OWNERS,
            run=run_leave,
        )
    )
