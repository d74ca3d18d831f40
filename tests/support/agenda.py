"""Agenda rows seeded straight into the database, and counting what reached the stand-in."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine

from bot.domain.cadence import AgendaKind, AgendaState
from bot.engine.dispatch import PROMPT_EVENT
from bot.sim.standin import SlackStandIn
from storage.agenda import Wanted, apply_plan
from storage.db import session_scope

SEEDED_KEY = "one_on_one_post:"


def seed_due(
    engine: Engine,
    program_id: int,
    *,
    count: int,
    now: datetime,
    recipients: tuple[str, ...],
    kind: AgendaKind = AgendaKind.ONE_ON_ONE_POST,
    due_offset: timedelta = timedelta(0),
) -> None:
    """``count`` pending rows of ``kind`` for ``program_id``, due around ``now + due_offset``
    (one second apart, oldest last), cycling through ``recipients``."""
    wanted = [
        Wanted(
            key=f"{kind.value}:{n}",
            kind=kind.value,
            recipient=recipients[n % len(recipients)],
            about="U0LEAD1",
            occasion=now.date(),
            due_at=now + due_offset - timedelta(seconds=n),
            state=AgendaState.PENDING,
        )
        for n in range(count)
    ]
    with session_scope(engine) as session:
        apply_plan(session, program_id=program_id, wanted=wanted, now=now - timedelta(days=30))


def delivered(slack: SlackStandIn) -> Counter[int]:
    """How often each agenda row's prompt reached Slack, by the id in the message metadata."""
    counts: Counter[int] = Counter()
    for message in slack.messages():
        metadata = message.get("metadata") or {}
        if metadata.get("event_type") == PROMPT_EVENT:
            counts[int(metadata["event_payload"]["agenda_id"])] += 1
    return counts
