"""/emcoach baseline: what is entered and missing, and the per-leader and per-pod modals."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    NumberInputElement,
    PlainTextInputElement,
    SectionBlock,
)

from bot.blocks.pod import form_modal
from bot.blocks.reply import SECTION_MAX, Reply
from bot.domain.metrics import ONE_ON_ONE_STATEMENT, MetricDefinition, MetricId, dora_band
from bot.domain.mrkdwn import clip, plain, user_mention
from bot.domain.units import number_text, value_text
from bot.slack_names import COMMAND

BASELINE_LEADER = "baseline_leader"  # button; value: leader id
BASELINE_SURVEY = "baseline_survey"  # button; value: {"pod": id, "metric": id}
BASELINE_LEADER_VIEW = "baseline_leader_modal"
BASELINE_SURVEY_VIEW = "baseline_survey_modal"
# Inputs (action_id = block_id). A leader's value inputs are BASELINE_VALUE_PREFIX + metric id.
BASELINE_VALUE_PREFIX = "baseline_value_"
RETENTION_START = "baseline_retention_start"
RETENTION_LEAVERS = "baseline_retention_leavers"
BASELINE_SOURCE = "baseline_source"
SURVEY_VALUE = "baseline_survey_value"
SURVEY_SOURCE = "baseline_survey_source"

# Slack: 50 blocks a message. A pod takes a divider, its survey rows and up to 4 leaders.
MAX_PODS_SHOWN = 7
SOURCE_MAX = 255  # Baseline.source's column


@dataclass(frozen=True, slots=True, kw_only=True)
class Entry:
    """One criterion's baseline for a leader or a pod; ``value`` None when still missing."""

    metric: MetricDefinition
    value: Decimal | None = None
    details: str | None = None
    source: str | None = None
    # Set when the baseline comes from emcoach's survey round instead of an entered value:
    # how far the round is (never its figure before commit locks it).
    survey_round: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class LeaderEntries:
    leader_id: int
    user_id: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class PodEntries:
    pod_id: int
    name: str
    leaders: tuple[LeaderEntries, ...]
    surveys: tuple[Entry, ...]  # anonymous-survey criteria: one figure per pod

    @property
    def missing(self) -> int:
        rows = [*self.surveys, *(entry for leader in self.leaders for entry in leader.entries)]
        return sum(1 for entry in rows if entry.value is None and entry.survey_round is None)


def retention_counts(details: str | None) -> tuple[int, int] | None:
    """(direct reports at the start of the window, leavers) from a retention row's details."""
    if not details:
        return None
    counts = json.loads(details)
    return int(counts["reports_at_start"]), int(counts["leavers"])


def retention_details(*, reports_at_start: int, leavers: int) -> str:
    return json.dumps({"leavers": leavers, "reports_at_start": reports_at_start}, sort_keys=True)


def round_note(*, people: int, threshold: int) -> str:
    """How far emcoach's baseline round is: a count of people, never a figure."""
    return (
        f"emcoach's baseline survey (program-wide): {people} "
        f"{'person has' if people == 1 else 'people have'} answered; the figure is locked at "
        f"commit, which needs at least {threshold}"
    )


def describe_value(entry: Entry) -> str:
    """``36 h — DORA 2024 band: High``; ``87.5% retained (8 at the start, 1 left)``: the
    value with its unit as every post prints it (``units.value_text``)."""
    if entry.survey_round is not None:
        return entry.survey_round
    if entry.value is None:
        return "_missing_"
    metric = entry.metric
    text = value_text(metric.id, entry.value)
    if metric.id is MetricId.REPORT_RETENTION:
        text += " retained"
    band = dora_band(metric.id, entry.value)
    if band is not None:
        text += f" — DORA {metric.dora_report_year} band: {band}"
    counts = retention_counts(entry.details) if metric.id is MetricId.REPORT_RETENTION else None
    if counts is not None:
        text += f" ({counts[0]} at the start, {counts[1]} left)"
    return text


def _entry_lines(entries: Sequence[Entry]) -> str:
    return "\n".join(f"• {entry.metric.short_name}: {describe_value(entry)}" for entry in entries)


def leader_block(leader: LeaderEntries, *, pod_name: str, action_id: str) -> SectionBlock:
    """A leader's values, one line per criterion, with the button that opens their form
    (``action_id`` says which form: baselines or a checkpoint's values)."""
    entered = any(entry.value is not None for entry in leader.entries)
    return SectionBlock(
        text=MarkdownTextObject(
            text=(
                f"{user_mention(leader.user_id)} (pod {plain(pod_name)})\n"
                f"{_entry_lines(leader.entries)}"
            )
        ),
        accessory=ButtonElement(
            text="Edit values" if entered else "Enter values",
            action_id=action_id,
            value=str(leader.leader_id),
        ),
    )


def survey_block(pod: PodEntries, survey: Entry, *, action_id: str) -> SectionBlock:
    """A pod's survey criterion on its instrument, with the button that opens its form (the
    baseline round's, or the company survey's result for the pod)."""
    if survey.survey_round is not None:
        text = (
            f"*Pod {plain(pod.name)} — {survey.metric.short_name}* (emcoach's anonymous survey "
            f"of the direct reports): {describe_value(survey)}"
        )
        button = "Baseline survey"
    else:
        text = (
            f"*Pod {plain(pod.name)} — {survey.metric.short_name}* (the company's own "
            f"engineering survey, the pod's result): {describe_value(survey)}"
        )
        button = "Edit" if survey.value is not None else "Enter"
    if survey.source:
        text += f"\n_Source:_ {plain(survey.source)}"
    return SectionBlock(
        text=MarkdownTextObject(text=text),
        accessory=ButtonElement(
            text=button,
            action_id=action_id,
            value=json.dumps({"pod": pod.pod_id, "metric": survey.metric.id.value}),
        ),
    )


def _pod_blocks(pod: PodEntries) -> list[Block]:
    blocks: list[Block] = [DividerBlock()]
    for survey in pod.surveys:
        blocks.append(survey_block(pod, survey, action_id=BASELINE_SURVEY))
    blocks += [
        leader_block(leader, pod_name=pod.name, action_id=BASELINE_LEADER) for leader in pod.leaders
    ]
    return blocks


def build_baselines(*, program_name: str, pods: Sequence[PodEntries], locked: str | None) -> Reply:
    """Per leader × criterion (and per pod for the anonymous survey): entered or missing."""
    intro = (
        "Week 4 — where each leader starts, so month 3 and month 6 have something to be "
        "compared with. Enter each value from the data source its definition names."
    )
    if locked:
        intro += f"\n*Locked:* {locked}"
    blocks: list[Block] = [
        HeaderBlock(text=f"Baselines of {program_name}"[:150]),
        SectionBlock(text=MarkdownTextObject(text=intro)),
    ]
    for pod in pods[:MAX_PODS_SHOWN]:
        blocks += _pod_blocks(pod)
    missing = sum(pod.missing for pod in pods)
    footer = (
        f"{missing} value(s) still missing."
        if missing
        else f"Every baseline is in. Next: `{COMMAND} commit` previews the pre-commitment."
    )
    if len(pods) > MAX_PODS_SHOWN:
        hidden = ", ".join(plain(pod.name) for pod in pods[MAX_PODS_SHOWN:])
        footer += f" Not shown: {hidden} — type `{COMMAND} baseline <pod>` to see one."
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=clip(footer, SECTION_MAX))]))
    return Reply(
        text=f"Baselines of {plain(program_name)}: {footer}", blocks=[b.to_dict() for b in blocks]
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class ValueForm:
    """The input ids of a per-leader value form. Baselines and checkpoint values share the
    form and its reading; each flow names its inputs with its own prefix."""

    value_prefix: str
    retention_start: str
    retention_leavers: str
    source: str

    def value_block_id(self, metric: MetricDefinition) -> str:
        return self.value_prefix + metric.id.value

    def first_block_id(self, metric: MetricDefinition) -> str:
        """Where an error about the form as a whole goes: the first input of ``metric``."""
        if metric.id is MetricId.REPORT_RETENTION:
            return self.retention_start
        return self.value_block_id(metric)


BASELINE_FORM = ValueForm(
    value_prefix=BASELINE_VALUE_PREFIX,
    retention_start=RETENTION_START,
    retention_leavers=RETENTION_LEAVERS,
    source=BASELINE_SOURCE,
)


def value_block_id(metric: MetricDefinition) -> str:
    return BASELINE_FORM.value_block_id(metric)


def _number_input(
    *, block_id: str, label: str, hint: str, initial: str | None, decimal: bool
) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=label[:2000],
        optional=True,
        hint=hint[:2000],
        element=NumberInputElement(
            action_id=block_id, is_decimal_allowed=decimal, initial_value=initial
        ),
    )


def _leader_inputs(entry: Entry, form: ValueForm) -> list[Block]:
    metric = entry.metric
    if metric.id is MetricId.REPORT_RETENTION:
        counts = retention_counts(entry.details)
        return [
            _number_input(
                block_id=form.retention_start,
                label="Report Retention: direct reports 12 months ago",
                hint="Everyone who reported to them at the start of the 12-month window "
                "before today. emcoach computes the % retained from the two numbers.",
                initial=str(counts[0]) if counts else None,
                decimal=False,
            ),
            _number_input(
                block_id=form.retention_leavers,
                label="…of whom left the company since",
                hint="A move to another team counts as retained. Source: HR records.",
                initial=str(counts[1]) if counts else None,
                decimal=False,
            ),
        ]
    return [
        _number_input(
            block_id=form.value_block_id(metric),
            label=f"{metric.short_name} ({metric.unit})",
            hint=metric.definition,
            initial=number_text(entry.value) if entry.value is not None else None,
            decimal=True,
        )
    ]


def _source_input(*, block_id: str, label: str, hint: str, optional: bool) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=label,
        optional=optional,
        hint=hint,
        element=PlainTextInputElement(action_id=block_id, max_length=SOURCE_MAX),
    )


def build_leader_values_modal(
    *,
    callback_id: str,
    title: str,
    intro: str,
    source_hint: str,
    form: ValueForm,
    leader: LeaderEntries,
    metadata: Mapping[str, Any],
) -> dict[str, Any]:
    """One input per non-survey criterion (two counts for retention), all optional, and where
    the numbers come from."""
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=clip(intro, SECTION_MAX)))]
    for entry in leader.entries:
        blocks += _leader_inputs(entry, form)
    blocks.append(
        _source_input(
            block_id=form.source,
            label="Where the numbers come from",
            hint=source_hint,
            optional=True,
        )
    )
    return form_modal(callback_id=callback_id, title=title, blocks=blocks, metadata=metadata)


def build_leader_baseline_modal(
    *, program_id: int, pod_name: str, leader: LeaderEntries
) -> dict[str, Any]:
    return build_leader_values_modal(
        callback_id=BASELINE_LEADER_VIEW,
        title="Leader baselines",
        intro=(
            f"Baselines for {user_mention(leader.user_id)} (pod {plain(pod_name)}). Fill in "
            "what you have; empty fields stay as they are."
        ),
        source_hint="e.g. “GitHub and the deploy log, 30 days to 3 Jan”. Kept with the baseline.",
        form=BASELINE_FORM,
        leader=leader,
        metadata={"program": program_id, "leader": leader.leader_id},
    )


def survey_value_inputs(entry: Entry, *, value_id: str, source_id: str) -> list[Block]:
    """The company survey's result for a pod and which survey it is: both needed."""
    return [
        _number_input(
            block_id=value_id,
            label=f"{entry.metric.short_name}: the pod's result, 1.0 to 5.0",
            hint="The mean score of the pod's leaders' direct reports on your survey's 1:1 "
            "question, as your survey reports it.",
            initial=number_text(entry.value) if entry.value is not None else None,
            decimal=True,
        ),
        _source_input(
            block_id=source_id,
            label="Which survey",
            hint="Name, date and number of answers, e.g. “Q4 engineering survey, Dec 2026, 9 "
            "answers”. Kept with the value and shown with it.",
            optional=True,
        ),
    ]


def build_survey_baseline_modal(
    *,
    program_id: int,
    pod_id: int,
    pod_name: str,
    entry: Entry,
    asked: bool,
    people: int,
    threshold: int,
) -> dict[str, Any]:
    """The pod's survey baseline on the instrument locked with the criteria: send emcoach's
    baseline round, or enter the company survey's result for the pod. No second choice."""
    metadata = {"program": program_id, "pod": pod_id, "metric": entry.metric.id.value}
    title = f"{entry.metric.short_name} baseline"[:24]
    if entry.survey_round is None:
        explanation = (
            f"*{entry.metric.short_name} for pod {plain(pod_name)}*, on the company's own "
            "engineering survey, as chosen with the criteria. Enter its result for this pod "
            "now; at month 3 and month 6 you enter its results the same way. The change is "
            "computed on this survey only."
        )
        blocks: list[Block] = [
            SectionBlock(text=MarkdownTextObject(text=explanation)),
            *survey_value_inputs(entry, value_id=SURVEY_VALUE, source_id=SURVEY_SOURCE),
        ]
        return form_modal(
            callback_id=BASELINE_SURVEY_VIEW, title=title, blocks=blocks, metadata=metadata
        )
    explanation = (
        f"*{entry.metric.short_name}*, on emcoach's anonymous survey, as chosen with the "
        "criteria: each direct report of the program's leaders answers one statement on a 1–5 "
        f"agree scale: “{ONE_ON_ONE_STATEMENT}” The same statement goes to the same people at "
        "month 3 and month 6.\n"
    )
    if asked:
        explanation += (
            f"The baseline round is out: {people} "
            f"{'person has' if people == 1 else 'people have'} answered so far. Commit locks "
            f"its mean once at least {threshold} have answered, and shows no figure from fewer. "
            "Sending again asks only direct reports added since."
        )
    else:
        explanation += (
            "Send the baseline round now: everyone answers anonymously, with reminders. Commit "
            f"waits until at least {threshold} people have answered, then locks the round's mean."
        )
    view = form_modal(
        callback_id=BASELINE_SURVEY_VIEW,
        title=title,
        blocks=[SectionBlock(text=MarkdownTextObject(text=explanation))],
        metadata=metadata,
    )
    view["submit"] = {"type": "plain_text", "text": "Send again" if asked else "Send the survey"}
    return view


def round_sent_text(*, added: int, threshold: int) -> str:
    sent = (
        f"Sending it now to {added} direct report(s) of the program's leaders"
        if added
        else "It was already sent to every direct report"
    )
    return (
        f"{sent}: one anonymous statement each, with reminders to those who haven't answered. "
        f"The baseline is the round's mean once at least {threshold} people have answered; "
        f"`{COMMAND} commit` waits for that, then closes the round and locks the figure."
    )


def saved_lines(saved: Sequence[tuple[MetricDefinition, Decimal, str | None]]) -> str:
    """One line per saved value (metric, value, details), with its unit, band and counts."""
    return "\n".join(
        f"• {metric.short_name}: "
        + describe_value(Entry(metric=metric, value=value, details=details))
        for metric, value, details in saved
    )


_MISSING_SHOWN = 8


def baseline_saved_text(
    *,
    who: str,
    saved: Sequence[tuple[MetricDefinition, Decimal, str | None]],
    source: str,
    missing: Sequence[str],
) -> str:
    """What was saved for ``who`` (mrkdwn) and what commit still needs."""
    if missing:
        shown = "; ".join(missing[:_MISSING_SHOWN])
        more = f" and {len(missing) - _MISSING_SHOWN} more" if len(missing) > _MISSING_SHOWN else ""
        after = f"Still missing before commit: {shown}{more}. `{COMMAND} baseline` shows all."
    else:
        after = f"Nothing is missing: preview the pre-commitment with `{COMMAND} commit`."
    return f"Saved for {who} (source: {plain(source)}):\n{saved_lines(saved)}\n{after}"


BASELINE_NOT_OWNER = (
    "Only the program's owners can enter baselines. Ask an owner to add you with "
    f"`{COMMAND} owner add @you`."
)


def no_criteria_text(program_name: str) -> str:
    return (
        f"*{plain(program_name)}* has no success criteria yet, so there is "
        f"nothing to baseline. Choose 2–3 with `{COMMAND} criteria` first."
    )


def no_pods_text(program_name: str) -> str:
    return (
        f"*{plain(program_name)}* has no pods or leaders yet. Add them with "
        f"`{COMMAND} pod`, then come back to `{COMMAND} baseline`."
    )


def no_such_pod_text(
    *, name: str, program_name: str, pod_names: Sequence[str], subcommand: str
) -> str:
    """A pod named after the program that the program does not have, and what to type."""
    names = ", ".join(plain(pod_name) for pod_name in pod_names)
    return (
        f"There's no pod called “{plain(name.strip())}” in "
        f"*{plain(program_name)}*. Its pods: {names}. Type `{COMMAND} {subcommand}` "
        "to see them all."
    )
