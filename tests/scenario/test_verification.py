"""Nothing acts on an unverified request (issue #8, item 1).

Each forged header form is sent three ways: a slash command, a ``payload=`` interaction and an
Events API envelope, each naming a response_url on the stand-in or a channel and a person. The
answer is 401 and the stand-in hears nothing: no Web API call, no response_url POST.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Sequence
from urllib.parse import urlencode

import pytest
from slack_bolt import BoltContext, BoltRequest, Respond
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier

from bot.sim.standin.sender import post
from handlers.errors import on_error
from tests.support.live import SIGNING_SECRET, LiveApp

PERSON = "U0OWNER"
CHANNEL = "C0GENERAL"

Headers = dict[str, str]


def _signed_as(stamp: str, body: str, *, secret: str = SIGNING_SECRET) -> Headers:
    """Headers whose signature really matches ``stamp``: only the strict format check can
    refuse them, so a lenient verifier shows up as a failure."""
    signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body)
    assert signature is not None
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature}


def _now() -> str:
    return str(int(time.time()))


FORGERIES: dict[str, Callable[[str], Headers]] = {
    "timestamp abc": lambda body: _signed_as("abc", body),
    "timestamp empty": lambda body: _signed_as("", body),
    "timestamp 1.5": lambda body: _signed_as("1.5", body),
    "headers missing": lambda body: {},
    # Over Python's 4,300-digit limit for int(): a lenient verifier raises on it.
    "timestamp huge": lambda body: _signed_as("9" * 5000, body),
    "timestamp with spaces": lambda body: _signed_as(f" {_now()} ", body),
    "signature not hex": lambda body: (
        _signed_as(_now(), body) | {"X-Slack-Signature": "v0=" + "é" * 64}
    ),
    "signature upper-case hex": lambda body: {
        **_signed_as(_now(), body),
        "X-Slack-Signature": _signed_as(_now(), body)["X-Slack-Signature"].upper(),
    },
    "timestamp stale": lambda body: _signed_as(str(int(time.time()) - 3600), body),
    "signature wrong": lambda body: _signed_as(_now(), body, secret="not-the-secret"),
}


def _command(live: LiveApp) -> tuple[str, str]:
    body = live.sender.command_body("help", user_id=PERSON, channel_id=CHANNEL)
    return body, "application/x-www-form-urlencoded"


def _interaction(live: LiveApp) -> tuple[str, str]:
    payload = {
        "type": "block_actions",
        "team": {"id": "T0001"},
        "user": {"id": PERSON, "team_id": "T0001"},
        "channel": {"id": CHANNEL},
        "response_url": live.slack.new_response_url(),
        "trigger_id": f"trig-{uuid.uuid4().hex}",
        "actions": [{"type": "button", "action_id": "no_such_action", "value": "1"}],
    }
    return urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"


def _event(live: LiveApp) -> tuple[str, str]:
    envelope = {
        "type": "event_callback",
        "team_id": "T0001",
        "event_id": f"Ev{uuid.uuid4().hex[:10].upper()}",
        "event": {"type": "app_home_opened", "user": PERSON, "channel": CHANNEL, "tab": "home"},
    }
    return json.dumps(envelope), "application/json"


KINDS: dict[str, Callable[[LiveApp], tuple[str, str]]] = {
    "command": _command,
    "interaction": _interaction,
    "event": _event,
}


def _assert_nothing_happened(live: LiveApp, calls_before: int) -> None:
    # Listeners run on Bolt's thread pool after the acknowledgement, submitted before it is
    # answered: once the pool has finished its work, a wrongly started one has shown itself.
    live.app.listener_runner.listener_executor.shutdown(wait=True)
    assert [call.method for call in live.slack.calls[calls_before:]] == []
    assert live.slack.responses() == []


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("forgery", FORGERIES)
def test_forged_request_over_http_is_401_and_nothing_is_sent(
    live: LiveApp, kind: str, forgery: str
) -> None:
    body, content_type = KINDS[kind](live)
    calls_before = len(live.slack.calls)
    headers = FORGERIES[forgery](body) | {"Content-Type": content_type}
    result = post(live.events_url, body, headers)
    assert result.status == 401
    _assert_nothing_happened(live, calls_before)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("forgery", FORGERIES)
def test_forged_request_reaching_bolt_directly_is_401_and_nothing_is_sent(
    live: LiveApp, kind: str, forgery: str
) -> None:
    """The Bolt app refuses on its own too, for any front but ours (defence in depth)."""
    body, content_type = KINDS[kind](live)
    calls_before = len(live.slack.calls)
    headers: dict[str, str | Sequence[str]] = {"Content-Type": content_type}
    headers |= FORGERIES[forgery](body)
    response = live.app.dispatch(BoltRequest(body=body, headers=headers))
    assert response.status == 401
    _assert_nothing_happened(live, calls_before)


def test_correctly_signed_request_still_works(live: LiveApp) -> None:
    body, content_type = _command(live)
    headers = _signed_as(_now(), body) | {"Content-Type": content_type}
    result = post(live.events_url, body, headers)
    assert result.status == 200
    assert "this list" in result.body


def test_error_handler_does_not_answer_an_unverified_body(live: LiveApp) -> None:
    """An error raised before verification (context not marked verified) reaches no one."""
    body = {
        "type": "block_actions",
        "user": {"id": PERSON},
        "channel": {"id": CHANNEL},
    }
    response_url = live.slack.new_response_url()
    calls_before = len(live.slack.calls)
    context = BoltContext(
        respond=Respond(response_url=response_url),
        client=WebClient(token="xoxb-test-token", base_url=live.slack.api_url),
    )
    answer = on_error(
        RuntimeError("raised before verification"), body=body, response=None, context=context
    )
    assert answer is None or answer.status == 401
    _assert_nothing_happened(live, calls_before)
