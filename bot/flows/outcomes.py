"""Outcomes more than one flow returns: a refusal to show, or "which program?"."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Refused:
    """Nothing changed: the sentence says why, and what to do instead."""

    text: str


@dataclass(frozen=True, slots=True)
class Pick:
    """The person could mean several programs: (id, name) of each, to ask which."""

    programs: tuple[tuple[int, str], ...]
