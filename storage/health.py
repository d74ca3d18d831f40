"""What /healthz and /readyz ask the database, each answer bounded in time.

Each check returns None when all is well, or one line saying what is wrong.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from storage.deadline import DatabaseUnavailable, within
from storage.migrate import current_revision, head_revision

logger = logging.getLogger("emcoach.health")

# A probe answers within 2 s: the check gets 1.5 s, the rest is the HTTP round trip.
CHECK_SECONDS = 1.5


class Probe:
    """The database checks behind /healthz and /readyz, each answered within 1.5 s.

    One check in flight at a time: while a check is stuck on a hung database, later probes
    answer "still waiting" at once instead of piling up threads and pooled connections.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._busy = threading.Lock()

    def write_problem(self) -> str | None:
        """None when the database would accept a write now, else why not.

        Postgres: a transaction that would be read-only (a standby, or
        ``default_transaction_read_only``) is not ready. SQLite: the write lock is taken
        (BEGIN IMMEDIATE) and a header field rewritten with its own value, then rolled back;
        a read-only file, directory or mount fails there. Nothing is ever changed.
        """
        return self._bounded(lambda: _check_writable(self._engine))

    def schema_problem(self) -> str | None:
        """None when the database takes writes and its schema is this code's newest revision."""

        def check() -> str | None:
            problem = _check_writable(self._engine)
            if problem is not None:
                return problem
            current, head = current_revision(self._engine), head_revision()
            if current != head:
                logger.warning("database schema is at %s, this code needs %s", current, head)
                return "database schema is not at this release's revision"
            return None

        return self._bounded(check)

    def _bounded(self, check: Callable[[], str | None]) -> str | None:
        if not self._busy.acquire(blocking=False):
            return "database unavailable (the previous check is still waiting for it)"

        def work() -> str | None:
            try:
                return check()
            finally:
                self._busy.release()  # when the check ends, however late

        try:
            return within(CHECK_SECONDS, work)
        except (DatabaseUnavailable, DBAPIError) as exc:
            # The probes are public: the detail (host names, driver text) goes to the log only.
            logger.warning("database check failed: %s", " ".join(str(exc).split()))
            return "database unavailable"


def _check_writable(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            return _postgres_read_only(connection)
        return _sqlite_write(connection)


def _postgres_read_only(connection: Connection) -> str | None:
    # The check's own statements get a short limit too: it will be abandoned after 1.5 s.
    connection.exec_driver_sql(f"SET LOCAL statement_timeout = {int(CHECK_SECONDS * 1000)}")
    read_only = connection.exec_driver_sql("SHOW transaction_read_only").scalar()
    connection.rollback()
    return "database is read-only" if read_only == "on" else None


def _sqlite_write(connection: Connection) -> str | None:
    # The connection's first statement begins the transaction with BEGIN IMMEDIATE
    # (storage/db.py), which takes the write lock; rewriting user_version (unused by emcoach,
    # Alembic keeps its own table) with its own value is a real write of the file's header.
    version = int(connection.exec_driver_sql("PRAGMA user_version").scalar() or 0)
    try:
        connection.exec_driver_sql(f"PRAGMA user_version = {version}")
    except DBAPIError as exc:
        logger.warning("database is not writable: %s", " ".join(str(exc.orig).split()))
        return "database is read-only"
    finally:
        connection.rollback()
    return None
