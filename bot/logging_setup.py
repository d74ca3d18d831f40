"""Logs as an operator reads them: text or one JSON object a line (``LOG_FORMAT``), each line
with the request id of the Slack request (or agenda row) that caused it, and never a token.

The standard library's logging rather than structlog: Bolt, slack_sdk, APScheduler, gunicorn
and SQLAlchemy all log through it, so one handler and one formatter cover every line, with no
new dependency and no second logging API in our code.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import IO, Any, Literal, TypeVar

from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

LogFormat = Literal["text", "json"]

REQUEST_ID: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "emcoach_request_id", default=None
)
NO_REQUEST = "-"
REDACTED = "[redacted]"
# Slack's token shapes: bot, user, app-level, refresh, legacy and configuration tokens.
SLACK_TOKEN = re.compile(r"\bx(?:ox[abeoprs]|app|oxe\.xox[bp])-[A-Za-z0-9._-]+")

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"

T = TypeVar("T")


@contextmanager
def request_id(value: str) -> Iterator[None]:
    """Every log line inside the block carries ``value``."""
    token = REQUEST_ID.set(value)
    try:
        yield
    finally:
        REQUEST_ID.reset(token)


def slack_request_id(body: dict[str, Any]) -> str:
    """The id Slack gives the request, else a fresh one: an event's ``event_id`` (the same on
    every retry of it), an interaction's ``trigger_id``."""
    for key in ("event_id", "trigger_id"):
        value = body.get(key)
        if isinstance(value, str) and value:
            return value
    return uuid.uuid4().hex[:16]


class CarryRequestId(Middleware):
    """Bolt global middleware: the request's id for everything it causes. Bolt runs global
    middleware one after another and the listener after them all (on a ContextThreadPool), so
    the id is set here and left set: the next request on this thread sets its own, and the
    HTTP server clears it between requests (``clear_request_id``). Register it first, so the
    other middleware's lines carry it too. A Middleware subclass rather than a function: Bolt
    inspects a function's signature on every call (~20 µs); this costs ~1 µs."""

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        REQUEST_ID.set(slack_request_id(req.body))
        return next()

    @property
    def name(self) -> str:
        return "CarryRequestId"


def clear_request_id() -> None:
    REQUEST_ID.set(None)


class ContextThreadPool(ThreadPoolExecutor):
    """A thread pool whose tasks run in the submitter's context: Bolt runs a listener on its
    own pool after the acknowledgement, and the listener's lines keep the request's id."""

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        context = contextvars.copy_context()
        return super().submit(context.run, fn, *args, **kwargs)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get() or NO_REQUEST
        return True


class Redactor:
    """Removes Slack tokens by shape and the given secrets (e.g. the signing secret) by value."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        literal = sorted({secret for secret in secrets if len(secret) >= 8}, key=len, reverse=True)
        self._secrets = re.compile("|".join(map(re.escape, literal))) if literal else None

    def __call__(self, text: str) -> str:
        text = SLACK_TOKEN.sub(REDACTED, text)
        return self._secrets.sub(REDACTED, text) if self._secrets else text


class TextFormatter(logging.Formatter):
    def __init__(self, redact: Redactor) -> None:
        super().__init__(TEXT_FORMAT)
        self._redact = redact

    def format(self, record: logging.LogRecord) -> str:
        return self._redact(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, request_id, message and,
    for an exception, its traceback."""

    def __init__(self, redact: Redactor) -> None:
        super().__init__()
        self._redact = redact

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", NO_REQUEST),
            "message": self._redact(record.getMessage()),
        }
        if record.exc_info:
            line["exception"] = self._redact(self.formatException(record.exc_info))
        if record.stack_info:
            line["stack"] = self._redact(self.formatStack(record.stack_info))
        return json.dumps(line, ensure_ascii=False)


def build_handler(
    *, log_format: LogFormat, secrets: Iterable[str] = (), stream: IO[str] | None = None
) -> logging.Handler:
    """A handler (stderr unless ``stream``) with the request id filter and a redacting
    formatter."""
    handler = logging.StreamHandler(stream)
    redact = Redactor(secrets)
    formatter = JsonFormatter(redact) if log_format == "json" else TextFormatter(redact)
    handler.setFormatter(formatter)
    handler.addFilter(RequestIdFilter())
    return handler


def configure_logging(*, level: str, log_format: LogFormat, secrets: Iterable[str] = ()) -> None:
    """The root logger writes through one handler; every library's logger propagates to it.
    Like ``logging.basicConfig``, a root logger that already has handlers (a test runner's)
    is left as it is."""
    root = logging.getLogger()
    if root.handlers:
        return
    root.addHandler(build_handler(log_format=log_format, secrets=secrets))
    root.setLevel(level)
