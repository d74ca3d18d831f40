"""Moved to ``bot.flows.locks`` (the lock rules are a flow's, not a listener's); kept for the
handlers that still import it from here."""

from __future__ import annotations

from bot.flows.locks import (
    ChangePermit,
    baseline_change_lines,
    change_permit,
    change_refusal,
    changed_under,
)

__all__ = [
    "ChangePermit",
    "baseline_change_lines",
    "change_permit",
    "change_refusal",
    "changed_under",
]
