"""Events API listeners."""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.blocks.home import build_home
from bot.services import Services
from handlers.idempotency import released_if_failed
from handlers.router import Router, lookup_roles


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
    with released_if_failed(services, body):
        roles = lookup_roles(services, team_id=context.get("team_id") or "", user_id=user_id)
        client.views_publish(user_id=user_id, view=build_home(router.help_entries(roles)))


def register(app: App, services: Services, router: Router) -> None:
    app.event("app_home_opened")(partial(on_app_home_opened, services=services, router=router))
