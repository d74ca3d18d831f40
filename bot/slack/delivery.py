"""Slack calls made once a change is committed: a DM telling someone, a message updated to show
the answer, the ephemeral answer to a click.

Slack refusing such a call (a deactivated account, a deleted message) or not answering in time
(a timeout, a dropped connection) is logged at WARNING and handed back as a value, never raised:
what was done stays done, the person is never apologised to for it, and one failed DM stops no
other. The caller says what the person should know about the failure.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError, SlackRequestError

from bot.blocks.reply import Reply

logger = logging.getLogger("emcoach.slack")

# Slack's answers that do not say the call did nothing: it may have partly or wholly happened.
_MAY_HAVE_HAPPENED = frozenset({"internal_error", "fatal_error", "request_timeout"})


@dataclass(frozen=True, slots=True)
class Undelivered:
    """Why Slack did not take a call.

    ``reason`` is Slack's error code when it refused (``account_inactive``), else the error's
    type (``TimeoutError``). ``refused``: Slack answered that it did not do it; when False it
    did not answer (or failed itself), so the message may have arrived all the same."""

    reason: str
    refused: bool


def attempt(call: Callable[[], object], *, what: str) -> Undelivered | None:
    """Run one Web API call whose failure must not undo what is done; None when Slack took it.

    The log names ``what`` and the error code or type, never the error itself (whose request
    could carry a token)."""
    try:
        call()
    except SlackApiError as error:
        status = error.response.status_code
        code = str(error.response.get("error") or f"http_{status}")
        failed = Undelivered(reason=code, refused=status < 500 and code not in _MAY_HAVE_HAPPENED)
    except (SlackClientError, OSError) as error:  # a timeout, a dropped connection
        failed = Undelivered(reason=type(error).__name__, refused=False)
    else:
        return None
    logger.warning("%s not delivered: %s", what, failed.reason)
    return failed


def post(client: WebClient, channel: str, message: Reply, *, what: str) -> Undelivered | None:
    """chat.postMessage of ``message`` to ``channel`` (a user id: their DM with the app)."""
    return attempt(
        lambda: client.chat_postMessage(channel=channel, text=message.text, blocks=message.blocks),
        what=f"{what} to {channel}",
    )


def post_each(client: WebClient, people: Iterable[str], message: Reply, *, what: str) -> list[str]:
    """DM ``message`` to each person on their own; those Slack did not take it for, in order."""
    return [user_id for user_id in people if post(client, user_id, message, what=what) is not None]


def update(
    client: WebClient, channel: str, ts: str, message: Reply, *, what: str
) -> Undelivered | None:
    """chat.update of the message at ``channel``/``ts`` (the D… id, not a user id)."""
    return attempt(
        lambda: client.chat_update(
            channel=channel, ts=ts, text=message.text, blocks=message.blocks
        ),
        what=f"{what} update of {ts} in {channel}",
    )


def answer_click(respond: Respond, text: str, *, what: str) -> Undelivered | None:
    """An ephemeral answer to a click through its response_url, leaving the message clicked on
    as it was: where a click's result is said when the message itself could not be updated."""

    def call() -> None:
        # Bolt's Respond hands back the response_url's HTTP error instead of raising it, and
        # raises ValueError when the payload had no response_url.
        try:
            answered = respond(text=text, response_type="ephemeral", replace_original=False)
        except ValueError as error:
            raise SlackRequestError(str(error)) from error
        if answered.status_code >= 400:
            raise SlackRequestError(f"response_url answered HTTP {answered.status_code}")

    return attempt(call, what=what)
