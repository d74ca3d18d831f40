"""/emcoach coach: setup week 2, internal mentor or external coach. For owners.

Two questions give the seed's recommendation with its reasons and the options priced; the
owner then records the decision, which completes week 2. The decision is not part of the
pre-commitment, so it is never locked — but it doesn't reassign the pods' coaches either.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt import Ack, App, BoltContext
from sqlmodel import Session

from bot.blocks.coach import (
    COACH_DECISION_BLOCK,
    COACH_DECISION_VIEW,
    COACH_HEADCOUNT_BLOCK,
    COACH_SENIOR_BLOCK,
    COACH_VIEW,
    YES,
    build_coach_decided,
    build_coach_modal,
    build_coach_recommendation,
    build_coach_refusal,
    coach_answers_from_state,
    decision_from_state,
)
from bot.blocks.reply import Reply, program_id_from_metadata
from bot.domain.args import ArgumentError, parse_int
from bot.domain.coach_choice import MAX_HEADCOUNT, MIN_HEADCOUNT, choose_coach
from bot.domain.cost import CostEstimate, CostModel, estimate
from bot.domain.program_rules import POD_MAX_LEADERS
from bot.domain.roles import Audience
from bot.services import Services
from bot.slack_names import COMMAND
from handlers.programs import Chosen, choose_program, owned_program
from handlers.router import Invocation, Router, Subcommand
from storage.db import session_scope
from storage.models import Program
from storage.setup_state import leaders_of, pods_of

NOT_OWNER = (
    "Only this program's owners can decide on its coach. Ask an owner to add you with "
    f"`{COMMAND} owner add @you`, or run `{COMMAND} coach` for a program you own."
)


def open_coach(invocation: Invocation) -> Reply | None:
    chosen = choose_program(invocation, subcommand="coach")
    if not isinstance(chosen, Chosen):
        return chosen
    program = chosen.program
    assert program.id is not None
    view = build_coach_modal(
        program_id=program.id, program_name=program.name, current_decision=program.coach_decision
    )
    invocation.client.views_open(trigger_id=invocation.trigger_id, view=view)
    return None


def _owned(session: Session, *, context: BoltContext, view: dict[str, Any]) -> Program | None:
    """The modal's program, only if the submitter owns it now (a modal may outlive a role)."""
    program_id = program_id_from_metadata(view.get("private_metadata", ""))
    if program_id is None:
        return None
    return owned_program(
        session, team_id=context.team_id or "", program_id=program_id, user_id=context.user_id or ""
    )


def _leaders_to_price(session: Session, program_id: int) -> tuple[int, str]:
    """How many leaders to price for, and the note saying where that number comes from."""
    leaders = sum(
        len(leaders_of(session, pod_id=pod.id))
        for pod in pods_of(session, program_id=program_id)
        if pod.id is not None
    )
    if leaders:
        return leaders, f"Priced for the {leaders} leader(s) in your pods."
    return POD_MAX_LEADERS, (
        f"Priced for {POD_MAX_LEADERS} leaders (one full pod); once you add your leaders with "
        f"`{COMMAND} pod`, `{COMMAND} cost` prices your own numbers."
    )


def _priced_options(
    models: tuple[CostModel, ...], *, leaders: int, months: int
) -> list[CostEstimate]:
    """The suggested models and internal mentoring, whose time is always priced honestly."""
    shown = set(models) | {CostModel.INTERNAL}
    return [
        estimate(model, leaders=leaders, months=months) for model in CostModel if model in shown
    ]


def on_questions(
    ack: Ack, view: dict[str, Any], context: BoltContext, *, services: Services
) -> None:
    answers = coach_answers_from_state(view["state"]["values"])
    errors: dict[str, str] = {}
    headcount = 0
    try:
        headcount = parse_int(
            answers.headcount,
            name="engineering headcount",
            minimum=MIN_HEADCOUNT,
            maximum=MAX_HEADCOUNT,
        )
    except ArgumentError as error:
        errors[COACH_HEADCOUNT_BLOCK] = error.message
    if answers.senior_em is None:
        errors[COACH_SENIOR_BLOCK] = "Answer yes or no."
    if errors:
        ack(response_action="errors", errors=errors)
        return
    with session_scope(services.engine) as session:
        program = _owned(session, context=context, view=view)
        if program is None or program.id is None:
            ack(response_action="update", view=build_coach_refusal(NOT_OWNER))
            return
        leaders, leaders_note = _leaders_to_price(session, program.id)
        choice = choose_coach(
            engineering_headcount=headcount,
            has_senior_em_with_capacity=answers.senior_em == YES,
            leaders=leaders,
            months=program.months,
        )
        result = build_coach_recommendation(
            program_id=program.id,
            program_name=program.name,
            choice=choice,
            costs=_priced_options(choice.suggested_models, leaders=leaders, months=program.months),
            leaders_note=leaders_note,
        )
    ack(response_action="update", view=result)


def on_decision(
    ack: Ack, view: dict[str, Any], context: BoltContext, *, services: Services
) -> None:
    decision = decision_from_state(view["state"]["values"])
    if decision is None:
        ack(
            response_action="errors",
            errors={COACH_DECISION_BLOCK: "Pick an external coach or an internal mentor."},
        )
        return
    with session_scope(services.engine) as session:
        program = _owned(session, context=context, view=view)
        if program is None:
            ack(response_action="update", view=build_coach_refusal(NOT_OWNER))
            return
        previous = program.coach_decision
        program.coach_decision = decision
        program.coach_decided_at = services.clock.now()
        session.add(program)
        done = build_coach_decided(
            program_name=program.name,
            decision=decision,
            previous=previous,
            committed=program.committed_at is not None,
        )
    ack(response_action="update", view=done)


def register(app: App, services: Services, router: Router) -> None:
    """Adds the subcommand to ``router`` and its actions and views to ``app``."""
    router.add(
        Subcommand(
            name="coach",
            usage="coach [program]",
            summary="setup week 2: should an internal mentor or an external coach do it?",
            audience=Audience.OWNERS,
            run=open_coach,
        )
    )
    app.view(COACH_VIEW)(partial(on_questions, services=services))
    app.view(COACH_DECISION_VIEW)(partial(on_decision, services=services))
