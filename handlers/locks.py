"""Moved to ``bot.flows.locks``; re-exported for the listeners not yet on flows (baseline,
criteria, pause)."""

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
