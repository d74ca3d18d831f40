"""What a handler hands back to the person: message text (the notification fallback) and blocks."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock
from slack_sdk.models.views import View

from bot.domain.mrkdwn import clip, user_mentions

# Slack: a section's text holds at most 3000 characters; a modal title at most 24.
SECTION_MAX = 3000
TITLE_MAX = 24


@dataclass(frozen=True, slots=True, kw_only=True)
class FileUpload:
    """A file sent in place of a message (``files_upload_v2``): the reply's text becomes its
    comment, and its blocks are not sent (a file share carries none)."""

    content: bytes
    filename: str
    title: str
    alt_text: str
    thread_ts: str | None = None  # the message whose thread it goes into


@dataclass(frozen=True, slots=True)
class Reply:
    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)
    upload: FileUpload | None = None
    thread_ts: str | None = None  # a reply in the thread under this message (agenda posts)

    def as_ephemeral(self) -> dict[str, Any]:
        """Keyword arguments for ack()/respond(): visible only to the person who asked."""
        return {"response_type": "ephemeral", "text": self.text, "blocks": self.blocks}


def text_reply(text: str) -> Reply:
    """A one-section message whose notification text is the same sentence."""
    return Reply(text=text, blocks=[section_block(text).to_dict()])


def section_block(text: str) -> SectionBlock:
    """A mrkdwn section, cut to Slack's limit: escaping can make a capped input longer."""
    return SectionBlock(text=MarkdownTextObject(text=clip(text, SECTION_MAX)))


def not_told_text(user_ids: Sequence[str]) -> str:
    """The sentence for people a direct message did not reach: the person tells them instead."""
    return f"I couldn't send {user_mentions(user_ids)} a direct message; please let them know."


def build_notice_modal(*, title: str, text: str) -> dict[str, Any]:
    """What replaces a submitted modal: what happened and what to do next (or why not)."""
    view = View(
        type="modal",
        title=title[:TITLE_MAX],
        close="Close",
        blocks=[SectionBlock(text=MarkdownTextObject(text=clip(text, SECTION_MAX)))],
    )
    return view.to_dict()


def program_metadata(program_id: int | None) -> str:
    """A modal's ``private_metadata``: the program it is about (checked again on submit)."""
    return json.dumps({"program_id": program_id})


def program_id_from_metadata(private_metadata: str) -> int | None:
    try:
        value = json.loads(private_metadata or "{}").get("program_id")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) else None
