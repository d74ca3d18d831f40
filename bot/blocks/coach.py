"""/emcoach coach (setup week 2): two questions, the recommendation, and the decision."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    InputBlock,
    MarkdownTextObject,
    NumberInputElement,
    Option,
    RadioButtonsElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.blocks.reply import program_metadata
from bot.domain.coach_choice import MAX_HEADCOUNT, MIN_HEADCOUNT, CoachChoice, CoachRecommendation
from bot.domain.cost import CostEstimate, format_usd_range
from bot.domain.mrkdwn import plain
from bot.slack_names import COMMAND

COACH_VIEW = "coach_questions"
COACH_DECISION_VIEW = "coach_decision"
COACH_DONE_VIEW = "coach_done"
COACH_HEADCOUNT_BLOCK = "coach_headcount"
COACH_HEADCOUNT_ACTION = "coach_headcount_count"
COACH_SENIOR_BLOCK = "coach_senior_em"
COACH_SENIOR_ACTION = "coach_senior_em_answer"
COACH_DECISION_BLOCK = "coach_decision"
COACH_DECISION_ACTION = "coach_decision_choice"

YES, NO = "yes", "no"
# What ``Program.coach_decision`` holds.
DECISIONS = (CoachRecommendation.EXTERNAL.value, CoachRecommendation.INTERNAL.value)
DECISION_WORDS = {
    CoachRecommendation.EXTERNAL.value: "an external coach",
    CoachRecommendation.INTERNAL.value: "an internal mentor",
}

_TITLE = "Internal or external?"


@dataclass(frozen=True, slots=True)
class CoachAnswers:
    """The questions' answers as submitted, still as typed."""

    headcount: str
    senior_em: str | None  # YES, NO, or None when not answered


def build_coach_modal(
    *, program_id: int, program_name: str, current_decision: str | None
) -> dict[str, Any]:
    intro = (
        f"Week 2 of setting up *{plain(program_name)}*: will an internal mentor or an external "
        "coach work with your leaders? Two questions, then a recommendation with its reasons."
    )
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=intro))]
    if current_decision in DECISION_WORDS:
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=f"Decided so far: {DECISION_WORDS[current_decision]}. Answer "
                        "again to confirm or change it."
                    )
                ]
            )
        )
    blocks += [
        InputBlock(
            block_id=COACH_HEADCOUNT_BLOCK,
            label="How many engineers does your company have?",
            hint="Everyone in engineering, managers included.",
            element=NumberInputElement(
                action_id=COACH_HEADCOUNT_ACTION,
                is_decimal_allowed=False,
                min_value=MIN_HEADCOUNT,
                max_value=MAX_HEADCOUNT,
                placeholder="25",
            ),
        ),
        InputBlock(
            block_id=COACH_SENIOR_BLOCK,
            label=(
                "Do you have a senior EM with 5+ years of experience AND the capacity to mentor?"
            ),
            hint="Both must be true. Don't count someone who would have to squeeze it in.",
            element=RadioButtonsElement(
                action_id=COACH_SENIOR_ACTION,
                options=[
                    Option(value=YES, text="Yes, both"),
                    Option(value=NO, text="No, or not both"),
                ],
            ),
        ),
    ]
    view = View(
        type="modal",
        callback_id=COACH_VIEW,
        title=_TITLE,
        submit="Recommend",
        close="Cancel",
        private_metadata=program_metadata(program_id),
        blocks=blocks,
    )
    return view.to_dict()


def coach_answers_from_state(values: Mapping[str, Any]) -> CoachAnswers:
    headcount = values.get(COACH_HEADCOUNT_BLOCK, {}).get(COACH_HEADCOUNT_ACTION) or {}
    senior = values.get(COACH_SENIOR_BLOCK, {}).get(COACH_SENIOR_ACTION) or {}
    selected = senior.get("selected_option") or {}
    answer = selected.get("value")
    return CoachAnswers(
        headcount=headcount.get("value") or "",
        senior_em=answer if answer in {YES, NO} else None,
    )


def decision_from_state(values: Mapping[str, Any]) -> str | None:
    element = values.get(COACH_DECISION_BLOCK, {}).get(COACH_DECISION_ACTION) or {}
    value = (element.get("selected_option") or {}).get("value")
    return value if value in DECISIONS else None


def _cost_line(cost: CostEstimate) -> str:
    label = cost.model.profile.label
    if cost.total_opportunity.high > 0:
        return (
            f"{label}: $0 cash, ~{format_usd_range(cost.total_opportunity)} of your senior "
            "EM's time"
        )
    return f"{label}: {format_usd_range(cost.total_cash)} cash"


def build_coach_recommendation(
    *,
    program_id: int,
    program_name: str,
    choice: CoachChoice,
    costs: Sequence[CostEstimate],
    leaders_note: str,
) -> dict[str, Any]:
    """The recommendation, its reasons, the options priced, and the decision to record.

    ``costs`` are the priced options to compare; ``leaders_note`` says which number of
    leaders they were priced for and why.
    """
    reasons = "\n".join(f"• {reason}" for reason in choice.reasons)
    priced = "\n".join(f"• {_cost_line(cost)}" for cost in costs)
    months = costs[0].months if costs else choice.internal_cost.months
    initial = (
        choice.recommendation.value
        if choice.recommendation is not CoachRecommendation.EITHER
        else None
    )
    options = [
        Option(
            value=CoachRecommendation.EXTERNAL.value,
            text="External coach",
            description="Cash cost, fast ramp, no time taken from delivery",
        ),
        Option(
            value=CoachRecommendation.INTERNAL.value,
            text="Internal mentor",
            description="A senior EM (5+ years) who has the capacity mentors",
        ),
    ]
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=f"*{choice.headline}*\n{reasons}")),
        DividerBlock(),
        SectionBlock(
            text=MarkdownTextObject(
                text=f"*What it would cost over {months} months*\n{priced}\n_{leaders_note}_"
            )
        ),
        InputBlock(
            block_id=COACH_DECISION_BLOCK,
            label=f"Your decision for {program_name}",
            hint="Recording it completes week 2 of the setup sprint. You can change it later.",
            element=RadioButtonsElement(
                action_id=COACH_DECISION_ACTION,
                options=options,
                initial_option=next(
                    (option for option in options if option.value == initial), None
                ),
            ),
        ),
    ]
    view = View(
        type="modal",
        callback_id=COACH_DECISION_VIEW,
        title=_TITLE,
        submit="Record decision",
        close="Not now",
        private_metadata=program_metadata(program_id),
        blocks=blocks,
    )
    return view.to_dict()


def build_coach_decided(
    *, program_name: str, decision: str, previous: str | None, committed: bool
) -> dict[str, Any]:
    """Confirmation: what was recorded, and what to do next."""
    chosen = DECISION_WORDS[decision]
    if previous in DECISION_WORDS and previous != decision:
        what = f"Changed *{plain(program_name)}* from {DECISION_WORDS[previous]} to {chosen}."
    else:
        what = f"Recorded for *{plain(program_name)}*: {chosen}."
    if committed:
        after = (
            "The pods keep their coaches: this decision doesn't change them. To change a "
            f"pod's coach, use `{COMMAND} pod`."
        )
    else:
        who = "your senior EM" if decision == CoachRecommendation.INTERNAL.value else "the coach"
        after = (
            "Week 2 of the setup sprint is done. *Next:* week 3 — set up the pods with "
            f"`{COMMAND} pod`, with {who} as a pod's coach. `{COMMAND} status` shows the "
            "whole checklist."
        )
    view = View(
        type="modal",
        callback_id=COACH_DONE_VIEW,
        title=_TITLE,
        close="Done",
        blocks=[SectionBlock(text=MarkdownTextObject(text=f"{what}\n{after}"))],
    )
    return view.to_dict()


def build_coach_refusal(text: str) -> dict[str, Any]:
    """A modal in place of the form when the person may no longer record for the program."""
    view = View(
        type="modal",
        callback_id=COACH_DONE_VIEW,
        title=_TITLE,
        close="Close",
        blocks=[SectionBlock(text=MarkdownTextObject(text=text))],
    )
    return view.to_dict()


NOT_OWNER = (
    "Only this program's owners can decide on its coach. Ask an owner to add you with "
    f"`{COMMAND} owner add @you`, or run `{COMMAND} coach` for a program you own."
)


def leaders_note(leaders: int, *, counted: bool) -> str:
    """Where the number of leaders priced comes from (the pods, or one full pod)."""
    if counted:
        return f"Priced for the {leaders} leader(s) in your pods."
    return (
        f"Priced for {leaders} leaders (one full pod); once you add your leaders with "
        f"`{COMMAND} pod`, `{COMMAND} cost` prices your own numbers."
    )
