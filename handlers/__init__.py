"""Slack listeners. Each module has `register(app, services, ...)`; `register_all` wires them."""

from __future__ import annotations

from slack_bolt import App

from bot.services import Services
from handlers import commands, events, idempotency
from handlers.errors import on_error
from handlers.router import Router, help_subcommand


def build_router() -> Router:
    router = Router()
    router.add(help_subcommand(router))
    return router


def register_all(app: App, services: Services) -> Router:
    router = build_router()
    idempotency.register(app, services)
    commands.register(app, services, router)
    events.register(app, services, router)
    app.error(on_error)
    return router
