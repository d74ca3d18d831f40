"""What is planned, one page at a time: the caller's own prompts, a whole program's (owners and
coaches), or one person's (themselves; anyone in a program to its owners and coaches).

The reader's time zone is fetched by the caller before the unit of work opens (``zones``);
this only reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.blocks.schedule import (
    MINE_HINT,
    MINE_SPAN_HINT,
    PageState,
    PromptLine,
    Schedule,
    closed_outlook,
    empty_text,
    kickoff_intro,
    next_outlook,
    no_program_text,
    not_a_program_text,
    not_overseer_text,
    person_intro,
    schedule_title,
    setup_outlook,
    span_words,
)
from bot.domain.localtime import local_date, to_instant
from bot.domain.program_rules import ProgramState, has_reached
from bot.domain.roles import Role
from bot.domain.schedule import PAGE_SIZE, Query, Scope, clamp_page, pages, window
from bot.flows.outcomes import Pick, Refused
from storage.db import session_scope
from storage.models import AgendaRow, Program
from storage.programs import programs_where
from storage.schedule import Upcoming, next_pending, upcoming
from storage.setup_state import leaders_of, pods_of

OVERSEERS = frozenset({Role.OWNER, Role.COACH})


@dataclass(frozen=True, slots=True, kw_only=True)
class Ask:
    team_id: str
    user_id: str
    query: Query
    program_id: int | None = None  # picked from "which program?" or carried by a page button
    page: int = 1
    since: datetime | None = None  # a page button's: the first page's "now"


@dataclass(frozen=True, slots=True)
class Shown:
    schedule: Schedule


Outcome = Refused | Pick | Shown


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


@dataclass(frozen=True, slots=True)
class _Scoped:
    """The programs a listing reads and whose prompts in them (None: everyone's)."""

    programs: list[Program]
    recipient: str | None
    program_name: str | None = None  # a whole program's listing
    pinned: int | None = None  # the one program asked for, kept by the paging buttons


def show(engine: Engine, ask: Ask, *, zones: Mapping[str, str], now: datetime) -> Outcome:
    with session_scope(engine) as session:
        scoped = _scope(session, ask)
        if not isinstance(scoped, _Scoped):
            return scoped
        return Shown(_listing(session, ask, scoped, zones=zones, now=now))


def _scope(session: Session, ask: Ask) -> _Scoped | Refused | Pick:
    mine = programs_where(session, team_id=ask.team_id, user_id=ask.user_id, roles=set(Role))
    if not mine:
        return Refused(no_program_text())
    query = ask.query
    if query.scope is Scope.MINE or (
        query.scope is Scope.PERSON and query.person == ask.user_id and not query.program_words
    ):
        return _Scoped(programs=mine, recipient=ask.user_id)
    overseen = programs_where(session, team_id=ask.team_id, user_id=ask.user_id, roles=OVERSEERS)
    if not overseen:
        return Refused(not_overseer_text())
    picked = [program for program in overseen if program.id == ask.program_id]
    if query.scope is Scope.PERSON:
        chosen = picked or (
            _named(overseen, query.program_words) if query.program_words else overseen
        )
        if not chosen:
            return Refused(not_a_program_text(query.program_words, first=overseen[0].name))
        pinned = chosen[0].id if len(chosen) == 1 and len(overseen) > 1 else None
        return _Scoped(programs=chosen, recipient=query.person, pinned=pinned)
    if picked:
        return _Scoped(
            programs=picked, recipient=None, program_name=picked[0].name, pinned=picked[0].id
        )
    named = _named(overseen, query.program_words) if query.program_words else overseen
    if not named:
        return Refused(not_a_program_text(query.program_words, first=overseen[0].name))
    if len(named) > 1:
        return Pick(tuple((p.id, p.name) for p in named if p.id is not None))
    return _Scoped(programs=named, recipient=None, program_name=named[0].name, pinned=named[0].id)


def _named(programs: Sequence[Program], typed: str) -> list[Program]:
    """The program called ``typed`` (straight or curly quotes allowed), case aside."""
    wanted = typed.strip().strip('"“”').strip().lower()
    return [program for program in programs if program.name.lower() == wanted]


def _start(program: Program) -> datetime | None:
    """When a committed program that has not started yet starts (00:00 on its kickoff day)."""
    if program.kickoff_date is None or not has_reached(program.status, ProgramState.COMMITTED):
        return None
    return to_instant(program.kickoff_date, time(0, 0), program.timezone)


def _listing(
    session: Session, ask: Ask, scoped: _Scoped, *, zones: Mapping[str, str], now: datetime
) -> Schedule:
    query, programs = ask.query, scoped.programs
    since = ask.since or now
    starts = {p.id: start for p in programs if (start := _start(p)) is not None and start > since}
    span = window(query.span, now=since, starts=starts.values())
    zone = zones.get(ask.user_id) or programs[0].timezone
    program_ids = [program.id for program in programs if program.id is not None]

    def one_page(number: int) -> Upcoming:
        return upcoming(
            session,
            program_ids=program_ids,
            since=span.since,
            until=span.until,
            limit=PAGE_SIZE,
            offset=(number - 1) * PAGE_SIZE,
            recipient=scoped.recipient,
        )

    found = one_page(max(ask.page, 1))
    page = clamp_page(ask.page, found.total)  # a button older than the list it pages
    if page != max(ask.page, 1):
        found = one_page(page)
    names = _Names(session, programs, with_program=len(programs) > 1)
    until_day = None if span.until is None else local_date(span.until, zone)
    words = span_words(query.span, until=until_day, to_kickoff=span.to_kickoff)
    later = [
        (program.name, program.kickoff_date)
        for program in programs
        if program.id in starts and program.kickoff_date is not None
    ]
    outlook = (
        []
        if found.rows
        else [
            _outlook(
                session, program, names=names, zone=zone, now=since, recipient=scoped.recipient
            )
            for program in programs
        ]
    )
    person = ask.query.person if query.scope is Scope.PERSON else None
    return Schedule(
        title=schedule_title(query.scope, span=words, program_name=scoped.program_name),
        lines=[names.line(row) for row in found.rows],
        total=found.total,
        zone=zone,
        show_recipient=scoped.recipient is None,
        empty=empty_text(query.scope, span=words, program_name=scoped.program_name, person=person),
        intro=_intro(person, programs, later if span.to_kickoff else []),
        outlook=outlook,
        hint=_hint(session, ask, query),
        paging=PageState(
            scope=query.scope,
            span=query.span,
            since=since,
            page=page,
            person=query.person,
            program_id=scoped.pinned,
        ),
        pages=pages(found.total),
    )


def _intro(
    person: str | None, programs: Sequence[Program], later: Sequence[tuple[str, date]]
) -> str | None:
    parts = [
        text
        for text in (
            person_intro(person, [program.name for program in programs]) if person else None,
            kickoff_intro(later),
        )
        if text
    ]
    return " ".join(parts) or None


def _hint(session: Session, ask: Ask, query: Query) -> str | None:
    if query.scope is not Scope.MINE:
        return None
    overseer = programs_where(session, team_id=ask.team_id, user_id=ask.user_id, roles=OVERSEERS)
    return MINE_HINT if overseer else MINE_SPAN_HINT


def _outlook(
    session: Session,
    program: Program,
    *,
    names: _Names,
    zone: str,
    now: datetime,
    recipient: str | None,
) -> str:
    """What comes after a quiet span, or when the program starts: never a dead end."""
    assert program.id is not None
    if program.status is ProgramState.CLOSED:
        return closed_outlook(program.name)
    if not has_reached(program.status, ProgramState.COMMITTED):
        return setup_outlook(program.name, program.kickoff_date)
    row = next_pending(session, program_id=program.id, since=now, recipient=recipient)
    kickoff = program.kickoff_date
    starts_on = kickoff if kickoff and kickoff > local_date(now, program.timezone) else None
    # The program is named in the sentence already.
    line = None if row is None else replace(names.line(row), program_name=None)
    return next_outlook(
        program.name, starts_on=starts_on, next_line=line, zone=zone, for_one=bool(recipient)
    )
