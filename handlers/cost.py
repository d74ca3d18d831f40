"""/emcoach cost listeners: what a program would cost, against one EM departure. Open to
everyone. Typed, it answers inside the acknowledgement (the grammar is
bot/domain/args/cost.py); alone it opens a calculator modal. No data: no flow, no session."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.blocks.cost import (
    COST_LEADERS_BLOCK,
    COST_MODEL_BLOCK,
    COST_MONTHS_BLOCK,
    COST_PRICE_BLOCK,
    COST_VIEW,
    build_cost_form_opened,
    build_cost_modal,
    build_cost_refusal,
    build_cost_reply,
    build_cost_result,
    cost_inputs_from_state,
)
from bot.blocks.reply import Reply
from bot.domain.args import ArgumentError
from bot.domain.args.cost import (
    CostRequest,
    parse_cost_args,
    parse_leaders,
    parse_months,
    parse_price,
    quote,
    typed_cost_command,
)
from bot.domain.cost import CostInputError, CostModel
from bot.domain.errors import DomainError
from bot.domain.roles import Audience
from bot.services import Services
from handlers.router import Invocation, Router, Subcommand


def answer_typed(invocation: Invocation) -> Reply:
    """Typed: the estimate, inside the acknowledgement. Alone: the calculator modal."""
    if not invocation.args.strip():
        invocation.client.views_open(trigger_id=invocation.trigger_id, view=build_cost_modal())
        return build_cost_form_opened()
    try:
        return build_cost_reply(quote(parse_cost_args(invocation.args)))
    except (ArgumentError, DomainError) as error:
        return build_cost_refusal(error.message)


def _request_from_modal(values: dict[str, Any]) -> CostRequest | dict[str, str]:
    """The request, or inline errors by block id."""
    inputs = cost_inputs_from_state(values)
    errors: dict[str, str] = {}
    known = {model.value: model for model in CostModel}
    model = known.get(inputs.model or "")
    if model is None:
        errors[COST_MODEL_BLOCK] = "Pick how the leaders would be coached."
    parsed: dict[str, Any] = {}
    for block_id, key, parse, text in (
        (COST_LEADERS_BLOCK, "leaders", parse_leaders, inputs.leaders),
        (COST_MONTHS_BLOCK, "months", parse_months, inputs.months),
        (COST_PRICE_BLOCK, "own_monthly_price", parse_price, inputs.price),
    ):
        if key == "own_monthly_price" and not text.strip():
            continue
        try:
            parsed[key] = parse(text)
        except ArgumentError as error:
            errors[block_id] = error.message
    if errors or model is None:
        return errors
    return CostRequest(model=model, **parsed)


def on_submit(ack: Ack, view: dict[str, Any]) -> None:
    request = _request_from_modal(view["state"]["values"])
    if isinstance(request, dict):
        ack(response_action="errors", errors=request)
        return
    try:
        cost = quote(request)
    except CostInputError as error:
        # Leaders are bounded by their own parser, so what's left is the price.
        ack(response_action="errors", errors={COST_PRICE_BLOCK: error.message})
        return
    except DomainError as error:
        ack(response_action="errors", errors={COST_MONTHS_BLOCK: error.message})
        return
    ack(response_action="update", view=build_cost_result(cost, typed=typed_cost_command(request)))


def register(app: App, services: Services, router: Router) -> None:
    """Adds the subcommand to ``router`` and its actions and views to ``app``."""
    router.add(
        Subcommand(
            name="cost",
            usage="cost [model] [leaders] [months N] [price $X]",
            summary="what a program would cost, set against losing one engineering manager",
            audience=Audience.EVERYONE,
            run=answer_typed,
            # Typed, the estimate is pure arithmetic and answers inside the acknowledgement;
            # alone, the modal opens right after it (its trigger_id is fresh).
            answers_in_ack=lambda args: bool(args.strip()),
        )
    )
    app.view(COST_VIEW)(on_submit)
