"""The baseline for ack latency: a Bolt app that does the Slack work emcoach does, and nothing
else: `/emcoach help` only calls ``ack()``; `/emcoach status` acks, then posts a status reply
(built once) through ``response_url``; a click on a prompt's button acks, then calls
``chat.update``; the answer modal's submission acks with a modal (built once), then calls
``chat.update`` (benchmarks/interactions.py says what emcoach does for each).

Served like ``emcoach serve`` (Bolt's Flask adapter under gunicorn gthread), so the difference
between the two is what emcoach adds per request, not the server stack:

    SLACK_SIGNING_SECRET=... SLACK_API_URL=... python -m gunicorn -w 1 --threads 10 -k gthread \\
        -b 127.0.0.1:PORT benchmarks.bare_bolt:wsgi

``wsgi`` is built on first access (module ``__getattr__``), i.e. in the gunicorn worker after
the fork and only when served, so importing this module reads no environment.
"""

from __future__ import annotations

import os
import re
from contextlib import suppress
from datetime import date
from typing import Any, Final

from flask import Flask, Response, request
from slack_bolt import Ack, App, Respond
from slack_bolt.adapter.flask import SlackRequestHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from benchmarks.interactions import STATUS_TEXT
from bot.blocks.answers import ANSWERS_VIEW, saved_modal
from bot.blocks.status import SprintStatus, build_status
from bot.domain.cadence import AgendaKind
from bot.domain.sprint import next_action, sprint_checklist
from bot.server import EVENTS_PATH, HEALTH_PATH
from bot.slack_names import COMMAND

SIGNING_SECRET_VARIABLE = "SLACK_SIGNING_SECRET"
API_URL_VARIABLE = "SLACK_API_URL"


def build_wsgi(*, signing_secret: str, api_url: str) -> Flask:
    app = App(
        # Bolt's single-team authorization still calls auth.test once, on the first request,
        # and caches it (as it does in emcoach): so the baseline talks to the Slack stand-in.
        client=WebClient(token="xoxb-bare-bolt-benchmark", base_url=api_url),
        signing_secret=signing_secret,
        # No auth.test at start-up; the first request makes the one call.
        token_verification_enabled=False,
        # The same ack-then-run-on-a-thread-pool mode emcoach uses.
        process_before_response=False,
    )

    @app.command(COMMAND)
    def command(ack: Ack, command: dict[str, str], respond: Respond) -> None:
        ack()
        if command.get("text") == STATUS_TEXT:
            respond(**STATUS_REPLY)

    @app.action(re.compile(".*"))
    def click(ack: Ack, client: WebClient) -> None:
        ack()
        _update(client)

    @app.view(ANSWERS_VIEW)
    def submit(ack: Ack, client: WebClient) -> None:
        ack(response_action="update", view=SAVED_MODAL)
        _update(client)

    web = Flask("bare_bolt")
    handler = SlackRequestHandler(app)

    @web.post(EVENTS_PATH)
    def slack_events() -> Response:
        return handler.handle(request)

    @web.get(HEALTH_PATH)
    def healthz() -> Response:
        return Response("ok", status=200)

    return web


def _update(client: WebClient) -> None:
    """One chat.update, as emcoach makes after a click or an answer (the stand-in answers
    ``message_not_found``: the same round trip)."""
    with suppress(SlackApiError):
        client.chat_update(channel="D0BENCH", ts="1800000000.000100", text="Saved.")


def _status_reply() -> dict[str, Any]:
    today = date(2027, 1, 25)
    setup = date(2027, 1, 4)
    done = {1, 2, 3, 4}
    reply = build_status(
        SprintStatus(
            program_id=1,
            program_name="Program 000000",
            setup_date=setup,
            today=today,
            steps=sprint_checklist(setup, today=today, done=done),
            next_step=next_action(setup, today=today, done=done),
            missing=(),
            committed_on=today,
            kickoff=date(2027, 2, 1),
            months=6,
        )
    )
    return reply.as_ephemeral()


STATUS_REPLY: Final = _status_reply()
SAVED_MODAL: Final = saved_modal(kind=AgendaKind.ONE_ON_ONE_POST, text="Saved.")


def __getattr__(name: str) -> Flask:
    if name == "wsgi":
        return build_wsgi(
            signing_secret=os.environ[SIGNING_SECRET_VARIABLE],
            api_url=os.environ[API_URL_VARIABLE],
        )
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
