"""Deleting data: a workspace (the operator's purge), a program (its owners), a person
(forget-me). Every table has a path here; tests/storage/test_purge.py checks that a new
table cannot be added without one.

Deletes are explicit, children first, rather than left to ``ON DELETE CASCADE``: the same
statements count what would go (the purge's dry run) and work whatever the foreign keys say.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, Table, delete, func, literal, select, update
from sqlmodel import Session

from bot.domain.cadence import AgendaState
from storage.db import note_affected
from storage.models import (
    Adjustment,
    AgendaRow,
    Baseline,
    CheckpointValue,
    Criterion,
    Deviation,
    DirectReport,
    HomeView,
    Leader,
    LeaderPause,
    LockedBaseline,
    Person,
    Pod,
    ProcessedEvent,
    Program,
    ProgramMember,
    Rating,
    SessionLog,
    SurveyAnswer,
    SurveyResponse,
    SurveyRound,
    Workspace,
)


def _t(model: type[object]) -> Table:
    table: Table = model.__table__  # type: ignore[attr-defined]
    return table


WORKSPACE, PROGRAM, PERSON, EVENT = _t(Workspace), _t(Program), _t(Person), _t(ProcessedEvent)
MEMBER, CRITERION, POD, LEADER = _t(ProgramMember), _t(Criterion), _t(Pod), _t(Leader)
REPORT, BASELINE, DEVIATION, PAUSE = _t(DirectReport), _t(Baseline), _t(Deviation), _t(LeaderPause)
AGENDA, LOG, RATING, ANSWER = _t(AgendaRow), _t(SessionLog), _t(Rating), _t(SurveyAnswer)
RESPONSE, ROUND, VALUE, ADJUSTMENT = (
    _t(SurveyResponse),
    _t(SurveyRound),
    _t(CheckpointValue),
    _t(Adjustment),
)
LOCKED, HOME = _t(LockedBaseline), _t(HomeView)
# Tables that hold no workspace's data: a scheduler process's heartbeat and counters.
NOT_WORKSPACE_DATA = frozenset({"heartbeat"})

# Tables of one program, children first: the order rows are deleted in.
_BY_AGENDA = (LOG,)
_BY_LEADER = (REPORT, PAUSE)
_BY_PROGRAM = (
    RATING,
    RESPONSE,
    ANSWER,
    ROUND,
    VALUE,
    LOCKED,
    BASELINE,
    DEVIATION,
    AGENDA,
    ADJUSTMENT,
    CRITERION,
    MEMBER,
    LEADER,
    POD,
)
# Tables keyed by the team itself, after its programs.
_BY_TEAM = (PERSON, HOME, EVENT, WORKSPACE)


def _scopes(programs: Select[tuple[int]]) -> list[tuple[Table, ColumnElement[bool]]]:
    """Each program-scoped table with the condition that selects the rows of ``programs``."""
    agenda = select(AGENDA.c.id).where(AGENDA.c.program_id.in_(programs))
    leaders = select(LEADER.c.id).where(LEADER.c.program_id.in_(programs))
    scopes: list[tuple[Table, ColumnElement[bool]]] = [
        (table, table.c.agenda_id.in_(agenda)) for table in _BY_AGENDA
    ]
    scopes += [(table, table.c.leader_id.in_(leaders)) for table in _BY_LEADER]
    scopes += [(table, table.c.program_id.in_(programs)) for table in _BY_PROGRAM]
    scopes.append((PROGRAM, PROGRAM.c.id.in_(programs)))
    return scopes


def _workspace_scopes(team_id: str) -> list[tuple[Table, ColumnElement[bool]]]:
    programs = select(PROGRAM.c.id).where(PROGRAM.c.team_id == team_id)
    return _scopes(programs) + [(table, table.c.team_id == team_id) for table in _BY_TEAM]


def covered_tables() -> set[str]:
    """Every table a workspace purge reaches (the test compares it with the metadata)."""
    return {table.name for table, _ in _workspace_scopes("T")}


def _count(session: Session, scopes: list[tuple[Table, ColumnElement[bool]]]) -> dict[str, int]:
    return {
        table.name: session.connection()
        .execute(select(func.count()).select_from(table).where(condition))
        .scalar_one()
        for table, condition in scopes
    }


def _delete(session: Session, scopes: list[tuple[Table, ColumnElement[bool]]]) -> dict[str, int]:
    counts = _count(session, scopes)
    connection = session.connection()
    for table, condition in scopes:
        connection.execute(delete(table).where(condition))
    return counts


def count_workspace(session: Session, *, team_id: str) -> dict[str, int]:
    """How many rows of each table a purge of ``team_id`` deletes."""
    return _count(session, _workspace_scopes(team_id))


def purge_workspace(session: Session, *, team_id: str) -> dict[str, int]:
    """Delete every row of ``team_id``; returns how many went, by table."""
    return _delete(session, _workspace_scopes(team_id))


def delete_program(session: Session, *, program_id: int) -> dict[str, int]:
    """Delete one program and everything of it; returns how many rows went, by table."""
    connection = session.connection()
    note_affected(
        connection.scalars(select(MEMBER.c.user_id).where(MEMBER.c.program_id == program_id))
    )
    return _delete(session, _scopes(select(literal(program_id))))


# --- forget-me ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Forgotten:
    memberships_removed: int
    rows_tombstoned: int
    prompts_dropped: int
    had_home: bool  # they had opened emcoach's App Home, which still shows what it showed


def forget_person(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    tombstone: str,
    running: Collection[int],
    today: date,
) -> Forgotten:
    """What bot/flows/forget.py's table says, in one unit of work. ``running``: the ids of
    the team's programs whose agenda is still sending."""
    connection = session.connection()
    in_team = select(PROGRAM.c.id).where(PROGRAM.c.team_id == team_id)
    leaders = select(LEADER.c.id).where(LEADER.c.program_id.in_(in_team))
    agenda = select(AGENDA.c.id).where(AGENDA.c.program_id.in_(in_team))
    live = list(running)
    touched = 0

    # Everyone in the person's programs: their homes may name the person, and once the person
    # is forgotten nothing links them to those programs any more.
    theirs = select(MEMBER.c.program_id).where(
        MEMBER.c.user_id == user_id, MEMBER.c.program_id.in_(in_team)
    )
    around = connection.scalars(select(MEMBER.c.user_id).where(MEMBER.c.program_id.in_(theirs)))
    note_affected(set(around) - {user_id})
    connection.execute(
        delete(PERSON).where(PERSON.c.team_id == team_id, PERSON.c.user_id == user_id)
    )
    had_home = bool(
        connection.execute(
            delete(HOME).where(HOME.c.team_id == team_id, HOME.c.user_id == user_id)
        ).rowcount
    )
    removed = connection.execute(
        delete(MEMBER).where(
            MEMBER.c.user_id == user_id,
            MEMBER.c.program_id.in_(in_team),
            MEMBER.c.program_id.not_in(live),
        )
    ).rowcount
    dropped = connection.execute(
        delete(AGENDA).where(
            AGENDA.c.program_id.in_(live),
            AGENDA.c.state.in_([AgendaState.PENDING.value, AgendaState.SKIPPED.value]),
            (AGENDA.c.recipient == user_id) | (AGENDA.c.about == user_id),
        )
    ).rowcount
    connection.execute(
        delete(REPORT).where(REPORT.c.user_id == user_id, REPORT.c.leader_id.in_(leaders))
    )
    # A forgotten leader has left: nothing more is planned to or about them.
    connection.execute(
        update(LEADER)
        .where(
            LEADER.c.user_id == user_id,
            LEADER.c.program_id.in_(live),
            LEADER.c.left_on.is_(None),
        )
        .values(left_on=today)
    )
    # A manager is only asked for 360 ratings: the leader goes on without one.
    touched += connection.execute(
        update(LEADER)
        .where(LEADER.c.manager_id == user_id, LEADER.c.program_id.in_(in_team))
        .values(manager_id=None)
    ).rowcount
    # Rows that keep their count keep their row, under the tombstone.
    exact: list[tuple[Table, str, ColumnElement[bool]]] = [
        (PROGRAM, "created_by", PROGRAM.c.team_id == team_id),
        (PROGRAM, "signed_off_by", PROGRAM.c.team_id == team_id),
        (PROGRAM, "budget_owner_id", PROGRAM.c.team_id == team_id),
        (POD, "coach_id", POD.c.program_id.in_(in_team)),
        (MEMBER, "user_id", MEMBER.c.program_id.in_(in_team)),
        (MEMBER, "added_by", MEMBER.c.program_id.in_(in_team)),
        (LEADER, "user_id", LEADER.c.program_id.in_(in_team)),
        (BASELINE, "recorded_by", BASELINE.c.program_id.in_(in_team)),
        (VALUE, "recorded_by", VALUE.c.program_id.in_(in_team)),
        (DEVIATION, "requested_by", DEVIATION.c.program_id.in_(in_team)),
        (ADJUSTMENT, "decided_by", ADJUSTMENT.c.program_id.in_(in_team)),
        (PAUSE, "created_by", PAUSE.c.leader_id.in_(leaders)),
        (RATING, "rater_id", RATING.c.program_id.in_(in_team)),
        (RATING, "about_id", RATING.c.program_id.in_(in_team)),
        (LOG, "logged_by", LOG.c.agenda_id.in_(agenda)),
        (RESPONSE, "respondent", RESPONSE.c.program_id.in_(in_team)),
        (ANSWER, "leader_id", ANSWER.c.program_id.in_(in_team)),
        (AGENDA, "recipient", AGENDA.c.program_id.in_(in_team)),
    ]
    for table, column, scope in exact:
        touched += connection.execute(
            update(table).where(table.c[column] == user_id, scope).values({column: tombstone})
        ).rowcount
    # Ids inside composite keys and free text (a mention <@U…> in a note) are rewritten.
    inside: list[tuple[Table, str, ColumnElement[bool]]] = [
        (AGENDA, "key", AGENDA.c.program_id.in_(in_team)),
        (AGENDA, "about", AGENDA.c.program_id.in_(in_team)),
        (RATING, "decided", RATING.c.program_id.in_(in_team)),
        (RATING, "say_no", RATING.c.program_id.in_(in_team)),
        (DEVIATION, "reason", DEVIATION.c.program_id.in_(in_team)),
        (ADJUSTMENT, "note", ADJUSTMENT.c.program_id.in_(in_team)),
        (PAUSE, "reason", PAUSE.c.leader_id.in_(leaders)),
        (BASELINE, "details", BASELINE.c.program_id.in_(in_team)),
        (BASELINE, "source", BASELINE.c.program_id.in_(in_team)),
        (VALUE, "details", VALUE.c.program_id.in_(in_team)),
        (VALUE, "source", VALUE.c.program_id.in_(in_team)),
    ]
    for table, column, scope in inside:
        target = table.c[column]
        touched += connection.execute(
            update(table)
            .where(target.contains(user_id, autoescape=True), scope)
            .values({column: func.replace(target, user_id, tombstone)})
        ).rowcount
    return Forgotten(
        memberships_removed=removed,
        rows_tombstoned=touched,
        prompts_dropped=dropped,
        had_home=had_home,
    )
