"""Answers every listener gives the same way: a refused click, and a submitted modal replaced
with what happened."""

from __future__ import annotations

from slack_bolt import Ack, Respond

from bot.blocks.reply import build_notice_modal


def refuse_click(respond: Respond, text: str) -> None:
    """An ephemeral answer to a click, leaving the message clicked on as it was."""
    respond(text=text, response_type="ephemeral", replace_original=False)


def notice(ack: Ack, title: str, text: str) -> None:
    """Replace the submitted modal with what happened and what to do next."""
    ack(response_action="update", view=build_notice_modal(title=title, text=text))
