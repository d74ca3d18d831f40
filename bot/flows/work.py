"""What a listener needs to run a flow without reaching into storage: a unit of work on the
engine it was given, and a rerun for a unit of work that lost a unique-constraint race."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from storage.conflicts import once_more_on_conflict
from storage.uow import SqlUnitOfWork, UnitOfWork

__all__ = ["once_more_on_conflict", "unit_of_work"]


def unit_of_work(engine: Engine) -> UnitOfWork:
    """One per request: the flow opens and commits it."""
    return SqlUnitOfWork(engine)
