"""The checkpoint results: the owners' preview two business days before, and the public post.

PRODUCT "What gets published": per criterion the baseline, now, change, the seed's expected
range, the verdict and the number of data points; missing data said as missing; the locked
definitions' hash; late posts say they are late. An anonymous survey aggregate from fewer
people than the locked threshold never shows a number — not the figure, not the change, not a
verdict computed from it. A survey's "n responses" are n people (each answers once a round), and
its round closes before the preview, so the preview and the post show the same survey figures.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from slack_sdk.models.blocks import Block

from bot.blocks.commit import locked_baseline_text
from bot.blocks.criteria import direction_words, signoff_text
from bot.blocks.prompts.common import (
    context,
    fit_lines,
    header,
    plural,
    reply,
    section,
)
from bot.blocks.prompts.data import (
    CheckpointData,
    CriterionResult,
    PromptContext,
    TrackedBesides,
)
from bot.blocks.reply import Reply
from bot.domain import units
from bot.domain.analysis import Instrument, LockedFigure, Pooled
from bot.domain.localtime import format_day
from bot.domain.metrics import MetricId, Verdict
from bot.domain.mrkdwn import mention, plain
from bot.domain.units import VALUE_STEP, number_text, rounded_text, value_text
from bot.slack_names import COMMAND

METRICS_COMMAND: Final = f"{COMMAND} metrics"


def title(checkpoint: CheckpointData, program_name: str) -> str:
    """``Month-3 checkpoint: Pilot``; the last one is the program's evaluation."""
    what = "evaluation" if checkpoint.final else "checkpoint"
    return f"Month-{checkpoint.month} {what}: {program_name}"


def is_hidden(result: CriterionResult, threshold: int) -> bool:
    """True for an anonymous survey aggregate from too few people to show."""
    return result.anonymous and result.data_points < threshold


def shown_verdict(result: CriterionResult, threshold: int) -> Verdict:
    """The verdict as published: none from answers too few to show."""
    return Verdict.NO_DATA if is_hidden(result, threshold) else result.verdict


def _value(value: Decimal | None, band: str | None, metric_id: MetricId | None = None) -> str:
    """The value with its unit (``units.value_text``): ``52.33 h``, ``83.33%``."""
    if value is None:
        return "_missing_"
    text = rounded_text(value, VALUE_STEP) if metric_id is None else value_text(metric_id, value)
    return f"{text} (DORA band: {band})" if band else text


def change_text(result: CriterionResult) -> str:
    """``−25%``, ``+0.5 points``, ``+10 pp`` (``units.change_text``), with the sign the
    seed's ranges use."""
    if result.baseline is None or result.now is None:
        return "—"
    if result.change is None:
        return "n/a (from a zero baseline)"
    return units.change_text(result.change_kind, result.change)


def missing_text(result: CriterionResult) -> str:
    """Who has no value to compare: leaders by mention, pods (the company's survey) by name."""
    if result.by_pod:
        return ", ".join(f"pod {plain(name)}" for name in result.missing_for)
    return ", ".join(mention(user_id) for user_id in result.missing_for)


def spread_text(result: CriterionResult) -> str:
    """``from −30% to −5%``: the lowest and highest per-leader change."""
    if result.spread is None:
        return ""
    low, high = result.spread
    kind = result.change_kind
    return f"from {units.change_text(kind, low)} to {units.change_text(kind, high)}"


def baseline_text(result: CriterionResult, threshold: int) -> str:
    """The locked baseline with its n, in the very words the pre-commitment printed."""
    if result.baseline is None:
        if result.anonymous:
            return f"fewer than {threshold} responses — not shown"
        return "_missing_"
    if result.instrument is None or result.baseline_n is None or result.metric_id is None:
        return _value(result.baseline, result.baseline_band, result.metric_id)
    locked = LockedFigure(
        metric_id=result.metric_id.value,
        figure=result.baseline,
        n=result.baseline_n,
        instrument=Instrument(result.instrument),
    )
    text = locked_baseline_text(locked, threshold=threshold)
    return f"{text} (DORA band: {result.baseline_band})" if result.baseline_band else text


def uncertainty_text(result: CriterionResult, threshold: int) -> str:
    """The n behind the change and its spread; too few leaders is said plainly."""
    if is_hidden(result, threshold):
        return f"fewer than {threshold} responses"
    if result.anonymous:
        return plural(result.data_points, "response")
    if result.change is None or result.instrument is None:
        return plural(result.data_points, "data point")
    if result.data_points == 1:
        text = f"1 {result.counted}'s own change"
    else:
        text = f"mean of {result.data_points} {result.counted}s' own changes"
    if result.spread is not None and result.data_points > 1:
        text += f", {spread_text(result)}"
    if result.too_few:
        text += " — too few to read as a trend"
    return text


def criterion_block_text(result: CriterionResult, *, number: int, threshold: int) -> str:
    lines = [
        f"*{number}. {plain(result.name)}* — {plain(result.unit)}, "
        f"{direction_words(result.direction)}"
    ]
    baseline = baseline_text(result, threshold)
    if is_hidden(result, threshold):
        lines.append(
            f"Baseline: {baseline} · Now: fewer than {threshold} responses — not shown, to "
            "keep the answers anonymous"
        )
    else:
        now = _value(result.now, None, result.metric_id)
        if result.now is not None and result.now_n is not None and not result.anonymous:
            now += f", {plural(result.now_n, result.counted)}"
        if result.now is not None and result.now_band:
            now += f" (DORA band: {result.now_band})"
        lines.append(f"Baseline: {baseline} · Now: {now} · Change: {change_text(result)}")
    if result.missing_for:
        lines.append(f"Left out of the change (no value to compare): {missing_text(result)}")
    expected = plain(result.expected or "none published")
    points = uncertainty_text(result, threshold)
    verdict = shown_verdict(result, threshold).label
    if result.interim:
        lines.append(f"Is it working? *{verdict}* · {points}")
        lines.append(f"_The framework's 6-month range ({expected}) applies at month 6, not now._")
    else:
        lines.append(f"Expected (the framework's 6-month average): {expected}")
        lines.append(f"Verdict: *{verdict}* · {points}")
    return "\n".join(lines)


def _pooled(pooled: Pooled, threshold: int, what: str) -> str:
    if pooled.mean is None:
        if pooled.n == 0:
            return f"no {what} yet"
        return f"fewer than {threshold} {what} — not shown, so no one's own answer shows"
    return f"{number_text(pooled.mean)} of 5, from {plural(pooled.n, what[:-1])}"


def tracked_text(tracked: TrackedBesides) -> str:
    """The "Tracked besides" section: 360s, attendance and session ratings, pooled."""
    t = tracked.threshold
    return "\n".join(
        [
            "*Tracked besides* — not success criteria; pooled over the cohort, never one "
            f"person's figure (none from fewer than {t} ratings). The 360s are this quarter's; "
            "sessions count since kickoff.",
            "• Leaders' self-efficacy (360, “I feel confident handling the hard parts of "
            f"managing”): {_pooled(tracked.self_efficacy, t, 'ratings')}",
            "• Managers' rating of the leaders (360, “effective as a manager”): "
            f"{_pooled(tracked.manager_rating, t, 'ratings')}",
            "• Coaches' rating (360, “growing as a manager”): "
            f"{_pooled(tracked.coach_rating, t, 'ratings')}",
            f"• 1:1s: {tracked.held} held, {tracked.not_held} not held, "
            f"{tracked.skipped} skipped (leader on pause), {tracked.not_logged} not logged",
            f"• Session ratings (“was useful”): 1:1s "
            f"{_pooled(tracked.one_on_one_rating, t, 'ratings')}; pod sessions "
            f"{_pooled(tracked.pod_rating, t, 'ratings')}",
        ]
    )


def _criteria_blocks(checkpoint: CheckpointData) -> list[Block]:
    return [
        section(
            criterion_block_text(result, number=number, threshold=checkpoint.anonymity_threshold)
        )
        for number, result in enumerate(checkpoint.criteria, start=1)
    ]


def survey_round_note(checkpoint: CheckpointData, *, preview: bool) -> str | None:
    """Why the survey figures cannot move between the preview and the post."""
    if not any(result.anonymous for result in checkpoint.criteria):
        return None
    if preview:
        return (
            "The survey round closed for this preview: answers sent after it are not counted, "
            "so the post shows these same survey figures. Each response is a different person."
        )
    return (
        "Survey figures come from a closed round: it closed when the owners' preview was made, "
        "so the preview and this post show the same figures, and each response is a different "
        "person."
    )


def late_sentence(prompt: PromptContext) -> str | None:
    if prompt.late_by is None:
        return None
    return (
        f"This was due on {format_day(prompt.occasion)} and is posted late because emcoach "
        "was offline."
    )


def build_checkpoint_publish(prompt: PromptContext, checkpoint: CheckpointData) -> Reply:
    name = plain(prompt.program_name)
    heading = title(checkpoint, prompt.program_name)
    late = late_sentence(prompt)
    blocks: list[Block] = [header(heading)]
    if late:
        blocks.append(section(f"_{late}_"))
    blocks.append(
        section(
            f"The results of *{name}* as they stand on {format_day(prompt.occasion)}, against "
            "the baseline locked before the program began — published as promised, whatever "
            "they show."
        )
    )
    blocks += _criteria_blocks(checkpoint)
    if checkpoint.tracked is not None:
        blocks.append(section(tracked_text(checkpoint.tracked)))
    if note := survey_round_note(checkpoint, preview=False):
        blocks.append(context(note))
    signoff = (
        signoff_text(checkpoint.signed_off_by, self_approved=checkpoint.self_approved) + ". "
        if checkpoint.signed_off_by
        else ""
    )
    blocks.append(
        context(
            f"{signoff}Locked definitions SHA-256: `{checkpoint.definitions_hash}`. Missing "
            "data is shown as missing; survey results from fewer than "
            f"{checkpoint.anonymity_threshold} people are never shown. Questions: reply in "
            "the thread."
        )
    )
    verdicts = "; ".join(
        f"{plain(result.name)}: {shown_verdict(result, checkpoint.anonymity_threshold).label}"
        for result in checkpoint.criteria
    )
    text = f"{plain(heading)}. {verdicts}." + (f" {late}" if late else "")
    return reply(text, blocks)


def _missing_line(result: CriterionResult, threshold: int) -> str | None:
    name = plain(result.name)
    if is_hidden(result, threshold):
        return (
            f"• {name}: fewer than {threshold} people answered the survey before its round "
            f"closed for this preview; it will read “fewer than {threshold} responses”"
        )
    if result.missing_for:
        return f"• {name}: no value yet for {missing_text(result)}"
    if result.now is None:
        return f"• {name}: no value yet"
    return None


def build_checkpoint_preview(prompt: PromptContext, checkpoint: CheckpointData) -> Reply:
    day = format_day(prompt.occasion)
    heading = title(checkpoint, prompt.program_name)
    intro = (
        f"On {day} I'll post these results in {mention(checkpoint.channel_id)} as they stand — "
        "the pre-commitment promised it, so it goes out whatever they show. This is what it "
        "would say today:"
    )
    threshold = checkpoint.anonymity_threshold
    missing = [line for result in checkpoint.criteria if (line := _missing_line(result, threshold))]
    if missing:
        gaps = "*Still missing*\n" + fit_lines(missing)
        next_step = (
            f"Add the missing values with `{METRICS_COMMAND}` before {day}; anything still "
            "missing then is published as missing."
        )
    else:
        gaps = "*Nothing is missing.*"
        next_step = (
            f"Nothing to do: it goes out on {day}. To correct a value, use "
            f"`{METRICS_COMMAND}` before then."
        )
    blocks: list[Block] = [
        header(f"Preview — {heading}"),
        section(intro),
        *_criteria_blocks(checkpoint),
        section(gaps),
        section(next_step),
    ]
    if note := survey_round_note(checkpoint, preview=True):
        blocks.append(context(note))
    if checkpoint.final:
        blocks.append(
            context(
                "Planning the next cycle? The framework's advice: once a first external cycle "
                "has produced a formally coached EM, consider mentoring the next cohort "
                "internally."
            )
        )
    else:
        blocks.append(
            context(
                "After the post, agree with the coach how to adjust — continue, change the "
                f"cadence, or change the coach — and record it with `{COMMAND} adjust`."
            )
        )
    text = (
        f"Preview — {plain(heading)}, to be posted in {mention(checkpoint.channel_id)} "
        f"on {day}. {next_step}"
    )
    return reply(text, blocks)
