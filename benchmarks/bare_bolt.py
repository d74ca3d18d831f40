"""The baseline for ack latency: a Bolt app whose /emcoach listener only calls ``ack()``.

Served like ``emcoach serve`` (Bolt's Flask adapter under gunicorn gthread), so the difference
between the two is what emcoach adds per request, not the server stack:

    SLACK_SIGNING_SECRET=... SLACK_API_URL=... python -m gunicorn -w 1 --threads 10 -k gthread \\
        -b 127.0.0.1:PORT benchmarks.bare_bolt:wsgi

``wsgi`` is built on first access (module ``__getattr__``), i.e. in the gunicorn worker after
the fork and only when served, so importing this module reads no environment.
"""

from __future__ import annotations

import os

from flask import Flask, Response, request
from slack_bolt import Ack, App
from slack_bolt.adapter.flask import SlackRequestHandler
from slack_sdk import WebClient

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
    def ack_only(ack: Ack) -> None:
        ack()

    web = Flask("bare_bolt")
    handler = SlackRequestHandler(app)

    @web.post(EVENTS_PATH)
    def slack_events() -> Response:
        return handler.handle(request)

    @web.get(HEALTH_PATH)
    def healthz() -> Response:
        return Response("ok", status=200)

    return web


def __getattr__(name: str) -> Flask:
    if name == "wsgi":
        return build_wsgi(
            signing_secret=os.environ[SIGNING_SECRET_VARIABLE],
            api_url=os.environ[API_URL_VARIABLE],
        )
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
