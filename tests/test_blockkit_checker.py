"""The Block Kit checker used on all scenario traffic must itself catch bad payloads."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.blockkit import assert_valid_message, assert_valid_view

SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}
INPUT = {
    "type": "input",
    "block_id": "b",
    "label": {"type": "plain_text", "text": "Label"},
    "element": {"type": "plain_text_input", "action_id": "a"},
}


def _modal(**overrides: Any) -> dict[str, Any]:
    view: dict[str, Any] = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Title"},
        "blocks": [SECTION],
    }
    return view | overrides


@pytest.mark.parametrize(
    "view",
    [
        _modal(title={"type": "plain_text", "text": "x" * 25}),
        _modal(blocks=[SECTION] * 101),
        _modal(private_metadata="x" * 3001),
        _modal(blocks=[INPUT]),  # inputs without a submit button
        _modal(
            blocks=[
                INPUT
                | {
                    "element": {
                        "type": "radio_buttons",
                        "action_id": "r",
                        "options": [
                            {"text": {"type": "plain_text", "text": str(n)}, "value": str(n)}
                            for n in range(11)
                        ],
                    }
                }
            ],
            submit={"type": "plain_text", "text": "Save"},
        ),
    ],
)
def test_invalid_views_are_caught(view: dict[str, Any]) -> None:
    with pytest.raises((AssertionError, Exception)):
        assert_valid_view(view)


def test_valid_view_passes() -> None:
    assert_valid_view(_modal(blocks=[INPUT], submit={"type": "plain_text", "text": "Save"}))


@pytest.mark.parametrize(
    "message",
    [
        {"blocks": [SECTION]},  # no fallback text
        {"text": "t", "blocks": [SECTION] * 51},
        {
            "text": "t",
            "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "a" * 3001}}],
        },
    ],
)
def test_invalid_messages_are_caught(message: dict[str, Any]) -> None:
    with pytest.raises((AssertionError, Exception)):
        assert_valid_message(message)
