"""/emcoach coach listeners: the two questions, the recommendation, the decision recorded
(the use case is bot/flows/coach.py)."""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.blocks.coach import (
    COACH_DECISION_BLOCK,
    COACH_DECISION_VIEW,
    COACH_HEADCOUNT_BLOCK,
    COACH_SENIOR_BLOCK,
    COACH_VIEW,
    NOT_OWNER,
    YES,
    build_coach_decided,
    build_coach_modal,
    build_coach_recommendation,
    build_coach_refusal,
    coach_answers_from_state,
    decision_from_state,
)
from bot.blocks.picker import build_program_choice
from bot.blocks.reply import Reply, program_id_from_metadata
from bot.domain.args import ArgumentError, parse_int
from bot.domain.coach_choice import MAX_HEADCOUNT, MIN_HEADCOUNT
from bot.domain.roles import Audience
from bot.flows.coach import NotOwner, coach_form, decide_coach, recommend_coach
from bot.flows.programs import NotChosen, ProgramAsk
from bot.flows.work import unit_of_work
from bot.services import Services
from handlers.router import Invocation, Router, Subcommand


def open_coach(invocation: Invocation) -> Reply | None:
    ask = ProgramAsk.of(invocation)
    form = coach_form(unit_of_work(invocation.services.engine), ask=ask)
    if isinstance(form, NotChosen):
        return build_program_choice(
            roles=form.roles, candidates=form.candidates, subcommand="coach", args=ask.args
        )
    view = build_coach_modal(
        program_id=form.program_id,
        program_name=form.program_name,
        current_decision=form.current_decision,
    )
    invocation.client.views_open(trigger_id=invocation.trigger_id, view=view)
    return None


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
    found = recommend_coach(
        unit_of_work(services.engine),
        team_id=context.team_id or "",
        user_id=context.user_id or "",
        program_id=program_id_from_metadata(view.get("private_metadata", "")),
        headcount=headcount,
        senior_em=answers.senior_em == YES,
    )
    if isinstance(found, NotOwner):
        ack(response_action="update", view=build_coach_refusal(NOT_OWNER))
        return
    result = build_coach_recommendation(
        program_id=found.program_id,
        program_name=found.program_name,
        choice=found.choice,
        costs=found.costs,
        leaders_note=found.leaders_note,
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
    decided = decide_coach(
        unit_of_work(services.engine),
        team_id=context.team_id or "",
        user_id=context.user_id or "",
        program_id=program_id_from_metadata(view.get("private_metadata", "")),
        decision=decision,
        now=services.clock.now(),
    )
    if isinstance(decided, NotOwner):
        ack(response_action="update", view=build_coach_refusal(NOT_OWNER))
        return
    done = build_coach_decided(
        program_name=decided.program_name,
        decision=decided.decision,
        previous=decided.previous,
        committed=decided.committed,
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
