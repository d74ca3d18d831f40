"""The commit as one recoverable step.

Beginning a commit locks the program and records its public post as an agenda row, in one
transaction: from then on the cadence engine owns the post (sent once, reconciled when Slack's
answer is lost). Settling reads that row: sent, and the program is committed; refused for
good, and the program is committable again, exactly as before. Nothing in between lasts.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from bot.domain.cadence import AgendaKind, AgendaState
from bot.domain.program_rules import ProgramState
from storage.agenda import record_post
from storage.baseline_round import reopen_baseline_round
from storage.locked_baselines import forget_locked
from storage.models import AgendaRow, Program

COMMITMENT_KEY = "commitment:post"
COPY_KEY = "commitment:copy"
RECORD_KEY = "commitment:record"
# Commit requires the budget owner's sign-off; no later pre-commit state is ever stored.
BEFORE_COMMIT = ProgramState.CRITERIA_SIGNED_OFF


class Settled(enum.StrEnum):
    POSTING = "posting"  # the post is on its way, or Slack's answer is being confirmed
    COMMITTED = "committed"
    REVERTED = "reverted"  # Slack refused the post for good: committable again


@dataclass(frozen=True, slots=True)
class CommitState:
    settled: Settled
    row_id: int | None = None
    channel_id: str | None = None
    ts: str | None = None
    error: str | None = None


def begin_commit(session: Session, *, program: Program, now: datetime) -> int | None:
    """Lock ``program`` and record its pre-commitment post, due now; the row's id, or None
    when another request began (or finished) the commit first."""
    assert program.id is not None and program.publish_channel_id is not None
    claimed = session.exec(
        update(Program)
        .where(col(Program.id) == program.id, col(Program.committed_at).is_(None))
        .values(committed_at=now, status=ProgramState.COMMITTING)
    )
    if claimed.rowcount != 1:
        return None
    return record_post(
        session,
        program=program,
        key=COMMITMENT_KEY,
        kind=AgendaKind.COMMITMENT_POST.value,
        recipient=program.publish_channel_id,
        about=str(program.id),
        now=now,
    ).id


def settle_commit(session: Session, *, program_id: int, now: datetime) -> CommitState:
    """Move a committing program on from what its post's row says; idempotent, so the
    request that began the commit and every clock tick may call it."""
    program = session.get(Program, program_id)
    if program is None:
        return CommitState(settled=Settled.REVERTED, error="program_deleted")
    row = session.exec(
        select(AgendaRow).where(AgendaRow.program_id == program_id, AgendaRow.key == COMMITMENT_KEY)
    ).first()
    if program.status is not ProgramState.COMMITTING:
        if program.commitment_ts is None:
            return CommitState(settled=Settled.REVERTED)
        return CommitState(
            settled=Settled.COMMITTED,
            channel_id=program.commitment_channel_id,
            ts=program.commitment_ts,
        )
    if row is not None and row.state is AgendaState.SENT:
        return _committed(session, program, row, now=now)
    if row is None or row.state is AgendaState.FAILED:
        return _reverted(session, program, row)
    return CommitState(settled=Settled.POSTING, row_id=row.id, error=row.last_error)


def _committed(session: Session, program: Program, row: AgendaRow, *, now: datetime) -> CommitState:
    assert program.id is not None
    won = session.exec(
        update(Program)
        .where(col(Program.id) == program.id, col(Program.status) == ProgramState.COMMITTING)
        .values(
            status=ProgramState.COMMITTED,
            commitment_channel_id=row.channel_id,
            commitment_ts=row.ts,
            # The whole six-month agenda is planned next (replan_program), with fresh zones.
            agenda_stale=True,
        )
    )
    if won.rowcount == 1 and row.channel_id:
        # The locked record goes in the post's thread: its ts is known only now.
        record_post(
            session,
            program=program,
            key=RECORD_KEY,
            kind=AgendaKind.COMMITMENT_RECORD.value,
            recipient=row.channel_id,
            about=str(program.id),
            now=now,
        )
    if won.rowcount == 1 and program.budget_owner_id:
        record_post(  # only the settler that moved the program on gets here
            session,
            program=program,
            key=COPY_KEY,
            kind=AgendaKind.COMMITMENT_COPY.value,
            recipient=program.budget_owner_id,
            about=str(program.id),
            now=now,
        )
    return CommitState(
        settled=Settled.COMMITTED, row_id=row.id, channel_id=row.channel_id, ts=row.ts
    )


def _reverted(session: Session, program: Program, row: AgendaRow | None) -> CommitState:
    """Slack said no for good (e.g. not_in_channel): nothing is public, so nothing is locked."""
    assert program.id is not None
    error = row.last_error if row is not None else None
    session.exec(
        update(Program)
        .where(col(Program.id) == program.id, col(Program.status) == ProgramState.COMMITTING)
        .values(status=BEFORE_COMMIT, committed_at=None)
    )
    forget_locked(session, program_id=program.id)
    reopen_baseline_round(session, program=program)
    # The refused row goes too, so the next commit records a fresh one.
    session.exec(
        delete(AgendaRow).where(
            col(AgendaRow.program_id) == program.id, col(AgendaRow.key) == COMMITMENT_KEY
        )
    )
    return CommitState(settled=Settled.REVERTED, error=error)


def copy_row_id(session: Session, *, program_id: int) -> int | None:
    """The budget owner's copy, while it is still to be sent."""
    return _pending(session, program_id=program_id, key=COPY_KEY)


def record_row_id(session: Session, *, program_id: int) -> int | None:
    """The locked record for the post's thread, while it is still to be sent."""
    return _pending(session, program_id=program_id, key=RECORD_KEY)


def _pending(session: Session, *, program_id: int, key: str) -> int | None:
    return session.exec(
        select(AgendaRow.id).where(
            AgendaRow.program_id == program_id,
            AgendaRow.key == key,
            AgendaRow.state == AgendaState.PENDING,
        )
    ).first()


def committing_programs(session: Session) -> list[int]:
    statement = select(Program.id).where(Program.status == ProgramState.COMMITTING)
    return [program_id for program_id in session.exec(statement) if program_id is not None]
