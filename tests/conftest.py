from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

import tests.support.bytecode  # noqa: F401  (first: what is imported after it is cached)
from tests.support.databases import BACKENDS, backend_engine


def pytest_configure(config: pytest.Config) -> None:
    """Python's cyclic collector, at its default (a young-generation pass every 700 new
    objects), took 6.5 s of the 62 s the scenario and builder tests spend on the CPU; at one
    pass every 50,000 it takes 1.9 s. Tests build and drop many short-lived objects (requests,
    ORM rows, Block Kit dicts), few of them in cycles."""
    gc.set_threshold(50_000, 20, 20)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The order the test processes take modules in (addopts has --no-loadscope-reorder, so
    pytest-xdist keeps it): lint, format, type and import checks first, since mypy's first run
    (no cache, as in CI) takes ~18 s and started late it was the tail of the run, 9 s after
    the other processes had finished; then the modules with the most tests, as pytest-xdist
    would order them itself. Every process orders alike, so they agree on the collection."""
    sizes = Counter(item.path for item in items)
    items.sort(key=lambda item: (item.path.name != "test_hygiene.py", -sizes[item.path]))


@pytest.fixture(autouse=True)
def _no_slack_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Bolt's App() reads SLACK_* variables itself; tests pass everything explicitly."""
    import os

    for name in list(os.environ):
        if name.startswith("SLACK_") or name in {"DATABASE_URL", "PORT", "LOG_LEVEL"}:
            monkeypatch.delenv(name, raising=False)


@pytest.fixture(params=BACKENDS)
def database_backend(request: pytest.FixtureRequest) -> str:
    """Each backend under test: sqlite, and postgres when TEST_DATABASE_URL is set."""
    return str(request.param)


@pytest.fixture
def bare_engine(database_backend: str, tmp_path: Path) -> Iterator[Engine]:
    """An empty database on each backend under test."""
    with backend_engine(database_backend, tmp_path) as engine:
        yield engine


@pytest.fixture
def engine(database_backend: str, tmp_path: Path) -> Iterator[Engine]:
    """A database at the newest schema, on each backend under test: a copy of a template that
    Alembic migrated once per run (tests/support/databases.py), not an upgrade per test."""
    with backend_engine(database_backend, tmp_path, migrated=True) as engine:
        yield engine
