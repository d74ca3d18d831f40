"""A database that stops answering, or cannot be written, never hangs the web (issue #8, items 6
and 7): /healthz and /readyz answer within 2 s, a slash command gets its apology within Slack's
3 s, and a transaction cut off before its COMMIT does not run when the network comes back.

How each backend is made to hang:
- Postgres (when TEST_DATABASE_URL is set): the app reaches the database through a TCP proxy on
  loopback that black-holes — it accepts and reads but forwards nothing, as a dead network path
  does — so every driver call blocks for real (tests/support/blackhole.py).
- SQLite has no network to lose. Its "hang" is a held lock: another connection holding the
  write lock makes every write wait out the busy timeout (5 s), while reads go on (WAL); that
  is tested for real below. A call that never returns is simulated with a gate in front of
  every statement the engine runs (``_gated``), which blocks the driver call the same way.
"""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from bot.sim.standin import SlackStandIn
from handlers.unavailable import DATABASE_APOLOGY
from storage import health
from storage.db import Timeouts, make_engine
from storage.migrate import upgrade_to_head
from tests.support.blackhole import BlackHoleProxy
from tests.support.databases import POSTGRES_URL, backend_engine, url_of
from tests.support.live import LiveApp, live_app

OWNER = "U0OWNER"
needs_postgres = pytest.mark.skipif(not POSTGRES_URL, reason="needs TEST_DATABASE_URL")


def _get(url: str, *, timeout: float = 10.0) -> tuple[int, float]:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, time.monotonic() - started
    except urllib.error.HTTPError as error:
        error.close()
        return error.code, time.monotonic() - started


def _assert_probes_say_unavailable(live: LiveApp) -> None:
    for path in ("/healthz", "/readyz", "/healthz"):  # the last while the first is still stuck
        status, seconds = _get(live.base_url + path)
        assert (path, status) == (path, 503)
        assert seconds < 2.0


def _assert_command_apologises_in_time(live: LiveApp) -> None:
    result = live.sender.command("help", user_id=OWNER)
    assert result.status == 200
    assert result.seconds < 3.0
    assert result.json()["text"] == DATABASE_APOLOGY


def _wait_until_healthy(live: LiveApp, *, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while _get(live.base_url + "/healthz")[0] != 200:
        assert time.monotonic() < deadline, "/healthz did not recover"
        time.sleep(0.1)


@contextmanager
def _postgres_behind_proxy(
    tmp_path: Path, *, timeouts: Timeouts | None = None
) -> Iterator[tuple[Engine, Engine, BlackHoleProxy]]:
    """(direct engine, engine through the proxy, proxy) on a migrated schema of its own."""
    with (
        backend_engine("postgres", tmp_path, migrated=True) as direct,
        BlackHoleProxy(direct.url.host or "127.0.0.1", direct.url.port or 5432) as proxy,
    ):
        proxied_url = direct.url.set(host="127.0.0.1", port=proxy.port)
        proxied = make_engine(
            proxied_url.render_as_string(hide_password=False),
            **({"timeouts": timeouts} if timeouts else {}),
        )
        try:
            yield direct, proxied, proxy
        finally:
            proxy.close()  # first: threads stuck on it fail and give their connections back
            proxied.dispose()


@needs_postgres
@pytest.mark.slow  # waits out the probes' and the command's time limits (about 4 s)
def test_black_holed_postgres_gets_503_and_an_apology_in_time(
    slack: SlackStandIn, tmp_path: Path
) -> None:
    with (
        _postgres_behind_proxy(tmp_path) as (_direct, proxied, proxy),
        live_app(slack, proxied) as live,
    ):
        assert _get(live.base_url + "/healthz")[0] == 200
        assert _get(live.base_url + "/readyz")[0] == 200
        proxy.black_hole()
        _assert_probes_say_unavailable(live)
        _assert_command_apologises_in_time(live)
        proxy.restore()
        _wait_until_healthy(live)
        assert live.sender.command("help", user_id=OWNER).json()["text"] != DATABASE_APOLOGY


@needs_postgres
def test_a_transaction_cut_off_before_commit_does_not_run_after_recovery(tmp_path: Path) -> None:
    """The "click the person saw fail, executed after all" of issue #8: the server ends a
    transaction whose client went silent (idle_in_transaction_session_timeout), so the COMMIT
    that arrives once the network is back finds nothing to commit."""
    quick = Timeouts(idle_in_transaction_ms=300)
    with _postgres_behind_proxy(tmp_path, timeouts=quick) as (direct, proxied, proxy):
        outcome: list[str] = []
        backend: list[int] = []
        cut_off = threading.Event()

        def unit_of_work() -> None:
            try:
                with proxied.connect() as connection:
                    backend.append(
                        connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
                    )
                    connection.commit()  # idle, not in a transaction: no time limit yet
                    with connection.begin():
                        connection.execute(
                            text(
                                "INSERT INTO workspace (team_id, name, first_seen_at) "
                                "VALUES ('TLATE', 'Late', '2027-01-04 09:00:00+00:00')"
                            )
                        )
                        proxy.black_hole()  # the network dies before the COMMIT gets through
                        cut_off.set()
            except DBAPIError as exc:
                outcome.append(type(exc.orig).__name__)
            else:
                outcome.append("committed")
            finally:
                cut_off.set()

        worker = threading.Thread(target=unit_of_work)
        worker.start()
        assert cut_off.wait(timeout=10)
        # The outage lasts until the server has run out of patience with the idle transaction
        # and ended its session (not a guess at how long that takes: asked of the server).
        deadline = time.monotonic() + 10
        while _session_alive(direct, backend[0]):
            assert time.monotonic() < deadline, "the server kept the idle transaction open"
            time.sleep(0.02)
        proxy.restore()
        worker.join(timeout=10)
        assert not worker.is_alive()
        with direct.connect() as connection:
            late = connection.execute(
                text("SELECT count(*) FROM workspace WHERE team_id = 'TLATE'")
            ).scalar_one()
        assert late == 0
        assert outcome != ["committed"]


def _session_alive(engine: Engine, pid: int) -> bool:
    with engine.connect() as connection:
        found = connection.execute(
            text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}
        ).scalar_one()
    return bool(found)


def test_postgres_connections_carry_the_timeouts() -> None:
    """What make_engine hands psycopg, whatever the URL already says (a test's search_path)."""
    engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none?options=-csearch_path%3Dx")
    seen: dict[str, Any] = {}

    @event.listens_for(engine, "do_connect")
    def record(_dialect: Any, _record: Any, _args: Any, params: dict[str, Any]) -> None:
        seen.update(params)

    with pytest.raises(DBAPIError):
        engine.connect()
    engine.dispose()
    assert seen["connect_timeout"] == 5
    assert seen["tcp_user_timeout"] == 20_000
    assert seen["keepalives"] == 1
    assert seen["options"].startswith(
        "-c statement_timeout=15000 -c lock_timeout=10000 "
        "-c idle_in_transaction_session_timeout=60000"
    )
    assert seen["options"].endswith("-csearch_path=x")


@contextmanager
def _gated(engine: Engine) -> Iterator[threading.Event]:
    """While the returned event is clear, every statement ``engine`` runs blocks before it
    reaches the driver: a database that accepts and never answers."""
    open_ = threading.Event()
    open_.set()

    def wait(*_args: object) -> None:
        open_.wait()

    event.listen(engine, "before_cursor_execute", wait)
    try:
        yield open_
    finally:
        open_.set()
        event.remove(engine, "before_cursor_execute", wait)


@pytest.mark.slow  # waits out the probes' and the command's time limits (about 4 s)
def test_a_database_that_never_answers_gets_503_and_an_apology_in_time(live: LiveApp) -> None:
    with _gated(live.services.engine) as gate:
        gate.clear()
        _assert_probes_say_unavailable(live)
        _assert_command_apologises_in_time(live)
        gate.set()
        _wait_until_healthy(live)


def test_a_held_sqlite_write_lock_is_503_but_commands_still_read(
    live: LiveApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The probe's deadline (1.5 s in production), still far below the busy timeout (5 s) that
    # the check's write waits out: it is the deadline that answers, as in production.
    monkeypatch.setattr(health, "CHECK_SECONDS", 0.3)
    holder = make_engine(url_of(live.services.engine))
    with holder.connect() as connection:
        connection.exec_driver_sql("SELECT 1")  # BEGIN IMMEDIATE: the write lock, held
        status, seconds = _get(live.base_url + "/healthz")
        assert (status, seconds < 2.0) == (503, True)
        result = live.sender.command("help", user_id=OWNER)  # a read: WAL lets it through
        assert (result.status, result.seconds < 3.0) == (200, True)
        assert result.json()["text"] != DATABASE_APOLOGY
    holder.dispose()
    _wait_until_healthy(live)


def test_a_read_only_sqlite_file_is_503(slack: SlackStandIn, tmp_path: Path) -> None:
    path = tmp_path / "read-only.db"
    writable = make_engine(f"sqlite:///{path}")
    upgrade_to_head(writable)
    writable.dispose()
    # Opened read-only the way a read-only file, directory or mount opens it (chmod does not
    # stop root, which CI may be).
    read_only = make_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    with live_app(slack, read_only) as live:
        assert _get(live.base_url + "/healthz")[0] == 503
        assert _get(live.base_url + "/readyz")[0] == 503
    read_only.dispose()


@needs_postgres
def test_a_read_only_postgres_is_503(slack: SlackStandIn, tmp_path: Path) -> None:
    with backend_engine("postgres", tmp_path, migrated=True) as engine:
        read_only = make_engine(url_of(engine) + "%20-cdefault_transaction_read_only%3Don")
        with live_app(slack, read_only) as live:
            assert _get(live.base_url + "/healthz")[0] == 503
            assert _get(live.base_url + "/readyz")[0] == 503
        read_only.dispose()


def test_readyz_is_503_until_the_schema_is_at_head(slack: SlackStandIn, tmp_path: Path) -> None:
    with backend_engine("sqlite", tmp_path) as engine, live_app(slack, engine) as live:
        assert _get(live.base_url + "/healthz")[0] == 200  # live: it can write
        assert _get(live.base_url + "/readyz")[0] == 503  # not ready: no schema yet
        upgrade_to_head(engine)
        assert _get(live.base_url + "/readyz")[0] == 200
