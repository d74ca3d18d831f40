"""Signed but unusable input gets a clear answer, never a 500, a 404 or an apology (issue #8)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_bolt import Ack

from bot.blocks.baseline import BASELINE_SURVEY
from bot.blocks.commit import COMMIT_CONFIRM
from bot.blocks.pod import POD_EDIT
from bot.blocks.setup import SETUP_NAME, SETUP_VIEW
from bot.slack_names import ACTION_PICK_PROGRAM
from tests.support.live import LiveApp

OWNER = "U0OWNER"
APOLOGY = "something went wrong"


def test_listener_failing_right_after_ack_still_gets_its_answer(live: LiveApp) -> None:
    """Bolt polls for ack() every 10 ms; a listener raising within that window used to make
    Bolt answer 404 after 3 s (on top of the apology)."""

    def fail_at_once(ack: Ack) -> None:
        ack()
        raise RuntimeError("failed right after ack")

    live.app.action("test_fail_at_once")(fail_at_once)
    results = [
        live.sender.block_action(user_id=OWNER, action_id="test_fail_at_once") for _ in range(10)
    ]
    assert [result.status for result in results] == [200] * 10
    assert max(result.seconds for result in results) < 1


@pytest.mark.parametrize(
    "text",
    ["owner add a\x00b", "\x00", "deviation Pilot dates Kickoff moves because \x00"],
)
def test_command_with_a_nul_character_says_what_to_do(live: LiveApp, text: str) -> None:
    result = live.sender.command(text, user_id=OWNER)
    assert result.status == 200
    answer = result.json()["text"]
    assert "NUL character" in answer
    assert "type it again" in answer


def test_over_long_command_names_the_limit(live: LiveApp) -> None:
    result = live.sender.command("owner add " + "x" * 7000, user_id=OWNER)
    assert result.status == 200
    assert result.seconds < 1
    answer = result.json()["text"]
    assert "at most 2,000" in answer
    assert APOLOGY not in answer


def _interaction(payload: dict[str, Any]) -> str:
    return urlencode({"payload": json.dumps(payload)})


USER = {"id": OWNER, "team_id": "T0001"}
MALFORMED: dict[str, dict[str, Any]] = {
    "actions without a user": {"type": "block_actions", "actions": [{"action_id": POD_EDIT}]},
    "user as a string": {"type": "block_actions", "user": OWNER, "actions": []},
    "actions not a list": {"type": "block_actions", "user": USER, "actions": "pod_edit"},
    "action id a number": {"type": "block_actions", "user": USER, "actions": [{"action_id": 7}]},
    "value a number": {
        "type": "block_actions",
        "user": USER,
        "actions": [{"action_id": POD_EDIT, "value": 7}],
    },
    "view missing": {"type": "view_submission", "user": USER},
    "view without callback id": {"type": "view_submission", "user": USER, "view": {"id": "V1"}},
    "state values a list": {
        "type": "view_submission",
        "user": USER,
        "view": {"type": "modal", "callback_id": SETUP_VIEW, "state": {"values": []}},
    },
    "selected option a string": {
        "type": "view_submission",
        "user": USER,
        "view": {
            "type": "modal",
            "callback_id": SETUP_VIEW,
            "state": {"values": {"b": {"a": {"selected_option": "x"}}}},
        },
    },
    "view without state": {
        "type": "view_submission",
        "user": USER,
        "view": {"type": "modal", "callback_id": SETUP_VIEW},
    },
    "message click without response_url": {
        "type": "block_actions",
        "user": USER,
        "container": {"type": "message"},
        "actions": [{"action_id": POD_EDIT, "value": "1"}],
    },
    "response_url not a URL": {
        "type": "block_actions",
        "user": USER,
        "response_url": "Pilot",
        "actions": [{"action_id": POD_EDIT, "value": "1"}],
    },
    "private metadata a dict": {
        "type": "view_submission",
        "user": USER,
        "view": {
            "type": "modal",
            "callback_id": SETUP_VIEW,
            "private_metadata": {"program_id": 1},
            "state": {"values": {}},
        },
    },
}


@pytest.mark.parametrize("case", MALFORMED)
def test_malformed_signed_payload_is_400(live: LiveApp, case: str) -> None:
    body = _interaction({"team": {"id": "T0001"}} | MALFORMED[case])
    result = live.sender.send(body, content_type="application/x-www-form-urlencoded")
    assert result.status == 400
    assert "Traceback" not in result.body


@pytest.mark.parametrize(
    "event",
    [
        {"type": 7},
        {"type": "app_home_opened", "user": ["U1"]},
        {"type": "app_home_opened", "tab": "home"},
        "junk",
        None,
    ],
)
def test_malformed_event_is_400(live: LiveApp, event: object) -> None:
    body = json.dumps({"type": "event_callback", "team_id": "T0001", "event": event})
    result = live.sender.send(body, content_type="application/json")
    assert result.status == 400


@pytest.mark.parametrize(
    ("action_id", "value"),
    [
        (POD_EDIT, str(10**30)),
        (POD_EDIT, "9" * 5000),
        (POD_EDIT, "list"),
        (POD_EDIT, "-1"),
        (COMMIT_CONFIRM, "1e400"),
        (BASELINE_SURVEY, "7"),
        (BASELINE_SURVEY, '{"pod": [1], "metric": "lead_time"}'),
        (f"{ACTION_PICK_PROGRAM}:1", json.dumps({"sub": "status", "args": "", "program": 10**30})),
        (f"{ACTION_PICK_PROGRAM}:1", '{"sub": "status", "args": "", "program": 1e400}'),
    ],
)
def test_button_with_an_impossible_id_is_out_of_date(
    live: LiveApp, action_id: str, value: str
) -> None:
    result = live.sender.block_action(user_id=OWNER, action_id=action_id, value=value)
    assert result.status == 200
    live.slack.wait_for(lambda: bool(live.slack.responses()))
    (answer,) = live.slack.responses()
    assert "That button is out of date" in answer["text"]


@pytest.mark.parametrize(
    "metadata",
    [json.dumps({"program_id": 10**30}), "Pilot", json.dumps({"program": None, "leader": [1]})],
)
def test_form_with_impossible_metadata_is_out_of_date(live: LiveApp, metadata: str) -> None:
    result = live.sender.view_submission(
        user_id=OWNER, callback_id=SETUP_VIEW, values={}, private_metadata=metadata
    )
    assert result.status == 200
    answer = result.json()
    assert answer["response_action"] == "update"
    assert "This form is out of date" in json.dumps(answer["view"])


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("Pilot\x00", "NUL character"), ("P" * 3001, "at most 3,000")],
)
def test_form_text_no_handler_could_store_gets_an_inline_error(
    live: LiveApp, typed: str, expected: str
) -> None:
    values = {SETUP_NAME: {SETUP_NAME: {"type": "plain_text_input", "value": typed}}}
    result = live.sender.view_submission(user_id=OWNER, callback_id=SETUP_VIEW, values=values)
    assert result.status == 200
    answer = result.json()
    assert answer["response_action"] == "errors"
    assert expected in answer["errors"][SETUP_NAME]
