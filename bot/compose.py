"""The composition root: from the settings, the Slack clients (one workspace's token, or each
installed workspace's own) and the Services every listener, flow and job runs on. Processes
(bot/app.py, bot/scheduler.py, bot/oauth.py, bot/cli.py) receive a Runtime: Services plus
the settings they are built from."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackTokenRotationError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.oauth.token_rotation import TokenRotator
from sqlalchemy.engine import Engine

from bot.clock import Clock
from bot.config import Settings
from bot.engine.dispatch import SENDERS, ClientFor
from bot.keepalive import KeepAliveWebClient
from bot.services import Services
from storage.installations import installation_store, latest_bot

logger = logging.getLogger("emcoach.installations")

SERVER_ERROR_RETRIES = 2
# A rotating token (token_rotation_enabled in the app's settings) is refreshed this long before
# it expires, as Bolt's authorize does for listeners.
ROTATE_BEFORE_MINUTES = 120


@dataclass(frozen=True, slots=True, kw_only=True)
class Runtime(Services):
    """Services with the settings they were built from, for the composition root's processes."""

    settings: Settings


def build_web_client(settings: Settings, *, token: str | None = None) -> WebClient:
    """A WebClient that honours 429 Retry-After and retries 5xx and dropped connections.

    Without ``token``: SLACK_BOT_TOKEN's in single-workspace mode, none with OAuth.
    slack_sdk retries only connection errors by default; Bolt copies these handlers into the
    client every listener receives.
    """
    if token is None and not settings.oauth_enabled:
        token = settings.bot_token
    return WebClient(
        token=token,
        base_url=settings.SLACK_API_URL,
        timeout=settings.SLACK_TIMEOUT_SECONDS,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=3),
            ServerErrorRetryHandler(max_retry_count=SERVER_ERROR_RETRIES),
        ],
    )


def build_dispatch_client(
    settings: Settings,
    *,
    token: str | None = None,
    timeout: float | None = None,
    senders: int = SENDERS,
) -> WebClient:
    """The dispatcher's client: retries nothing blindly. A 429 posted nothing, and the
    dispatcher pauses that one workspace for its Retry-After rather than holding a sender
    thread asleep; a 5xx, a timeout or
    a dropped connection may have posted the message, so the row is reconciled against the
    channel's history instead. Its connections stay open between calls, one per sender thread.
    """
    return KeepAliveWebClient(
        token=token if token is not None else settings.bot_token,
        base_url=settings.SLACK_API_URL,
        timeout=timeout if timeout is not None else settings.SLACK_TIMEOUT_SECONDS,
        retry_handlers=[],
        pool_connections=senders,
    )


class OneWorkspace:
    """Single-workspace mode: every team's calls go out with SLACK_BOT_TOKEN."""

    def __init__(self, client: WebClient) -> None:
        self._client = client

    def __call__(self, team_id: str) -> WebClient:
        return self._client


class InstalledWorkspaces:
    """Each workspace's client, from its newest bot installation in the database (one indexed
    read per call: callers that need many look each team up once). A rotating token about to
    expire is refreshed and saved first. Clients are kept per team while its token holds, so a
    kept-alive client keeps its connections."""

    def __init__(
        self,
        engine: Engine,
        *,
        client_id: str,
        client_secret: str,
        make_client: Callable[[str], WebClient],
        rotation_client: WebClient,
    ) -> None:
        self._engine = engine
        self._client_id = client_id
        self._store = installation_store(engine, client_id=client_id)
        self._rotator = TokenRotator(
            client_id=client_id, client_secret=client_secret, client=rotation_client
        )
        self._make_client = make_client
        self._clients: dict[str, WebClient] = {}
        self._lock = threading.Lock()

    def __call__(self, team_id: str) -> WebClient | None:
        bot = latest_bot(self._engine, client_id=self._client_id, team_id=team_id)
        if bot is None or not bot.bot_token:
            return None
        if bot.bot_refresh_token is not None:
            try:
                refreshed = self._rotator.perform_bot_token_rotation(
                    bot=bot, minutes_before_expiration=ROTATE_BEFORE_MINUTES
                )
            except SlackTokenRotationError as error:
                # The current token may still be valid; Slack says so on the next call.
                logger.warning("workspace %s: could not refresh its token: %s", team_id, error)
                refreshed = None
            if refreshed is not None:
                self._store.save_bot(refreshed)
                bot = refreshed
        token = str(bot.bot_token)
        with self._lock:
            client = self._clients.get(team_id)
            if client is None or client.token != token:
                client = self._make_client(token)
                self._clients[team_id] = client
            return client


def workspace_clients(
    settings: Settings, engine: Engine, make_client: Callable[[str], WebClient]
) -> ClientFor:
    """Who sends for a team: ``make_client(token)`` with SLACK_BOT_TOKEN for every team, or
    with each installed workspace's own token when emcoach is installed through OAuth."""
    if not settings.oauth_enabled:
        return OneWorkspace(make_client(settings.bot_token))
    return InstalledWorkspaces(
        engine,
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        make_client=make_client,
        rotation_client=build_web_client(settings),
    )


def compose_services(settings: Settings, *, engine: Engine, clock: Clock) -> Runtime:
    """What every process runs on; with SLACK_CLIENT_ID/SECRET set, calls that no listener
    makes (the clock's re-planning) look up each workspace's token."""
    clients = None
    if settings.oauth_enabled:
        clients = workspace_clients(
            settings, engine, lambda token: build_web_client(settings, token=token)
        )
    return Runtime(
        settings=settings,
        engine=engine,
        clock=clock,
        client=build_web_client(settings),
        clients=clients,
    )
