"""Slack messages as a terminal shows them: what each person would have seen."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping
from typing import Any

WIDTH = 96
_MENTION = re.compile(r"<([@#!])([A-Z0-9^]+)(?:\|([^>]*))?>")


def plain(text: str, names: Mapping[str, str]) -> str:
    """mrkdwn with ids replaced by names: <@U1> → @Lena, <#C1> → #engineering."""

    def name(match: re.Match[str]) -> str:
        sigil, ident, label = match.groups()
        if sigil == "!":
            return "@" + (label or ident).lstrip("@")
        return sigil + (label or names.get(ident, ident))

    return _MENTION.sub(name, text).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _texts(block: Mapping[str, Any]) -> list[str]:
    kind = block.get("type")
    if kind == "header":
        return [str(block["text"]["text"]).upper()]
    if kind == "section":
        parts = [block["text"]["text"]] if block.get("text") else []
        parts += [field["text"] for field in block.get("fields", [])]
        return parts
    if kind == "context":
        return ["  " + " ".join(str(e.get("text", "")) for e in block.get("elements", []))]
    if kind == "actions":
        return ["  " + "  ".join(f"[{e['text']['text']}]" for e in block.get("elements", []))]
    if kind == "divider":
        return ["  " + "-" * 20]
    return []


def render_message(message: Mapping[str, Any], names: Mapping[str, str]) -> str:
    """The message's blocks as indented text (its fallback text when it has no blocks)."""
    blocks = message.get("blocks") or []
    lines = [text for block in blocks for text in _texts(block)] or [str(message.get("text", ""))]
    wrapped = []
    for line in lines:
        for paragraph in plain(line, names).splitlines() or [""]:
            wrapped.extend(textwrap.wrap(paragraph, WIDTH - 4) or [""])
    return "\n".join("    " + line for line in wrapped)
