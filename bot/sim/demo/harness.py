"""The real app, served over real HTTP on loopback, talking to the Slack stand-in.

The demo runs on it, and so does every scenario test.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from slack_bolt import App
from sqlalchemy.engine import Engine
from werkzeug.serving import BaseWSGIServer, make_server

from bot.app import build_app
from bot.clock import FixedClock
from bot.compose import Runtime, build_web_client
from bot.config import Settings, load_settings
from bot.server import EVENTS_PATH, build_wsgi
from bot.sim.serving import serve_in_thread, stop_serving
from bot.sim.standin import SlackStandIn
from bot.sim.standin.sender import SlackSender
from handlers.router import Router

SIGNING_SECRET = "test-signing-secret"
TEAM_ID = "T0001"
START = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)


@dataclass
class LiveApp:
    base_url: str
    slack: SlackStandIn
    sender: SlackSender
    services: Runtime
    app: App
    router: Router
    clock: FixedClock

    @property
    def events_url(self) -> str:
        return self.base_url + EVENTS_PATH


def standin_settings(slack: SlackStandIn, engine: Engine, **overrides: object) -> Settings:
    return load_settings(
        _env_file=None,
        SLACK_BOT_TOKEN="xoxb-test-token",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack.api_url,
        DATABASE_URL=engine.url.render_as_string(hide_password=False),
        **overrides,
    )


@contextmanager
def serve(wsgi: object) -> Iterator[str]:
    # One log line per request is noise here: the stand-in records every call anyway.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server: BaseWSGIServer = make_server("127.0.0.1", 0, wsgi, threaded=True)  # type: ignore[arg-type]
    thread = serve_in_thread(server, name="emcoach-http")
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        stop_serving(server, thread)
        server.server_close()


@contextmanager
def live_app(
    slack: SlackStandIn,
    engine: Engine,
    *,
    clock: FixedClock | None = None,
    slack_timeout: float | None = None,
    **overrides: object,
) -> Iterator[LiveApp]:
    """The app on an OS-chosen loopback port; ``clock`` is the simulated time (default START);
    ``overrides`` change the stand-in's settings (e.g. a short SLACK_TIMEOUT_SECONDS).

    ``slack_timeout``: seconds every Slack client of the app waits for an answer, below the
    whole seconds SLACK_TIMEOUT_SECONDS accepts (1 at least), for a test whose Slack answer
    is lost: it waits that long for nothing. The clients take any number of seconds.
    """
    settings = standin_settings(slack, engine, **overrides)
    if slack_timeout is not None:
        settings = settings.model_copy(update={"SLACK_TIMEOUT_SECONDS": slack_timeout})
    clock = clock or FixedClock(START)
    services = Runtime(
        settings=settings, engine=engine, clock=clock, client=build_web_client(settings)
    )
    app, router = build_app(services)
    wsgi = build_wsgi(app, engine=engine, signing_secret=settings.signing_secret)
    with serve(wsgi) as base_url:
        sender = SlackSender(
            events_url=base_url + EVENTS_PATH,
            secret=SIGNING_SECRET,
            team_id=TEAM_ID,
            response_url_factory=slack.new_response_url,
        )
        yield LiveApp(
            base_url=base_url,
            slack=slack,
            sender=sender,
            services=services,
            app=app,
            router=router,
            clock=clock,
        )
        app.listener_runner.listener_executor.shutdown(wait=True)
