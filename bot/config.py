"""One settings class, built once at start and passed down; nothing else reads the environment."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SLACK_API_URL = "https://slack.com/api/"

# Where a person finds each value; used in the one-line error for a missing or malformed one.
WHERE_TO_GET = {
    "SLACK_BOT_TOKEN": "Slack app settings → OAuth & Permissions → Bot User OAuth Token (xoxb-…)",
    "SLACK_SIGNING_SECRET": (
        "Slack app settings → Basic Information → App Credentials → Signing Secret"
    ),
    "SLACK_APP_TOKEN": (
        "Slack app settings → Basic Information → App-Level Tokens, with the connections:write "
        "scope (xapp-…)"
    ),
    "SLACK_CLIENT_ID": (
        "Slack app settings → Basic Information → App Credentials → Client ID (set it with "
        "SLACK_CLIENT_SECRET to install emcoach in many workspaces; leave both unset for one)"
    ),
    "SLACK_CLIENT_SECRET": (
        "Slack app settings → Basic Information → App Credentials → Client Secret (set it with "
        "SLACK_CLIENT_ID)"
    ),
    "SLACK_REDIRECT_URI": (
        "https://YOUR-HOST/slack/oauth_redirect, exactly as listed under OAuth & Permissions → "
        "Redirect URLs (optional when that list has one URL)"
    ),
    "DATABASE_URL": (
        "your database, e.g. sqlite:///emcoach.db or postgresql://user:pass@host/db "
        "(leave unset for the SQLite file emcoach.db)"
    ),
    "SLACK_API_URL": "leave unset for Slack's own API; set it only to point at a stand-in",
    "PORT": "a TCP port number between 1 and 65535 (default 3000)",
    "LOG_LEVEL": "one of DEBUG, INFO, WARNING, ERROR (default INFO)",
    "LOG_FORMAT": "text (default) or json: one JSON object per log line",
    "WEB_CONCURRENCY": "the number of web worker processes for emcoach serve, 1-64 (default 1)",
    "WEB_THREADS": "threads per web worker for emcoach serve, 1-256 (default 10)",
    "DISPATCH_STALE_SECONDS": "seconds before a silent clock's prompts are checked, 1-3600 (300)",
    "DISPATCH_SENDERS": "prompts a clock sends at once, 1-16 (default 4)",
    "SLACK_TIMEOUT_SECONDS": "seconds to wait for one Slack Web API answer, 1-60 (default 10)",
    "HEALTH_MAX_AGE_SECONDS": (
        "seconds since the scheduler's last completed tick before emcoach health fails, "
        "20-3600 (default 120)"
    ),
}

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]
LogFormat = Literal["text", "json"]


class ConfigError(Exception):
    """A missing or malformed setting; its message is the one line shown to the person."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable} {problem}. Get it from: {WHERE_TO_GET[variable]}.")
        self.variable = variable


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=True
    )

    SLACK_BOT_TOKEN: SecretStr | None = None
    SLACK_SIGNING_SECRET: SecretStr | None = None
    SLACK_APP_TOKEN: SecretStr | None = None
    # Both set: installs in many workspaces through Slack's OAuth (`emcoach serve` offers
    # /slack/install), each workspace's token kept in the database; SLACK_BOT_TOKEN unused.
    SLACK_CLIENT_ID: str | None = None
    SLACK_CLIENT_SECRET: SecretStr | None = None
    SLACK_REDIRECT_URI: str | None = None
    DATABASE_URL: str = "sqlite:///emcoach.db"
    SLACK_API_URL: str = DEFAULT_SLACK_API_URL
    PORT: int = Field(default=3000, ge=1, le=65535)
    LOG_LEVEL: LogLevel = "INFO"
    LOG_FORMAT: LogFormat = "text"
    WEB_CONCURRENCY: int = Field(default=1, ge=1, le=64)
    WEB_THREADS: int = Field(default=10, ge=1, le=256)
    # How long a clock's claim on a prompt lasts before another clock presumes it dead and
    # checks Slack's history for the message (see bot/engine/dispatch.py).
    DISPATCH_STALE_SECONDS: int = Field(default=300, ge=1, le=3600)
    # Within the database pool (storage/db.py): 12 kept open plus 10 overflow.
    DISPATCH_SENDERS: int = Field(default=4, ge=1, le=16)
    # One Web API call's limit. A post whose answer does not come in time may still have
    # landed: the engine reconciles it from the channel instead of sending it again.
    SLACK_TIMEOUT_SECONDS: int = Field(default=10, ge=1, le=60)
    # `emcoach health`: the clock completes a dispatch tick every 10 s; a tick that sends a
    # large backlog takes longer, so a few minutes of silence before calling it dead.
    HEALTH_MAX_AGE_SECONDS: int = Field(default=120, ge=20, le=3600)

    @field_validator("LOG_LEVEL", mode="before")
    @classmethod
    def _upper_log_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("LOG_FORMAT", mode="before")
    @classmethod
    def _lower_log_format(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("DATABASE_URL")
    @classmethod
    def _normalise_database_url(cls, value: str) -> str:
        return normalise_database_url(value)

    @field_validator("SLACK_API_URL")
    @classmethod
    def _api_url_ends_with_slash(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value if value.endswith("/") else value + "/"

    @field_validator(
        "SLACK_BOT_TOKEN",
        "SLACK_APP_TOKEN",
        "SLACK_SIGNING_SECRET",
        "SLACK_CLIENT_ID",
        "SLACK_CLIENT_SECRET",
        "SLACK_REDIRECT_URI",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        if isinstance(value, str):
            return value.strip() or None
        return value

    @field_validator("SLACK_REDIRECT_URI")
    @classmethod
    def _redirect_is_https(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("https://", "http://")):
            raise ValueError("must be the full URL, https://YOUR-HOST/slack/oauth_redirect")
        return value

    @property
    def oauth_enabled(self) -> bool:
        """Many workspaces, each installed through Slack's OAuth: both credentials are set.
        One without the other is a ConfigError (``require_oauth_pair``)."""
        return self.SLACK_CLIENT_ID is not None and self.SLACK_CLIENT_SECRET is not None

    def require_oauth_pair(self) -> None:
        """Half an OAuth configuration is a mistake, not single-workspace mode."""
        if self.SLACK_CLIENT_ID is not None and self.SLACK_CLIENT_SECRET is None:
            raise ConfigError("SLACK_CLIENT_SECRET", "is not set (SLACK_CLIENT_ID is)")
        if self.SLACK_CLIENT_SECRET is not None and self.SLACK_CLIENT_ID is None:
            raise ConfigError("SLACK_CLIENT_ID", "is not set (SLACK_CLIENT_SECRET is)")

    @property
    def client_id(self) -> str:
        self.require("SLACK_CLIENT_ID")
        assert self.SLACK_CLIENT_ID is not None
        return self.SLACK_CLIENT_ID

    @property
    def client_secret(self) -> str:
        self.require("SLACK_CLIENT_SECRET")
        assert self.SLACK_CLIENT_SECRET is not None
        return self.SLACK_CLIENT_SECRET.get_secret_value()

    def require(self, *names: str) -> None:
        """Raise ConfigError naming the first missing or malformed variable of ``names``."""
        prefixes = {"SLACK_BOT_TOKEN": "xoxb-", "SLACK_APP_TOKEN": "xapp-"}
        for name in names:
            value = getattr(self, name)
            if value is None:
                raise ConfigError(name, "is not set")
            secret = value.get_secret_value() if isinstance(value, SecretStr) else str(value)
            prefix = prefixes.get(name)
            if prefix and not secret.startswith(prefix):
                raise ConfigError(name, f"should start with {prefix!r}")

    @property
    def bot_token(self) -> str:
        self.require("SLACK_BOT_TOKEN")
        assert self.SLACK_BOT_TOKEN is not None
        return self.SLACK_BOT_TOKEN.get_secret_value()

    @property
    def signing_secret(self) -> str:
        self.require("SLACK_SIGNING_SECRET")
        assert self.SLACK_SIGNING_SECRET is not None
        return self.SLACK_SIGNING_SECRET.get_secret_value()

    @property
    def secret_values(self) -> list[str]:
        """Every secret set, for the log redactor: none of them may ever appear in a log."""
        secrets = (
            self.SLACK_BOT_TOKEN,
            self.SLACK_SIGNING_SECRET,
            self.SLACK_APP_TOKEN,
            self.SLACK_CLIENT_SECRET,
        )
        return [secret.get_secret_value() for secret in secrets if secret is not None]

    @property
    def app_token(self) -> str:
        self.require("SLACK_APP_TOKEN")
        assert self.SLACK_APP_TOKEN is not None
        return self.SLACK_APP_TOKEN.get_secret_value()


def normalise_database_url(url: str) -> str:
    """Accept the URLs hosting platforms hand out and pick the psycopg 3 driver for Postgres."""
    url = url.strip()
    for legacy in ("postgres://", "postgresql://"):
        if url.startswith(legacy):
            return "postgresql+psycopg://" + url[len(legacy) :]
    if url.startswith(("sqlite://", "postgresql+psycopg://")):
        return url
    raise ValueError("must start with sqlite:// or postgres:// (postgresql://)")


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment (and .env); a validation error becomes a ConfigError."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        variable = str(first["loc"][0]) if first["loc"] else "DATABASE_URL"
        if variable not in WHERE_TO_GET:
            raise
        message = first["msg"].removeprefix("Value error, ")
        raise ConfigError(variable, f"is malformed ({message})") from None
