"""`emcoach clock` as deployed: real processes, killed and doubled, on SQLite and Postgres.

Every prompt must reach the Slack stand-in exactly once, counted by the agenda row id each
message carries in its metadata.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from bot.clock import SystemClock
from bot.domain.cadence import AgendaState
from bot.sim.standin import SlackStandIn, Timeout
from storage.agenda import rows_of
from storage.db import session_scope
from storage.models import AgendaRow
from tests.engine.conftest import PEOPLE
from tests.support.agenda import SEEDED_KEY, seed_due
from tests.support.agenda import delivered as delivered_counts
from tests.support.databases import url_of
from tests.support.programs import make_program

# Real clock processes, killed and restarted: the slow set (`pytest -m slow`).
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
PROMPTS = 500  # five batches: both clocks get a share, and a kill lands mid-way
RECIPIENTS = ("U0LEAD1", "U0LEAD2", "U0COACH")


@pytest.fixture
def live_slack() -> Iterator[SlackStandIn]:
    """Real time here: the clock processes run on the system clock."""
    with SlackStandIn(users=PEOPLE) as standin:
        # ~30 ms per post, so a batch is still being sent when the clock is killed.
        standin.inject("chat.postMessage", Timeout(seconds=0.03, applied=True), times=100_000)
        yield standin


def _due_now(engine: Engine) -> int:
    program_id = make_program(engine, committed=True)
    seed_due(
        engine,
        program_id,
        count=PROMPTS,
        now=SystemClock().now(),
        recipients=RECIPIENTS,
        due_offset=-timedelta(seconds=30),
    )
    return program_id


def _clock(engine: Engine, slack: SlackStandIn, tmp_path: Path) -> subprocess.Popen[bytes]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("SLACK_") and key != "DATABASE_URL"
    }
    env |= {
        "PYTHONPATH": str(ROOT),
        "SLACK_BOT_TOKEN": "xoxb-clock-test",
        "SLACK_API_URL": slack.api_url,
        "DATABASE_URL": url_of(engine),
        "DISPATCH_STALE_SECONDS": "1",
        "LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "clock"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _wait(predicate: object, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _ours(engine: Engine, program_id: int) -> list[AgendaRow]:
    """The seeded prompts (the clock's daily re-plan also adds the program's checkpoints)."""
    with session_scope(engine) as session:
        rows = rows_of(session, program_id=program_id)
    return [row for row in rows if row.key.startswith(SEEDED_KEY)]


def _all_sent(engine: Engine, program_id: int) -> bool:
    return all(row.state is AgendaState.SENT for row in _ours(engine, program_id))


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if process.stderr is not None:
        process.stderr.close()


def test_a_clock_killed_mid_batch_and_restarted_delivers_each_prompt_once(
    engine: Engine, live_slack: SlackStandIn, tmp_path: Path
) -> None:
    program_id = _due_now(engine)
    first = _clock(engine, live_slack, tmp_path)
    try:
        _wait(lambda: len(live_slack.messages()) >= PROMPTS // 4, timeout=60, what="sending")
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
        if first.stderr is not None:
            first.stderr.close()
    sent_before_restart = len(live_slack.messages())
    assert sent_before_restart < PROMPTS, "the kill came in the middle of the batch"

    second = _clock(engine, live_slack, tmp_path)
    try:
        _wait(lambda: _all_sent(engine, program_id), timeout=90, what="every prompt sent")
    finally:
        _stop(second)
    delivered = delivered_counts(live_slack)
    assert len(delivered) == PROMPTS
    assert set(delivered.values()) == {1}, "no prompt was sent twice"


def test_two_clocks_over_one_due_batch_send_each_prompt_once(
    engine: Engine, live_slack: SlackStandIn, tmp_path: Path
) -> None:
    program_id = _due_now(engine)
    clocks = [_clock(engine, live_slack, tmp_path) for _ in range(2)]
    try:
        _wait(lambda: _all_sent(engine, program_id), timeout=90, what="every prompt sent")
    finally:
        for process in clocks:
            _stop(process)
    delivered = delivered_counts(live_slack)
    assert len(delivered) == PROMPTS
    assert set(delivered.values()) == {1}
    workers = {row.claimed_by for row in _ours(engine, program_id)}
    assert len(workers) == 2, "both clocks sent part of the batch"
