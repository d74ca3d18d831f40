"""What is coming up on the agenda: the pending prompts of a time window."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, func, select

from bot.domain.cadence import AgendaState
from storage.models import AgendaRow


@dataclass(frozen=True, slots=True)
class Upcoming:
    rows: list[AgendaRow]  # one page, by due instant
    total: int  # all that match, so a reply can say "…and N more"


def _pending(*, program_ids: Collection[int], recipient: str | None) -> list[ColumnElement[bool]]:
    conditions = [
        col(AgendaRow.program_id).in_(list(program_ids)),
        col(AgendaRow.state) == AgendaState.PENDING,
    ]
    if recipient is not None:
        conditions.append(col(AgendaRow.recipient) == recipient)
    return conditions


def upcoming(
    session: Session,
    *,
    program_ids: Collection[int],
    since: datetime,
    until: datetime | None,
    limit: int,
    offset: int = 0,
    recipient: str | None = None,
) -> Upcoming:
    """Pending prompts due in ``[since, until)`` of the programs (to ``recipient`` if given),
    ``limit`` of them after the first ``offset`` (a page); ``until`` None: no end."""
    if not program_ids:
        return Upcoming(rows=[], total=0)
    conditions = [
        *_pending(program_ids=program_ids, recipient=recipient),
        col(AgendaRow.due_at) >= since,
    ]
    if until is not None:
        conditions.append(col(AgendaRow.due_at) < until)
    rows = session.exec(
        select(AgendaRow)
        .where(*conditions)
        .order_by(col(AgendaRow.due_at), col(AgendaRow.id))
        .offset(offset)
        .limit(limit)
    ).all()
    total = session.exec(select(func.count()).select_from(AgendaRow).where(*conditions)).one()
    return Upcoming(rows=list(rows), total=int(total))


def next_pending(
    session: Session, *, program_id: int, since: datetime, recipient: str | None = None
) -> AgendaRow | None:
    """The first pending prompt due at or after ``since``: what comes after a quiet window."""
    statement = (
        select(AgendaRow)
        .where(
            *_pending(program_ids=[program_id], recipient=recipient),
            col(AgendaRow.due_at) >= since,
        )
        .order_by(col(AgendaRow.due_at), col(AgendaRow.id))
    )
    return session.exec(statement).first()
