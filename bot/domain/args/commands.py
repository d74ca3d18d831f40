"""The first word of ``/emcoach …`` and a guess when it isn't one we know."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

# difflib's default: close enough that "stauts" finds "status", far enough that "pod" does not
# suggest "cost".
_SIMILARITY_CUTOFF = 0.6


def split_subcommand(text: str) -> tuple[str, str]:
    """``("pod", "add <@U1>")`` from ``"Pod  add <@U1>"``: the first word lower-cased, the rest
    as Slack sent it (only the surrounding whitespace trimmed), so it can be split again."""
    parts = text.strip().split(maxsplit=1)
    if not parts:
        return "", ""
    return parts[0].lower(), parts[1] if len(parts) > 1 else ""


def closest_subcommand(word: str, choices: Iterable[str]) -> str | None:
    """The choice ``word`` most likely meant ("stauts" → "status"), or None if nothing is close."""
    matches = difflib.get_close_matches(word.lower(), list(choices), n=1, cutoff=_SIMILARITY_CUTOFF)
    return matches[0] if matches else None
