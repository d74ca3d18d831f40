"""`emcoach health`: 0 while the scheduler beats, 1 with one line saying why when it does not."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy.engine import Engine

from bot.cli import main
from bot.clock import FixedClock, SystemClock
from bot.compose import Runtime, build_web_client
from bot.config import load_settings
from bot.engine.dispatch import TickReport
from bot.scheduler import HEARTBEAT_JOB, HeartbeatWriter, build_scheduler
from bot.sim.standin import SlackStandIn
from storage.db import make_engine
from storage.heartbeat import beat, last_beat
from storage.migrate import upgrade_to_head
from tests.support.databases import url_of


def _health(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str]:
    monkeypatch.setenv("DATABASE_URL", url_of(engine))
    code = main(["health", *args])
    captured = capsys.readouterr()
    lines = (captured.out + captured.err).strip().splitlines()
    assert len(lines) == 1, lines
    return code, lines[0]


def _services(engine: Engine, now: FixedClock | SystemClock) -> Runtime:
    settings = load_settings(_env_file=None, SLACK_BOT_TOKEN="xoxb-health-test")
    return Runtime(settings=settings, engine=engine, clock=now, client=build_web_client(settings))


def test_a_recent_beat_is_healthy_and_an_old_one_is_not(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    now = SystemClock().now()
    beat(engine, process="clock:a:1", kind="clock", started_at=now, now=now - timedelta(seconds=5))
    assert _health(engine, monkeypatch, capsys) == (
        0,
        "healthy: emcoach clock or emcoach run completed a tick 5 s ago",
    )
    beat(engine, process="clock:a:1", kind="clock", started_at=now, now=now - timedelta(minutes=5))
    code, line = _health(engine, monkeypatch, capsys, "clock")
    assert code == 1
    assert (
        line
        == "emcoach: unhealthy: emcoach clock last completed a tick 300 s ago (more than 120 s)"
    )
    assert _health(engine, monkeypatch, capsys, "clock", "--max-age", "600")[0] == 0


def test_no_beat_of_that_kind_is_unhealthy(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    now = SystemClock().now()
    beat(engine, process="run:a:1", kind="run", started_at=now, now=now)
    assert _health(engine, monkeypatch, capsys, "run")[0] == 0
    assert _health(engine, monkeypatch, capsys, "clock") == (
        1,
        "emcoach: unhealthy: emcoach clock has never completed a tick",
    )


def test_a_database_without_the_table_is_unhealthy(
    bare_engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, line = _health(bare_engine, monkeypatch, capsys)
    assert code == 1
    assert line.startswith("emcoach: unhealthy: cannot read the heartbeat (")


def test_each_completed_dispatch_tick_beats_and_adds_to_the_totals(engine: Engine) -> None:
    clock = FixedClock(SystemClock().now())
    heartbeat = HeartbeatWriter(_services(engine, clock), kind="clock")
    report = TickReport(sent=3, failed=1, missed=2, lag_seconds=[0.5, 20.0, 4000.0])
    heartbeat(SimpleNamespace(job_id="replan_stale", retval=0))  # not the heartbeat job
    assert last_beat(engine, kinds=("clock",)) is None
    heartbeat(SimpleNamespace(job_id=HEARTBEAT_JOB, retval=report))
    clock.advance(timedelta(seconds=10))
    heartbeat(SimpleNamespace(job_id=HEARTBEAT_JOB, retval=TickReport(sent=1, lag_seconds=[2.0])))
    assert last_beat(engine, kinds=("clock",)) == clock.now()
    totals = heartbeat.totals
    assert (totals.sent, totals.failed, totals.missed) == (4, 1, 2)
    assert totals.lag_counts == [1, 1, 0, 0, 1, 0, 0, 0, 0, 1]
    assert totals.lag_sum == pytest.approx(4022.5)


def test_the_real_scheduler_beats_after_its_first_tick(
    engine: Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with SlackStandIn(team_id="T0001") as slack:
        settings = load_settings(
            _env_file=None, SLACK_BOT_TOKEN="xoxb-health-test", SLACK_API_URL=slack.api_url
        )
        services = Runtime(
            settings=settings,
            engine=engine,
            clock=SystemClock(),
            client=build_web_client(settings),
        )
        scheduler = build_scheduler(services, blocking=False)
        scheduler.start()
        try:
            deadline = time.monotonic() + 20
            while last_beat(engine, kinds=("run",)) is None and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            scheduler.shutdown(wait=True)
    assert _health(engine, monkeypatch, capsys, "run")[0] == 0


def test_a_fresh_database_migrates_with_the_heartbeat_table(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    upgrade_to_head(engine)
    assert last_beat(engine, kinds=("clock",)) is None
    engine.dispose()
