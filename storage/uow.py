"""The unit of work: one per request, opened and committed by the flow it is given to.

A flow writes ``with uow as session:``; the block's work is committed when it ends and rolled
back if it raises (``session_scope``). A flow that needs Slack between a read and a write
(time zones, user-group members) opens the unit of work twice, with nothing open while Slack
answers; ``is_open`` lets a test's fake Slack check exactly that.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from types import TracebackType
from typing import Protocol

from sqlalchemy.engine import Engine
from sqlmodel import Session

from storage.db import session_scope


class UnitOfWork(Protocol):
    """What a flow needs: a session for one block of work, and whether one is open now."""

    @property
    def is_open(self) -> bool: ...

    def __enter__(self) -> Session: ...

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None: ...


class SqlUnitOfWork:
    """A unit of work on ``engine``: each ``with`` block is one transaction."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._scope: AbstractContextManager[Session] | None = None

    @property
    def is_open(self) -> bool:
        return self._scope is not None

    def __enter__(self) -> Session:
        if self._scope is not None:
            raise RuntimeError("this unit of work is already open")
        scope = session_scope(self._engine)
        session = scope.__enter__()
        self._scope = scope
        return session

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        scope, self._scope = self._scope, None
        assert scope is not None
        scope.__exit__(kind, error, trace)
