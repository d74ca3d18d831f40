"""Uninstall and reinstall: the two revocation events, and one global middleware that
notices a removed workspace is back.

The middleware runs for every verified request. It remembers, per process, the teams it has
found installed (for ``RECHECK_AFTER``), so a request costs a dictionary lookup; a team not
remembered costs one primary-key read, bounded so a hung database never delays the reply.
The clock can mark a workspace uninstalled from another process (Slack answered
``token_revoked``); the recheck interval bounds how long this process takes to notice.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from slack_bolt import App, BoltContext, BoltRequest, BoltResponse
from slack_bolt.listener.builtins import TokenRevocationListeners
from slack_bolt.middleware import Middleware

from bot.flows.uninstall import resume_workspace_within, revoked_bot, stop_workspace
from bot.flows.work import DatabaseUnavailable
from bot.services import Services
from handlers.idempotency import released_if_failed
from handlers.router import Router

logger = logging.getLogger("emcoach.uninstall")

RECHECK_AFTER = timedelta(minutes=5)
# The first request of a team not remembered waits at most this long for the check; a slower
# check goes on in the background and the request is served meanwhile.
CHECK_SECONDS = 0.25
REVOCATION_EVENTS = frozenset({"app_uninstalled", "tokens_revoked"})


class InstalledTeams:
    """Teams seen installed recently, in this process: the middleware's cache."""

    def __init__(self) -> None:
        self._until: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def known(self, team_id: str, now: datetime) -> bool:
        until = self._until.get(team_id)
        return until is not None and now < until

    def remember(self, team_id: str, now: datetime) -> None:
        with self._lock:
            self._until[team_id] = now + RECHECK_AFTER

    def forget(self, team_id: str) -> None:
        with self._lock:
            self._until.pop(team_id, None)


def _event_type(body: dict[str, Any]) -> str | None:
    event = body.get("event")
    return str(event.get("type")) if isinstance(event, dict) else None


class ResumeIfBack(Middleware):
    """Any verified request from a stopped team but the revocation itself resumes it.

    A ``Middleware`` subclass rather than a function: Bolt inspects a function middleware's
    arguments on every request (~20 µs); ``process`` is called as it is."""

    def __init__(self, *, services: Services, installed: InstalledTeams) -> None:
        self._services = services
        self._installed = installed

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        team_id = req.context.team_id
        now = self._services.clock.now()
        if (
            team_id
            and not self._installed.known(team_id, now)
            and _event_type(req.body) not in REVOCATION_EVENTS
        ):
            try:
                resume_workspace_within(
                    self._services.engine, team_id=team_id, now=now, seconds=CHECK_SECONDS
                )
                self._installed.remember(team_id, now)
            except DatabaseUnavailable:
                pass  # checked again on the team's next request; the request goes on meanwhile
        return next()


def on_app_uninstalled(
    body: dict[str, Any],
    context: BoltContext,
    *,
    services: Services,
    installed: InstalledTeams,
    revocations: TokenRevocationListeners | None,
) -> None:
    team_id = context.team_id or str(body.get("team_id") or "")
    with released_if_failed(services, body):
        if _reinstalled_since(body, context, revocations):
            return
        _stop(team_id, services=services, installed=installed, why="app_uninstalled")
        if revocations is not None:  # the revoked tokens are of no use to anyone: deleted
            revocations.handle_app_uninstalled_events(context)


def on_tokens_revoked(
    event: dict[str, Any],
    body: dict[str, Any],
    context: BoltContext,
    *,
    services: Services,
    installed: InstalledTeams,
    revocations: TokenRevocationListeners | None,
) -> None:
    team_id = context.team_id or str(body.get("team_id") or "")
    with released_if_failed(services, body):
        if _reinstalled_since(body, context, revocations):
            return
        if revoked_bot(event):  # user tokens alone do not stop emcoach, which sends as its bot
            _stop(team_id, services=services, installed=installed, why="tokens_revoked")
            if revocations is not None:
                # Bolt's tokens_revoked handling deletes only the bots row; the installation
                # rows carry the bot's token too. Without its bot nothing of it is of use.
                revocations.handle_app_uninstalled_events(context)
        elif revocations is not None:
            revocations.handle_tokens_revoked_events(event, context)


def _reinstalled_since(
    body: dict[str, Any], context: BoltContext, revocations: TokenRevocationListeners | None
) -> bool:
    """Whether emcoach was installed again after Slack sent this event: a retry, or a late
    delivery, of an uninstall that a reinstall has already undone. Acting on it would stop the
    workspace again and delete the new token. Only OAuth installs carry the time to tell."""
    event_time = body.get("event_time")
    if revocations is None or not isinstance(event_time, int | float):
        return False
    bot = revocations.installation_store.find_bot(
        enterprise_id=context.enterprise_id, team_id=context.team_id
    )
    # event_time is in whole seconds: an install in the same second is not "after" it.
    if bot is None or bot.installed_at < event_time + 1:
        return False
    logger.info(
        "workspace %s: %s from before its reinstall ignored",
        context.team_id,
        _event_type(body),
    )
    return True


def _stop(team_id: str, *, services: Services, installed: InstalledTeams, why: str) -> None:
    installed.forget(team_id)
    stop_workspace(services.engine, team_id=team_id, now=services.clock.now(), why=why)


def register(app: App, services: Services, _router: Router) -> None:
    installed = InstalledTeams()
    # With OAuth (bot/oauth.py) the installations are stored: a revoked token is deleted from
    # the store, by Bolt's own listener functions. The workspace's data stays for a reinstall.
    store = app.installation_store
    revocations = TokenRevocationListeners(store) if store is not None else None
    app.use(ResumeIfBack(services=services, installed=installed))
    app.event("app_uninstalled")(
        partial(on_app_uninstalled, services=services, installed=installed, revocations=revocations)
    )
    app.event("tokens_revoked")(
        partial(on_tokens_revoked, services=services, installed=installed, revocations=revocations)
    )
