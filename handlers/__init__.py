"""Slack listeners. Each module has `register(app, services, ...)`; `register_all` wires them."""

from __future__ import annotations

from slack_bolt import App

from bot.flows.commit import Publish
from bot.logging_setup import CarryRequestId
from bot.services import Services
from handlers import (
    adjust,
    answers,
    baseline,
    check,
    coach,
    commands,
    commit,
    cost,
    criteria,
    deviation,
    events,
    export,
    forget,
    idempotency,
    metrics,
    owner,
    pause,
    people_events,
    pod,
    renew,
    schedule,
    setup,
    status,
    uninstall,
)
from handlers.errors import on_error
from handlers.router import Router, help_subcommand

# The order here is the order of `/emcoach help`: the setup sprint as a person meets it.
FLOWS = (
    check,
    cost,
    setup,
    owner,
    criteria,
    coach,
    pod,
    baseline,
    commit,
    status,
    deviation,
    schedule,
    pause,
    metrics,
    adjust,
    answers,
    export,
    renew,
    forget,
    uninstall,
)


# Bolt tries listeners in the order they were registered, each until one matches: the ones most
# requests are for are registered first (right after the slash command): a prompt's buttons and
# the answer modal. They add no subcommand, so the order of `/emcoach help` is unchanged, and
# every action_id and callback_id is matched by one listener only, so no request changes hands.
FREQUENT = (answers,)

# Subcommands that post in the program's channel.
PUBLISHING = (commit, deviation)


def build_router() -> Router:
    router = Router()
    router.add(help_subcommand(router))
    return router


def register_all(app: App, services: Services, *, publish: Publish) -> Router:
    """Every listener; ``publish`` sends posts a person waits for (the pre-commitment, a
    deviation) through the cadence engine's dispatcher, recorded before they are sent and
    reconciled when Slack's answer is lost."""
    router = build_router()
    app.use(CarryRequestId())  # first: every line a request causes carries its id
    idempotency.register(app, services)
    commands.register(app, services, router)
    for flow in FREQUENT:
        flow.register(app, services, router)
    events.register(app, services, router)
    people_events.register(app, services)
    for flow in FLOWS:
        if flow in FREQUENT:
            continue
        if flow in PUBLISHING:
            flow.register(app, services, router, publish=publish)
        else:
            flow.register(app, services, router)
    app.error(on_error)
    return router
