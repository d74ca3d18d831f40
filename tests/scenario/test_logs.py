"""Error paths over signed HTTP: the log has the request id, and no token or secret."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.live import SIGNING_SECRET, LiveApp
from tests.support.logs import json_log, lines

TOKEN = "xoxb-9999999999-8888888888-LeakedLeakedLeakedLeaked"


@pytest.fixture
def log() -> Iterator[io.StringIO]:
    with json_log(secrets=[SIGNING_SECRET, "xoxb-test-token"]) as stream:
        yield stream


def test_a_failing_listener_logs_its_event_id_and_no_secret(
    live: LiveApp, log: io.StringIO
) -> None:
    def boom(event: dict[str, Any]) -> None:
        logging.getLogger("emcoach.test").info("handling %s", event["reaction"])
        raise RuntimeError(f"Slack said invalid_auth for {TOKEN} (secret {SIGNING_SECRET})")

    live.app.event("reaction_added")(boom)
    event = {"type": "reaction_added", "user": "U0OWNER", "reaction": "tada"}
    assert live.sender.event(event, event_id="Ev0LOGTEST1").status == 200
    live.slack.wait_for(lambda: "unhandled error" in log.getvalue())
    live.app.listener_runner.listener_executor.shutdown(wait=True)

    output = log.getvalue()
    assert TOKEN not in output and SIGNING_SECRET not in output and "xoxb-" not in output
    logged = lines(log)
    handling = next(line for line in logged if line["message"] == "handling tada")
    error = next(line for line in logged if line["message"].startswith("unhandled error"))
    assert handling["request_id"] == error["request_id"] == "Ev0LOGTEST1"
    assert "invalid_auth for [redacted] (secret [redacted])" in error["exception"]


def test_a_command_gets_a_request_id_of_its_own(live: LiveApp, log: io.StringIO) -> None:
    live.app.use(lambda next: (logging.getLogger("emcoach.test").info("seen"), next())[1])
    assert live.sender.command("help", user_id="U0OWNER").status == 200
    assert live.sender.command("help", user_id="U0OWNER").status == 200
    ids = [line["request_id"] for line in lines(log) if line["message"] == "seen"]
    assert len(ids) == 2 and len(set(ids)) == 2 and "-" not in ids
