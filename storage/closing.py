"""Closing a program: which programs are evaluated, whether their month-6 post is out, where
each owner's month-6 preview is, and the cadence rows that stop with the program."""

from __future__ import annotations

from datetime import date

from sqlalchemy import update
from sqlmodel import Session, col, select

from bot.domain.cadence import AgendaKind, AgendaState
from bot.domain.program_rules import ProgramState
from storage.models import AgendaRow, Leader, Program

# What the cadence sends; a closed program sends none of it. Its public record (a results post
# still being retried, its chart, a deviation) and the summary itself still go out.
CADENCE_KINDS = frozenset(
    {
        AgendaKind.ONE_ON_ONE_PRE,
        AgendaKind.ONE_ON_ONE_POST,
        AgendaKind.ONE_ON_ONE_LOG,
        AgendaKind.POD_PRE,
        AgendaKind.POD_POST,
        AgendaKind.THREE_SIXTY,
        AgendaKind.SURVEY,
        AgendaKind.SURVEY_REMINDER,
        AgendaKind.COACH_DIGEST,
        AgendaKind.CHECKPOINT_PREVIEW,
        AgendaKind.SETUP_NUDGE,
    }
)
CLOSED_NOTE = "the program closed"


def evaluated_programs(session: Session) -> list[int]:
    """Programs whose month-6 post Slack has confirmed (the engine moves them to evaluated)."""
    statement = select(Program.id).where(Program.status == ProgramState.EVALUATED)
    return [program_id for program_id in session.exec(statement) if program_id is not None]


def lock_program(session: Session, *, program_id: int) -> Program | None:
    """The program, locked until the unit of work ends (Postgres), read afresh."""
    statement = (
        select(Program)
        .where(Program.id == program_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return session.exec(statement).first()


def published(session: Session, *, program_id: int, occasion: date) -> AgendaRow | None:
    """The checkpoint post of ``occasion``, if Slack has confirmed it."""
    statement = select(AgendaRow).where(
        AgendaRow.program_id == program_id,
        AgendaRow.kind == AgendaKind.CHECKPOINT_PUBLISH.value,
        AgendaRow.occasion == occasion,
        AgendaRow.state == AgendaState.SENT,
    )
    return session.exec(statement).first()


def sent_previews(session: Session, *, program_id: int, occasion: date) -> dict[str, AgendaRow]:
    """Each owner's preview of the checkpoint ``occasion`` that reached their DM, by owner."""
    statement = (
        select(AgendaRow)
        .where(
            AgendaRow.program_id == program_id,
            AgendaRow.kind == AgendaKind.CHECKPOINT_PREVIEW.value,
            AgendaRow.occasion == occasion,
            AgendaRow.state == AgendaState.SENT,
            col(AgendaRow.ts).is_not(None),
        )
        .order_by(col(AgendaRow.id))
    )
    return {row.recipient: row for row in session.exec(statement)}


def stop_cadence(session: Session, *, program_id: int) -> int:
    """Cadence rows not sent yet are marked missed (the program closed); returns how many."""
    result = session.exec(
        update(AgendaRow)
        .where(
            col(AgendaRow.program_id) == program_id,
            col(AgendaRow.state) == AgendaState.PENDING.value,
            col(AgendaRow.kind).in_([kind.value for kind in CADENCE_KINDS]),
        )
        .values(state=AgendaState.MISSED.value, last_error=CLOSED_NOTE)
    )
    return int(result.rowcount or 0)


def leader_spans(session: Session, *, program_id: int) -> list[tuple[date, date | None]]:
    """Each leader's (day added, last day in the program or None while they stay)."""
    statement = select(Leader).where(Leader.program_id == program_id).order_by(col(Leader.id))
    return [(leader.added_at.date(), leader.left_on) for leader in session.exec(statement)]
