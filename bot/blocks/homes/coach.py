"""A coach's part: their pods, this week's sessions, what is owed, who is away."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot.blocks.homes.common import heading
from bot.blocks.homes.data import CoachPart, CoachSession
from bot.blocks.homes.text import command, listed, section
from bot.domain.localtime import format_day, format_local
from bot.domain.mrkdwn import plain, user_mention
from bot.domain.program_rules import ProgramState


def _people(user_ids: tuple[str, ...]) -> str:
    return ", ".join(user_mention(user_id) for user_id in user_ids) or "no leaders yet"


def _session_line(item: CoachSession, zone: str) -> str:
    what = (
        f"1:1 with {user_mention(item.with_id)}"
        if item.with_id
        else f"pod “{plain(item.pod_name or '?')}” session"
    )
    return f"• {format_local(item.start, zone)} — {what} · {item.state}"


def coach_blocks(part: CoachPart, *, zone: str) -> list[Block]:
    first, last = part.week
    pods = [f"• {plain(name)}: {_people(leaders)}" for name, leaders in part.pods]
    sessions = [_session_line(item, zone) for item in part.sessions]
    blocks: list[Block] = [
        heading(part.program, role="you coach"),
        section("Your pods", pods or ["No pod has you as its coach yet."]),
        section(
            f"This week ({format_day(first)} – {format_day(last)})",
            listed(sessions, more=command("schedule")) or ["No session this week."],
        ),
    ]
    if part.program.state is ProgramState.CLOSED:
        # Its results are published and its prompts over: nothing is asked of the coach now.
        return blocks
    owed = [
        f"• 1:1 with {user_mention(leader)} on {format_day(day)}: held or not?"
        for leader, day in part.not_logged
    ]
    if owed:
        blocks.append(section("Not logged yet", listed(owed, more="in your messages with emcoach")))
    unrated = [
        f"• {user_mention(leader)}, session of {format_day(day)}" for leader, day in part.not_rated
    ]
    if unrated:
        blocks.append(
            section("Not rated yet by the leader", listed(unrated, more="in your weekly digest"))
        )
    paused = [
        f"• {user_mention(leader)} from {format_day(start)} until {format_day(end)}"
        for leader, start, end in part.paused
    ]
    if paused:
        blocks.append(section("On pause", listed(paused, more=command("schedule all"))))
    return blocks
