"""/emcoach cost: the calculator modal, and the estimate as a message or a modal."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.blocks.reply import Reply
from bot.domain.cost import MAX_LEADERS, CostEstimate, CostModel, describe
from bot.domain.program_rules import MAX_EXECUTION_MONTHS, MIN_EXECUTION_MONTHS
from bot.slack_names import COMMAND

COST_VIEW = "cost_inputs"
COST_RESULT_VIEW = "cost_result"
COST_MODEL_BLOCK = "cost_model"
COST_MODEL_ACTION = "cost_model_choice"
COST_LEADERS_BLOCK = "cost_leaders"
COST_LEADERS_ACTION = "cost_leaders_count"
COST_MONTHS_BLOCK = "cost_months"
COST_MONTHS_ACTION = "cost_months_count"
COST_PRICE_BLOCK = "cost_price"
COST_PRICE_ACTION = "cost_price_amount"

_TITLE = "What would it cost?"
# The typed forms people are shown; the grammar's tests parse each one.
COST_EXAMPLES = (
    f"{COMMAND} cost pod 4",
    f"{COMMAND} cost 1:1 2 months 9",
    f"{COMMAND} cost hybrid 4 price 2500",
)


@dataclass(frozen=True, slots=True)
class CostInputs:
    """What the calculator modal was submitted with, still as typed."""

    model: str | None
    leaders: str
    months: str
    price: str


def build_cost_modal() -> dict[str, Any]:
    model_options = [
        Option(
            value=model.value,
            text=model.profile.label,
            description=f"Best for: {model.profile.best_for}",
        )
        for model in CostModel
    ]
    blocks: list[Block] = [
        InputBlock(
            block_id=COST_MODEL_BLOCK,
            label="How would the leaders be coached?",
            element=RadioButtonsElement(action_id=COST_MODEL_ACTION, options=model_options),
        ),
        InputBlock(
            block_id=COST_LEADERS_BLOCK,
            label="How many leaders (engineering managers) would be coached?",
            hint="A pod has at most 4 leaders.",
            element=NumberInputElement(
                action_id=COST_LEADERS_ACTION,
                is_decimal_allowed=False,
                min_value=1,
                max_value=MAX_LEADERS,
                placeholder="4",
            ),
        ),
        InputBlock(
            block_id=COST_MONTHS_BLOCK,
            label="For how many months?",
            hint=(
                f"At least {MIN_EXECUTION_MONTHS} months: anything shorter doesn't show "
                "measurable outcomes."
            ),
            # No min_value: a shorter program gets the framework's reason, not Slack's
            # generic "number too small".
            element=NumberInputElement(
                action_id=COST_MONTHS_ACTION,
                is_decimal_allowed=False,
                initial_value=MIN_EXECUTION_MONTHS,
                max_value=MAX_EXECUTION_MONTHS,
            ),
        ),
        InputBlock(
            block_id=COST_PRICE_BLOCK,
            label="Your own price per leader per month (optional)",
            hint=(
                "If you have a quote, enter it in US dollars; otherwise the framework's range "
                "is used. For internal mentoring it prices the mentor's time."
            ),
            optional=True,
            element=PlainTextInputElement(action_id=COST_PRICE_ACTION, placeholder="$1,500"),
        ),
    ]
    view = View(
        type="modal",
        callback_id=COST_VIEW,
        title=_TITLE,
        submit="Calculate",
        close="Cancel",
        blocks=blocks,
    )
    return view.to_dict()


def cost_inputs_from_state(values: Mapping[str, Any]) -> CostInputs:
    def element(block_id: str, action_id: str) -> Mapping[str, Any]:
        found = values.get(block_id, {}).get(action_id)
        return found if isinstance(found, Mapping) else {}

    selected = element(COST_MODEL_BLOCK, COST_MODEL_ACTION).get("selected_option") or {}
    return CostInputs(
        model=selected.get("value"),
        leaders=element(COST_LEADERS_BLOCK, COST_LEADERS_ACTION).get("value") or "",
        months=element(COST_MONTHS_BLOCK, COST_MONTHS_ACTION).get("value") or "",
        price=element(COST_PRICE_BLOCK, COST_PRICE_ACTION).get("value") or "",
    )


def _estimate_blocks(cost: CostEstimate) -> list[Block]:
    title, *details = describe(cost)
    return [
        SectionBlock(text=MarkdownTextObject(text=f"*{title}*")),
        SectionBlock(text=MarkdownTextObject(text="\n".join(f"• {line}" for line in details))),
    ]


_NEXT = (
    f"*Next:* create the program with `{COMMAND} setup`. Not sure you need one yet? "
    f"`{COMMAND} check` asks the five questions."
)


def build_cost_reply(cost: CostEstimate) -> Reply:
    blocks = [
        *_estimate_blocks(cost),
        SectionBlock(text=MarkdownTextObject(text=_NEXT)),
    ]
    return Reply(text=" ".join(describe(cost)), blocks=[block.to_dict() for block in blocks])


def build_cost_result(cost: CostEstimate, *, typed: str) -> dict[str, Any]:
    """The estimate in place of the calculator; ``typed`` is the command giving the same."""
    blocks = [
        *_estimate_blocks(cost),
        SectionBlock(text=MarkdownTextObject(text=_NEXT)),
        ContextBlock(elements=[MarkdownTextObject(text=f"Quicker next time — type `{typed}`.")]),
    ]
    view = View(
        type="modal", callback_id=COST_RESULT_VIEW, title=_TITLE, close="Done", blocks=blocks
    )
    return view.to_dict()


def _examples() -> str:
    *first, last = (f"`{example}`" for example in COST_EXAMPLES)
    return f"{', '.join(first)} or {last}"


def build_cost_refusal(message: str) -> Reply:
    """A typed cost the calculator can't use: what was wrong, then the right form."""
    text = (
        f"{message}\nWrite it as `{COMMAND} cost <model> <leaders> [months N] [price $X]` — "
        f"for example {_examples()}. Models: internal, pod, 1:1, hybrid. Or type `{COMMAND} cost` "
        "alone for a form."
    )
    return Reply(text=text, blocks=[SectionBlock(text=MarkdownTextObject(text=text)).to_dict()])


def build_cost_form_opened() -> Reply:
    text = f"Opened the cost calculator. Quicker next time: type it, e.g. {_examples()}."
    return Reply(text=text, blocks=[SectionBlock(text=MarkdownTextObject(text=text)).to_dict()])
