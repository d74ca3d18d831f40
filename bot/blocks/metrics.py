"""/emcoach metrics: each leader's values for the open checkpoint, and the per-leader form.

The form is the baselines' one (``build_leader_values_modal``) with this flow's input ids, so
a value is typed, checked and shown the same way at week 4, month 3 and month 6.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Final

from slack_sdk.models.blocks import Block, DividerBlock

from bot.blocks.baseline import (
    Entry,
    LeaderEntries,
    PodEntries,
    ValueForm,
    build_leader_values_modal,
    leader_block,
    saved_lines,
    survey_block,
    survey_value_inputs,
)
from bot.blocks.pod import form_modal
from bot.blocks.prompts.checkpoint import METRICS_COMMAND
from bot.blocks.prompts.common import context, header, section
from bot.blocks.reply import Reply
from bot.domain.localtime import format_day
from bot.domain.metrics import MetricDefinition
from bot.domain.mrkdwn import mention, plain, user_mention

METRICS_LEADER: Final = "metrics_leader"  # button; value: leader id
METRICS_LEADER_VIEW: Final = "metrics_leader_modal"
# The company survey's result for a pod: button value {"pod": id, "metric": id}; its modal's
# inputs use their block id as action id.
METRICS_POD: Final = "metrics_pod"
METRICS_POD_VIEW: Final = "metrics_pod_modal"
METRICS_POD_VALUE: Final = "metrics_pod_value"
METRICS_POD_SOURCE: Final = "metrics_pod_source"
METRICS_FORM: Final = ValueForm(
    value_prefix="metrics_value_",
    retention_start="metrics_retention_start",
    retention_leavers="metrics_retention_leavers",
    source="metrics_source",
)
# Slack: 50 blocks a message. Four fixed blocks, then a divider and up to 4 leaders a pod.
MAX_PODS_SHOWN: Final = 9


@dataclass(frozen=True, slots=True, kw_only=True)
class OpenCheckpoint:
    """The checkpoint whose values are being entered, as the person is told about it."""

    program_name: str
    month: int
    occasion: date  # the checkpoint date: the results post and the measurement date
    channel_id: str
    late: bool  # the date has passed and the post has not gone out yet
    earlier: str | None = None  # the previous checkpoint's publication, when there was one


def published_sentence(*, month: int, published_on: date, next_month: int | None) -> str:
    """Why a checkpoint's values no longer change: its results are out."""
    first = f"The month-{month} results were published on {format_day(published_on)}"
    if next_month is None:
        return f"{first}; the program's values are final."
    return f"{first}; values entered now count for month {next_month}."


def when_published(checkpoint: OpenCheckpoint) -> str:
    day = format_day(checkpoint.occasion)
    where = mention(checkpoint.channel_id) if checkpoint.channel_id else "the publish channel"
    if checkpoint.late:
        return (
            f"The month-{checkpoint.month} results were due on {day} and go out in {where} "
            "as soon as emcoach can post them, with the values as they stand then."
        )
    return f"The month-{checkpoint.month} results go out in {where} on {day} as they stand."


def survey_note(names: Sequence[str], *, threshold: int) -> str:
    criteria = " and ".join(f"*{plain(name)}*" for name in names)
    return (
        f"{criteria} isn't entered here: it comes from the anonymous survey of each leader's "
        "direct reports, sent a week before the checkpoint. Fewer than "
        f"{threshold} answers are never shown; they read “fewer than {threshold} responses”."
    )


def build_checkpoint_values(
    *,
    checkpoint: OpenCheckpoint,
    pods: Sequence[PodEntries],
    survey_names: Sequence[str],
    anonymity_threshold: int,
) -> Reply:
    """Per leader × criterion entered or missing, with the button that opens their form."""
    day = format_day(checkpoint.occasion)
    intro = (
        f"{when_published(checkpoint)} Enter each leader's value measured as its definition "
        f"says, for the window ending on {day}, from the data source it names."
    )
    if checkpoint.earlier:
        intro = f"{checkpoint.earlier}\n{intro}"
    blocks: list[Block] = [
        header(f"Month-{checkpoint.month} values: {checkpoint.program_name}"),
        section(intro),
    ]
    if survey_names:
        blocks.append(section(survey_note(survey_names, threshold=anonymity_threshold)))
    for pod in pods[:MAX_PODS_SHOWN]:
        if pod.leaders or pod.surveys:
            blocks.append(DividerBlock())
        blocks += [survey_block(pod, survey, action_id=METRICS_POD) for survey in pod.surveys]
        blocks += [
            leader_block(leader, pod_name=pod.name, action_id=METRICS_LEADER)
            for leader in pod.leaders
        ]
    missing = sum(pod.missing for pod in pods)
    if not any(pod.leaders or pod.surveys for pod in pods):
        footer = "There is nothing to enter per leader: no leader, or no criterion entered by hand."
    elif missing:
        footer = (
            f"{missing} value(s) still missing for month {checkpoint.month}; anything still "
            "missing when the results go out is published as missing."
        )
    else:
        footer = f"Every month-{checkpoint.month} value is in. To correct one, press its button."
    if len(pods) > MAX_PODS_SHOWN:
        hidden = ", ".join(plain(pod.name) for pod in pods[MAX_PODS_SHOWN:])
        footer += f" Not shown: {hidden} — type `{METRICS_COMMAND} <pod>` to see one."
    blocks.append(context(footer))
    text = f"Month-{checkpoint.month} values of {plain(checkpoint.program_name)}: {footer}"
    return Reply(text=text, blocks=[block.to_dict() for block in blocks])


def build_leader_checkpoint_modal(
    *, program_id: int, month: int, occasion: date, pod_name: str, leader: LeaderEntries
) -> dict[str, Any]:
    day = format_day(occasion)
    return build_leader_values_modal(
        callback_id=METRICS_LEADER_VIEW,
        title=f"Month-{month} values",
        intro=(
            f"Month-{month} values for {user_mention(leader.user_id)} (pod {plain(pod_name)}), "
            f"measured as each definition says for the window ending on {day}. Fill in what you "
            "have; empty fields stay as they are."
        ),
        source_hint=(
            f"e.g. “GitHub and the deploy log, 30 days to {day}”. Kept with the value, so the "
            "published figure can be traced back."
        ),
        form=METRICS_FORM,
        leader=leader,
        metadata={"program": program_id, "leader": leader.leader_id, "month": month},
    )


def build_pod_checkpoint_modal(
    *, program_id: int, pod_id: int, month: int, occasion: date, pod_name: str, entry: Entry
) -> dict[str, Any]:
    """The company survey's month-``month`` result for one pod, with which survey it is."""
    day = format_day(occasion)
    intro = (
        f"*{entry.metric.short_name} for pod {plain(pod_name)}, month {month}*, on the "
        "company's own engineering survey (the instrument locked with the criteria). Enter "
        f"its latest result for this pod before {day}; the change is computed against the "
        "pod's baseline from the same survey, never against emcoach's."
    )
    return form_modal(
        callback_id=METRICS_POD_VIEW,
        title=f"Month-{month} survey",
        blocks=[
            section(intro),
            *survey_value_inputs(entry, value_id=METRICS_POD_VALUE, source_id=METRICS_POD_SOURCE),
        ],
        metadata={
            "program": program_id,
            "pod": pod_id,
            "metric": entry.metric.id.value,
            "month": month,
        },
    )


def _values_saved_text(
    *,
    who: str,
    month: int,
    saved: Sequence[tuple[MetricDefinition, Decimal, str | None]],
    source: str,
    missing: int,
    published: str,
) -> str:
    after = (
        f"{missing} value(s) still missing for month {month}: `{METRICS_COMMAND}` shows them."
        if missing
        else f"Every month-{month} value is in."
    )
    return (
        f"Saved for {who}, month {month} (source: {plain(source)}):\n"
        f"{saved_lines(saved)}\n{after} {published}"
    )


def pod_value_saved_text(
    *,
    pod_name: str,
    month: int,
    saved: Sequence[tuple[MetricDefinition, Decimal, str | None]],
    source: str,
    missing: int,
    published: str,
) -> str:
    """What was saved for a pod (the company survey's result) and what is still missing."""
    return _values_saved_text(
        who=f"pod {plain(pod_name)}",
        month=month,
        saved=saved,
        source=source,
        missing=missing,
        published=published,
    )


def leader_values_saved_text(
    *,
    user_id: str,
    month: int,
    saved: Sequence[tuple[MetricDefinition, Decimal, str | None]],
    source: str,
    missing: int,
    published: str,
) -> str:
    """What was saved for a leader and what is still missing."""
    return _values_saved_text(
        who=user_mention(user_id),
        month=month,
        saved=saved,
        source=source,
        missing=missing,
        published=published,
    )
