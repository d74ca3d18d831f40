"""Checkpoint values: what an owner entered for one leader, criterion and checkpoint month, and
when each checkpoint's results went out (after that its values are final)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlmodel import Session, col, select

from bot.domain.cadence import AgendaKind, AgendaState
from storage.models import AgendaRow, CheckpointValue


def checkpoint_values_of(session: Session, *, program_id: int, month: int) -> list[CheckpointValue]:
    statement = (
        select(CheckpointValue)
        .where(CheckpointValue.program_id == program_id, CheckpointValue.month == month)
        .order_by(col(CheckpointValue.id))
    )
    return list(session.exec(statement).all())


def save_checkpoint_value(
    session: Session,
    *,
    program_id: int,
    metric_id: str,
    leader_id: int,
    month: int,
    value: Decimal,
    details: str | None,
    source: str,
    recorded_by: str,
    now: datetime,
) -> CheckpointValue:
    """Record the value for (leader, metric, month), replacing an earlier one: until the
    results are published the latest entry is the one that counts."""
    statement = select(CheckpointValue).where(
        CheckpointValue.program_id == program_id,
        CheckpointValue.metric_id == metric_id,
        CheckpointValue.leader_id == leader_id,
        CheckpointValue.month == month,
    )
    row = session.exec(statement).first() or CheckpointValue(
        program_id=program_id,
        metric_id=metric_id,
        leader_id=leader_id,
        month=month,
        value=value,
        source=source,
        recorded_by=recorded_by,
        recorded_at=now,
    )
    row.value, row.details, row.source = value, details, source
    row.recorded_by, row.recorded_at = recorded_by, now
    session.add(row)
    session.flush()
    return row


def publications(session: Session, *, program_id: int) -> dict[date, datetime]:
    """When each checkpoint's results were posted, by checkpoint date: the CHECKPOINT_PUBLISH
    agenda rows that were sent. A row not yet sent (late, or retried) is not a publication."""
    statement = select(col(AgendaRow.occasion), col(AgendaRow.sent_at)).where(
        AgendaRow.program_id == program_id,
        AgendaRow.kind == AgendaKind.CHECKPOINT_PUBLISH.value,
        AgendaRow.state == AgendaState.SENT,
    )
    return {occasion: sent_at for occasion, sent_at in session.exec(statement).all() if sent_at}
