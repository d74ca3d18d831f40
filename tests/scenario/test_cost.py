"""/emcoach cost: the typed grammar (plain tests) and the command and modal over signed HTTP."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.blocks.cost import (
    COST_EXAMPLES,
    COST_LEADERS_ACTION,
    COST_LEADERS_BLOCK,
    COST_MODEL_ACTION,
    COST_MODEL_BLOCK,
    COST_MONTHS_ACTION,
    COST_MONTHS_BLOCK,
    COST_PRICE_ACTION,
    COST_PRICE_BLOCK,
    COST_VIEW,
)
from bot.domain.args import ArgumentError
from bot.domain.args.cost import CostRequest, parse_cost_args, quote, typed_cost_command
from bot.domain.cost import MAX_LEADERS, CostModel, format_usd_range
from bot.domain.program_rules import MAX_EXECUTION_MONTHS, MIN_EXECUTION_MONTHS
from tests.support.live import LiveApp

STRANGER = "U0STRANGER"
POD, ONE, HYBRID, INTERNAL = (
    CostModel.EXTERNAL_POD,
    CostModel.EXTERNAL_ONE_ON_ONE,
    CostModel.HYBRID,
    CostModel.INTERNAL,
)

# --- the grammar ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("pod 4", CostRequest(model=POD, leaders=4)),
        ("1:1 2 months 9", CostRequest(model=ONE, leaders=2, months=9)),
        (
            "hybrid 4 price 2500",
            CostRequest(model=HYBRID, leaders=4, own_monthly_price=Decimal(2500)),
        ),
        ("Internal 3", CostRequest(model=INTERNAL, leaders=3)),
        ("group 4 leaders 9 months", CostRequest(model=POD, leaders=4, months=9)),
        ("4 leaders 9 months hybrid", CostRequest(model=HYBRID, leaders=4, months=9)),
        ("pod months 12 leaders 3", CostRequest(model=POD, leaders=3, months=12)),
        ("pod 4 9 months", CostRequest(model=POD, leaders=4, months=9)),
        ("pod 4 9", CostRequest(model=POD, leaders=4, months=9)),
        ("one-on-one coaching for 2", CostRequest(model=ONE, leaders=2)),
        ("one on one 2", CostRequest(model=ONE, leaders=2)),
        ("coaching x2", CostRequest(model=ONE, leaders=2)),
        ("external coaching pod, 4 leaders", CostRequest(model=POD, leaders=4)),
        ("pod 4x 12mo", CostRequest(model=POD, leaders=4, months=12)),
        (
            "pod 4 at $1,200/month",
            CostRequest(model=POD, leaders=4, own_monthly_price=Decimal(1200)),
        ),
        (
            "hybrid 4 $2.5k per month",
            CostRequest(model=HYBRID, leaders=4, own_monthly_price=Decimal(2500)),
        ),
        (
            "in-house 4 my own price 3000 a month",
            CostRequest(model=INTERNAL, leaders=4, own_monthly_price=Decimal(3000)),
        ),
    ],
)
def test_forgiving_grammar(typed: str, expected: CostRequest) -> None:
    assert parse_cost_args(typed) == expected


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "Which model? Name one of internal, pod, 1:1 or hybrid."),
        ("banana 4", "I don't know what “banana” means here."),
        ("pod", "How many leaders? Add the number, like `/emcoach cost pod 4`."),
        ("external 4", "External how — a coaching pod or 1:1 coaching?"),
        ("pod hybrid 4", "Pick one model, not hybrid and pod."),
        ("pod months", "I need a number with “months”, like `months 9`."),
        ("pod 4 months", "How many leaders?"),
        ("pod 4 price", "I need an amount after “price”"),
        ("pod 4 9 2500", "I don't know what “2500” is for — write `months 2500` or `price 2500`."),
        ("pod 4 months 9 months 12", "You gave months twice (“9” and “12”)"),
        ("pod 0", "“0” is too low for leaders"),
        ("pod 4 months 30", "“30” is too high for months"),
        ("pod 4 €2000", "isn't in dollars"),
        ("pod <@U0OWNER> 4", "I don't know what"),
    ],
)
def test_errors_say_what_to_fix(typed: str, says: str) -> None:
    with pytest.raises(ArgumentError) as caught:
        parse_cost_args(typed)
    assert says in caught.value.message


def test_every_example_shown_to_people_parses() -> None:
    for example in COST_EXAMPLES:
        parse_cost_args(example.removeprefix("/emcoach cost "))


@given(
    model=st.sampled_from(list(CostModel)),
    leaders=st.integers(1, MAX_LEADERS),
    months=st.integers(MIN_EXECUTION_MONTHS, MAX_EXECUTION_MONTHS),
    cents=st.none() | st.integers(1, 10_000_000),
)
def test_the_typed_form_taught_by_the_modal_gives_the_same_request(
    model: CostModel, leaders: int, months: int, cents: int | None
) -> None:
    price = None if cents is None else Decimal(cents) / 100
    request = CostRequest(model=model, leaders=leaders, months=months, own_monthly_price=price)
    typed = typed_cost_command(request)
    assert parse_cost_args(typed.removeprefix("/emcoach cost ")) == request


@pytest.mark.parametrize(
    ("typed", "total"),
    [
        # The seed's table, 4 leaders × 6 months.
        ("pod 4", "$19,200–$36,000"),
        ("1:1 4", "$36,000–$84,000"),
        ("hybrid 4", "$48,000–$72,000"),
        ("internal 4", "$0"),
    ],
)
def test_seed_table(typed: str, total: str) -> None:
    assert format_usd_range(quote(parse_cost_args(typed)).total_cash) == total


# --- over signed HTTP ----------------------------------------------------------------------


def _ack_text(live: LiveApp, typed: str) -> str:
    result = live.sender.command(typed, user_id=STRANGER)
    assert result.status == 200
    assert result.seconds < 3
    reply = result.json()
    assert reply["response_type"] == "ephemeral"
    return str(reply["text"]) + json.dumps(reply.get("blocks", []), ensure_ascii=False)


def test_typed_cost_answers_in_the_acknowledgement(live: LiveApp) -> None:
    shown = _ack_text(live, "cost pod 4")
    assert "$19,200–$36,000" in shown
    assert "$200,000–$400,000" in shown
    assert "pays for itself if it prevents one EM departure with a probability of 4.8–18%" in shown
    assert "/emcoach setup" in shown
    assert not live.slack.calls_to("views.open")
    assert not live.slack.responses(), "answered in the acknowledgement itself"

    internal = _ack_text(live, "cost internal 4")
    assert "Opportunity cost: ~$60,000" in internal
    one_on_one = _ack_text(live, "cost 1:1 2 months 9")
    assert "External 1:1 coaching: 2 leaders × 9 months" in one_on_one
    assert "Cash: $27,000–$63,000" in one_on_one
    assert "$60,000" in _ack_text(live, "cost hybrid 4 price 2500")


def test_bad_input_says_the_right_form_with_an_example(live: LiveApp) -> None:
    shown = _ack_text(live, "cost banana 4")
    assert "I don't know what “banana” means here." in shown
    assert "`/emcoach cost <model> <leaders> [months N] [price $X]`" in shown
    assert "`/emcoach cost pod 4`" in shown


def test_five_months_is_refused_with_the_seeds_reason(live: LiveApp) -> None:
    shown = _ack_text(live, "cost pod 4 months 5")
    assert "A program runs for at least 6 months." in shown
    assert "quarterly programs become workshops" in shown


def _modal_values(
    *, model: str | None, leaders: str, months: str, price: str | None
) -> dict[str, Any]:
    return {
        COST_MODEL_BLOCK: {
            COST_MODEL_ACTION: {
                "type": "radio_buttons",
                "selected_option": {"value": model} if model else None,
            }
        },
        COST_LEADERS_BLOCK: {COST_LEADERS_ACTION: {"type": "number_input", "value": leaders}},
        COST_MONTHS_BLOCK: {COST_MONTHS_ACTION: {"type": "number_input", "value": months}},
        COST_PRICE_BLOCK: {COST_PRICE_ACTION: {"type": "plain_text_input", "value": price}},
    }


def _submit(live: LiveApp, **fields: Any) -> dict[str, Any]:
    result = live.sender.view_submission(
        user_id=STRANGER, callback_id=COST_VIEW, values=_modal_values(**fields)
    )
    assert result.status == 200
    answer: dict[str, Any] = result.json()
    return answer


def test_cost_alone_opens_the_calculator_and_it_answers_in_the_modal(live: LiveApp) -> None:
    result = live.sender.command("cost", user_id=STRANGER)
    assert result.status == 200
    assert result.body == "", "acknowledged first: the modal opens right after"
    live.slack.wait_for(lambda: bool(live.slack.responses()))
    assert "Opened the cost calculator" in live.slack.responses()[-1]["text"]
    opened = live.slack.calls_to("views.open")
    assert len(opened) == 1
    assert opened[0].args["view"]["callback_id"] == COST_VIEW

    answer = _submit(live, model="external_pod", leaders="4", months="6", price=None)
    assert answer["response_action"] == "update"
    result = json.dumps(answer["view"]["blocks"], ensure_ascii=False)
    assert "$19,200–$36,000" in result
    assert "type `/emcoach cost pod 4`" in result


@pytest.mark.parametrize(
    ("fields", "block_id", "says"),
    [
        (
            {"model": "hybrid", "leaders": "4", "months": "5", "price": None},
            COST_MONTHS_BLOCK,
            "quarterly programs become workshops",
        ),
        (
            {"model": None, "leaders": "4", "months": "6", "price": None},
            COST_MODEL_BLOCK,
            "Pick how the leaders would be coached.",
        ),
        (
            {"model": "hybrid", "leaders": "4", "months": "6", "price": "lots"},
            COST_PRICE_BLOCK,
            "isn't an amount I can read",
        ),
        (
            {"model": "hybrid", "leaders": "4", "months": "6", "price": "0"},
            COST_PRICE_BLOCK,
            "above $0",
        ),
        (
            {"model": "pod", "leaders": "0", "months": "6", "price": ""},
            COST_LEADERS_BLOCK,
            "too low for leaders",
        ),
    ],
)
def test_calculator_answers_inline_errors(
    live: LiveApp, fields: dict[str, Any], block_id: str, says: str
) -> None:
    answer = _submit(live, **fields)
    assert answer["response_action"] == "errors"
    assert says in answer["errors"][block_id]
