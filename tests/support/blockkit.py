"""Every view and message the app sends must pass slack_sdk's model validation and the
Block Kit limits in SLACK.md; scenario tests check all recorded traffic with these."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_PRIVATE_METADATA = 3000
MAX_RADIO_OPTIONS = 10  # slack_sdk does not check this one
MAX_TEXT = 40_000  # chat.postMessage truncates text beyond this


def _walk(node: Any) -> Iterable[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _check_elements(blocks: list[dict[str, Any]]) -> None:
    for element in _walk(blocks):
        if element.get("type") == "radio_buttons":
            assert len(element.get("options", [])) <= MAX_RADIO_OPTIONS, element


def assert_valid_view(view: dict[str, Any]) -> None:
    View(**view).to_dict()  # raises SlackObjectFormationError past a limit
    blocks = view.get("blocks", [])
    assert len(blocks) <= MAX_VIEW_BLOCKS
    assert len(view.get("private_metadata") or "") <= MAX_PRIVATE_METADATA
    if view.get("type") == "modal" and any(block.get("type") == "input" for block in blocks):
        assert view.get("submit"), "a modal with inputs needs a submit button"
    _check_elements(blocks)


def assert_valid_message(message: dict[str, Any]) -> None:
    blocks = message.get("blocks") or []
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    assert message.get("text"), "every message needs text: the notification and fallback"
    assert len(str(message["text"])) <= MAX_TEXT
    assert len(blocks) <= MAX_MESSAGE_BLOCKS
    for block in blocks:
        parsed = Block.parse(block)
        assert parsed is not None, block
        parsed.to_dict()
    _check_elements(blocks)


VIEW_METHODS = {"views.open", "views.update", "views.push", "views.publish"}
MESSAGE_METHODS = {"chat.postMessage", "chat.postEphemeral", "chat.update"}


def assert_valid_payload(payload: dict[str, Any]) -> None:
    """An HTTP answer to Slack, an API call's arguments or a response_url body."""
    if "view" in payload and isinstance(payload["view"], dict):
        assert_valid_view(payload["view"])
    elif "text" in payload or "blocks" in payload:
        assert_valid_message(payload)
