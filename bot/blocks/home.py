"""The App Home tab: what emcoach is and how to start."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import (
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.blocks.help import INTRO, HelpEntry
from bot.slack_names import COMMAND

HOW_IT_WORKS = (
    "*How a program runs*\n"
    "1. *Check* whether you need one: it pays off when at least two of the seed's five "
    "signals are true.\n"
    "2. *Set it up* in four weeks: success criteria signed off by your budget owner, an "
    "internal or external coach, pods of at most 4 leaders, baselines, and a public "
    "pre-commitment to publish the results.\n"
    "3. *Run it* for at least six months: a weekly 45-minute 1:1 with the coach, a monthly "
    "90-minute pod session and a quarterly 360 — roughly 3 hours per leader per month.\n"
    "4. *Publish* the month-3 and month-6 results in your channel, whatever they show."
)


def build_home(entries: Sequence[HelpEntry]) -> dict[str, Any]:
    commands = "\n".join(f"• `{COMMAND} {entry.usage}` — {entry.summary}" for entry in entries)
    view = View(
        type="home",
        blocks=[
            HeaderBlock(text="emcoach: mentoring for new engineering managers"),
            SectionBlock(text=MarkdownTextObject(text=INTRO)),
            DividerBlock(),
            SectionBlock(text=MarkdownTextObject(text=HOW_IT_WORKS)),
            DividerBlock(),
            SectionBlock(
                text=MarkdownTextObject(text="*Start here* — type in any channel:\n" + commands)
            ),
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=f"`{COMMAND} help` lists everything you can do at any time."
                    )
                ]
            ),
        ],
    )
    return view.to_dict()
