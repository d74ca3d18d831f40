""" "Which program?" — asked when a person runs a command that needs one and has several."""

from __future__ import annotations

import json
from collections.abc import Sequence

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, MarkdownTextObject, SectionBlock

from bot.blocks.reply import Reply
from bot.domain.mrkdwn import plain
from bot.slack_names import ACTION_PICK_PROGRAM, COMMAND

# Slack: at most 25 elements in one actions block.
MAX_BUTTONS = 25


def pick_value(*, subcommand: str, args: str, program_id: int) -> str:
    return json.dumps({"sub": subcommand, "args": args, "program": program_id})


def build_program_picker(
    *, subcommand: str, args: str, programs: Sequence[tuple[int, str]]
) -> Reply:
    """``programs`` are (id, name) pairs; one button each, and the typed form as a hint."""
    buttons = [
        ButtonElement(
            text=name[:75],
            action_id=f"{ACTION_PICK_PROGRAM}:{program_id}",
            value=pick_value(subcommand=subcommand, args=args, program_id=program_id),
        )
        for program_id, name in programs[:MAX_BUTTONS]
    ]
    example = programs[0][1]
    text = (
        f"You're in {len(programs)} programs — which one is this for? "
        f'Click one, or type it: `{COMMAND} {subcommand} "{plain(example)}"`.'
    )
    blocks = [SectionBlock(text=MarkdownTextObject(text=text)), ActionsBlock(elements=buttons)]
    return Reply(text=text, blocks=[block.to_dict() for block in blocks])
