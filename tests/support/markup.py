"""What Slack would parse as markup in an outgoing message or view, for escaping tests."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

# The markup forms a person's text must never produce: mentions, user groups, channel links,
# links and Slack's date formatting.
MARKUP = ("<!", "<@", "<#", "<http", "<mailto")
# Slack's localised dates, which our own messages use.
_DATE = re.compile(r"<!date\^\d+\^\{date_short_pretty\} at \{time\}\|[^<>]*>")


def mrkdwn_texts(node: Any, *, top: bool = True) -> Iterator[str]:
    """Every string Slack parses as mrkdwn: a message's ``text`` and each mrkdwn object
    (``plain_text`` objects render no markup and are left out)."""
    if isinstance(node, dict):
        if top and isinstance(node.get("text"), str):
            yield node["text"]
        if node.get("type") == "mrkdwn":
            yield node["text"]
        for key, value in node.items():
            # Form-encoded Web API arguments carry the blocks as JSON.
            child = json.loads(value) if key == "blocks" and isinstance(value, str) else value
            if not (top and key == "text"):
                yield from mrkdwn_texts(child, top=False)
    elif isinstance(node, list):
        for item in node:
            yield from mrkdwn_texts(item, top=False)


def foreign_markup(text: str, *, ids: Iterable[str]) -> list[str]:
    """The markup forms in ``text`` other than mentions of ``ids`` and our dates."""
    rest = _DATE.sub("", text)
    for slack_id in ids:
        rest = rest.replace(f"<@{slack_id}>", "").replace(f"<#{slack_id}>", "")
    return [form for form in MARKUP if form in rest]
