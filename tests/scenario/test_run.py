"""`emcoach run` as deployed: one process over Socket Mode, with the scheduler inside.

The real command runs in a subprocess against the Web API stand-in, which answers
apps.connections.open with the URL of a local Socket Mode server (tests/support/socket_mode.py);
the test pushes envelopes through that socket and reads the acks and the Web API traffic.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.engine import Engine

from bot.clock import SystemClock
from bot.domain.cadence import AgendaState
from bot.sim.standin import SlackStandIn
from storage.agenda import rows_of
from storage.db import session_scope
from storage.migrate import upgrade_to_head
from tests.scenario.conftest import PEOPLE
from tests.support.agenda import SEEDED_KEY, seed_due
from tests.support.agenda import delivered as delivered_counts
from tests.support.databases import backend_engine, url_of
from tests.support.live import TEAM_ID
from tests.support.programs import make_program
from tests.support.socket_mode import SocketModeStandIn

# A real `emcoach run` process over Socket Mode: the slow set (`pytest -m slow`).
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
BOT_TOKEN = "xoxb-run-test"
APP_TOKEN = "xapp-1-A0EMCOACH-run-test"
OWNER = "U0OWNER"
STRANGER = "U0STRANGER"
RECIPIENTS = ("U0LEAD1", "U0LEAD2", "U0COACH")
# Start-up is an interpreter, imports and migrations; generous so a busy CI machine passes.
CONNECT_SECONDS = 20.0
STOP_SECONDS = 10.0


@dataclass
class Running:
    process: subprocess.Popen[bytes]
    slack: SlackStandIn
    sockets: SocketModeStandIn
    engine: Engine
    program_id: int
    log: Path

    def stderr(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def _seed_due_prompts(engine: Engine, *, count: int) -> int:
    """A committed program whose ``count`` one-on-one prompts fell due seconds ago."""
    program_id = make_program(engine, team_id=TEAM_ID, committed=True)
    seed_due(
        engine,
        program_id,
        count=count,
        now=SystemClock().now(),
        recipients=RECIPIENTS,
        due_offset=-timedelta(seconds=30),
    )
    return program_id


def _start(*, slack: SlackStandIn, engine: Engine, directory: Path) -> subprocess.Popen[bytes]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("SLACK_") and key != "DATABASE_URL"
    }
    env |= {
        "PYTHONPATH": str(ROOT),
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_APP_TOKEN": APP_TOKEN,
        "SLACK_API_URL": slack.api_url,
        "DATABASE_URL": url_of(engine),
        "LOG_LEVEL": "WARNING",
    }
    # stderr goes to a file: a pipe nobody reads could fill and stall the process.
    with (directory / "run.log").open("wb") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            cwd=directory,  # no stray .env is read, and the default SQLite file would land here
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def _terminate(process: subprocess.Popen[bytes]) -> tuple[int | None, float]:
    """SIGTERM and wait: (exit status, or None if it had to be killed; seconds it took)."""
    started = time.monotonic()
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        status: int | None = process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        status = None
    return status, time.monotonic() - started


@contextmanager
def _emcoach_run(directory: Path) -> Iterator[Running]:
    """A fresh database with due prompts, both Slack stand-ins, and `emcoach run` connected."""
    with (
        backend_engine("sqlite", directory) as engine,
        SlackStandIn(team_id=TEAM_ID, users=PEOPLE) as slack,
        SocketModeStandIn(team_id=TEAM_ID, response_url_factory=slack.new_response_url) as sockets,
    ):
        upgrade_to_head(engine)
        program_id = _seed_due_prompts(engine, count=len(RECIPIENTS))
        slack.socket_url = sockets.url
        process = _start(slack=slack, engine=engine, directory=directory)
        run = Running(process, slack, sockets, engine, program_id, directory / "run.log")
        try:
            try:
                sockets.wait_connected(timeout=CONNECT_SECONDS)
            except AssertionError as error:
                raise AssertionError(f"{error}; emcoach run said:\n{run.stderr()}") from None
            yield run
        finally:
            _terminate(process)


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """One process shared by the tests that only watch it work: each start and stop costs
    seconds (an interpreter, imports, migrations; slack_sdk's 3 s socket read timeout)."""
    with _emcoach_run(tmp_path_factory.mktemp("run")) as run:
        yield run


@pytest.fixture
def own_run(tmp_path: Path) -> Iterator[Running]:
    """A process of the test's own, for a test that stops it."""
    with _emcoach_run(tmp_path) as run:
        yield run


def _seeded_rows_sent(run: Running) -> bool:
    with session_scope(run.engine) as session:
        rows = rows_of(session, program_id=run.program_id)
    ours = [row for row in rows if row.key.startswith(SEEDED_KEY)]
    return all(row.state is AgendaState.SENT for row in ours)


def test_run_connects_with_the_app_token_and_acks_help_over_the_socket(running: Running) -> None:
    opened = running.slack.calls_to("apps.connections.open")
    assert [call.headers.get("Authorization") for call in opened] == [f"Bearer {APP_TOKEN}"]
    assert opened[0].response == {"ok": True, "url": running.sockets.url}

    ack = running.sockets.wait_ack(running.sockets.command("help", user_id=OWNER))
    assert ack.seconds < 1.5, "Slack gives up on an unacknowledged command after 3 s"
    assert ack.payload is not None
    assert ack.payload["response_type"] == "ephemeral"
    assert "`/emcoach help` — this list" in ack.payload["text"]


def test_run_publishes_app_home_once_however_often_the_event_is_retried(
    running: Running,
) -> None:
    slack, sockets = running.slack, running.sockets

    def published_for(user_id: str) -> int:
        return sum(call.args["user_id"] == user_id for call in slack.calls_to("views.publish"))

    # Someone in no program: the scheduler, which republishes the homes of the program's people
    # when its sends change them, never publishes theirs, so every publish counted is the event's.
    event = {"type": "app_home_opened", "user": STRANGER, "channel": "D0SAM", "tab": "home"}
    first = sockets.wait_ack(sockets.event(event, event_id="Ev0RUNHOME"))
    assert first.payload is None  # events are acknowledged bare
    slack.wait_for(lambda: published_for(STRANGER) == 1)

    sockets.wait_ack(sockets.event(event, event_id="Ev0RUNHOME", retry_attempt=1))
    # A fresh event behind the retry: once its view is out, a processed retry would be too.
    later = {"type": "app_home_opened", "user": OWNER, "channel": "D0OWNER", "tab": "home"}
    sockets.wait_ack(sockets.event(later, event_id="Ev0RUNLATER"))
    slack.wait_for(lambda: published_for(OWNER) >= 1)
    assert published_for(STRANGER) == 1


def test_run_sends_due_prompts_from_its_own_scheduler_exactly_once(running: Running) -> None:
    deadline = time.monotonic() + 10
    while not _seeded_rows_sent(running):
        assert time.monotonic() < deadline, f"prompts not sent; calls: {running.slack.calls}"
        time.sleep(0.05)
    delivered = delivered_counts(running.slack)
    assert len(delivered) == len(RECIPIENTS)
    assert set(delivered.values()) == {1}
    # Each went to its own recipient's DM.
    assert [len(running.slack.messages(recipient)) for recipient in RECIPIENTS] == [1, 1, 1]


def test_run_stops_cleanly_on_sigterm(own_run: Running) -> None:
    status, seconds = _terminate(own_run.process)
    stderr = own_run.stderr()
    assert status == 0, f"exit status {status} after {seconds:.1f} s; emcoach run said:\n{stderr}"
    assert seconds < STOP_SECONDS
    assert "Traceback" not in stderr
    assert "will be unused" not in stderr, "no puzzling warning about the token it just used"


def test_apps_connections_open_takes_only_an_app_level_token(slack: SlackStandIn) -> None:
    slack.socket_url = "ws://127.0.0.1:9/link/"
    client = WebClient(base_url=slack.api_url, token=BOT_TOKEN)
    assert client.apps_connections_open(app_token=APP_TOKEN)["url"] == slack.socket_url
    with pytest.raises(SlackApiError) as bot_token_refused:
        client.apps_connections_open(app_token=BOT_TOKEN)
    assert bot_token_refused.value.response["error"] == "not_allowed_token_type"
    with pytest.raises(SlackApiError) as app_token_refused:
        WebClient(base_url=slack.api_url, token=APP_TOKEN).auth_test()
    assert app_token_refused.value.response["error"] == "not_allowed_token_type"
