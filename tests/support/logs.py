"""Everything logged during a test, as `emcoach` writes it with LOG_FORMAT=json."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from bot.logging_setup import build_handler


@contextmanager
def json_log(*, secrets: Iterable[str] = ()) -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = build_handler(log_format="json", secrets=secrets, stream=stream)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def undelivered(records: Iterable[logging.LogRecord]) -> list[str]:
    """The Slack calls logged as not delivered (bot.slack.delivery), as logged."""
    return [
        record.getMessage()
        for record in records
        if record.name == "emcoach.slack" and record.levelno == logging.WARNING
    ]


def unhandled(records: Iterable[logging.LogRecord]) -> list[str]:
    """What reached the error handler (handlers/errors.py): each is an apology."""
    return [record.getMessage() for record in records if record.name == "emcoach.errors"]
