"""Events API deliveries handled once: the first delivery of an event id claims it, and a
listener that failed gives its claim back for Slack's retry (handlers/idempotency.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine

from storage.events import claim_event, release_event


def first_delivery(engine: Engine, *, event_id: str, team_id: str, now: datetime) -> bool:
    """True for the first delivery of ``event_id`` (now claimed); False for a retry of it."""
    return claim_event(engine, event_id=event_id, team_id=team_id, now=now)


def give_back(engine: Engine, *, event_id: str) -> None:
    """Release the claim on ``event_id`` so Slack's next retry is handled anew."""
    release_event(engine, event_id=event_id)
