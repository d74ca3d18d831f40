"""Fakes for flow tests: a unit of work on an in-memory database built from the models (no
migrations, no server) and a Slack directory that fails the test if it is asked anything
while a transaction is open."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from types import TracebackType

from sqlalchemy.pool import StaticPool
from sqlmodel import Session, SQLModel, create_engine

from bot.slack.ports import GroupError, ZoneAnswer
from storage.uow import SqlUnitOfWork


class FakeUnitOfWork:
    """A unit of work on a fresh in-memory SQLite database; counts its transactions."""

    def __init__(self) -> None:
        self.engine = create_engine(
            "sqlite://", connect_args={"check_same_thread": False}, poolclass=StaticPool
        )
        SQLModel.metadata.create_all(self.engine)
        self._inner = SqlUnitOfWork(self.engine)
        self.opened = 0
        self.committed = 0

    @property
    def is_open(self) -> bool:
        return self._inner.is_open

    def __enter__(self) -> Session:
        self.opened += 1
        return self._inner.__enter__()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._inner.__exit__(kind, error, trace)
        if kind is None:
            self.committed += 1


class FakeDirectory:
    """Zones and user groups from dictionaries; records what was asked."""

    def __init__(
        self,
        uow: FakeUnitOfWork,
        *,
        zones: dict[str, str] | None = None,
        groups: dict[str, list[str]] | None = None,
    ) -> None:
        self._uow = uow
        self._zones = zones or {}
        self._groups = groups or {}
        self.asked: list[str] = []

    def _no_transaction(self, what: str) -> None:
        assert not self._uow.is_open, f"{what} asked of Slack inside a transaction"
        self.asked.append(what)

    def group_members(
        self, *, group_ids: Sequence[str] = (), handles: Sequence[str] = ()
    ) -> list[str]:
        self._no_transaction("usergroups")
        members: list[str] = []
        for name in [*group_ids, *handles]:
            if name not in self._groups:
                raise GroupError(f"no group {name}")
            members += [m for m in self._groups[name] if m not in members]
        return members

    def zones(self, user_ids: Collection[str]) -> dict[str, ZoneAnswer]:
        self._no_transaction("users.info " + " ".join(sorted(user_ids)))
        return {
            user_id: ZoneAnswer(timezone=self._zones.get(user_id), deleted=False, answered=True)
            for user_id in user_ids
        }
