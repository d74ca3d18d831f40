"""The App Home: one part for every role the person holds in each of their programs.

Slack allows 100 blocks in a Home tab; each part keeps its lists short ("…and N more" with
the command that shows all), and parts that would not fit are counted, not shown.
"""

from __future__ import annotations

from typing import Any, Final

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
)
from slack_sdk.models.views import View

from bot.blocks.homes.budget import budget_blocks
from bot.blocks.homes.coach import coach_blocks
from bot.blocks.homes.data import Home
from bot.blocks.homes.leader import SELF_PAUSE_OPEN, SELF_RESUME, leader_blocks
from bot.blocks.homes.manager import manager_blocks
from bot.blocks.homes.owner import owner_blocks
from bot.blocks.homes.text import command, listed, section
from bot.blocks.homes.welcome import welcome_blocks

__all__ = ["MAX_BLOCKS", "SELF_PAUSE_OPEN", "SELF_RESUME", "build_home", "home_text"]

MAX_BLOCKS: Final = 100  # Slack: blocks in a Home tab
TITLE: Final = "emcoach: mentoring for new engineering managers"
_COMMANDS_SHOWN: Final = 12


def _parts(home: Home) -> list[list[Block]]:
    return [
        *(owner_blocks(part) for part in home.owner),
        *(budget_blocks(part) for part in home.budget),
        *(coach_blocks(part, zone=home.zone) for part in home.coach),
        *(leader_blocks(part, zone=home.zone) for part in home.leader),
        *(manager_blocks(part) for part in home.manager),
    ]


def _footer(home: Home) -> list[Block]:
    commands = listed(
        [f"• {line}" for line in home.commands], more=command("help"), limit=_COMMANDS_SHOWN
    )
    blocks: list[Block] = [DividerBlock()]
    if commands:
        blocks.append(section("What you can do — type in any channel", commands))
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"Times are in your time zone ({home.zone}). {command('help')} lists "
                    "everything you can do at any time."
                )
            ]
        )
    )
    return blocks


def build_home(home: Home) -> dict[str, Any]:
    blocks: list[Block] = [HeaderBlock(text=TITLE)]
    footer = _footer(home)
    if not home.in_a_program:
        blocks += welcome_blocks()
    else:
        parts = _parts(home)
        limit = MAX_BLOCKS - len(footer) - 1  # one for "…and N more"
        shown = 0
        for part in parts:
            if len(blocks) + bool(shown) + len(part) > limit:
                break
            if shown:
                blocks.append(DividerBlock())
            blocks += part
            shown += 1
        if shown < len(parts):
            blocks.append(
                section(
                    "",
                    [
                        f"…and {len(parts) - shown} more parts that don't fit here: "
                        f"{command('status')} and {command('schedule')} show each program."
                    ],
                )
            )
    blocks += footer
    return View(type="home", blocks=blocks).to_dict()


def home_text(view: dict[str, Any]) -> str:
    """Every text the view shows, joined: what a test or the demo's transcript reads."""
    texts: list[str] = []
    for block in view.get("blocks", []):
        if "text" in block and isinstance(block["text"], dict):
            texts.append(str(block["text"].get("text", "")))
        for element in block.get("elements", []):
            text = element.get("text")
            texts.append(str(text.get("text", "")) if isinstance(text, dict) else str(text or ""))
    return "\n".join(texts)
