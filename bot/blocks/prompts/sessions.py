"""Prompts around the weekly 1:1 and the monthly pod session (PRODUCT "Cadence while running").

The wording carries the seed's "What Coached EMs Actually Get": a 1:1 that produces decisions
instead of status, and choosing what to say no to.
"""

from __future__ import annotations

from bot.blocks.prompts.actions import (
    PROMPT_LOG_HELD,
    PROMPT_LOG_NOT_HELD,
    PROMPT_RATE_ONE_ON_ONE,
    PROMPT_RATE_POD,
)
from bot.blocks.prompts.common import buttons, context, reply, row_button, section
from bot.blocks.prompts.data import PromptContext
from bot.blocks.reply import Reply
from bot.domain.localtime import format_day
from bot.domain.mrkdwn import mention, plain
from bot.domain.program_rules import MONTHLY_POD_SESSION_MINUTES, WEEKLY_ONE_ON_ONE_MINUTES

# The post-session questions, shared by the prompt and (later) the rating modal's labels.
ONE_ON_ONE_USEFUL = "Was this 1:1 useful?"
ONE_ON_ONE_DECIDED = "What did you decide?"
ONE_ON_ONE_SAY_NO = "What will you say no to or delegate?"


def _coach(prompt: PromptContext) -> str:
    return mention(prompt.coach_id) if prompt.coach_id else "your coach"


def _when(prompt: PromptContext) -> str:
    """The session's start in the recipient's zone, or its date when the engine gave none."""
    return prompt.starts_local or format_day(prompt.occasion)


def _pod(prompt: PromptContext) -> str:
    return f"“{plain(prompt.about_id)}”"


def build_one_on_one_pre(prompt: PromptContext) -> Reply:
    text = (
        f"Your {WEEKLY_ONE_ON_ONE_MINUTES}-minute 1:1 with {_coach(prompt)} starts at "
        f"{_when(prompt)}. Bring *one decision* you need to make — not a status update."
    )
    hint = "Write it down now in one sentence; the 1:1 is for deciding it, not for reporting."
    return reply(text, [section(text), context(hint)])


def build_one_on_one_post(prompt: PromptContext) -> Reply:
    text = f"How did your 1:1 with {_coach(prompt)} go? Three questions, about two minutes."
    questions = (
        f"• {ONE_ON_ONE_USEFUL} (Strongly disagree … Strongly agree)\n"
        f"• {ONE_ON_ONE_DECIDED}\n"
        f"• {ONE_ON_ONE_SAY_NO}"
    )
    rate = row_button(
        "Rate this 1:1", action_id=PROMPT_RATE_ONE_ON_ONE, row_id=prompt.row_id, primary=True
    )
    return reply(text, [section(f"{text}\n{questions}"), buttons(rate)])


def build_one_on_one_log(prompt: PromptContext) -> Reply:
    leader = mention(prompt.about_id)
    text = f"Did your 1:1 with {leader} ({_when(prompt)}) happen?"
    held = row_button("Held", action_id=PROMPT_LOG_HELD, row_id=prompt.row_id, primary=True)
    not_held = row_button("Not held", action_id=PROMPT_LOG_NOT_HELD, row_id=prompt.row_id)
    note = "One click; it keeps attendance honest in your weekly digest and the checkpoints."
    return reply(text, [section(text), buttons(held, not_held), context(note)])


def build_pod_pre(prompt: PromptContext) -> Reply:
    session = f"{MONTHLY_POD_SESSION_MINUTES}-minute session of pod {_pod(prompt)}"
    # 10:00 the day before is when the row is due; sent late it may be later the same day.
    day = "Tomorrow's" if prompt.late_by is None else "The next"
    starts = f" starts at {prompt.starts_local}" if prompt.starts_local else ""
    if prompt.recipient_id == prompt.coach_id:
        text = (
            f"{day} {session}{starts}. Each leader was asked to bring one real challenge; "
            "start with the one that is hardest to say out loud."
        )
    else:
        text = (
            f"{day} {session}{starts}. Bring *one real challenge* you are facing — something "
            "you haven't solved, not a success story."
        )
    return reply(text, [section(text)])


def build_pod_post(prompt: PromptContext) -> Reply:
    text = f"How was today's session of pod {_pod(prompt)}? One rating, under a minute."
    rate = row_button(
        "Rate this session", action_id=PROMPT_RATE_POD, row_id=prompt.row_id, primary=True
    )
    return reply(text, [section(text), buttons(rate)])
