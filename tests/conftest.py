from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from storage.migrate import upgrade_to_head
from tests.support.databases import BACKENDS, backend_engine


@pytest.fixture(autouse=True)
def _no_slack_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Bolt's App() reads SLACK_* variables itself; tests pass everything explicitly."""
    import os

    for name in list(os.environ):
        if name.startswith("SLACK_") or name in {"DATABASE_URL", "PORT", "LOG_LEVEL"}:
            monkeypatch.delenv(name, raising=False)


@pytest.fixture(params=BACKENDS)
def bare_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty database on each backend under test."""
    with backend_engine(request.param, tmp_path) as engine:
        yield engine


@pytest.fixture
def engine(bare_engine: Engine) -> Engine:
    """A database at the newest schema, on each backend under test."""
    upgrade_to_head(bare_engine)
    return bare_engine
