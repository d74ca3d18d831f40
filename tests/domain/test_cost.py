from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.cost import (
    DEPARTURE_COST,
    MAX_LEADERS,
    CostInputError,
    CostModel,
    MoneyRange,
    break_even_sentence,
    coached_cost,
    coached_leader_months,
    describe,
    estimate,
    format_percent,
    format_usd,
    format_usd_range,
)
from bot.domain.errors import DomainError
from bot.domain.program_rules import ProgramLengthError

D = Decimal


@pytest.mark.parametrize(
    ("model", "cash", "opportunity"),
    [
        # Seed, "The Cost Calculation": 4 leaders × 6 months.
        (CostModel.EXTERNAL_POD, (19_200, 36_000), (0, 0)),
        (CostModel.EXTERNAL_ONE_ON_ONE, (36_000, 84_000), (0, 0)),
        (CostModel.HYBRID, (48_000, 72_000), (0, 0)),
        (CostModel.INTERNAL, (0, 0), (60_000, 60_000)),
    ],
)
def test_seed_table_for_four_leaders_over_six_months(
    model: CostModel, cash: tuple[int, int], opportunity: tuple[int, int]
) -> None:
    cost = estimate(model, leaders=4, months=6)
    assert (cost.total_cash.low, cost.total_cash.high) == (D(cash[0]), D(cash[1]))
    assert (cost.total_opportunity.low, cost.total_opportunity.high) == (
        D(opportunity[0]),
        D(opportunity[1]),
    )
    assert cost.monthly_cash == MoneyRange(low=D(cash[0]) / 6, high=D(cash[1]) / 6)


def test_months_default_to_the_seed_minimum() -> None:
    assert estimate(CostModel.HYBRID, leaders=1).months == 6


@pytest.mark.parametrize(
    ("model", "low", "high"),
    [
        (CostModel.EXTERNAL_POD, D("4.8"), D(18)),  # 19,200/400,000 and 36,000/200,000
        (CostModel.EXTERNAL_ONE_ON_ONE, D(9), D(42)),
        (CostModel.HYBRID, D(12), D(36)),
        (CostModel.INTERNAL, D(15), D(30)),  # opportunity cost counts: price it honestly
    ],
)
def test_break_even_percent(model: CostModel, low: Decimal, high: Decimal) -> None:
    assert estimate(model, leaders=4).break_even_percent == (low, high)


def test_break_even_sentence() -> None:
    sentence = break_even_sentence(estimate(CostModel.EXTERNAL_POD, leaders=4))
    assert sentence == (
        "The program pays for itself if it prevents one EM departure with a probability of 4.8–18%."
    )


def test_break_even_above_100_percent_says_more_than_one_departure() -> None:
    cost = estimate(CostModel.EXTERNAL_ONE_ON_ONE, leaders=20, months=12)
    assert cost.break_even_percent[1] > 100
    assert "more than one departure" in break_even_sentence(cost)


def test_own_price_replaces_the_cash_range_for_external_models() -> None:
    cost = estimate(CostModel.EXTERNAL_POD, leaders=3, months=6, own_monthly_price=D(1_000))
    assert cost.total_cash == MoneyRange(low=D(18_000), high=D(18_000))
    assert cost.total_opportunity == MoneyRange(low=D(0), high=D(0))
    assert cost.own_monthly_price == D(1_000)


def test_own_price_for_internal_is_the_mentor_time() -> None:
    cost = estimate(CostModel.INTERNAL, leaders=2, months=6, own_monthly_price=D(4_000))
    assert cost.total_cash == MoneyRange(low=D(0), high=D(0))
    assert cost.total_opportunity == MoneyRange(low=D(48_000), high=D(48_000))


@pytest.mark.parametrize("leaders", [0, -1, MAX_LEADERS + 1])
def test_leaders_out_of_range_are_refused(leaders: int) -> None:
    with pytest.raises(CostInputError, match="between 1 and 100 leaders"):
        estimate(CostModel.HYBRID, leaders=leaders)


@pytest.mark.parametrize("leaders", [1, MAX_LEADERS])
def test_leader_bounds_are_inclusive(leaders: int) -> None:
    assert estimate(CostModel.HYBRID, leaders=leaders).leaders == leaders


def test_shorter_than_six_months_is_refused_with_the_seed_reason() -> None:
    with pytest.raises(ProgramLengthError, match="Anything shorter doesn't show measurable"):
        estimate(CostModel.HYBRID, leaders=2, months=5)


def test_longer_than_24_months_is_refused() -> None:
    with pytest.raises(ProgramLengthError, match="at most 24 months"):
        estimate(CostModel.HYBRID, leaders=2, months=25)
    assert estimate(CostModel.HYBRID, leaders=2, months=24).months == 24


@pytest.mark.parametrize(
    "price", [D(0), D(-1), D("100000.01"), D("NaN"), D("Infinity"), D("-Infinity")]
)
def test_bad_own_price_is_refused(price: Decimal) -> None:
    with pytest.raises(CostInputError, match=r"above \$0 and at most \$100,000"):
        estimate(CostModel.EXTERNAL_POD, leaders=1, own_monthly_price=price)


@pytest.mark.parametrize("price", [D("0.01"), D(100_000)])
def test_own_price_bounds_are_inclusive(price: Decimal) -> None:
    assert estimate(CostModel.EXTERNAL_POD, leaders=1, own_monthly_price=price).total_cash.low > 0


def test_cost_errors_are_domain_errors() -> None:
    assert issubclass(CostInputError, DomainError)


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (D(0), "$0"),
        (D(19_200), "$19,200"),
        (D("1234.5"), "$1,234.50"),
        (D("1234.005"), "$1,234.01"),
        (D("999.999"), "$1,000"),
        (D("0.004"), "$0"),
        (D(-5), "-$5"),
        (D(1_000_000), "$1,000,000"),
    ],
)
def test_format_usd(amount: Decimal, text: str) -> None:
    assert format_usd(amount) == text


def test_format_usd_refuses_non_finite() -> None:
    with pytest.raises(ValueError, match="cannot format"):
        format_usd(D("NaN"))


def test_format_usd_range() -> None:
    assert format_usd_range(DEPARTURE_COST) == "$200,000–$400,000"
    assert format_usd_range(MoneyRange(low=D(5), high=D(5))) == "$5"


@pytest.mark.parametrize(
    ("value", "text"),
    [(D("4.8"), "4.8%"), (D(18), "18%"), (D("17.96"), "18%"), (D("0.05"), "0.1%"), (D(0), "0%")],
)
def test_format_percent(value: Decimal, text: str) -> None:
    assert format_percent(value) == text


def test_money_range_refuses_low_above_high() -> None:
    with pytest.raises(ValueError, match="above high"):
        MoneyRange(low=D(2), high=D(1))


def test_describe_pod() -> None:
    lines = describe(estimate(CostModel.EXTERNAL_POD, leaders=4))
    assert lines[0] == "External coaching pod (group): 4 leaders × 6 months."
    assert lines[1] == "Cash: $19,200–$36,000 ($3,200–$6,000 a month)."
    assert not any(line.startswith("Opportunity cost") for line in lines)
    assert "$200,000–$400,000" in lines[2]
    assert lines[-1] == "Best for: 5–25 person teams hiring their first 1–2 EMs."


def test_describe_internal_prices_the_time() -> None:
    lines = describe(estimate(CostModel.INTERNAL, leaders=1))
    assert lines[0] == "Internal mentoring: 1 leader × 6 months."
    assert lines[1] == "Cash: $0."
    assert lines[2].startswith("Opportunity cost: ~$15,000 (~$2,500 a month)")


@pytest.mark.parametrize(
    ("model", "headcount", "fits"),
    [
        (CostModel.EXTERNAL_POD, 4, False),
        (CostModel.EXTERNAL_POD, 5, True),
        (CostModel.EXTERNAL_POD, 25, True),
        (CostModel.EXTERNAL_POD, 26, False),
        (CostModel.HYBRID, 24, False),
        (CostModel.HYBRID, 25, True),
        (CostModel.HYBRID, 60, True),
        (CostModel.HYBRID, 61, False),
        (CostModel.INTERNAL, 49, False),
        (CostModel.INTERNAL, 50, True),
        (CostModel.INTERNAL, 10_000, True),
        (CostModel.EXTERNAL_ONE_ON_ONE, 20, False),
    ],
)
def test_fits_team_size(model: CostModel, headcount: int, fits: bool) -> None:
    assert model.fits_team_size(headcount) is fits


models = st.sampled_from(list(CostModel))
leader_counts = st.integers(min_value=1, max_value=MAX_LEADERS)
month_counts = st.integers(min_value=6, max_value=24)
own_prices = st.none() | st.decimals(
    min_value=D("0.01"), max_value=D(100_000), places=2, allow_nan=False
)


@given(models, leader_counts, month_counts, own_prices)
def test_ranges_are_ordered_and_break_even_is_total_over_departure(
    model: CostModel, leaders: int, months: int, own: Decimal | None
) -> None:
    cost = estimate(model, leaders=leaders, months=months, own_monthly_price=own)
    low, high = cost.break_even_percent
    assert 0 <= low <= high
    assert low == cost.total.low / DEPARTURE_COST.high * 100
    assert high == cost.total.high / DEPARTURE_COST.low * 100
    assert cost.total_cash == cost.monthly_cash.times(months)
    assert cost.total_opportunity == cost.monthly_opportunity.times(months)


@given(models, leader_counts, month_counts)
def test_cost_grows_with_leaders_and_months(model: CostModel, leaders: int, months: int) -> None:
    base = estimate(model, leaders=leaders, months=months)
    if leaders < MAX_LEADERS:
        more = estimate(model, leaders=leaders + 1, months=months)
        assert more.total.low > base.total.low
        assert more.total.high > base.total.high
        assert more.break_even_percent[1] > base.break_even_percent[1]
    if months < 24:
        longer = estimate(model, leaders=leaders, months=months + 1)
        assert longer.total.high > base.total.high


def test_coached_leader_months_count_a_leaver_until_they_left() -> None:
    kickoff, end = date(2027, 2, 1), date(2027, 8, 1)
    stayed = (date(2027, 1, 4), end)
    left_after_two_months = (date(2027, 1, 4), date(2027, 4, 1))
    months = coached_leader_months(
        [stayed, left_after_two_months], kickoff=kickoff, end=end, months=6
    )
    assert months == Decimal("8")
    assert coached_cost(CostModel.EXTERNAL_POD, months) == MoneyRange(
        low=Decimal(6_400), high=Decimal(12_000)
    )
    assert coached_leader_months([], kickoff=kickoff, end=end, months=6) == 0
