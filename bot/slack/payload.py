"""Plain values read from Slack interaction payloads."""

from __future__ import annotations

from typing import Any


def team_of(body: dict[str, Any]) -> str:
    """The workspace of an interaction payload (block action or view submission)."""
    user = body.get("user") or {}
    return str((body.get("team") or {}).get("id") or user.get("team_id", ""))
