"""Engine and sessions: one engine per process, one session per request or job run.

Every wait on the database is bounded (issue #8): a database that stops answering must fail a
request or a job, never hang it. The values below are far above anything emcoach's own
statements need (milliseconds) and below what a person or a platform waits for.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import ConnectionPoolEntry
from sqlmodel import Session, create_engine

# Connections kept open per process: a process runs the dispatch senders (DISPATCH_SENDERS, at
# most 16), the scheduler's jobs and the web or socket listeners at once. With SQLAlchemy's
# default of 5, a busy clock opened and closed overflow connections on every batch
# (benchmarks/dispatch.py).
POOL_SIZE = 12

# An execution option for a unit of work that only reads: on SQLite it begins a deferred
# transaction, so it reads beside a writer (WAL) instead of queueing behind it for the write
# lock. Anything that may write leaves it unset.
READ_ONLY = "emcoach_read_only"
# An execution option for a unit of work that is a single SELECT: on SQLite it begins no
# transaction at all, since one statement reads one consistent snapshot by itself (the BEGIN
# cost as much CPU as the query; see benchmarks/ack_latency.py). Elsewhere as READ_ONLY.
SINGLE_READ = "emcoach_single_read"


@dataclass(frozen=True, slots=True, kw_only=True)
class Timeouts:
    """How long the database may keep a connection waiting, per kind of wait."""

    # libpq's own minimum is 2 s; a database that takes longer to accept is as good as down.
    connect_seconds: int = 5
    # Below gunicorn's 30 s worker timeout, so a stuck statement fails the request with an
    # error (and an apology) before gunicorn kills the worker and everything on it.
    statement_ms: int = 15_000
    # A lock held this long is a stuck transaction, not contention: fail instead of queueing
    # every request behind it.
    lock_ms: int = 10_000
    # A client that went silent mid-transaction (its network black-holed) must not keep row
    # locks, nor have its COMMIT arrive and run minutes later when the network recovers (a
    # click the person saw fail, executed after all). Above a unit of work's longest honest
    # pause (Slack calls time out at 10 s and are retried twice).
    idle_in_transaction_ms: int = 60_000
    # Unacknowledged data on a dead route: the kernel drops the connection after this long,
    # so the driver call waiting on it fails instead of waiting for TCP's ~15 min of retries.
    tcp_user_ms: int = 20_000
    # Keepalives find a pooled connection whose peer vanished while it sat idle.
    keepalive_idle_seconds: int = 30
    keepalive_interval_seconds: int = 10
    keepalive_count: int = 3
    # SQLite waits this long for another connection's write lock, then says "locked". That is
    # SQLite's only open-ended wait; it has no statement limit of its own, and a progress-handler
    # one would only stop CPU-bound runaway queries, which emcoach's index lookups are not.
    sqlite_busy_ms: int = 5_000


TIMEOUTS = Timeouts()


# Which threads wrote since they last asked (see ``writes_seen``), and whose App Home their writes
# changed beyond the writer's own programs (see ``note_affected``).
_WRITE_VERBS = frozenset({"INSERT", "UPDATE", "DELETE"})
_writes = threading.local()


@event.listens_for(Engine, "before_cursor_execute")
def _note_write(_conn: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
    if statement.lstrip()[:6].upper() in _WRITE_VERBS:
        _writes.seen = True


@dataclass(frozen=True, slots=True)
class Writes:
    """What this thread's statements did since it last asked."""

    any: bool  # an INSERT, UPDATE or DELETE ran (on any engine)
    affected: frozenset[str]  # see ``note_affected``


def note_affected(user_ids: Iterable[str]) -> None:
    """Storage records here the people whose App Home a write changed and whom the writer's
    programs no longer reach: someone taken out of a program, everyone in a deleted program,
    the people around someone forgotten. The refresh after the request finds them only here."""
    _writes.affected = getattr(_writes, "affected", frozenset()) | frozenset(user_ids)


def writes_seen() -> Writes:
    """What this thread wrote since it last asked: a listener that only read changed nothing
    anyone's App Home shows."""
    seen = Writes(
        any=bool(getattr(_writes, "seen", False)),
        affected=getattr(_writes, "affected", frozenset()),
    )
    _writes.seen, _writes.affected = False, frozenset()
    return seen


def make_engine(url: str, *, timeouts: Timeouts = TIMEOUTS, **kwargs: Any) -> Engine:
    """An engine for ``url`` with every wait bounded by ``timeouts``.

    SQLite gets WAL, foreign keys, a busy timeout and BEGIN IMMEDIATE; Postgres gets connect,
    statement, lock and idle-in-transaction timeouts and TCP keepalives on every connection.
    """
    kwargs.setdefault("pool_size", POOL_SIZE)
    if url.startswith("sqlite"):
        connect_args = {"check_same_thread": False, "timeout": timeouts.sqlite_busy_ms / 1000}
        engine = create_engine(url, connect_args=connect_args, **kwargs)
        event.listen(engine, "connect", _configure_sqlite(timeouts))
        event.listen(engine, "begin", _begin_sqlite)
        return engine
    engine = create_engine(url, pool_pre_ping=True, **kwargs)
    event.listen(engine, "do_connect", _bounded_postgres(timeouts))
    return engine


def postgres_options(timeouts: Timeouts) -> str:
    """Server settings sent at connection start (no round trip of their own)."""
    return (
        f"-c statement_timeout={timeouts.statement_ms} -c lock_timeout={timeouts.lock_ms} "
        f"-c idle_in_transaction_session_timeout={timeouts.idle_in_transaction_ms}"
    )


def _bounded_postgres(timeouts: Timeouts) -> Any:
    def do_connect(
        _dialect: Any, _record: ConnectionPoolEntry, _args: list[Any], params: dict[str, Any]
    ) -> None:
        # Ours first: options given in the URL or connect_args (a test's search_path, or a
        # deliberate override of a timeout) come later and win.
        ours = postgres_options(timeouts)
        params["options"] = f"{ours} {params['options']}" if params.get("options") else ours
        params.setdefault("connect_timeout", timeouts.connect_seconds)
        params.setdefault("tcp_user_timeout", timeouts.tcp_user_ms)
        params.setdefault("keepalives", 1)
        params.setdefault("keepalives_idle", timeouts.keepalive_idle_seconds)
        params.setdefault("keepalives_interval", timeouts.keepalive_interval_seconds)
        params.setdefault("keepalives_count", timeouts.keepalive_count)

    return do_connect


def _configure_sqlite(timeouts: Timeouts) -> Any:
    def configure(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        # pysqlite's own transaction handling begins only before INSERT/UPDATE/DELETE, so a
        # SELECT ran outside the transaction, and a read that then wrote failed at once with
        # "database is locked" (the busy timeout does not apply to that upgrade). SQLAlchemy's
        # recipe: the driver does nothing, and the "begin" event below says BEGIN itself.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            # WAL lets the web/socket thread read while the scheduler writes; foreign keys are
            # off by default in SQLite and we rely on them.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={timeouts.sqlite_busy_ms}")
            cursor.execute("PRAGMA synchronous=NORMAL")
            # Never memory-map the database file itself: a mapped page that can no longer be
            # read or written (the file truncated, made immutable, its disk gone) is a SIGBUS
            # that kills the worker, where read()/write() return an error SQLite reports.
            # 0 is the usual build default; this makes it certain.
            # WAL's small -shm index is always mapped, read-write, and that one cannot be
            # avoided short of leaving WAL: made immutable (chattr +i; ext4 refuses the write
            # fault) or truncated under a running process, the next write into it is a SIGBUS
            # (reproduced: exit 135 within seconds, both ways). A process started after the
            # change maps the -shm read-only, gets "attempt to write a readonly database" and
            # /healthz says 503. So: stop emcoach before making its files read-only.
            cursor.execute("PRAGMA mmap_size=0")
        finally:
            cursor.close()

    return configure


def _begin_sqlite(connection: Connection) -> None:
    # IMMEDIATE takes the write lock up front, waiting up to the busy timeout for it, so two
    # writers queue instead of one failing when both have read and then want to write.
    options = connection.get_execution_options()
    if options.get(SINGLE_READ, False):
        return  # the driver runs the one statement in autocommit mode (see _configure_sqlite)
    deferred = options.get(READ_ONLY, False)
    connection.exec_driver_sql("BEGIN DEFERRED" if deferred else "BEGIN IMMEDIATE")


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One unit of work: committed if the block succeeds, rolled back if it raises."""
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
