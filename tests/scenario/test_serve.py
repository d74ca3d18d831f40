"""`emcoach serve` as deployed: gunicorn in a subprocess, pointed at the Slack stand-in."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot.sim.standin import SlackStandIn
from bot.sim.standin.sender import SlackSender, post

# gunicorn in a subprocess: the slow set (`pytest -m slow`).
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SECRET = "serve-test-secret"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_healthy(base_url: str, process: subprocess.Popen[str], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"emcoach serve exited: {process.communicate()[1]}")
        try:
            with urllib.request.urlopen(base_url + "/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    raise AssertionError("emcoach serve did not become healthy in time")


@contextmanager
def _serving(slack: SlackStandIn, tmp_path: Path, credentials: dict[str, str]) -> Iterator[str]:
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("SLACK_") and key != "DATABASE_URL"
    }
    env |= credentials | {
        "PYTHONPATH": str(ROOT),
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack.api_url,
        "LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base_url, process)
        yield base_url
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
    assert process.returncode == 0


@pytest.fixture
def served(slack: SlackStandIn, tmp_path: Path) -> Iterator[str]:
    with _serving(slack, tmp_path, {"SLACK_BOT_TOKEN": "xoxb-serve-test"}) as base_url:
        yield base_url


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args: object, **_kwargs: object) -> None:
        return None


def test_serve_with_client_credentials_offers_the_install(
    slack: SlackStandIn, tmp_path: Path
) -> None:
    """SLACK_CLIENT_ID/SECRET and no SLACK_BOT_TOKEN: GET /slack/install goes on to Slack's
    consent screen with a state; nothing is called at start (no token to check)."""
    credentials = {"SLACK_CLIENT_ID": "1234.5678", "SLACK_CLIENT_SECRET": "oauth-serve-secret"}
    with _serving(slack, tmp_path, credentials) as base_url:
        opener = urllib.request.build_opener(_NoRedirects)
        with pytest.raises(urllib.error.HTTPError) as redirected:
            opener.open(base_url + "/slack/install", timeout=5)
        with redirected.value as answer:
            assert answer.code == 302
            location = answer.headers["Location"]
            cookie = answer.headers["Set-Cookie"]
    assert location.startswith(slack.consent_url + "?")
    assert "client_id=1234.5678" in location and "state=" in location
    assert cookie.startswith("slack-app-oauth-state=")
    assert slack.calls == []


def test_serve_answers_signed_help_fast_and_refuses_forgeries(
    served: str, slack: SlackStandIn, tmp_path: Path
) -> None:
    sender = SlackSender(
        events_url=served + "/slack/events",
        secret=SECRET,
        response_url_factory=slack.new_response_url,
    )
    result = sender.command("help", user_id="U0OWNER")
    assert result.status == 200
    assert result.seconds < 3
    reply = result.json()
    assert reply["response_type"] == "ephemeral"
    assert "`/emcoach help` — this list" in reply["text"]

    forged = SlackSender(events_url=served + "/slack/events", secret="wrong")
    assert forged.command("help", user_id="U0OWNER").status == 401
    assert post(served + "/slack/events", "garbage", {}).status == 401
    # The default embedded database was created in the working directory.
    assert (tmp_path / "emcoach.db").exists()
    assert [call.method for call in slack.calls] == ["auth.test"]
