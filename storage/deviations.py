"""Deviations: the only way to change what the public pre-commitment locked."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from bot.domain.program_rules import ProgramField
from storage.models import Deviation


def record_deviation(
    session: Session,
    *,
    program_id: int,
    field: ProgramField,
    reason: str,
    requested_by: str,
    now: datetime,
    channel_id: str,
    ts: str,
) -> Deviation:
    """Record a deviation that was already posted in the channel (``channel_id``, ``ts``)."""
    deviation = Deviation(
        program_id=program_id,
        field=field.value,
        reason=reason,
        requested_by=requested_by,
        created_at=now,
        channel_id=channel_id,
        ts=ts,
    )
    session.add(deviation)
    session.flush()
    return deviation


def take_unused_deviation(
    session: Session, *, program_id: int, field: ProgramField, now: datetime
) -> Deviation | None:
    """The oldest posted, not yet used deviation for ``field``, marked used; None if none."""
    statement = (
        select(Deviation)
        .where(
            Deviation.program_id == program_id,
            Deviation.field == field.value,
            col(Deviation.used_at).is_(None),
        )
        .order_by(col(Deviation.id))
    )
    deviation = session.exec(statement).first()
    if deviation is not None:
        deviation.used_at = now
        session.add(deviation)
        session.flush()
    return deviation


def deviations_of(session: Session, *, program_id: int) -> list[Deviation]:
    statement = (
        select(Deviation).where(Deviation.program_id == program_id).order_by(col(Deviation.id))
    )
    return list(session.exec(statement).all())
