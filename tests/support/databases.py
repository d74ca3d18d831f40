"""Test databases: SQLite always; Postgres too when TEST_DATABASE_URL is set (CI sets it).

A migrated database is a copy of a template that Alembic upgraded once per test process, so the
schema every test sees is exactly the migrated one (a byte copy of it) without paying the
upgrade per test: on SQLite the template is a file, copied; on Postgres it is a database, and
each test gets a ``CREATE DATABASE ... TEMPLATE`` of it, emptied when the test is done and
reused by the next. An empty Postgres database is a schema of its own (search_path) in the
TEST_DATABASE_URL database. Either way tests never see each other's rows, also when several
processes (pytest-xdist workers) run at once.

Postgres needs a role that may create databases (``postgres`` in CI and the README).
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from sqlalchemy import MetaData, make_url, text
from sqlalchemy.engine import Engine

from bot.config import normalise_database_url
from storage.db import make_engine
from storage.migrate import upgrade_to_head

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = ["sqlite", "postgres"] if POSTGRES_URL else ["sqlite"]
SQLITE_FILE = "emcoach-test.db"
# Every database or schema a test run creates starts with this, so a leftover is recognisable.
PREFIX = "emcoach_t_"


@contextmanager
def backend_engine(backend: str, tmp_path: Path, *, migrated: bool = False) -> Iterator[Engine]:
    """An engine on a database of its own: empty, or at the newest schema if ``migrated``."""
    if backend == "sqlite":
        path = tmp_path / SQLITE_FILE
        if migrated:
            shutil.copyfile(_sqlite_template(), path)
        engine = make_engine(f"sqlite:///{path}")
        try:
            yield engine
        finally:
            engine.dispose()
        return
    if migrated:
        with _postgres_copy() as engine:
            yield engine
        return
    with _postgres_schema() as engine:
        yield engine


def url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _postgres_url() -> str:
    assert POSTGRES_URL, "the postgres backend needs TEST_DATABASE_URL"
    return normalise_database_url(POSTGRES_URL)


def _admin() -> Engine:
    """Outside a transaction, as CREATE/DROP DATABASE require."""
    return make_engine(_postgres_url(), pool_size=1).execution_options(isolation_level="AUTOCOMMIT")


def _on(database: str, schema: str) -> Engine:
    # The schema travels in the URL itself, so a subprocess given url_of(engine) sees it too,
    # and a test may append options to it.
    url = make_url(_postgres_url()).set(database=database)
    url = url.update_query_dict({"options": f"-csearch_path={schema}"})
    return make_engine(url.render_as_string(hide_password=False))


@contextmanager
def _postgres_schema() -> Iterator[Engine]:
    """An empty schema in the TEST_DATABASE_URL database."""
    schema = f"{PREFIX}{uuid.uuid4().hex[:12]}"
    admin = _admin()
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = _on(make_url(_postgres_url()).database or "", schema)
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def _postgres_copy() -> Iterator[Engine]:
    """A database of its own, created from the migrated template."""
    copies = _postgres_copies()
    database = copies.take()
    engine = _on(database, "public")
    try:
        yield engine
    finally:
        engine.dispose()
        copies.give_back(database)


class _Copies:
    """Copies of the template, reused: a test's database is emptied when it is given back and
    handed to the next test. Creating a database takes the server 0.2-0.4 s here and emptying
    one ~40 ms, which for the ~110 Postgres tests is most of their time. A database that cannot
    be emptied back to the template's state is dropped and a new copy made instead."""

    def __init__(self, template: str) -> None:
        self._template = template
        self._admin = _admin()
        self._free: list[str] = []
        self._made: list[str] = []
        self._tables, self._emptying = self._read(template)

    def take(self) -> str:
        if self._free:
            return self._free.pop()
        database = f"{PREFIX}{uuid.uuid4().hex[:12]}"
        with self._admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{database}" TEMPLATE "{self._template}"'))
        self._made.append(database)
        return database

    def give_back(self, database: str) -> None:
        try:
            self._empty(database)
        except Exception:
            self._made.remove(database)
            self._drop(database)
            raise
        self._free.append(database)

    def close(self) -> None:
        for database in self._made:
            self._drop(database)
        self._admin.dispose()

    def _empty(self, database: str) -> None:
        """Back to the template's state: no connection of the test's left (a killed
        subprocess's holds locks), no row in any table but Alembic's, every sequence at 1, no
        pages kept, and the template's tables, all of them and no others (else this raises and
        it is dropped)."""
        with self._admin.connect() as connection:
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = :database AND pid <> pg_backend_pid()"
                ),
                {"database": database},
            )
        engine = _on(database, "public")
        try:
            with engine.begin() as connection:
                found = connection.scalars(
                    text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
                )
                if frozenset(found) != self._tables:
                    raise AssertionError(f"{database} no longer has the template's tables")
                connection.exec_driver_sql(self._emptying)
            # VACUUM gives the emptied tables' pages back, so rows land where they would in a
            # fresh copy: a query whose ORDER BY leaves ties sees the same order either way.
            with engine.execution_options(isolation_level="AUTOCOMMIT").connect() as connection:
                connection.exec_driver_sql("VACUUM")
        finally:
            engine.dispose()

    @staticmethod
    def _read(template: str) -> tuple[frozenset[str], str]:
        """The template's tables, and one script that deletes every row (children before their
        parents) but Alembic's and restarts every sequence."""
        engine = _on(template, "public")
        try:
            metadata = MetaData()
            metadata.reflect(engine)
        finally:
            engine.dispose()
        deletes = [
            f'DELETE FROM "{table.name}"'
            for table in reversed(metadata.sorted_tables)
            if table.name != "alembic_version"
        ]
        restart = "SELECT setval(c.oid, 1, false) FROM pg_class c WHERE c.relkind = 'S'"
        return frozenset(metadata.tables), "; ".join([*deletes, restart])

    def _drop(self, database: str) -> None:
        # FORCE: a connection a test left behind (a killed subprocess's) does not keep it.
        with self._admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))


@cache
def _postgres_copies() -> _Copies:
    template = _postgres_template()
    copies = _Copies(template)
    # atexit runs last-registered first: the copies go before their template.
    atexit.register(copies.close)
    return copies


@cache
def _sqlite_template() -> Path:
    directory = Path(tempfile.mkdtemp(prefix="emcoach-schema-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    path = directory / SQLITE_FILE
    engine = make_engine(f"sqlite:///{path}")
    upgrade_to_head(engine)
    engine.dispose()
    # Closing the last connection folds the write-ahead log into the file: the file alone is
    # the whole migrated database.
    assert not Path(f"{path}-wal").exists(), "the template's WAL was not checkpointed"
    return path


@cache
def _postgres_template() -> str:
    template = f"{PREFIX}template_{uuid.uuid4().hex[:12]}"
    admin = _admin()
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{template}"'))
    atexit.register(_drop_database, template)
    engine = _on(template, "public")
    upgrade_to_head(engine)
    # CREATE DATABASE ... TEMPLATE refuses while anyone is connected to the template.
    engine.dispose()
    admin.dispose()
    return template


def _drop_database(database: str) -> None:
    admin = _admin()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
    admin.dispose()
