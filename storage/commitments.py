"""Claiming the commit: exactly one of two concurrent confirmations posts the pre-commitment."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import col

from bot.domain.program_rules import ProgramState
from storage.db import session_scope
from storage.models import Program


def claim_commit(engine: Engine, *, program_id: int, now: datetime) -> bool:
    """Mark the program as committing; False when it was already committed (or claimed)."""
    with session_scope(engine) as session:
        result = session.exec(
            update(Program)
            .where(col(Program.id) == program_id, col(Program.committed_at).is_(None))
            .values(committed_at=now)
        )
        return result.rowcount == 1


def release_commit(engine: Engine, *, program_id: int) -> None:
    """Undo a claim whose post did not reach the channel, so the owner can retry."""
    with session_scope(engine) as session:
        session.exec(
            update(Program)
            .where(col(Program.id) == program_id, col(Program.commitment_ts).is_(None))
            .values(committed_at=None)
        )


def record_commit(engine: Engine, *, program_id: int, channel_id: str, ts: str) -> None:
    with session_scope(engine) as session:
        session.exec(
            update(Program)
            .where(col(Program.id) == program_id)
            .values(
                commitment_channel_id=channel_id, commitment_ts=ts, status=ProgramState.COMMITTED
            )
        )
