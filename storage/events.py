"""Idempotency for Events API deliveries (Slack retries an event up to three times)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from storage.db import session_scope
from storage.models import ProcessedEvent


def claim_event(engine: Engine, *, event_id: str, team_id: str, now: datetime) -> bool:
    """Record ``event_id``; False when it was recorded before (a retry, or a second delivery).

    The primary key makes this atomic across processes: of two concurrent deliveries of the same
    event exactly one insert succeeds.
    """
    try:
        with session_scope(engine) as session:
            session.add(ProcessedEvent(event_id=event_id, team_id=team_id, received_at=now))
    except IntegrityError:
        return False
    return True


def release_event(engine: Engine, *, event_id: str) -> None:
    """Forget a delivery whose handling failed, so Slack's retry of it is handled anew."""
    with session_scope(engine) as session:
        session.exec(delete(ProcessedEvent).where(col(ProcessedEvent.event_id) == event_id))


def prune_events(engine: Engine, *, older_than: datetime) -> int:
    """Forget deliveries older than Slack's last retry could come; returns how many were removed."""
    with session_scope(engine) as session:
        statement = delete(ProcessedEvent).where(col(ProcessedEvent.received_at) < older_than)
        return session.exec(statement).rowcount
