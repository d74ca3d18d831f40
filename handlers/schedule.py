"""/emcoach schedule: what is coming up, for the caller or (owners, coaches) a whole program."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from slack_bolt import App
from slack_sdk import WebClient
from sqlmodel import Session

from bot.blocks.pause import build_refusal, day_text
from bot.blocks.reply import Reply
from bot.blocks.schedule import (
    ALL_LIMIT,
    MINE_HINT,
    MINE_LIMIT,
    SCHEDULE_USAGE,
    WINDOW,
    PromptLine,
    Schedule,
    build_schedule,
    describe,
)
from bot.domain.args import escape_mrkdwn, split_subcommand
from bot.domain.localtime import format_local, local_date
from bot.domain.program_rules import ProgramState, has_reached
from bot.domain.roles import Audience, Role
from bot.engine.people import zones_for
from bot.services import Services
from bot.slack_names import COMMAND
from handlers.programs import Chosen, choose_program
from handlers.router import Invocation, Router, Subcommand
from storage.db import session_scope
from storage.models import AgendaRow, Program
from storage.programs import programs_where
from storage.schedule import next_pending, upcoming
from storage.setup_state import leaders_of, pods_of

OVERSEERS = frozenset({Role.OWNER, Role.COACH})


def zone_of(
    session: Session, client: WebClient, *, program: Program, user_id: str, now: datetime
) -> str:
    """The person's Slack time zone (cached in ``Person``), else the program's: the same
    fallback the planner uses, so what we show matches when prompts are due."""
    zones = zones_for(session, client, team_id=program.team_id, user_ids=[user_id], now=now)
    return zones.get(user_id) or program.timezone


class _Names:
    """Pods and coaches of some programs, to say what each prompt is about."""

    def __init__(self, session: Session, programs: Iterable[Program], *, with_program: bool):
        self._programs = {program.id: program for program in programs}
        self._with_program = with_program
        self._pods: dict[str, str] = {}
        self._coach_of: dict[tuple[int, str], str | None] = {}
        for program_id in self._programs:
            assert program_id is not None
            for pod in pods_of(session, program_id=program_id):
                assert pod.id is not None
                self._pods[str(pod.id)] = pod.name
                for leader in leaders_of(session, pod_id=pod.id):
                    self._coach_of[(program_id, leader.user_id)] = pod.coach_id

    def line(self, row: AgendaRow) -> PromptLine:
        leader = row.about if (row.program_id, row.about) in self._coach_of else None
        coach = self._coach_of.get((row.program_id, row.about))
        program = self._programs.get(row.program_id)
        return PromptLine(
            due=row.due_at,
            kind=row.kind,
            recipient=row.recipient,
            occasion=row.occasion,
            leader_id=leader,
            # The other person of a 1:1: the coach for the leader, the leader for the coach.
            partner_id=coach if row.recipient == leader else leader,
            pod_name=self._pods.get(row.about),
            program_name=program.name if program and self._with_program else None,
        )


def run_schedule(invocation: Invocation) -> Reply:
    word, rest = split_subcommand(invocation.args)
    if word == "all":
        return _whole_program(invocation, rest)
    if word:
        return build_refusal(
            f"`{COMMAND} schedule` shows your own upcoming prompts; `{COMMAND} schedule all "
            "[program]` shows a whole program's (owners and coaches). Try one of those."
        )
    return _mine(invocation)


def _mine(invocation: Invocation) -> Reply:
    now = invocation.services.clock.now()
    user_id = invocation.user_id
    with session_scope(invocation.services.engine) as session:
        programs = programs_where(
            session, team_id=invocation.team_id, user_id=user_id, roles=set(Role)
        )
        if not programs:
            return build_refusal(
                f"You aren't in any program here yet. Type `{COMMAND} help` to see what you can do."
            )
        zone = zone_of(session, invocation.client, program=programs[0], user_id=user_id, now=now)
        found = upcoming(
            session,
            program_ids=[program.id for program in programs if program.id is not None],
            since=now,
            until=now + WINDOW,
            limit=MINE_LIMIT,
            recipient=user_id,
        )
        names = _Names(session, programs, with_program=len(programs) > 1)
        outlook = (
            []
            if found.rows
            else [
                _outlook(session, program, names=names, zone=zone, now=now, recipient=user_id)
                for program in programs
            ]
        )
        return build_schedule(
            Schedule(
                title=f"Your prompts, next {WINDOW.days} days",
                lines=[names.line(row) for row in found.rows],
                total=found.total,
                zone=zone,
                show_recipient=False,
                empty=f"Nothing is coming up for you in the next {WINDOW.days} days.",
                outlook=outlook,
                hint=MINE_HINT if OVERSEERS & invocation.roles else None,
            )
        )


def _whole_program(invocation: Invocation, rest: str) -> Reply:
    if not OVERSEERS & invocation.roles:
        return build_refusal(
            "Only a program's owners and coaches can see its whole schedule. You can see "
            f"your own upcoming prompts with `{COMMAND} schedule`."
        )
    chosen = choose_program(replace(invocation, args=rest), subcommand="schedule", roles=OVERSEERS)
    if not isinstance(chosen, Chosen):
        # The picker re-runs `schedule` with the arguments it carries: keep the "all".
        chosen = choose_program(invocation, subcommand="schedule", roles=OVERSEERS)
        if not isinstance(chosen, Chosen):
            return chosen
    program = chosen.program
    if chosen.args.strip() and invocation.program_id is None:
        return build_refusal(
            f"“{escape_mrkdwn(chosen.args.strip())}” isn't a program you own or coach here. "
            f"`{COMMAND} schedule all` shows *{escape_mrkdwn(program.name)}*."
        )
    assert program.id is not None
    now = invocation.services.clock.now()
    with session_scope(invocation.services.engine) as session:
        zone = zone_of(
            session, invocation.client, program=program, user_id=invocation.user_id, now=now
        )
        found = upcoming(
            session, program_ids=[program.id], since=now, until=now + WINDOW, limit=ALL_LIMIT
        )
        names = _Names(session, [program], with_program=False)
        outlook = (
            []
            if found.rows
            else [_outlook(session, program, names=names, zone=zone, now=now, recipient=None)]
        )
        return build_schedule(
            Schedule(
                title=f"{program.name}, next {WINDOW.days} days"[:150],
                lines=[names.line(row) for row in found.rows],
                total=found.total,
                zone=zone,
                show_recipient=True,
                empty=(
                    f"Nothing is planned in *{escape_mrkdwn(program.name)}* for the next "
                    f"{WINDOW.days} days."
                ),
                outlook=outlook,
            )
        )


def _outlook(
    session: Session,
    program: Program,
    *,
    names: _Names,
    zone: str,
    now: datetime,
    recipient: str | None,
) -> str:
    """What comes after a quiet fortnight, or when the program starts: never a dead end."""
    assert program.id is not None
    kickoff = program.kickoff_date
    if program.status is ProgramState.CLOSED:
        return f"*{escape_mrkdwn(program.name)}* is closed: its results are published."
    if not has_reached(program.status, ProgramState.COMMITTED):
        starts = f"starts on {day_text(kickoff)}" if kickoff else "starts on its kickoff date"
        return (
            f"*{escape_mrkdwn(program.name)}* is still being set up. Once an owner commits it with "
            f"`{COMMAND} commit`, it {starts} and the prompts begin."
        )
    upcoming_row = next_pending(session, program_id=program.id, since=now, recipient=recipient)
    starts = ""
    if kickoff and kickoff > local_date(now, program.timezone):
        starts = f"*{escape_mrkdwn(program.name)}* starts on {day_text(kickoff)}. "
    if upcoming_row is None:
        return f"{starts}Nothing more is planned in *{escape_mrkdwn(program.name)}*" + (
            " for you." if recipient else "."
        )
    # The program is named in the sentence already.
    line = replace(names.line(upcoming_row), program_name=None)
    return (
        f"{starts}Next in *{escape_mrkdwn(program.name)}*: {format_local(line.due, zone)} — "
        f"{describe(line)}."
    )


def register(app: App, services: Services, router: Router) -> None:
    """Adds the subcommand to ``router``; it has no actions or views."""
    router.add(
        Subcommand(
            name="schedule",
            usage=SCHEDULE_USAGE,
            summary="your upcoming prompts in your time zone (`all`: a whole program's)",
            audience=Audience.PARTICIPANTS,
            run=run_schedule,
        )
    )
