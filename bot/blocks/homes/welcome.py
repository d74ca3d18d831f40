"""The home of someone in no program yet: what emcoach is and how to start."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot.blocks.help import INTRO
from bot.blocks.homes.text import command, section
from bot.domain.program_rules import MIN_EXECUTION_MONTHS, POD_MAX_LEADERS
from bot.domain.sprint import leader_time_per_month


def how_it_works() -> str:
    hours = float(leader_time_per_month().total_hours)
    return (
        "1. *Check* whether you need one: it pays off when at least two of the seed's five "
        f"signals are true — {command('check')}.\n"
        "2. *Set it up* in four weeks: success criteria signed off by your budget owner, an "
        f"internal or external coach, pods of at most {POD_MAX_LEADERS} leaders, baselines, "
        f"and a public pre-commitment to publish the results — {command('setup')}.\n"
        f"3. *Run it* for at least {MIN_EXECUTION_MONTHS} months: a weekly 45-minute 1:1 with "
        "the coach, a monthly 90-minute pod session and a quarterly 360 — about "
        f"{hours:.1f} hours per leader per month.\n"
        "4. *Publish* the month-3 and month-6 results in your channel, whatever they show."
    )


def welcome_blocks() -> list[Block]:
    return [
        section("", [INTRO]),
        section("How a program runs", [how_it_works()]),
        section(
            "How to start",
            [
                f"• {command('check')} — do you need a program? Five questions, one answer.",
                f"• {command('setup')} — start the four-week setup sprint as the program's owner.",
                "If someone added you to a program, it shows here once they have.",
            ],
        ),
    ]
