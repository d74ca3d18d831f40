"""Alembic, driven from code: `emcoach migrate` and every process start upgrade to head.

Every process upgrades at start, often several at once (a release phase, web workers and the
clock after a deploy). Unserialised, two Postgres upgrades of an empty database both run
CREATE TABLE and one dies on a duplicate key in the catalog, so the upgrade runs under a lock:
a Postgres advisory lock held on the very connection Alembic migrates with, or on SQLite an
exclusive ``flock`` on ``<dbfile>.migrate.lock`` beside the database (an in-memory database
belongs to one process and needs none). The second process waits, then finds the schema at
head and does nothing.
"""

from __future__ import annotations

import fcntl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

# pg_advisory_lock's key: any fixed 64-bit number unique to emcoach's migrations
# (the first eight bytes of "emcoach" + "m" read as an integer).
ADVISORY_LOCK_KEY = 0x656D636F6163686D
# How long a starting process waits for another one's migration before giving up. Far above
# any migration emcoach has; a process stuck longer than this is not migrating.
LOCK_WAIT_SECONDS = 300.0
LOCK_POLL_SECONDS = 0.1


class MigrationLockTimeout(Exception):
    """Another process held the migration lock for longer than ``LOCK_WAIT_SECONDS``."""


def alembic_config(engine: Engine, *, connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade_to_head(engine: Engine, *, wait_seconds: float = LOCK_WAIT_SECONDS) -> None:
    """Upgrade to the newest schema, one process at a time."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection, _advisory_lock(connection, wait_seconds):
            command.upgrade(alembic_config(engine, connection=connection), "head")
        return
    with sqlite_file_lock(engine, wait_seconds=wait_seconds):
        command.upgrade(alembic_config(engine), "head")


@contextmanager
def _advisory_lock(connection: Connection, wait_seconds: float) -> Iterator[None]:
    """A session-level advisory lock on ``connection``, taken by polling the non-blocking
    form: a blocking ``pg_advisory_lock`` would be cut off by the engine's lock_timeout (10 s)
    with an error that does not say what was waited for."""
    deadline = time.monotonic() + wait_seconds
    lock = text("SELECT pg_try_advisory_lock(:key)")
    while not connection.execute(lock, {"key": ADVISORY_LOCK_KEY}).scalar_one():
        connection.rollback()
        if time.monotonic() >= deadline:
            raise MigrationLockTimeout(
                f"another process held the migration lock for over {wait_seconds:.0f} s"
            )
        time.sleep(LOCK_POLL_SECONDS)
    connection.commit()  # the lock is the session's; Alembic begins its own transaction
    try:
        yield
    finally:
        if connection.in_transaction():
            connection.rollback()
        connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY})
        connection.commit()


@contextmanager
def sqlite_file_lock(engine: Engine, *, wait_seconds: float = LOCK_WAIT_SECONDS) -> Iterator[None]:
    """An exclusive flock on ``<dbfile>.migrate.lock``; none for an in-memory database.
    The kernel drops the lock if the process dies, so a crash never leaves it held."""
    database = engine.url.database
    if not database or database == ":memory:" or engine.url.query.get("mode") == "memory":
        yield
        return
    path = Path(f"{database}.migrate.lock")
    deadline = time.monotonic() + wait_seconds
    with path.open("a") as handle:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise MigrationLockTimeout(
                        f"another process held {path} for over {wait_seconds:.0f} s"
                    ) from None
                time.sleep(LOCK_POLL_SECONDS)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


@cache
def head_revision() -> str | None:
    """The newest revision this code knows; read from the migration scripts once."""
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return ScriptDirectory.from_config(config).get_current_head()
