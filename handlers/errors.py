"""One place for unexpected errors: the person gets an apology with a reference id (never a trace)
and the log gets the traceback under the same id.

Only a verified request gets an apology: an error can be raised before verification has run
(or by it), and then the body's response_url, channel and user are a forger's choice."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, BoltContext, BoltRequest, BoltResponse, Respond
from slack_bolt.middleware import Middleware
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.blocks.errors import build_apology, build_apology_modal
from bot.verification import is_verified

logger = logging.getLogger("emcoach.errors")


def new_reference() -> str:
    return uuid.uuid4().hex[:10]


def on_error(
    error: Exception,
    body: dict[str, Any],
    response: BoltResponse | None,
    context: BoltContext,
) -> BoltResponse | None:
    reference = new_reference()
    if not is_verified(context):
        logger.error("unhandled error [ref %s] before verification", reference, exc_info=error)
        return None if response is None else BoltResponse(status=401, body="")
    logger.error(
        "unhandled error [ref %s] in %s", reference, body.get("type") or "request", exc_info=error
    )
    not_acknowledged = response is not None and body.get("type") != "event_callback"
    if not_acknowledged and body.get("type") == "view_submission":
        # The modal stays open: show the apology in place of the form.
        return BoltResponse(
            status=200,
            body={"response_action": "update", "view": build_apology_modal(reference)},
        )
    if not_acknowledged and "command" in body:
        # The acknowledgement itself carries the apology: one message, no extra round trip.
        return BoltResponse(status=200, body=build_apology(reference).as_ephemeral())
    try:
        _tell(reference, body=body, respond=context.respond, client=context.client)
    except (SlackApiError, SlackClientError, OSError, ValueError):
        # Not even the apology got through (Slack down, a response_url gone bad): the log
        # has it, and the error handler itself must not fail on top.
        logger.exception("could not deliver the apology for [ref %s]", reference)
    return BoltResponse(status=200, body="") if not_acknowledged else None


def _tell(
    reference: str, *, body: dict[str, Any], respond: Respond | None, client: WebClient | None
) -> None:
    apology = build_apology(reference)
    if respond is not None and respond.response_url:
        respond(**apology.as_ephemeral(), replace_original=False)
        return
    user_id = _user_id(body)
    channel_id = _channel_id(body)
    if client is not None and user_id and channel_id:
        client.chat_postEphemeral(
            channel=channel_id, user=user_id, text=apology.text, blocks=apology.blocks
        )


def _user_id(body: dict[str, Any]) -> str | None:
    user = body.get("user")
    if isinstance(user, dict):
        return user.get("id")
    event = body.get("event") or {}
    return body.get("user_id") or event.get("user")


def _channel_id(body: dict[str, Any]) -> str | None:
    channel = body.get("channel")
    if isinstance(channel, dict):
        return channel.get("id")
    event = body.get("event") or {}
    return body.get("channel_id") or event.get("channel")


class FirstAnswerAck(Ack):
    """An ``ack`` whose first answer stands.

    With ``process_before_response=False`` Bolt polls for ``ack()`` every 10 ms; when a
    listener raises after acknowledging, Bolt's runner resets the answer to None, and if that
    happens before the poll saw it, Slack gets a 404 after 3 s on top of the apology. Once Slack
    has been answered, that answer is the response.
    """

    def __init__(self) -> None:
        self._answer: BoltResponse | None = None
        super().__init__()  # type: ignore[no-untyped-call]

    @property
    def response(self) -> BoltResponse | None:
        return self._answer

    @response.setter
    def response(self, answer: BoltResponse | None) -> None:
        if answer is not None or self._answer is None:
            self._answer = answer


class KeepFirstAnswer(Middleware):
    """Global middleware: every listener acknowledges through a ``FirstAnswerAck``.

    A ``Middleware`` subclass rather than a function: Bolt inspects a function middleware's
    arguments on every request (~20 µs); ``process`` is called as it is."""

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        req.context["ack"] = FirstAnswerAck()
        return next()
