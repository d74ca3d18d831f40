"""An owner's part: the setup checklist while setting up, then the program's health."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
)

from bot.blocks.export import EXPORT_ACTION
from bot.blocks.homes.common import dates_line, heading, published_block
from bot.blocks.homes.data import OwnerPart, PodHealth, SurveyRate
from bot.blocks.homes.text import ANSWER_MAX, command, listed, plural, section
from bot.blocks.status import missing_text, status_text, step_subcommand
from bot.domain.localtime import format_day
from bot.domain.mrkdwn import clip, plain
from bot.domain.sprint import StepState

_ICONS = {
    StepState.DONE: ":white_check_mark:",
    StepState.DUE: ":hourglass_flowing_sand:",
    StepState.OVERDUE: ":warning:",
}


def owner_blocks(part: OwnerPart) -> list[Block]:
    blocks: list[Block] = [heading(part.program, role="you are an owner")]
    if part.sprint is not None:
        blocks += _sprint_blocks(part)
    else:
        blocks += _health_blocks(part)
    published = published_block(part.published)
    if published is not None:
        blocks.append(published)
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=dates_line(part.program))]))
    return blocks


def _sprint_blocks(part: OwnerPart) -> list[Block]:
    status = part.sprint
    assert status is not None
    lines = []
    for step in status.steps:
        state = "done" if step.state is StepState.DONE else f"due {format_day(step.due)}"
        if step.state is StepState.OVERDUE:
            state = f"*overdue* (was due {format_day(step.due)})"
        lines.append(f"{_ICONS[step.state]} Week {step.step.week} — {step.step.title} · {state}")
    name = plain(status.program_name)
    blocks: list[Block] = [section("Setup sprint", [status_text(status), *lines])]
    if status.next_step is not None:
        subcommand = step_subcommand(status.next_step, ready_to_commit=not status.missing)
        typed = command(f'{subcommand} "{name}"')
        blocks.append(section("", [f"*Next:* {status.next_step.step.title.lower()} — {typed}"]))
    blocks.append(section("", [missing_text(status.missing)]))
    return blocks


def _pod_line(pod: PodHealth) -> str:
    return (
        f"• {plain(pod.pod_name)}: {pod.held} held · {pod.not_held} not held · "
        f"{pod.skipped} skipped (paused) · {pod.not_logged} not logged yet"
    )


def survey_rate_text(rate: SurveyRate, *, threshold: int) -> str:
    """Response counts only; below the anonymity threshold not even the count is shown."""
    day = format_day(rate.occasion)
    if rate.answered < threshold:
        asked = plural(rate.asked, "person", "people")
        return f"• Round of {day}: fewer than {threshold} responses ({asked} asked)"
    share = rate.answered * 100 // rate.asked
    return f"• Round of {day}: {rate.answered} of {rate.asked} people answered ({share}%)"


def _health_blocks(part: OwnerPart) -> list[Block]:
    name = plain(part.program.name)
    enter = command(f'metrics "{name}"')
    sessions = [_pod_line(pod) for pod in part.pods] or ["No 1:1 has been logged yet."]
    blocks: list[Block] = [
        section("1:1s so far, by pod", listed(sessions, more=command("schedule all")))
    ]
    if part.surveys:
        rates = [survey_rate_text(rate, threshold=part.threshold) for rate in part.surveys]
        blocks.append(section("Direct-report survey", rates))
    if part.next_checkpoint is not None:
        head = (
            f"Next checkpoint: month {part.next_checkpoint_month} on "
            f"{format_day(part.next_checkpoint)}"
        )
        missing = (
            listed([f"• {item}" for item in part.missing], more=enter)
            if part.missing
            else ["Every value it needs is in."]
        )
        if part.missing:
            missing.insert(0, f"Still missing ({enter}):")
        blocks.append(section(head, missing))
    deviations = [
        f"• {format_day(item.on)} — {plain(item.field)}: {clip(plain(item.reason), ANSWER_MAX)}"
        for item in part.deviations
    ]
    blocks.append(
        section(
            "Deviations",
            listed(deviations, more="in the program's channel")
            or ["None: the program runs as pre-committed."],
        )
    )
    blocks.append(
        ActionsBlock(
            elements=[
                ButtonElement(
                    text="Export the record (CSV)",
                    action_id=EXPORT_ACTION,
                    value=str(part.program.program_id),
                )
            ]
        )
    )
    return blocks
