"""What a listener needs to run a flow without reaching into storage: a unit of work on the
engine it was given, a rerun for a unit of work that lost a unique-constraint race, the
caller's roles read within a deadline, and the error a missed deadline raises."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from storage.conflicts import once_more_on_conflict
from storage.db import writes_seen
from storage.deadline import DatabaseUnavailable, result_within
from storage.programs import roles_started, roles_within
from storage.uow import SqlUnitOfWork, UnitOfWork

__all__ = [
    "DatabaseUnavailable",
    "once_more_on_conflict",
    "result_within",
    "roles_started",
    "roles_within",
    "unit_of_work",
    "writes_seen",
]


def unit_of_work(engine: Engine) -> UnitOfWork:
    """One per request: the flow opens and commits it."""
    return SqlUnitOfWork(engine)
