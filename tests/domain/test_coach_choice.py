import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.coach_choice import (
    MAX_HEADCOUNT,
    CoachRecommendation,
    HeadcountError,
    choose_coach,
)
from bot.domain.cost import CostModel, estimate

R = CoachRecommendation
FIRST_CYCLE = "Most SMBs under 30 engineers go external for the first cycle"
PRETEND = "Do not pretend you have this person if you don't"
POD, HYBRID, INTERNAL = CostModel.EXTERNAL_POD, CostModel.HYBRID, CostModel.INTERNAL
EVERY_EXTERNAL = (POD, CostModel.EXTERNAL_ONE_ON_ONE, HYBRID)


@pytest.mark.parametrize(
    ("headcount", "senior", "recommendation", "models"),
    [
        (3, False, R.EXTERNAL, EVERY_EXTERNAL),
        (12, False, R.EXTERNAL, (POD,)),
        (12, True, R.EXTERNAL, (POD,)),
        (29, True, R.EXTERNAL, (HYBRID,)),
        (30, False, R.EXTERNAL, (HYBRID,)),
        (30, True, R.EITHER, (INTERNAL, HYBRID)),
        (49, True, R.EITHER, (INTERNAL, HYBRID)),
        (50, True, R.INTERNAL, (INTERNAL, HYBRID)),
        (50, False, R.EXTERNAL, (HYBRID,)),
        (200, True, R.INTERNAL, (INTERNAL,)),
        (200, False, R.EXTERNAL, EVERY_EXTERNAL),
    ],
)
def test_recommendation_table(
    headcount: int,
    senior: bool,
    recommendation: CoachRecommendation,
    models: tuple[CostModel, ...],
) -> None:
    choice = choose_coach(
        engineering_headcount=headcount, has_senior_em_with_capacity=senior, leaders=2
    )
    assert choice.recommendation is recommendation
    assert choice.suggested_models == models
    assert choice.headline


def test_no_senior_em_says_do_not_pretend() -> None:
    choice = choose_coach(engineering_headcount=80, has_senior_em_with_capacity=False, leaders=2)
    assert any(PRETEND in reason for reason in choice.reasons)
    assert not any(FIRST_CYCLE in reason for reason in choice.reasons)
    assert any("no opportunity cost on delivery" in reason for reason in choice.reasons)


@pytest.mark.parametrize("senior", [False, True])
def test_under_30_engineers_go_external_for_the_first_cycle(senior: bool) -> None:
    choice = choose_coach(engineering_headcount=29, has_senior_em_with_capacity=senior, leaders=2)
    assert any(FIRST_CYCLE in reason for reason in choice.reasons)


def test_internal_reasons_price_the_senior_em_time_honestly() -> None:
    choice = choose_coach(
        engineering_headcount=60, has_senior_em_with_capacity=True, leaders=4, months=6
    )
    assert choice.reasons[-1] == (
        "Price it honestly: pulling your senior EM away from delivery to mentor costs about "
        "$60,000 over 6 months (~$2,500 per leader per month)."
    )
    assert any("50+ person teams" in reason for reason in choice.reasons)


def test_either_names_the_hybrid_fit() -> None:
    choice = choose_coach(engineering_headcount=40, has_senior_em_with_capacity=True, leaders=2)
    assert any("25–60 person teams" in reason for reason in choice.reasons)


@given(
    st.integers(min_value=1, max_value=MAX_HEADCOUNT),
    st.booleans(),
    st.integers(min_value=1, max_value=100),
    st.integers(min_value=6, max_value=24),
)
def test_choice_invariants(headcount: int, senior: bool, leaders: int, months: int) -> None:
    choice = choose_coach(
        engineering_headcount=headcount,
        has_senior_em_with_capacity=senior,
        leaders=leaders,
        months=months,
    )
    # The opportunity cost is cost.estimate's, not a second calculation.
    assert choice.internal_cost == estimate(CostModel.INTERNAL, leaders=leaders, months=months)
    assert choice.suggested_models
    if not senior or headcount < 30:
        assert choice.recommendation is R.EXTERNAL
        assert CostModel.INTERNAL not in choice.suggested_models
    else:
        assert CostModel.INTERNAL in choice.suggested_models


@pytest.mark.parametrize("headcount", [0, -3, MAX_HEADCOUNT + 1])
def test_headcount_out_of_range_is_refused(headcount: int) -> None:
    with pytest.raises(HeadcountError, match="from 1 to 10,000"):
        choose_coach(engineering_headcount=headcount, has_senior_em_with_capacity=True, leaders=1)
