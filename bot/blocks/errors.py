"""What a person sees when something broke on our side: an apology and a reference id."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock
from slack_sdk.models.views import View

from bot.blocks.reply import Reply
from bot.slack_names import VIEW_ERROR


def apology_text(reference: str) -> str:
    return (
        "Sorry — something went wrong on emcoach's side. "
        f"Please try again in a minute; if it keeps happening, tell your emcoach admin "
        f"the reference *{reference}*."
    )


def build_apology(reference: str) -> Reply:
    text = apology_text(reference)
    return Reply(text=text, blocks=[SectionBlock(text=MarkdownTextObject(text=text)).to_dict()])


def build_apology_modal(reference: str) -> dict[str, Any]:
    view = View(
        type="modal",
        callback_id=VIEW_ERROR,
        title="Something went wrong",
        close="Close",
        blocks=[SectionBlock(text=MarkdownTextObject(text=apology_text(reference)))],
    )
    return view.to_dict()
