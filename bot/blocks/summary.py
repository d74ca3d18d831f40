"""The end of a program: the one-page summary for the budget owner (and the owners' threads).

PRODUCT "The end of a program": results against the locked criteria and the seed's ranges,
what it cost against the planned range, the departure-cost framing, the month-3 decision and
the deviations. The results are the month-6 post's own figures in the post's own words
(``criterion_block_text``), so the page cannot disagree with what was published.
"""

from __future__ import annotations

from typing import Final

from slack_sdk.models.blocks import Block

from bot.blocks.prompts.checkpoint import criterion_block_text
from bot.blocks.prompts.common import context, fit_lines, header, plural, reply, section
from bot.blocks.prompts.data import PromptContext, SummaryData
from bot.blocks.reply import Reply
from bot.domain.cost import (
    DEPARTURE_COST,
    DEPARTURE_COST_WHY,
    MoneyRange,
    break_even_sentence,
    format_usd_range,
)
from bot.domain.localtime import format_day
from bot.domain.mrkdwn import clip, mention, plain
from bot.domain.units import number_text
from bot.slack_names import COMMAND

# Seed, "Week 2 — Decide internal vs. external", word for word.
SEED_NEXT_CYCLE: Final = (
    "Most SMBs under 30 engineers go external for the first cycle and consider transitioning "
    "to internal only after their first cycle has produced an EM who’s been formally coached."
)
SEED_INTERNAL_WORKS: Final = (
    "If you have a senior EM (5+ years experience) who can credibly mentor and has the "
    "capacity, internal works."
)
# A reason or note typed by an owner, shown in full elsewhere; here one page holds them all.
_TYPED_MAX: Final = 300


def _heading(prompt: PromptContext) -> str:
    return f"Summary: {prompt.program_name} is closed"


def _intro(prompt: PromptContext, summary: SummaryData) -> str:
    results = summary.results
    return (
        f"*{plain(prompt.program_name)}* is closed. It ran from {format_day(summary.kickoff)} "
        f"to its month-{results.month} evaluation on {format_day(summary.evaluation)}, which "
        f"was published in {mention(results.channel_id)} as promised. Below: the results "
        "against the criteria that were signed off, what it cost, the month-3 decision and "
        "every deviation from the pre-commitment."
    )


def _attendance(summary: SummaryData) -> str | None:
    tracked = summary.results.tracked
    if tracked is None:
        return None
    return (
        f"Attendance since kickoff — 1:1s: {tracked.held} held, {tracked.not_held} not held, "
        f"{tracked.skipped} skipped (leader on pause), {tracked.not_logged} not logged."
    )


def _compared(spent: MoneyRange, planned: MoneyRange) -> str:
    if spent.high < planned.low:
        return "below the planned range"
    if spent.low > planned.high:
        return "above the planned range"
    return "within the planned range"


def cost_text(summary: SummaryData) -> str:
    """What it cost against the planned range, and against one departure."""
    lines = ["*What it cost*"]
    planned = summary.planned
    if planned is None:
        lines.append(
            "No coaching model was recorded for this program, so there is no planned range to "
            f"compare with (`{COMMAND} cost` prices one)."
        )
        return "\n".join(lines)
    label = planned.model.profile.label
    lines.append(
        f"Planned: {format_usd_range(planned.total)} — {label}, "
        f"{plural(planned.leaders, 'leader')} × {planned.months} months at the framework's "
        "rates (cash and the mentor's time)."
    )
    if summary.spent is not None:
        lines.append(
            f"As run: {number_text(summary.leader_months)} leader-months coached (a leader who "
            f"left counts until they left), {format_usd_range(summary.spent)} at the same rates "
            f"— {_compared(summary.spent, planned.total)}. emcoach sees no invoices: set this "
            "against what was actually paid."
        )
    lines.append(
        f"Against one departure: an EM departure at SMB scale costs "
        f"{format_usd_range(DEPARTURE_COST)} in {DEPARTURE_COST_WHY} (the framework's "
        f"benchmark). {break_even_sentence(planned)}"
    )
    return "\n".join(lines)


def adjustment_text(summary: SummaryData) -> str:
    """The month-3 decision: the latest one stands, earlier ones are the record."""
    if not summary.adjustments:
        return (
            "*The month-3 decision*\nNone was recorded after the month-3 checkpoint: the "
            "program ran on as planned."
        )
    *earlier, latest = summary.adjustments
    lines = [
        "*The month-3 decision*",
        f"*{plain(latest.label)}* — “{plain(clip(latest.note, _TYPED_MAX))}” "
        f"({mention(latest.decided_by)}, {format_day(latest.decided_on)})",
    ]
    lines += [
        f"Earlier: {plain(item.label)} — “{plain(clip(item.note, _TYPED_MAX))}” "
        f"({format_day(item.decided_on)})"
        for item in earlier
    ]
    return "\n".join(lines)


def deviations_text(summary: SummaryData) -> str:
    if not summary.deviations:
        return (
            "*Deviations from the pre-commitment*\nNone: the criteria, baselines, threshold "
            "and dates stayed as committed."
        )
    lines: list[str] = []
    for deviation in summary.deviations:
        lines.append(
            f"• {format_day(deviation.announced_on)} — {deviation.field.phrase}: "
            f"“{plain(clip(deviation.reason, _TYPED_MAX))}”"
        )
        lines += [f"    {line.what}: {line.old} → {line.new}" for line in deviation.changes]
    heading = f"*Deviations from the pre-commitment* ({len(summary.deviations)})\n"
    return heading + fit_lines(lines, limit=3000 - len(heading))


def next_text() -> str:
    return (
        f"What owners can do next: `{COMMAND} export` sends the whole record as CSV files; "
        f"`{COMMAND} renew` starts the next cohort from this one (same criteria, coach "
        f"decision revisited); `{COMMAND} delete` removes the program and everything emcoach "
        f"holds about it. The framework on the next cycle: “{SEED_NEXT_CYCLE}”"
    )


def build_closing_summary(prompt: PromptContext) -> Reply:
    """The page, for the budget owner's DM or as a reply under an owner's month-6 preview."""
    summary = prompt.data
    if not isinstance(summary, SummaryData):
        raise TypeError(f"a {prompt.kind} prompt needs SummaryData, got {type(summary).__name__}")
    results = summary.results
    threshold = results.anonymity_threshold
    blocks: list[Block] = [
        header(_heading(prompt)),
        section(_intro(prompt, summary)),
        section("*Results against the locked criteria* (as published)"),
        *(
            section(criterion_block_text(result, number=number, threshold=threshold))
            for number, result in enumerate(results.criteria, start=1)
        ),
    ]
    if attendance := _attendance(summary):
        blocks.append(context(attendance))
    blocks += [
        section(cost_text(summary)),
        section(adjustment_text(summary)),
        section(deviations_text(summary)),
        context(
            f"Locked definitions SHA-256: `{results.definitions_hash}`. Survey results from "
            f"fewer than {threshold} people are never shown."
        ),
        context(next_text()),
    ]
    built = reply(f"{plain(_heading(prompt))}: results, cost, decisions and deviations.", blocks)
    return Reply(text=built.text, blocks=built.blocks, thread_ts=summary.thread_ts)
