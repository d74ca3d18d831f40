"""Pieces every role's part uses: the program's heading and its published results."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import Block, HeaderBlock

from bot.blocks.homes.data import ProgramHeading, Publication
from bot.blocks.homes.text import section
from bot.domain.localtime import format_day
from bot.domain.mrkdwn import channel_mention
from bot.domain.program_rules import ProgramState

HEADER_MAX = 150

_STATE_WORDS = {
    ProgramState.DRAFT: "being set up",
    ProgramState.CRITERIA_SIGNED_OFF: "being set up",
    ProgramState.COHORT_READY: "being set up",
    ProgramState.BASELINED: "being set up",
    ProgramState.COMMITTING: "committing",
    ProgramState.COMMITTED: "running",
    ProgramState.MIDPOINT_DONE: "running, past month 3",
    ProgramState.EVALUATED: "evaluated",
    ProgramState.CLOSED: "closed",
}


def heading(program: ProgramHeading, *, role: str) -> Block:
    """``Pilot — you are its owner · running``; the name as typed (a header shows no mrkdwn)."""
    text = f"{program.name} — {role} · {_STATE_WORDS[program.state]}"
    if len(text) > HEADER_MAX:
        text = text[: HEADER_MAX - 1] + "…"
    return HeaderBlock(text=text)


def dates_line(program: ProgramHeading) -> str:
    if program.kickoff is None:
        return "No kickoff date yet."
    parts = [f"kickoff {format_day(program.kickoff)}"]
    if len(program.checkpoints) == 2:
        parts += [
            f"month 3 checkpoint {format_day(program.checkpoints[0])}",
            f"month {program.months} evaluation {format_day(program.checkpoints[1])}",
        ]
    return "Dates: " + " · ".join(parts) + "."


def published_block(published: Sequence[Publication]) -> Block | None:
    if not published:
        return None
    lines = [
        f"• Month {item.month} results, posted "
        + (f"in {channel_mention(item.channel_id)} " if item.channel_id else "")
        + f"on {format_day(item.occasion)}"
        for item in published
    ]
    return section("Published results", lines)
