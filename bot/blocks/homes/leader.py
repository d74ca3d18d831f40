"""A leader's part: their next sessions in their own time, their own answers, their 360, and
pausing themselves. Only ever built from the reader's own data."""

from __future__ import annotations

from typing import Final

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from bot.blocks.homes.common import heading
from bot.blocks.homes.data import LeaderPart, ThreeSixtyStatus
from bot.blocks.homes.text import ANSWER_MAX, command, listed, section
from bot.blocks.pause import SELF_PAUSE_OPEN_ACTION, SELF_RESUME_ACTION
from bot.domain.localtime import format_day, format_local
from bot.domain.mrkdwn import clip, plain, user_mention
from bot.domain.program_rules import ProgramState

RATINGS_SHOWN: Final = 12
ANSWERS_SHOWN: Final = 5
# The leader's own buttons (value: the program id) are self-service pausing's
# (bot/blocks/pause.py, listeners in handlers/pause.py): this module only shows them.
SELF_PAUSE_OPEN: Final = SELF_PAUSE_OPEN_ACTION
SELF_RESUME: Final = SELF_RESUME_ACTION


def _next_lines(part: LeaderPart, zone: str) -> list[str]:
    coach = user_mention(part.coach_id) if part.coach_id else "your coach"
    one_on_one = (
        format_local(part.next_one_on_one, zone) if part.next_one_on_one else "none planned"
    )
    pod = format_local(part.next_pod_session, zone) if part.next_pod_session else "none planned"
    return [
        f"• 1:1 with {coach}: {one_on_one}",
        f"• Pod “{plain(part.pod_name)}” session: {pod}",
    ]


def _three_sixty_line(item: ThreeSixtyStatus) -> str:
    if item.answered:
        state = "your self-rating is in"
    elif item.sent:
        state = "invitation sent — your self-rating is still open"
    else:
        state = "invitation comes that day"
    return f"• {format_day(item.occasion)}: {state}"


def _pause_block(part: LeaderPart) -> tuple[str, ActionsBlock]:
    value = str(part.program.program_id)
    if part.paused is not None:
        start, end = part.paused
        return (
            f"You're on pause from {format_day(start)} until {format_day(end)}: your sessions "
            "in it are skipped, not missed.",
            ActionsBlock(
                elements=[ButtonElement(text="Resume", action_id=SELF_RESUME, value=value)]
            ),
        )
    planned = ""
    if part.pause_planned is not None:
        start, end = part.pause_planned
        planned = f"A pause is planned from {format_day(start)} until {format_day(end)}. "
    return (
        f"{planned}Away for a vacation or leave? Pause yourself; your coach and the owners are "
        "told.",
        ActionsBlock(
            elements=[ButtonElement(text="Pause", action_id=SELF_PAUSE_OPEN, value=value)]
        ),
    )


def leader_blocks(part: LeaderPart, *, zone: str) -> list[Block]:
    ratings = [
        f"• {format_day(point.occasion)} — {point.what}: {point.score}/5"
        for point in part.ratings[-RATINGS_SHOWN:]
    ]
    if len(part.ratings) > RATINGS_SHOWN:
        ratings.insert(0, f"The latest {RATINGS_SHOWN} of {len(part.ratings)}:")
    answers = []
    for answer in reversed(part.answers):
        if answer.decided:
            answers.append(
                f"• {format_day(answer.occasion)} — decided: "
                f"{clip(plain(answer.decided), ANSWER_MAX)}"
            )
        if answer.say_no:
            answers.append(
                f"• {format_day(answer.occasion)} — will say no to: "
                f"{clip(plain(answer.say_no), ANSWER_MAX)}"
            )
    three_sixty = [_three_sixty_line(item) for item in part.three_sixty]
    return [
        heading(part.program, role="you are coached"),
        section("Next (in your time zone)", _next_lines(part, zone)),
        section(
            "Your ratings over time",
            ratings or ["None yet: after each session you rate it on a 1–5 agree scale."],
        ),
        section(
            "What you decided and will say no to",
            listed(answers, more="in your messages with emcoach", limit=ANSWERS_SHOWN)
            or ["Nothing logged yet: the rating after each 1:1 asks."],
        ),
        section(
            "Your quarterly 360",
            three_sixty
            or ["Once a quarter you rate your own self-efficacy and your manager rates you."],
        ),
        *_pause_offer(part),
    ]


def _pause_offer(part: LeaderPart) -> list[Block]:
    """Pause or resume yourself while the program runs; a closed one takes no pause (the
    button would only be refused)."""
    if part.program.state is ProgramState.CLOSED:
        return [section("", ["This program is closed: no more sessions or prompts."])]
    pause_text, pause_buttons = _pause_block(part)
    return [
        section("", [pause_text, f"Or type {command('schedule')} to see what's coming up."]),
        pause_buttons,
    ]
