"""Checkpoint values: what an owner entered for one leader (or, for a criterion on the
company's own survey, one pod), criterion and checkpoint month, and when each checkpoint's
results went out (after that its values are final)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlmodel import Session, col, select

from bot.domain.cadence import AgendaKind, AgendaState
from storage.models import AgendaRow, CheckpointValue, Leader, Pod


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
    leader_id: int | None = None,
    pod_id: int | None = None,
    month: int,
    value: Decimal,
    details: str | None,
    source: str,
    recorded_by: str,
    now: datetime,
) -> CheckpointValue:
    """Record the value for (leader or pod, metric, month), replacing an earlier one: until
    the results are published the latest entry is the one that counts."""
    if (leader_id is None) == (pod_id is None):
        raise ValueError("a checkpoint value belongs to exactly one leader or one pod")
    owner = (
        col(CheckpointValue.leader_id) == leader_id
        if leader_id is not None
        else col(CheckpointValue.pod_id) == pod_id
    )
    statement = select(CheckpointValue).where(
        CheckpointValue.program_id == program_id,
        CheckpointValue.metric_id == metric_id,
        owner,
        CheckpointValue.month == month,
    )
    row = session.exec(statement).first() or CheckpointValue(
        program_id=program_id,
        metric_id=metric_id,
        leader_id=leader_id,
        pod_id=pod_id,
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


def values_by_leader(
    session: Session, *, program_id: int, metric_id: str, month: int
) -> dict[str, Decimal]:
    """Each leader's value of ``metric_id`` for ``month``, by the leader's user id."""
    statement = (
        select(col(Leader.user_id), col(CheckpointValue.value))
        .join(Leader, col(Leader.id) == col(CheckpointValue.leader_id))
        .where(
            CheckpointValue.program_id == program_id,
            CheckpointValue.metric_id == metric_id,
            CheckpointValue.month == month,
        )
    )
    return dict(session.exec(statement).all())


def values_by_pod(
    session: Session, *, program_id: int, metric_id: str, month: int
) -> dict[str, Decimal]:
    """Each pod's value of ``metric_id`` for ``month`` (the company's survey), by pod name."""
    statement = (
        select(col(Pod.name), col(CheckpointValue.value))
        .join(Pod, col(Pod.id) == col(CheckpointValue.pod_id))
        .where(
            CheckpointValue.program_id == program_id,
            CheckpointValue.metric_id == metric_id,
            CheckpointValue.month == month,
        )
    )
    return dict(session.exec(statement).all())


def publications(session: Session, *, program_id: int) -> dict[date, datetime]:
    """When each checkpoint's results were posted, by checkpoint date: the CHECKPOINT_PUBLISH
    agenda rows that were sent. A row not yet sent (late, or retried) is not a publication."""
    statement = select(col(AgendaRow.occasion), col(AgendaRow.sent_at)).where(
        AgendaRow.program_id == program_id,
        AgendaRow.kind == AgendaKind.CHECKPOINT_PUBLISH.value,
        AgendaRow.state == AgendaState.SENT,
    )
    return {occasion: sent_at for occasion, sent_at in session.exec(statement).all() if sent_at}


def values_in_months(
    session: Session, *, program_id: int, months: set[int]
) -> list[CheckpointValue]:
    """The program's checkpoint values entered for any of ``months``."""
    statement = select(CheckpointValue).where(
        CheckpointValue.program_id == program_id, col(CheckpointValue.month).in_(months)
    )
    return list(session.exec(statement))


def published_before(session: Session, *, program_id: int, occasion: date) -> list[AgendaRow]:
    """The program's checkpoint posts sent before ``occasion``, earliest first."""
    statement = (
        select(AgendaRow)
        .where(
            AgendaRow.program_id == program_id,
            AgendaRow.kind == AgendaKind.CHECKPOINT_PUBLISH.value,
            AgendaRow.state == AgendaState.SENT,
            col(AgendaRow.occasion) < occasion,
        )
        .order_by(col(AgendaRow.occasion))
    )
    return list(session.exec(statement))
