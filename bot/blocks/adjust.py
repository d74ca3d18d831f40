"""/emcoach adjust: the month-3 decision (PRODUCT "Checkpoints": continue, change the cadence or
change the coach, with a note) — how to type it, what was recorded, and the note to the others."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Final

from slack_sdk.models.blocks import Block

from bot.blocks.prompts.checkpoint import METRICS_COMMAND
from bot.blocks.prompts.common import context, section
from bot.blocks.reply import Reply
from bot.domain.localtime import format_day
from bot.domain.mrkdwn import mention, plain
from bot.slack_names import COMMAND

ADJUST_COMMAND: Final = f"{COMMAND} adjust"


class Decision(StrEnum):
    CONTINUE = "continue"
    CADENCE = "cadence"
    COACH = "coach"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS: Final = {
    Decision.CONTINUE: "continue as planned",
    Decision.CADENCE: "change the cadence",
    Decision.COACH: "change the coach",
}
_EXAMPLES: Final = {
    Decision.CONTINUE: "continue Ratings are up and every 1:1 is happening; no change.",
    Decision.CADENCE: "cadence Move the pod session to the second Tuesday, after planning.",
    Decision.COACH: "coach Pod Beta wants a coach with platform experience.",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Decided:
    """An adjustment as people read it."""

    decision: Decision
    note: str
    decided_by: str
    decided_on: date


@dataclass(frozen=True, slots=True, kw_only=True)
class Evaluation:
    """The checkpoint still ahead: every decision leads up to it."""

    month: int
    occasion: date


def describe(decided: Decided) -> str:
    return (
        f"*{decided.decision.label}* — {mention(decided.decided_by)} on "
        f"{format_day(decided.decided_on)}: “{plain(decided.note)}”"
    )


def next_step(decision: Decision, *, evaluation: Evaluation, by_owner: bool) -> str:
    """What the decision means in practice; changes go through `/emcoach pod`, owners only."""
    final = f"the month-{evaluation.month} evaluation on {format_day(evaluation.occasion)}"
    who = "Next: " if by_owner else "An owner makes the change: "
    if decision is Decision.CONTINUE:
        return f"Nothing changes: the cadence goes on as planned up to {final}."
    if decision is Decision.CADENCE:
        return (
            f"{who}`{COMMAND} pod` changes a leader's 1:1 slot or a pod's monthly session; "
            f"prompts from then on follow the new slots, up to {final}."
        )
    return (
        f"{who}`{COMMAND} pod <pod> coach @new-coach` sets the pod's new coach; prompts from "
        f"then on go to them, up to {final}."
    )


def build_adjust_usage(
    *, program_name: str, published_on: date, latest: Decided | None, problem: str | None
) -> Reply:
    """How to record the decision (after a mistyped one, what was wrong first)."""
    name = plain(program_name)
    lead = (
        f"The month-3 results of *{name}* were published on {format_day(published_on)}. "
        "Owners and coaches agree how to go on; record it with a note saying why:"
    )
    if problem:
        lead = f"{problem}\n{lead}"
    options = "\n".join(
        f"• `{ADJUST_COMMAND} {_EXAMPLES[decision]}` — {decision.label}" for decision in Decision
    )
    blocks: list[Block] = [section(lead), section(options)]
    if latest is not None:
        blocks.append(context(f"Decided so far: {describe(latest)}"))
    text = problem or f"Record the month-3 decision for {name} with `{ADJUST_COMMAND}`."
    return Reply(text=text, blocks=[block.to_dict() for block in blocks])


def build_adjust_recorded(
    *,
    program_name: str,
    decided: Decided,
    replaced: Decided | None,
    evaluation: Evaluation,
    by_owner: bool,
    told: Sequence[str],
    not_told: Sequence[str],
) -> Reply:
    """The confirmation: what was recorded, what it replaces, what happens next, who knows."""
    name = plain(program_name)
    lines = [f"Recorded for *{name}*: {describe(decided)}"]
    if replaced is not None:
        lines.append(f"It replaces the earlier decision: {describe(replaced)}")
    lines.append(next_step(decided.decision, evaluation=evaluation, by_owner=by_owner))
    blocks: list[Block] = [section("\n".join(lines))]
    notes = []
    if told:
        notes.append("I've let " + ", ".join(mention(user) for user in told) + " know.")
    if not_told:
        notes.append(
            "I couldn't message " + ", ".join(mention(user) for user in not_told) + "; please "
            "tell them yourself."
        )
    if notes:
        blocks.append(context(" ".join(notes)))
    text = f"Recorded for {name}: {decided.decision.label}."
    return Reply(text=text, blocks=[block.to_dict() for block in blocks])


def build_adjust_notice(
    *, program_name: str, decided: Decided, evaluation: Evaluation, by_owner: bool
) -> Reply:
    """The DM to the program's other owners and coaches."""
    name = plain(program_name)
    lines = [
        f"The month-3 decision for *{name}* is recorded: {describe(decided)}",
        next_step(decided.decision, evaluation=evaluation, by_owner=by_owner),
        f"To record a different one, type `{ADJUST_COMMAND}`.",
    ]
    text = f"{name}: month-3 decision — {decided.decision.label}."
    return Reply(text=text, blocks=[section("\n".join(lines)).to_dict()])


def not_running_text(program_name: str) -> str:
    return (
        f"*{plain(program_name)}* isn't running yet: the adjustment is decided "
        f"after its month-3 results. `{COMMAND} status` shows what's left before commit."
    )


def results_not_yet_text(program_name: str, *, midpoint: date, overdue: bool, owner: bool) -> str:
    """Before the month-3 results are out: when they are, and (owners) what is missing."""
    day = format_day(midpoint)
    when = (
        f"were due on {day} and go out as soon as emcoach can post them"
        if overdue
        else f"are published on {day}"
    )
    text = (
        f"The month-3 results of *{plain(program_name)}* {when}. The adjustment is "
        f"decided after that, with the results in hand: type `{COMMAND} adjust` then."
    )
    if owner:
        text += f" Until then, `{METRICS_COMMAND}` shows which values are still missing."
    return text


def nothing_left_text(published: str, program_name: str) -> str:
    return (
        f"{published} There's "
        f"nothing left to adjust in *{plain(program_name)}*; the next cycle "
        f"starts with `{COMMAND} check`."
    )
