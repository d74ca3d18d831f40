"""/emcoach coach: setup week 2, internal mentor or external coach. For owners.

Two questions give the seed's recommendation with its reasons and the options priced; the
owner then records the decision, which completes week 2. The decision is not part of the
pre-commitment, so it is never locked — but it doesn't reassign the pods' coaches either.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.blocks.coach import leaders_note
from bot.domain.coach_choice import CoachChoice, choose_coach
from bot.domain.cost import CostEstimate, CostModel, estimate
from bot.domain.program_rules import POD_MAX_LEADERS
from bot.flows.programs import Chosen, NotChosen, ProgramAsk, choose_program, owned
from storage.programs import record_coach_decision
from storage.setup_state import leaders_of, pods_of
from storage.uow import UnitOfWork


@dataclass(frozen=True, slots=True, kw_only=True)
class CoachForm:
    program_id: int
    program_name: str
    current_decision: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Recommendation:
    program_id: int
    program_name: str
    choice: CoachChoice
    costs: list[CostEstimate]
    leaders_note: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Decided:
    program_name: str
    decision: str
    previous: str | None
    committed: bool


class NotOwner:
    """The modal's program is not the submitter's to decide on (any more)."""


def coach_form(uow: UnitOfWork, *, ask: ProgramAsk) -> NotChosen | CoachForm:
    with uow as session:
        chosen = choose_program(session, ask)
        if not isinstance(chosen, Chosen):
            return chosen
        program = chosen.program
        assert program.id is not None
        return CoachForm(
            program_id=program.id,
            program_name=program.name,
            current_decision=program.coach_decision,
        )


def recommend_coach(
    uow: UnitOfWork,
    *,
    team_id: str,
    user_id: str,
    program_id: int | None,
    headcount: int,
    senior_em: bool,
) -> NotOwner | Recommendation:
    """The seed's recommendation for the program, priced for its leaders."""
    with uow as session:
        program = owned(session, team_id=team_id, user_id=user_id, program_id=program_id)
        if program is None or program.id is None:
            return NotOwner()
        leaders, counted = _leaders_to_price(session, program.id)
        choice = choose_coach(
            engineering_headcount=headcount,
            has_senior_em_with_capacity=senior_em,
            leaders=leaders,
            months=program.months,
        )
        return Recommendation(
            program_id=program.id,
            program_name=program.name,
            choice=choice,
            costs=_priced_options(choice.suggested_models, leaders=leaders, months=program.months),
            leaders_note=leaders_note(leaders, counted=counted),
        )


def decide_coach(
    uow: UnitOfWork,
    *,
    team_id: str,
    user_id: str,
    program_id: int | None,
    decision: str,
    now: datetime,
) -> NotOwner | Decided:
    with uow as session:
        program = owned(session, team_id=team_id, user_id=user_id, program_id=program_id)
        if program is None:
            return NotOwner()
        previous = record_coach_decision(session, program, decision=decision, now=now)
        return Decided(
            program_name=program.name,
            decision=decision,
            previous=previous,
            committed=program.committed_at is not None,
        )


def _leaders_to_price(session: Session, program_id: int) -> tuple[int, bool]:
    """How many leaders to price for, and whether that is the pods' own count."""
    leaders = sum(
        len(leaders_of(session, pod_id=pod.id))
        for pod in pods_of(session, program_id=program_id)
        if pod.id is not None
    )
    return (leaders, True) if leaders else (POD_MAX_LEADERS, False)


def _priced_options(
    models: tuple[CostModel, ...], *, leaders: int, months: int
) -> list[CostEstimate]:
    """The suggested models and internal mentoring, whose time is always priced honestly."""
    shown = set(models) | {CostModel.INTERNAL}
    return [
        estimate(model, leaders=leaders, months=months) for model in CostModel if model in shown
    ]
