"""The /emcoach help: only the subcommands the person can use, each with usage and purpose."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from slack_sdk.models.blocks import ContextBlock, HeaderBlock, MarkdownTextObject, SectionBlock

from bot.blocks.reply import Reply
from bot.domain.args.errors import typed
from bot.slack_names import COMMAND

INTRO = (
    "emcoach runs a mentoring program for new engineering managers: it helps you decide whether "
    "you need one, sets up success criteria before anything starts, runs the six-month cadence "
    "and publishes the month-3 and month-6 results whatever they show."
)


@dataclass(frozen=True, slots=True)
class HelpEntry:
    usage: str  # e.g. "cost [model] [leaders]"
    summary: str


def entry_line(entry: HelpEntry) -> str:
    return f"`{COMMAND} {entry.usage}` — {entry.summary}"


def build_help(entries: Sequence[HelpEntry], *, intro: str = INTRO) -> Reply:
    lines = [entry_line(entry) for entry in entries]
    blocks = [
        HeaderBlock(text="emcoach — what you can do"),
        SectionBlock(text=MarkdownTextObject(text=intro)),
        SectionBlock(text=MarkdownTextObject(text="\n".join(lines))),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=(
                        "Only you can see this. It lists what your roles in your programs "
                        "let you do; your App Home shows where each program stands."
                    )
                )
            ]
        ),
    ]
    text = "emcoach commands:\n" + "\n".join(lines)
    return Reply(text=text, blocks=[block.to_dict() for block in blocks])


def build_unknown_subcommand(
    word: str, *, suggestion: str | None, entries: Sequence[HelpEntry]
) -> Reply:
    hint = f" Did you mean `{COMMAND} {suggestion}`?" if suggestion else ""
    opening = f"I don't know {typed(word)}.{hint} Here is what you can do:"
    return build_help(entries, intro=opening)
