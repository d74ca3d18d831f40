"""Lines of a home section, cut to fit: Slack allows 3000 characters a section, and a home
lists at most a few of anything, with "…and N more" pointing to the command that shows all."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock

from bot.domain.mrkdwn import clip
from bot.slack_names import COMMAND

SECTION_MAX: Final = 3000
LIST_MAX: Final = 8  # lines of one list before "…and N more"
ANSWER_MAX: Final = 280  # characters of one typed answer quoted back


def listed(lines: Sequence[str], *, more: str, limit: int = LIST_MAX) -> list[str]:
    """The first ``limit`` lines, and "…and N more: <more>" for the rest."""
    shown = list(lines[:limit])
    if len(lines) > limit:
        shown.append(f"…and {len(lines) - limit} more: {more}")
    return shown


def command(words: str) -> str:
    return f"`{COMMAND} {words}`"


def section(title: str, lines: Sequence[str] = ()) -> SectionBlock:
    text = "\n".join([f"*{title}*", *lines]) if title else "\n".join(lines)
    return SectionBlock(text=MarkdownTextObject(text=clip(text, SECTION_MAX)))


def plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count} {word if count == 1 else (words or word + 's')}"
