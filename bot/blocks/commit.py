"""The public pre-commitment: what the program promises, posted before it starts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks.criteria import SELF_APPROVED_NOTE, criterion_text, signoff_text
from bot.blocks.reply import SECTION_MAX, Reply
from bot.domain.analysis import Instrument, LockedFigure, is_survey, rule_text
from bot.domain.localtime import format_day
from bot.domain.mrkdwn import channel_mention, clip, plain, user_mention
from bot.domain.units import value_text
from bot.slack_names import COMMAND

COMMIT_CONFIRM = "commit_confirm"
COMMIT_CANCEL = "commit_cancel"


@dataclass(frozen=True, slots=True, kw_only=True)
class Commitment:
    program_name: str
    criteria: Sequence[dict[str, Any]]  # the frozen definitions (MetricDefinition.to_dict())
    criteria_hash: str
    signed_off_by: str
    signed_off_on: date
    baseline_date: date
    kickoff: date
    midpoint: date
    evaluation: date
    anonymity_threshold: int
    publish_channel_id: str
    pods: int
    leaders: int
    self_approved: bool = False  # the budget owner who signed off is also a program owner
    # Each criterion's locked baseline (pooled, with n and instrument), in criteria order.
    baselines: Sequence[LockedFigure] = ()


def commitment_text(commitment: Commitment) -> str:
    names = ", ".join(plain(str(criterion["name"])) for criterion in commitment.criteria)
    return (
        f"Pre-commitment: {plain(commitment.program_name)} will publish its results here on "
        f"{format_day(commitment.midpoint)} (month 3) and "
        f"{format_day(commitment.evaluation)} (month 6), whatever they show. Criteria: {names}."
        + (f" Criteria {SELF_APPROVED_NOTE}." if commitment.self_approved else "")
    )


def locked_baseline_text(
    locked: LockedFigure, *, threshold: int, survey_closes: date | None = None
) -> str:
    """``52.33 h, pooled over 4 leaders``; for a survey, the people in the round. The figure
    reads as every other figure does (``units.value_text``), in every post alike."""
    if is_survey(locked.instrument):
        if locked.instrument is Instrument.EMCOACH_SURVEY:
            who = "person" if locked.n == 1 else "people"
        else:
            who = "pod" if locked.n == 1 else "pods"
        if locked.figure is None:
            if locked.instrument is Instrument.EMCOACH_SURVEY:
                when = (
                    f", when the round closes on {format_day(survey_closes)}"
                    if survey_closes
                    else ""
                )
                return (
                    f"the baseline round's mean, locked once at least {threshold} people have "
                    f"answered{when} ({locked.n} so far; never shown from fewer than {threshold})"
                )
            return "no figure"
        return f"{value_text(locked.metric_id, locked.figure)}, from {locked.n} {who}"
    if locked.figure is None:
        return "no figure"
    leaders = "leader" if locked.n == 1 else "leaders"
    return f"{value_text(locked.metric_id, locked.figure)}, pooled over {locked.n} {leaders}"


def analysis_text(
    criterion: Mapping[str, Any], locked: LockedFigure, *, threshold: int, kickoff: date
) -> str:
    """The pre-registered part of one criterion: baseline, instrument, rule."""
    return "\n".join(
        [
            "_Locked baseline:_ "
            + locked_baseline_text(locked, threshold=threshold, survey_closes=kickoff),
            f"_Instrument:_ {locked.instrument.words}",
            f"_Analysis rule:_ {rule_text(locked.instrument)}; month 3 reports the direction, "
            "month 6 is compared with the expected range",
        ]
    )


def build_commitment_blocks(commitment: Commitment) -> list[dict[str, Any]]:
    promise = (
        f"We will post the results of *{plain(commitment.program_name)}* in "
        f"{channel_mention(commitment.publish_channel_id)} on "
        f"*{format_day(commitment.midpoint)}* (month 3, mid-program adjustment) and "
        f"*{format_day(commitment.evaluation)}* (month 6, evaluation) — *whatever they show*. "
        "(Month 3 and month 6 after kickoff; a date on a weekend moves to the next business "
        "day.) Each result is compared with the baseline below and with the range the program "
        "framework expects; missing data is reported as missing."
    )
    facts = (
        f"*Kickoff:* {format_day(commitment.kickoff)}   *Baseline taken:* "
        f"{format_day(commitment.baseline_date)}\n"
        f"*Checkpoints:* month 3 on {format_day(commitment.midpoint)}, month 6 on "
        f"{format_day(commitment.evaluation)}\n"
        f"*Cohort:* {commitment.leaders} leader(s) in {commitment.pods} pod(s)\n"
        f"*Anonymity:* survey results from fewer than {commitment.anonymity_threshold} people "
        "are never shown.\n"
        + signoff_text(
            commitment.signed_off_by,
            self_approved=commitment.self_approved,
            on=commitment.signed_off_on,
        )
        + "."
    )
    blocks: list[Any] = [
        HeaderBlock(text=f"Pre-commitment: {commitment.program_name}"[:150]),
        SectionBlock(text=MarkdownTextObject(text=promise)),
        SectionBlock(text=MarkdownTextObject(text="*Success criteria*")),
    ]
    locked = {figure.metric_id: figure for figure in commitment.baselines}
    for number, criterion in enumerate(commitment.criteria, start=1):
        text = criterion_text(criterion, number=number)
        if (figure := locked.get(str(criterion["id"]))) is not None:
            text += "\n" + analysis_text(
                criterion,
                figure,
                threshold=commitment.anonymity_threshold,
                kickoff=commitment.kickoff,
            )
        blocks.append(SectionBlock(text=MarkdownTextObject(text=clip(text, SECTION_MAX))))
    blocks += [
        DividerBlock(),
        SectionBlock(text=MarkdownTextObject(text=facts)),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=(
                        f"Definitions SHA-256: `{commitment.criteria_hash}`; the locked record "
                        "(definitions, baselines, rules, dates) and the command that checks it "
                        "are in the thread. From now on the "
                        "criteria, baselines, anonymity threshold and dates are locked; any "
                        "change is posted here first, with its reason, as a deviation."
                    )
                )
            ]
        ),
    ]
    return [block.to_dict() for block in blocks]


def build_commit_preview(commitment: Commitment, *, program_id: int) -> Reply:
    intro = SectionBlock(
        text=MarkdownTextObject(
            text=(
                f"*Preview* — this is what I'll post in "
                f"{channel_mention(commitment.publish_channel_id)}. "
                "Once posted, the criteria, baselines, threshold and dates are locked."
            )
        )
    )
    buttons = ActionsBlock(
        elements=[
            ButtonElement(
                text="Post the pre-commitment",
                action_id=COMMIT_CONFIRM,
                value=str(program_id),
                style="primary",
            ),
            ButtonElement(text="Not yet", action_id=COMMIT_CANCEL, value=str(program_id)),
        ]
    )
    blocks = [intro.to_dict(), *build_commitment_blocks(commitment), buttons.to_dict()]
    return Reply(
        text="Preview of the pre-commitment: " + commitment_text(commitment), blocks=blocks
    )


def build_commit_missing(program_name: str, missing: Sequence[str]) -> Reply:
    lines = "\n".join(f"• {item}" for item in missing)
    text = (
        f"*{plain(program_name)}* can't be committed yet. Still missing:\n{lines}\n"
        f"`{COMMAND} status` shows the whole checklist with a button for the next step."
    )
    return Reply(text=text, blocks=[SectionBlock(text=MarkdownTextObject(text=text)).to_dict()])


def build_committed(commitment: Commitment) -> Reply:
    text = (
        f"Posted the pre-commitment of *{plain(commitment.program_name)}* in "
        f"{channel_mention(commitment.publish_channel_id)} and sent it to "
        f"{user_mention(commitment.signed_off_by)}. "
        f"The results will be published there on {format_day(commitment.midpoint)} and "
        f"{format_day(commitment.evaluation)}. Criteria, baselines, threshold and dates are now "
        f"locked: to change one, post a deviation with `{COMMAND} deviation <what> <reason>`."
    )
    return Reply(text=text, blocks=[SectionBlock(text=MarkdownTextObject(text=text)).to_dict()])


def build_not_in_channel(channel_id: str, *, error: str = "not_in_channel") -> Reply:
    """Slack refused the post for good: nothing was posted, so nothing is locked."""
    channel = channel_mention(channel_id)
    if error == "is_archived":
        fix = (
            f"{channel} is archived: unarchive it (or pick another channel with `{COMMAND} setup`)"
        )
    elif error == "channel_not_found":
        fix = (
            f"I can't see {channel}: invite me there with `/invite @emcoach`, or pick "
            f"another channel with `{COMMAND} setup`"
        )
    else:
        fix = f"I'm not a member of {channel}: open it and type `/invite @emcoach`"
    return _section_reply(
        f"I couldn't post in {channel}, so nothing was posted and nothing is locked. "
        f"{fix}, then run `{COMMAND} commit` again."
    )


def build_commit_refused(program_name: str, channel_id: str, *, error: str | None) -> Reply:
    """Slack refused the post for another reason (for example, after retries ran out)."""
    reason = f" (Slack said `{plain(error)}`)" if error else ""
    return _section_reply(
        f"The pre-commitment of *{plain(program_name)}* could not be posted in "
        f"{channel_mention(channel_id)}"
        f"{reason}, so nothing is locked and the program can still be committed. Run "
        f"`{COMMAND} commit` again in a few minutes."
    )


def build_commit_posting(program_name: str, channel_id: str) -> Reply:
    """Recorded and locked, with Slack's answer not confirmed yet (a timeout, an outage)."""
    return _section_reply(
        f"The pre-commitment of *{plain(program_name)}* is recorded and locked, and on its way "
        f"to {channel_mention(channel_id)}: Slack hasn't confirmed the post yet. I check the "
        "channel and post it if it isn't there — never twice. Nothing else to do: "
        f"`{COMMAND} status` shows when it is done."
    )


def _section_reply(text: str) -> Reply:
    return Reply(text=text, blocks=[SectionBlock(text=MarkdownTextObject(text=text)).to_dict()])


def already_committed_text(name: str, channel_id: str) -> str:
    return (
        f"*{plain(name)}* is already committed: the pre-commitment is in "
        f"{channel_mention(channel_id)}. To change a locked part, post a deviation with "
        f"`{COMMAND} deviation <what> <reason>`."
    )


PROGRAM_GONE = "That program no longer exists."
ONLY_OWNERS_COMMIT = "Only the program's owners can commit it."
COMMIT_BUTTON_OUTDATED = f"That button is out of date. Run `{COMMAND} commit` again."
NOT_POSTED = f"Not posted. Run `{COMMAND} commit` again when you're ready."
