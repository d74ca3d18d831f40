"""Refusals to people outside a program: they say what to do, and nothing about who runs it."""

from __future__ import annotations

from bot.blocks.reply import Reply, text_reply
from bot.domain.args import escape_mrkdwn
from bot.slack_names import COMMAND


def build_not_part_of(program_name: str) -> Reply:
    """For someone who named a program they have no role in: names no owner or coach."""
    return text_reply(
        f"There's a program called *{escape_mrkdwn(program_name)}* here, and you aren't part "
        f"of it. To start your own, run `{COMMAND} setup` with another name; to join that one, "
        f"ask someone who runs it to add you. `{COMMAND} help` shows what you can do now."
    )
