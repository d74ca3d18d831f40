"""/emcoach status: the setup sprint's checklist, and the end-of-week nudge for an open step."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

from bot.blocks.picker import pick_value
from bot.blocks.raw import Block, actions, button, context, divider, header, section
from bot.blocks.reply import Reply
from bot.domain.localtime import format_day
from bot.domain.mrkdwn import plain
from bot.domain.sprint import SPRINT_WEEKS, SprintStep, StepState, leader_time_per_month
from bot.domain.timeline import Timeline
from bot.slack_names import ACTION_PICK_PROGRAM, COMMAND

# Slack: 3000 characters a section. A cohort of many leaders without baselines lists one line
# per leader and criterion; past this many the rest is counted, not listed.
MAX_MISSING_LISTED: Final = 15
# Slack: 75 characters of button text.
_BUTTON_TEXT_MAX: Final = 75
COMMIT_SUBCOMMAND: Final = "commit"

_ICONS: Final = {
    StepState.DONE: ":white_check_mark:",
    StepState.DUE: ":hourglass_flowing_sand:",
    StepState.OVERDUE: ":warning:",
}


day_text = format_day


def step_subcommand(step: SprintStep, *, ready_to_commit: bool) -> str:
    """What to run for ``step``: its own subcommand, except that a week 4 whose baselines are
    all in has only the public pre-commitment left to do."""
    if step.step.week == SPRINT_WEEKS and ready_to_commit:
        return COMMIT_SUBCOMMAND
    return step.step.subcommand


def step_button(*, step: SprintStep, program_id: int, subcommand: str) -> Block:
    """A button that runs ``/emcoach <subcommand>`` for this program, through the same
    "which program?" action the picker uses, so a click can open the step's modal."""
    return button(
        text=f"Week {step.step.week}: {step.step.title}"[:_BUTTON_TEXT_MAX],
        action_id=f"{ACTION_PICK_PROGRAM}:{program_id}",
        value=pick_value(subcommand=subcommand, args="", program_id=program_id),
        style="primary",
    )


def _state_text(step: SprintStep) -> str:
    if step.state is StepState.DONE:
        return "done"
    if step.state is StepState.OVERDUE:
        return f"*overdue* (was due {day_text(step.due)})"
    return f"due {day_text(step.due)}"


def _step_text(step: SprintStep) -> str:
    return (
        f"{_ICONS[step.state]} *Week {step.step.week} — {step.step.title}* · {_state_text(step)}"
        f"\n{step.step.what_to_do} `{COMMAND} {step.step.subcommand}`"
    )


def missing_text(missing: Sequence[str]) -> str:
    """The commit readiness list, cut to fit one section."""
    if not missing:
        return f"*Ready to commit.* Preview the public pre-commitment with `{COMMAND} commit`."
    lines = [f"• {item}" for item in missing[:MAX_MISSING_LISTED]]
    if len(missing) > MAX_MISSING_LISTED:
        lines.append(f"• …and {len(missing) - MAX_MISSING_LISTED} more")
    return "*Before commit, still missing:*\n" + "\n".join(lines)


@dataclass(frozen=True, slots=True, kw_only=True)
class SprintStatus:
    """Where a program stands in the setup sprint, as ``/emcoach status`` shows it."""

    program_id: int
    program_name: str
    setup_date: date
    today: date
    steps: Sequence[SprintStep]
    next_step: SprintStep | None
    missing: Sequence[str]
    committed_on: date | None
    kickoff: date | None
    months: int
    # Recorded and locked, with the pre-commitment's post not yet confirmed by Slack.
    posting: bool = False
    # The month-6 evaluation is published and the program has ended (bot/flows/close.py).
    closed: bool = False


def _dates_text(status: SprintStatus) -> str:
    if status.kickoff is None:
        return "*Dates:* no kickoff date yet."
    timeline = Timeline(kickoff=status.kickoff, months=status.months)
    return (
        f"*Dates:* kickoff {day_text(status.kickoff)} · month 3 checkpoint "
        f"{day_text(timeline.midpoint)} · month {status.months} evaluation "
        f"{day_text(timeline.evaluation)}"
    )


def _next_blocks(status: SprintStatus) -> list[Block]:
    step = status.next_step
    if status.closed:
        return [section(closed_text(status))]
    if step is None:
        return [
            section(
                "*All four weeks are done.* The program is running; the cadence takes it from here."
            )
        ]
    subcommand = step_subcommand(step, ready_to_commit=not status.missing)
    return [
        section(
            f"*Next:* week {step.step.week}, {step.step.title.lower()} — click below "
            f'or type `{COMMAND} {subcommand} "{plain(status.program_name)}"`.'
        ),
        actions(step_button(step=step, program_id=status.program_id, subcommand=subcommand)),
    ]


def closed_text(status: SprintStatus) -> str:
    """What a closed program offers instead of "the program is running"."""
    name = plain(status.program_name)
    evaluation = ""
    if status.kickoff is not None:
        day = Timeline(kickoff=status.kickoff, months=status.months).evaluation
        evaluation = f" with its month-{status.months} evaluation on {day_text(day)}"
    return (
        f"*The program is closed*{evaluation}: the results are published, the budget owner "
        "has the summary, and nothing more is sent. What owners can do next:\n"
        f'• `{COMMAND} export "{name}"` — the whole record as CSV files, in a DM\n'
        f'• `{COMMAND} renew "{name}"` — start the next cohort from it (same criteria, the '
        "coach decision revisited, pods filled anew)\n"
        f'• `{COMMAND} delete "{name}"` — delete it and everything emcoach holds about it'
    )


def _commit_text(status: SprintStatus) -> str:
    if status.posting:
        return (
            "*Committing:* the pre-commitment is recorded and locked, and on its way to the "
            "channel; Slack hasn't confirmed the post yet. emcoach checks the channel and posts "
            "it if it isn't there (never twice): nothing to do."
        )
    if status.closed and status.committed_on is not None:
        return (
            f"*Committed* on {day_text(status.committed_on)}; what it locked stays as published "
            "— a closed program takes no deviations."
        )
    if status.committed_on is not None:
        return (
            f"*Committed* on {day_text(status.committed_on)}: the criteria, baselines, "
            f"threshold and dates are locked (change one with `{COMMAND} deviation`)."
        )
    return missing_text(status.missing)


def status_text(status: SprintStatus) -> str:
    """The notification text: one line a person can act on without opening the message."""
    if status.closed:
        return (
            f"{plain(status.program_name)} is closed: its results are published. Next: "
            f"{COMMAND} export, renew or delete."
        )
    open_steps = [step for step in status.steps if step.state is not StepState.DONE]
    done = len(status.steps) - len(open_steps)
    text = (
        f"Setup sprint for {plain(status.program_name)}: {done} of {len(status.steps)} weeks done."
    )
    if status.next_step is not None:
        text += (
            f" Next: week {status.next_step.step.week}, {status.next_step.step.title.lower()} "
            f"({_state_text(status.next_step).replace('*', '')})."
        )
    return text


def build_status(status: SprintStatus) -> Reply:
    """Plain dicts (bot/blocks/raw.py): an owner's status is the most frequent reply that
    carries a checklist, and slack_sdk's validating models cost ~200 µs of it."""
    blocks: list[Block] = [
        header(f"Setup sprint: {status.program_name}"[:150]),
        context(
            f"Set up on {day_text(status.setup_date)}; today is "
            f"{day_text(status.today)}. Each week is due seven days after the last."
        ),
    ]
    blocks += [section(_step_text(s)) for s in status.steps]
    blocks += [
        divider(),
        section(_commit_text(status)),
        *_next_blocks(status),
        divider(),
        section(_dates_text(status)),
        context(leader_time_per_month().sentence),
    ]
    return Reply(text=status_text(status), blocks=blocks)
