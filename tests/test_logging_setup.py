"""Log lines: text or JSON, the request id on each, and no token or secret ever (issue #12)."""

from __future__ import annotations

import io
import json
import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.logging_setup import (
    REDACTED,
    ContextThreadPool,
    Redactor,
    build_handler,
    request_id,
    slack_request_id,
)

BOT_TOKEN = "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx"
APP_TOKEN = "xapp-1-A0123456789-1234567890123-abcdef0123456789abcdef"
USER_TOKEN = "xoxp-1111-2222-3333-deadbeefdeadbeef"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"


@pytest.fixture
def captured() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    stream = io.StringIO()
    handler = build_handler(log_format="json", secrets=[SIGNING_SECRET], stream=stream)
    logger = logging.getLogger("emcoach.test.logs")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        yield logger, stream
    finally:
        logger.removeHandler(handler)
        logger.propagate = True


def _lines(stream: io.StringIO) -> list[dict[str, str]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_tokens_and_the_signing_secret_never_reach_the_output(
    captured: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = captured
    logger.warning("calling Slack with %s and %s", BOT_TOKEN, APP_TOKEN)
    try:
        raise RuntimeError(f"auth failed for token={USER_TOKEN} secret={SIGNING_SECRET}")
    except RuntimeError:
        logger.exception("request failed")
    logger.info("nested %r", {"headers": {"Authorization": f"Bearer {BOT_TOKEN}"}})
    output = stream.getvalue()
    for secret in (BOT_TOKEN, APP_TOKEN, USER_TOKEN, SIGNING_SECRET, "xoxb-1234567890"):
        assert secret not in output
    lines = _lines(stream)
    assert len(lines) == 3
    assert lines[0]["message"] == f"calling Slack with {REDACTED} and {REDACTED}"
    assert (
        "RuntimeError: auth failed for token=[redacted] secret=[redacted]" in lines[1]["exception"]
    )


def test_each_json_line_carries_its_request_id_across_threads(
    captured: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = captured
    logger.info("outside any request")
    pool = ContextThreadPool(max_workers=2)
    with request_id("Ev0123ABCD"):
        logger.info("in the request")
        pool.submit(logger.info, "in a listener thread").result()
    plain = threading.Thread(target=logger.info, args=("a thread of its own",))
    plain.start()
    plain.join()
    pool.shutdown()
    lines = _lines(stream)
    assert [(line["message"], line["request_id"]) for line in lines] == [
        ("outside any request", "-"),
        ("in the request", "Ev0123ABCD"),
        ("in a listener thread", "Ev0123ABCD"),
        ("a thread of its own", "-"),
    ]
    assert set(lines[0]) == {"time", "level", "logger", "request_id", "message"}
    assert lines[0]["time"].endswith("+00:00")


def test_text_format_shows_the_request_id_in_brackets() -> None:
    stream = io.StringIO()
    record = logging.LogRecord("emcoach", logging.INFO, __file__, 1, "hello %s", (BOT_TOKEN,), None)
    handler = build_handler(log_format="text", stream=stream)
    with request_id("agenda:42"):
        handler.handle(record)
    assert stream.getvalue().rstrip().endswith(f"INFO emcoach [agenda:42] hello {REDACTED}")


def test_the_request_id_is_slacks_own_where_it_gives_one() -> None:
    assert slack_request_id({"event_id": "Ev1", "trigger_id": "T1"}) == "Ev1"
    assert slack_request_id({"trigger_id": "123.456.abc"}) == "123.456.abc"
    assert len(slack_request_id({"command": "/emcoach"})) == 16


def test_short_or_empty_secrets_do_not_redact_ordinary_words() -> None:
    assert Redactor(["", "abc"])("abc is fine") == "abc is fine"


def test_log_format_is_a_setting_that_defaults_to_text() -> None:
    assert load_settings(_env_file=None).LOG_FORMAT == "text"
    assert load_settings(_env_file=None, LOG_FORMAT=" JSON ").LOG_FORMAT == "json"
    settings = load_settings(
        _env_file=None, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET
    )
    assert set(settings.secret_values) == {BOT_TOKEN, SIGNING_SECRET}


@pytest.mark.slow  # `emcoach migrate` in a subprocess
def test_emcoach_writes_json_lines_when_asked(tmp_path: Path) -> None:
    from tests.test_cli import emcoach

    result = emcoach(
        "migrate",
        cwd=tmp_path,
        env={"LOG_FORMAT": "json", "DATABASE_URL": f"sqlite:///{tmp_path / 'json.db'}"},
    )
    assert result.returncode == 0, result.stderr
    logged = [json.loads(line) for line in result.stderr.splitlines()]
    done = logged[-1]
    assert (done["message"], done["logger"], done["request_id"]) == (
        "database is at the newest schema",
        "emcoach",
        "-",
    )
