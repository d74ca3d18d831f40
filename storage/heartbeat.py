"""Heartbeats of the scheduler processes (``emcoach clock``, ``emcoach run``)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from storage.db import READ_ONLY, session_scope
from storage.models import Heartbeat

# A process gone this long is forgotten: its row no longer answers health checks or metrics.
FORGET_AFTER = timedelta(days=1)


def beat(
    engine: Engine,
    *,
    process: str,
    kind: str,
    started_at: datetime,
    now: datetime,
    stats: str | None = None,
) -> None:
    """Record that ``process`` completed a tick at ``now``; forget long-gone processes."""
    with session_scope(engine) as session:
        row = session.get(Heartbeat, process) or Heartbeat(
            process=process, kind=kind, started_at=started_at, beat_at=now
        )
        row.beat_at, row.stats = now, stats
        session.add(row)
        session.execute(delete(Heartbeat).where(col(Heartbeat.beat_at) < now - FORGET_AFTER))


def last_beat(engine: Engine, *, kinds: tuple[str, ...]) -> datetime | None:
    """The newest beat of any process of ``kinds``."""
    with engine.connect().execution_options(**{READ_ONLY: True}) as connection:
        session = Session(bind=connection)
        return session.exec(
            select(func.max(Heartbeat.beat_at)).where(col(Heartbeat.kind).in_(kinds))
        ).one()


def heartbeats(session: Session) -> list[Heartbeat]:
    return list(session.exec(select(Heartbeat).order_by(col(Heartbeat.process))))
