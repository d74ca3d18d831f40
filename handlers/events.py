"""The App Home: published when a person opens it, and kept current after every request that
may change what they (or the people in their programs) see."""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.listener.listener_completion_handler import ListenerCompletionHandler
from slack_bolt.listener.listener_start_handler import ListenerStartHandler
from slack_sdk import WebClient

from bot.engine.homes import publish_with
from bot.engine.people import refresh_zones
from bot.flows.home import (
    BuiltHome,
    open_home,
    published,
    refresh_after_request,
)
from bot.flows.work import writes_seen
from bot.services import Services
from handlers.idempotency import released_if_failed
from handlers.router import Router


def on_app_home_opened(
    event: dict[str, Any],
    body: dict[str, Any],
    context: dict[str, Any],
    client: WebClient,
    *,
    services: Services,
    router: Router,
) -> None:
    if event.get("tab", "home") != "home":
        return
    user_id = event["user"]
    team_id = context.get("team_id") or ""
    with released_if_failed(services, body):
        now = services.clock.now()
        # Times show in the person's own zone: asked of Slack at most weekly, before the
        # unit of work opens.
        refresh_zones(services.engine, client, team_id=team_id, user_ids=[user_id], now=now)
        built: BuiltHome = open_home(
            services.engine,
            team_id=team_id,
            user_id=user_id,
            now=now,
            commands_for=router.help_lines,
        )
        client.views_publish(user_id=user_id, view=built.view)
        published(
            services.engine,
            team_id=team_id,
            homes_sent=[built],
            now=now,
            publish=publish_with(client),
            commands_for=router.help_lines,
        )


class HomeRefresh(ListenerCompletionHandler):
    """After a listener for a person's command, click or modal has finished (its unit of work
    committed, its reply sent): publish again the homes that now read differently — theirs and
    those of the people in their programs who have opened emcoach's App Home. One place for
    every feature: a sign-off, a settled commit, a pause, a rating or a log all end here."""

    def __init__(self, services: Services, router: Router) -> None:
        self._services = services
        self._router = router

    def handle(self, request: BoltRequest, response: BoltResponse | None) -> None:
        # Events publish their own home (app_home_opened) or change nobody's (profile changes).
        if request.body.get("type") == "event_callback" or request.body.get("event"):
            return
        writes = writes_seen()
        if not writes.any:
            return  # the listener only read: no home reads differently
        team_id, user_id = request.context.team_id, request.context.user_id
        client = request.context.client
        if not team_id or not user_id or client is None:
            return
        refresh_after_request(
            self._services.engine,
            team_id=team_id,
            user_id=user_id,
            affected=writes.affected,
            now=self._services.clock.now(),
            publish=publish_with(client),
            commands_for=self._router.help_lines,
        )


class WritesFromHere(ListenerStartHandler):
    """Before each listener: forget writes its thread saw earlier, so HomeRefresh sees only
    this listener's."""

    def handle(self, request: BoltRequest, response: BoltResponse | None) -> None:
        writes_seen()


def register(app: App, services: Services, router: Router) -> None:
    app.event("app_home_opened")(partial(on_app_home_opened, services=services, router=router))
    app.listener_runner.listener_start_handler = WritesFromHere()
    app.listener_runner.listener_completion_handler = HomeRefresh(services, router)
