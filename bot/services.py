"""The composition root's product: the dependencies every handler and job receives."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from sqlalchemy.engine import Engine

from bot.clock import Clock
from bot.config import Settings

SERVER_ERROR_RETRIES = 2


@dataclass(frozen=True, slots=True, kw_only=True)
class Services:
    settings: Settings
    engine: Engine
    clock: Clock
    client: WebClient


def build_web_client(settings: Settings, *, token: str | None = None) -> WebClient:
    """A WebClient that honours 429 Retry-After and retries 5xx and dropped connections.

    slack_sdk retries only connection errors by default; Bolt copies these handlers into the
    client every listener receives.
    """
    return WebClient(
        token=token if token is not None else settings.bot_token,
        base_url=settings.SLACK_API_URL,
        timeout=settings.SLACK_TIMEOUT_SECONDS,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=3),
            ServerErrorRetryHandler(max_retry_count=SERVER_ERROR_RETRIES),
        ],
    )
