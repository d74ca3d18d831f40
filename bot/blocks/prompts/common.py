"""Small pieces every prompt is made of: clipped sections, row buttons, the late note.

Kept apart so each limit from SLACK.md (3000 characters a section, 150 a header) is enforced in
one place, whatever a builder puts in.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Final

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks.reply import Reply
from bot.domain.mrkdwn import clip

SECTION_MAX: Final = 3000
HEADER_MAX: Final = 150
_ELLIPSIS: Final = "…"


def section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=clip(text, SECTION_MAX)))


def header(text: str) -> HeaderBlock:
    return HeaderBlock(text=clip(text, HEADER_MAX))


def context(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=clip(text, SECTION_MAX))])


def row_button(label: str, *, action_id: str, row_id: int, primary: bool = False) -> ButtonElement:
    """A button that answers one agenda row: its value is the row id and nothing else."""
    return ButtonElement(
        text=label, action_id=action_id, value=str(row_id), style="primary" if primary else None
    )


def buttons(*elements: ButtonElement) -> ActionsBlock:
    return ActionsBlock(elements=list(elements))


def fit_lines(lines: Sequence[str], *, limit: int = SECTION_MAX) -> str:
    """The lines joined, as many as fit in ``limit`` characters, then "…and N more".

    Callers put what needs action first, so what falls off the end is what can wait.
    """
    full = "\n".join(lines)
    if len(full) <= limit:
        return full
    reserve = len(f"\n{_ELLIPSIS}and {len(lines)} more")
    kept: list[str] = []
    used = 0
    for line in lines:
        cost = len(line) + (1 if kept else 0)
        if used + cost + reserve > limit:
            break
        kept.append(line)
        used += cost
    return "\n".join([*kept, f"{_ELLIPSIS}and {len(lines) - len(kept)} more"])


def duration_words(span: timedelta) -> str:
    """``"20 minutes"``, ``"5 hours"``, ``"3 days"``: the rough size of a delay, in words."""
    minutes = max(1, round(span.total_seconds() / 60))
    if minutes < 90:
        return plural(minutes, "minute")
    hours = round(minutes / 60)
    if hours < 48:
        return plural(hours, "hour")
    return plural(round(hours / 24), "day")


def plural(count: int, singular: str, many: str | None = None) -> str:
    """``"1 prompt"``, ``"3 prompts"``; ``many`` for irregular plurals."""
    return f"{count} {singular if count == 1 else many or singular + 's'}"


def late_note(late_by: timedelta) -> str:
    """Said plainly, once, on any prompt sent after downtime; nobody is blamed for it."""
    return f"Sent {duration_words(late_by)} late: emcoach was offline when this was due."


def reply(text: str, blocks: Sequence[Block]) -> Reply:
    return Reply(text=text, blocks=[block.to_dict() for block in blocks])
