"""The month-3 adjustment decisions of a program, oldest first; the latest one stands, the
earlier ones stay as the record of what was agreed when."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from storage.models import Adjustment


def adjustments_of(session: Session, *, program_id: int) -> list[Adjustment]:
    statement = (
        select(Adjustment)
        .where(Adjustment.program_id == program_id)
        .order_by(col(Adjustment.decided_at), col(Adjustment.id))
    )
    return list(session.exec(statement).all())


def record_adjustment(
    session: Session,
    *,
    program_id: int,
    decision: str,
    note: str,
    decided_by: str,
    now: datetime,
) -> Adjustment:
    row = Adjustment(
        program_id=program_id, decision=decision, note=note, decided_by=decided_by, decided_at=now
    )
    session.add(row)
    session.flush()
    return row
