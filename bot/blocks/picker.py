""" "Which program?" — asked when a person runs a command that needs one and has several."""

from __future__ import annotations

import json
from collections.abc import Sequence, Set

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, MarkdownTextObject, SectionBlock

from bot.blocks.reply import Reply
from bot.domain.mrkdwn import plain
from bot.domain.roles import Role
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


_ROLE_WORDS = {
    Role.OWNER: "an owner",
    Role.BUDGET_OWNER: "the budget owner",
    Role.COACH: "a coach",
    Role.LEADER: "a leader",
    Role.MANAGER: "a leader's manager",
}


def build_program_choice(
    *, roles: Set[Role], candidates: Sequence[tuple[int, str]], subcommand: str, args: str
) -> Reply:
    """No program was implied: which one (``candidates``), or what to do when there are none."""
    if candidates:
        return build_program_picker(subcommand=subcommand, args=args, programs=candidates)
    return Reply(text=no_program_text(roles))


def no_program_text(roles: Set[Role]) -> str:
    who = " or ".join(sorted(_ROLE_WORDS[role] for role in roles))
    if Role.OWNER in roles:
        return (
            f"You aren't {who} of any program here yet. Start one with `{COMMAND} setup`, or "
            "ask a program's owner to add you with `/emcoach owner add @you`."
        )
    return f"You aren't {who} of any program here. Type `{COMMAND} help` to see what you can do."
