"""Block Kit of /emcoach cost: the calculator modal and the estimate as reply or modal."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

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
    CostInputs,
    build_cost_form_opened,
    build_cost_modal,
    build_cost_refusal,
    build_cost_reply,
    build_cost_result,
    cost_inputs_from_state,
)
from bot.domain.cost import CostModel, estimate
from tests.support.blockkit import assert_valid_message, assert_valid_view


def _block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return next(block for block in view["blocks"] if block.get("block_id") == block_id)


def test_modal_offers_each_model_with_what_it_is_best_for() -> None:
    view = build_cost_modal()
    assert_valid_view(view)
    options = _block(view, COST_MODEL_BLOCK)["element"]["options"]
    assert [option["value"] for option in options] == [model.value for model in CostModel]
    for option, model in zip(options, CostModel, strict=True):
        assert option["description"]["text"] == f"Best for: {model.profile.best_for}"


def test_months_default_to_six_and_slack_does_not_refuse_fewer_for_us() -> None:
    months = _block(build_cost_modal(), COST_MONTHS_BLOCK)["element"]
    assert months["initial_value"] == "6"
    assert "min_value" not in months, "5 months must reach us to get the framework's reason"


def test_own_price_is_optional() -> None:
    view = build_cost_modal()
    assert _block(view, COST_PRICE_BLOCK)["optional"] is True
    assert not _block(view, COST_LEADERS_BLOCK).get("optional")


def test_state_reads_back_as_typed() -> None:
    values = {
        COST_MODEL_BLOCK: {COST_MODEL_ACTION: {"selected_option": {"value": "hybrid"}}},
        COST_LEADERS_BLOCK: {COST_LEADERS_ACTION: {"value": "4"}},
        COST_MONTHS_BLOCK: {COST_MONTHS_ACTION: {"value": "9"}},
        COST_PRICE_BLOCK: {COST_PRICE_ACTION: {"value": None}},
    }
    assert cost_inputs_from_state(values) == CostInputs(
        model="hybrid", leaders="4", months="9", price=""
    )
    assert cost_inputs_from_state({}) == CostInputs(model=None, leaders="", months="", price="")


def test_reply_shows_ranges_and_the_departure_comparison() -> None:
    reply = build_cost_reply(estimate(CostModel.EXTERNAL_POD, leaders=4, months=6))
    assert_valid_message(reply.as_ephemeral())
    shown = json.dumps(reply.blocks, ensure_ascii=False)
    assert "$19,200–$36,000" in shown
    assert "$3,200–$6,000 a month" in shown
    assert "$200,000–$400,000" in shown
    assert "pays for itself if it prevents one EM departure with a probability of" in shown
    assert "/emcoach setup" in shown
    assert "$19,200–$36,000" in reply.text


def test_internal_shows_the_opportunity_cost() -> None:
    reply = build_cost_reply(estimate(CostModel.INTERNAL, leaders=4, months=6))
    assert "Cash: $0." in reply.text
    assert "Opportunity cost: ~$60,000" in reply.text


def test_result_modal_teaches_the_typed_form() -> None:
    view = build_cost_result(
        estimate(CostModel.HYBRID, leaders=4, own_monthly_price=Decimal(2500)),
        typed="/emcoach cost hybrid 4 price $2,500",
    )
    assert_valid_view(view)
    shown = json.dumps(view["blocks"], ensure_ascii=False)
    assert "$60,000" in shown
    assert "type `/emcoach cost hybrid 4 price $2,500`" in shown


def test_refusal_says_what_was_wrong_then_the_right_form_with_examples() -> None:
    reply = build_cost_refusal("I don't know what “banana” means here.")
    assert_valid_message(reply.as_ephemeral())
    assert reply.text.startswith("I don't know what “banana” means here.\n")
    assert "`/emcoach cost <model> <leaders> [months N] [price $X]`" in reply.text
    for example in COST_EXAMPLES:
        assert f"`{example}`" in reply.text


def test_form_opened_reply_names_the_typed_examples() -> None:
    reply = build_cost_form_opened()
    assert_valid_message(reply.as_ephemeral())
    assert all(example in reply.text for example in COST_EXAMPLES)
