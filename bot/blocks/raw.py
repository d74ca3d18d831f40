"""Block Kit blocks as plain dicts, for replies on the interaction path.

slack_sdk's ``models`` validate every block and text object as ``to_dict`` runs: ~200 µs of
CPU for an owner's status reply, built anew for every /emcoach status. These build the same
dicts (the same keys in the same order) in ~25 µs; the builders that use them keep Slack's
length limits themselves, and tests/blocks check their replies against Block Kit's rules
(tests/support/blockkit.py).
"""

from __future__ import annotations

from typing import Any

Block = dict[str, Any]


def plain_text(text: str) -> Block:
    return {"emoji": True, "text": text, "type": "plain_text"}


def mrkdwn(text: str) -> Block:
    return {"text": text, "type": "mrkdwn"}


def header(text: str) -> Block:
    return {"text": plain_text(text), "type": "header"}


def section(text: str) -> Block:
    return {"text": mrkdwn(text), "type": "section"}


def context(*texts: str) -> Block:
    return {"elements": [mrkdwn(text) for text in texts], "type": "context"}


def divider() -> Block:
    return {"type": "divider"}


def actions(*elements: Block) -> Block:
    return {"elements": list(elements), "type": "actions"}


def button(*, text: str, action_id: str, value: str, style: str) -> Block:
    return {
        "action_id": action_id,
        "style": style,
        "text": plain_text(text),
        "type": "button",
        "value": value,
    }
