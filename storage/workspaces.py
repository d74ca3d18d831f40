"""Queries for the workspace aggregate: first sight, uninstall and reinstall."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import insert, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.domain.cadence import AgendaState
from storage.models import AgendaRow, Program, Workspace

_WORKSPACE = Workspace.__table__  # type: ignore[attr-defined]
_AGENDA = AgendaRow.__table__  # type: ignore[attr-defined]


def ensure_workspace(session: Session, *, team_id: str, now: datetime, name: str = "") -> None:
    """The workspace row for ``team_id``, created on first sight. Reads and writes only the
    columns of the first schema, so it works on a database at any revision (migration tests
    seed programs before upgrading)."""
    connection = session.connection()
    current = connection.execute(
        select(_WORKSPACE.c.name).where(_WORKSPACE.c.team_id == team_id)
    ).first()
    if current is None:
        connection.execute(insert(_WORKSPACE).values(team_id=team_id, name=name, first_seen_at=now))
    elif name and current.name != name:
        connection.execute(
            update(_WORKSPACE).where(_WORKSPACE.c.team_id == team_id).values(name=name)
        )


def mark_uninstalled(engine: Engine, *, team_id: str, now: datetime) -> bool:
    """Stop everything for ``team_id`` at once; True only for the call that stopped it (a
    workspace already stopped, or never seen, is left as it is)."""
    with engine.begin() as connection:
        result = connection.execute(
            update(_WORKSPACE)
            .where(_WORKSPACE.c.team_id == team_id, _WORKSPACE.c.uninstalled_at.is_(None))
            .values(uninstalled_at=now)
        )
        return result.rowcount == 1


def uninstalled_since(session: Session, *, team_id: str) -> datetime | None:
    """When emcoach was removed from ``team_id``; None while it is installed (or unknown)."""
    return session.exec(
        select(Workspace.uninstalled_at).where(Workspace.team_id == team_id)
    ).first()


def stopped_teams(session: Session) -> set[str]:
    """Teams emcoach was removed from (almost always none): the clock's jobs skip them."""
    statement = select(Workspace.team_id).where(col(Workspace.uninstalled_at).is_not(None))
    return set(session.exec(statement))


def clear_uninstalled(session: Session, *, team_id: str) -> bool:
    """The workspace is back; True when it had been stopped (this call resumed it)."""
    result = session.connection().execute(
        update(_WORKSPACE)
        .where(_WORKSPACE.c.team_id == team_id, _WORKSPACE.c.uninstalled_at.is_not(None))
        .values(uninstalled_at=None)
    )
    return result.rowcount == 1


def held_rows(session: Session, *, team_id: str) -> list[AgendaRow]:
    """Pending rows of the workspace's programs: what the dispatcher held while it was
    uninstalled, for the reinstall to sort into still due and missed."""
    statement = (
        select(AgendaRow)
        .join(Program, col(Program.id) == col(AgendaRow.program_id))
        .where(Program.team_id == team_id, AgendaRow.state == AgendaState.PENDING)
        .order_by(col(AgendaRow.due_at), col(AgendaRow.id))
    )
    return list(session.exec(statement))


def mark_missed(session: Session, *, row_ids: Sequence[int], reason: str) -> int:
    """Pending rows that can no longer be sent, with the reason the owners read."""
    if not row_ids:
        return 0
    result = session.connection().execute(
        update(_AGENDA)
        .where(_AGENDA.c.id.in_(list(row_ids)), _AGENDA.c.state == AgendaState.PENDING.value)
        .values(state=AgendaState.MISSED.value, last_error=reason, claimed_by=None)
    )
    return result.rowcount
