"""/emcoach check: the five conditions as a modal, and the verdict shown in its place."""

from __future__ import annotations

from collections.abc import Mapping, Set
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    ContextBlock,
    DividerBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.blocks.reply import program_metadata
from bot.domain.eligibility import CONDITIONS_FOR_PROGRAM, Assessment, Condition, EligibilityVerdict
from bot.domain.mrkdwn import plain
from bot.slack_names import COMMAND

CHECK_VIEW = "check_conditions"
CHECK_RESULT_VIEW = "check_result"
# One input block per condition: a block's label holds the seed's whole sentence (2,000
# characters), where a checkbox option holds only 75.
CHECK_CONDITION_BLOCK = "check_condition"
CHECK_CONDITION_ACTION = "check_condition_true"
CHECK_TRUE_LABEL = "True for us"

_TITLE = "Time for a program?"


def condition_block_id(condition: Condition) -> str:
    return f"{CHECK_CONDITION_BLOCK}:{condition.value}"


def build_check_modal(
    *, program_id: int | None, program_name: str | None, checked: Set[Condition]
) -> dict[str, Any]:
    """The questionnaire; ``checked`` pre-fills answers stored on the draft program."""
    intro = (
        "Which of these are true for your company today? Tick each one that is. A mentoring "
        f"program makes sense when at least {CONDITIONS_FOR_PROGRAM} are."
    )
    if program_name is not None:
        intro += f"\nYour answers will be saved on your draft program *{plain(program_name)}*."
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=intro))]
    for condition in Condition:
        option = Option(value=condition.value, text=CHECK_TRUE_LABEL)
        blocks.append(
            InputBlock(
                block_id=condition_block_id(condition),
                label=condition.sentence,
                optional=True,
                element=CheckboxesElement(
                    action_id=CHECK_CONDITION_ACTION,
                    options=[option],
                    initial_options=[option] if condition in checked else None,
                ),
            )
        )
    view = View(
        type="modal",
        callback_id=CHECK_VIEW,
        title=_TITLE,
        submit="See the verdict",
        close="Cancel",
        private_metadata=program_metadata(program_id),
        blocks=blocks,
    )
    return view.to_dict()


def conditions_from_state(values: Mapping[str, Any]) -> frozenset[Condition]:
    """The ticked conditions in a submitted ``view.state.values``."""
    ticked = set()
    for condition in Condition:
        element = values.get(condition_block_id(condition), {}).get(CHECK_CONDITION_ACTION, {})
        if element.get("selected_options"):
            ticked.add(condition)
    return frozenset(ticked)


def build_check_result(
    assessment: Assessment, *, saved_on: str | None, override: bool
) -> dict[str, Any]:
    """The verdict with its reasons, where it was stored, and what to do next."""
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=f"*{assessment.headline}*")),
        SectionBlock(text=MarkdownTextObject(text=_lines_text(assessment))),
        DividerBlock(),
    ]
    if saved_on is not None:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=_saved_text(saved_on, override))))
    blocks.append(
        SectionBlock(text=MarkdownTextObject(text=_next_text(assessment, saved_on=saved_on)))
    )
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"Things change: run `{COMMAND} check` again whenever they do."
                )
            ]
        )
    )
    view = View(
        type="modal", callback_id=CHECK_RESULT_VIEW, title=_TITLE, close="Done", blocks=blocks
    )
    return view.to_dict()


def _lines_text(assessment: Assessment) -> str:
    lines = "\n".join(f"• {line}" for line in assessment.lines)
    if assessment.verdict is EligibilityVerdict.RECOMMENDED:
        return f"Why:\n{lines}"
    return lines


def _saved_text(program_name: str, override: bool) -> str:
    text = f"Saved your answers on *{plain(program_name)}*."
    if override:
        text += (
            " The check doesn't recommend a program now, so going ahead with "
            f"*{plain(program_name)}* is recorded on it as a decision against this advice."
        )
    return text


def _next_text(assessment: Assessment, *, saved_on: str | None) -> str:
    if saved_on is not None:
        steps = (
            f"price it with `{COMMAND} cost` (e.g. `{COMMAND} cost pod 4`), then carry on with "
            f"*{plain(saved_on)}*: `{COMMAND} status` shows the next setup step."
        )
    else:
        steps = (
            f"price it with `{COMMAND} cost` (e.g. `{COMMAND} cost pod 4`), then create the "
            f"program with `{COMMAND} setup`."
        )
    if assessment.verdict is EligibilityVerdict.RECOMMENDED:
        return f"*Next:* {steps}"
    text = f"*If you go ahead anyway:* {steps}"
    if saved_on is None:
        text += f" Run `{COMMAND} check` once more afterwards so the program records the answers."
    return text
