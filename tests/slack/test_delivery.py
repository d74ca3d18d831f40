"""bot/slack/delivery.py against a real WebClient and a real response_url on the Slack
stand-in: what counts as refused (nothing happened) and what may have happened."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.blocks.reply import Reply
from bot.sim.standin import SlackStandIn
from bot.sim.standin.faults import Fault, ServerError, SlackError, Timeout
from bot.slack.delivery import Undelivered, answer_click, post


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    with SlackStandIn(team_id="T0001") as standin:
        yield standin


def _client(slack: SlackStandIn) -> WebClient:
    return WebClient(token="xoxb-test-token", base_url=slack.api_url, timeout=0.5)


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        (SlackError("account_inactive"), Undelivered(reason="account_inactive", refused=True)),
        # Slack's own failures do not say nothing happened.
        (SlackError("internal_error"), Undelivered(reason="internal_error", refused=False)),
        (SlackError("fatal_error"), Undelivered(reason="fatal_error", refused=False)),
        (ServerError(status=503), Undelivered(reason="service_unavailable", refused=False)),
        (Timeout(seconds=1.0, applied=True), Undelivered(reason="TimeoutError", refused=False)),
    ],
    ids=["refused", "internal_error", "fatal_error", "503", "timeout"],
)
def test_a_post_slack_does_not_take_is_handed_back_not_raised(
    slack: SlackStandIn, fault: Fault, expected: Undelivered
) -> None:
    slack.inject("chat.postMessage", fault)
    assert post(_client(slack), "U0LEAD1", Reply(text="hello"), what="test") == expected
    assert post(_client(slack), "U0LEAD1", Reply(text="again"), what="test") is None


def test_a_click_answer_whose_response_url_fails_is_not_counted_as_delivered(
    slack: SlackStandIn,
) -> None:
    # A response_url Slack no longer knows (expired, or never issued): HTTP 404.
    gone = Respond(response_url=slack.root_url + "response/no-such-key")
    failed = answer_click(gone, "Logged.", what="test")
    assert failed is not None and failed.reason == "SlackRequestError"
    missing = answer_click(Respond(response_url=None), "Logged.", what="test")
    assert missing is not None and missing.reason == "SlackRequestError"
    assert answer_click(Respond(response_url=slack.new_response_url()), "ok", what="test") is None
