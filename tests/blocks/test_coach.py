"""Block Kit of /emcoach coach: the two questions, the recommendation and the confirmation."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.blocks.coach import (
    COACH_DECISION_ACTION,
    COACH_DECISION_BLOCK,
    COACH_HEADCOUNT_ACTION,
    COACH_HEADCOUNT_BLOCK,
    COACH_SENIOR_ACTION,
    COACH_SENIOR_BLOCK,
    COACH_VIEW,
    NO,
    CoachAnswers,
    build_coach_decided,
    build_coach_modal,
    build_coach_recommendation,
    build_coach_refusal,
    coach_answers_from_state,
    decision_from_state,
)
from bot.blocks.reply import program_id_from_metadata
from bot.domain.coach_choice import CoachChoice, choose_coach
from bot.domain.cost import CostModel, estimate
from tests.support.blockkit import assert_valid_view


def _shown(view: dict[str, Any]) -> str:
    return json.dumps(view["blocks"], ensure_ascii=False)


def _recommendation(choice: CoachChoice) -> dict[str, Any]:
    costs = [estimate(model, leaders=4) for model in (CostModel.INTERNAL, CostModel.EXTERNAL_POD)]
    return build_coach_recommendation(
        program_id=5, program_name="Pilot", choice=choice, costs=costs, leaders_note="For 4."
    )


def _decision(view: dict[str, Any]) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id") == COACH_DECISION_BLOCK)


def test_modal_asks_both_questions_and_carries_the_program() -> None:
    view = build_coach_modal(program_id=5, program_name="Pilot", current_decision=None)
    assert_valid_view(view)
    assert view["callback_id"] == COACH_VIEW
    assert program_id_from_metadata(view["private_metadata"]) == 5
    shown = _shown(view)
    assert "senior EM with 5+ years of experience AND the capacity to mentor" in shown
    assert "Decided so far" not in shown


def test_modal_shows_the_decision_so_far() -> None:
    view = build_coach_modal(program_id=5, program_name="Pilot", current_decision="internal")
    assert "Decided so far: an internal mentor" in _shown(view)


def test_answers_read_back() -> None:
    values = {
        COACH_HEADCOUNT_BLOCK: {COACH_HEADCOUNT_ACTION: {"value": "25"}},
        COACH_SENIOR_BLOCK: {COACH_SENIOR_ACTION: {"selected_option": {"value": NO}}},
    }
    assert coach_answers_from_state(values) == CoachAnswers(headcount="25", senior_em=NO)
    assert coach_answers_from_state({}) == CoachAnswers(headcount="", senior_em=None)


@pytest.mark.parametrize(
    ("headcount", "senior", "initial"),
    [(20, False, "external"), (20, True, "external"), (80, True, "internal"), (40, True, None)],
)
def test_decision_defaults_to_the_recommendation(
    headcount: int, senior: bool, initial: str | None
) -> None:
    choice = choose_coach(
        engineering_headcount=headcount, has_senior_em_with_capacity=senior, leaders=4
    )
    view = _recommendation(choice)
    assert_valid_view(view)
    chosen = _decision(view)["element"].get("initial_option")
    assert (chosen or {}).get("value") == initial


def test_recommendation_gives_reasons_and_prices_internal_time_honestly() -> None:
    choice = choose_coach(engineering_headcount=20, has_senior_em_with_capacity=False, leaders=4)
    shown = _shown(_recommendation(choice))
    assert choice.headline in shown
    assert "Do not pretend you have this person" in shown
    assert "Internal mentoring: $0 cash, ~$60,000 of your senior EM's time" in shown
    assert "External coaching pod (group): $19,200–$36,000 cash" in shown
    assert "For 4." in shown


def test_decision_reads_back_only_known_values() -> None:
    def state(value: str) -> dict[str, Any]:
        return {
            COACH_DECISION_BLOCK: {COACH_DECISION_ACTION: {"selected_option": {"value": value}}}
        }

    assert decision_from_state(state("internal")) == "internal"
    assert decision_from_state(state("either")) is None
    assert decision_from_state({}) is None


def test_decided_before_commit_completes_week_two_and_names_pod() -> None:
    view = build_coach_decided(
        program_name="Pilot", decision="external", previous=None, committed=False
    )
    assert_valid_view(view)
    shown = _shown(view)
    assert "Recorded for *Pilot*: an external coach." in shown
    assert "Week 2 of the setup sprint is done" in shown
    assert "/emcoach pod" in shown


def test_changed_after_commit_says_the_pods_keep_their_coaches() -> None:
    shown = _shown(
        build_coach_decided(
            program_name="Pilot", decision="internal", previous="external", committed=True
        )
    )
    assert "Changed *Pilot* from an external coach to an internal mentor." in shown
    assert "The pods keep their coaches" in shown
    assert "/emcoach pod" in shown


def test_refusal_modal_is_valid() -> None:
    view = build_coach_refusal("Only owners.")
    assert_valid_view(view)
    assert "Only owners." in _shown(view)
