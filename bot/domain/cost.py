"""What a program costs, set against what one EM departure costs.

Seed, "The Cost Calculation": four cost structures priced per leader per month, and the
benchmark "a single EM departure at SMB scale costs $200,000–$400,000".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Final

from bot.domain.errors import DomainError
from bot.domain.program_rules import MIN_EXECUTION_MONTHS, POD_MAX_LEADERS, check_length

_CENT: Final = Decimal("0.01")
_TENTH: Final = Decimal("0.1")
_HUNDRED: Final = Decimal(100)


class CostInputError(DomainError):
    pass


@dataclass(frozen=True, slots=True)
class MoneyRange:
    """A low–high range of US dollars; equal ends mean a single figure."""

    low: Decimal
    high: Decimal

    def __post_init__(self) -> None:
        if self.low > self.high:
            raise ValueError(f"range low {self.low} is above high {self.high}")

    def times(self, factor: int | Decimal) -> MoneyRange:
        return MoneyRange(low=self.low * factor, high=self.high * factor)

    def plus(self, other: MoneyRange) -> MoneyRange:
        return MoneyRange(low=self.low + other.low, high=self.high + other.high)


def _usd(low: int, high: int | None = None) -> MoneyRange:
    return MoneyRange(low=Decimal(low), high=Decimal(low if high is None else high))


_ZERO: Final = _usd(0)
# Seed, "The Cost Calculation": "a single EM departure at SMB scale costs $200,000–$400,000 in
# recruitment fees, ramp time, team disruption, and direct-report churn during the transition."
DEPARTURE_COST: Final = _usd(200_000, 400_000)
DEPARTURE_COST_WHY: Final = (
    "recruitment fees, ramp time, team disruption and direct-report churn during the transition"
)

# Not in the seed: 25 pods of POD_MAX_LEADERS. The seed's table speaks of 5–60 person teams
# with "their first 1–2 EMs" or "multiple EMs"; a hundred coached leaders is already far past
# that, so anything larger is almost surely a typo rather than a plan.
MAX_PODS: Final = 25
MAX_LEADERS: Final = MAX_PODS * POD_MAX_LEADERS
# Not in the seed: the dearest option it prices is $3,500 per leader per month; an own price
# above $100,000 is a slipped digit, and refusing it keeps the comparison meaningful.
MAX_OWN_MONTHLY_PRICE: Final = Decimal(100_000)


@dataclass(frozen=True, slots=True)
class ModelProfile:
    """One row of the seed's cost table. ``team_size`` is the engineer headcount the row's
    "best for" names, inclusive, ``None`` as the upper end meaning "or more"; ``None`` for a
    row that is chosen by situation rather than by size."""

    label: str
    cash_per_leader_month: MoneyRange
    opportunity_per_leader_month: MoneyRange
    best_for: str
    team_size: tuple[int, int | None] | None


class CostModel(StrEnum):
    INTERNAL = "internal"
    EXTERNAL_POD = "external_pod"
    EXTERNAL_ONE_ON_ONE = "external_one_on_one"
    HYBRID = "hybrid"

    @property
    def profile(self) -> ModelProfile:
        return _PROFILES[self]

    def fits_team_size(self, headcount: int) -> bool:
        """Whether the seed's "best for" team size includes ``headcount`` engineers."""
        size = self.profile.team_size
        if size is None:
            return False
        smallest, largest = size
        return headcount >= smallest and (largest is None or headcount <= largest)


# Seed, "The Cost Calculation", table "Cost per leader / month" and "Best for". External
# models carry no opportunity cost (week 2: "no opportunity cost on delivery"); the seed
# prices hybrid in cash only, so its internal pod's time is not added here either.
_PROFILES: Final = {
    CostModel.INTERNAL: ModelProfile(
        label="Internal mentoring",
        cash_per_leader_month=_ZERO,
        opportunity_per_leader_month=_usd(2_500),
        best_for="50+ person teams with at least one experienced EM",
        team_size=(50, None),
    ),
    CostModel.EXTERNAL_POD: ModelProfile(
        label="External coaching pod (group)",
        cash_per_leader_month=_usd(800, 1_500),
        opportunity_per_leader_month=_ZERO,
        best_for="5–25 person teams hiring their first 1–2 EMs",
        team_size=(5, 25),
    ),
    CostModel.EXTERNAL_ONE_ON_ONE: ModelProfile(
        label="External 1:1 coaching",
        cash_per_leader_month=_usd(1_500, 3_500),
        opportunity_per_leader_month=_ZERO,
        best_for="High-stakes situations: founder-CTO, brand new VP Eng",
        team_size=None,
    ),
    CostModel.HYBRID: ModelProfile(
        label="Hybrid (external coach + internal pod)",
        cash_per_leader_month=_usd(2_000, 3_000),
        opportunity_per_leader_month=_ZERO,
        best_for="25–60 person teams with multiple EMs at different levels",
        team_size=(25, 60),
    ),
}


@dataclass(frozen=True, slots=True)
class CostEstimate:
    model: CostModel
    leaders: int
    months: int
    own_monthly_price: Decimal | None
    monthly_cash: MoneyRange
    total_cash: MoneyRange
    monthly_opportunity: MoneyRange
    total_opportunity: MoneyRange
    break_even_percent: tuple[Decimal, Decimal]
    """Probability, in percent, with which the program must prevent one EM departure to pay
    for itself; may exceed 100 (then it has to prevent more than one)."""

    @property
    def total(self) -> MoneyRange:
        """Cash plus opportunity cost: the honest price the break-even is computed from."""
        return self.total_cash.plus(self.total_opportunity)


def estimate(
    model: CostModel,
    *,
    leaders: int,
    months: int = MIN_EXECUTION_MONTHS,
    own_monthly_price: Decimal | None = None,
) -> CostEstimate:
    """Price ``leaders`` coached EMs over ``months`` months of execution.

    ``own_monthly_price`` (per leader per month) replaces the seed's range with a quote the
    owner has: the cash price for the external and hybrid models, and for internal mentoring
    the owner's own figure for the mentor's time, which is that model's real cost.
    """
    _check_leaders(leaders)
    check_length(months)
    profile = model.profile
    cash, opportunity = profile.cash_per_leader_month, profile.opportunity_per_leader_month
    if own_monthly_price is not None:
        _check_own_price(own_monthly_price)
        own = MoneyRange(low=own_monthly_price, high=own_monthly_price)
        if model is CostModel.INTERNAL:
            opportunity = own
        else:
            cash = own
    monthly_cash, monthly_opportunity = cash.times(leaders), opportunity.times(leaders)
    total_cash, total_opportunity = monthly_cash.times(months), monthly_opportunity.times(months)
    return CostEstimate(
        model=model,
        leaders=leaders,
        months=months,
        own_monthly_price=own_monthly_price,
        monthly_cash=monthly_cash,
        total_cash=total_cash,
        monthly_opportunity=monthly_opportunity,
        total_opportunity=total_opportunity,
        break_even_percent=_break_even_percent(total_cash.plus(total_opportunity)),
    )


def _break_even_percent(total: MoneyRange) -> tuple[Decimal, Decimal]:
    """The chance of preventing one departure at which the program's cost equals the
    departure's expected cost: total / departure cost.

    The low end pairs the cheapest program with the dearest departure (the least the program
    has to achieve); the high end pairs the dearest program with the cheapest departure (the
    most). Every other pairing lies between, so the range is exact, not an approximation.
    """
    return (
        total.low / DEPARTURE_COST.high * _HUNDRED,
        total.high / DEPARTURE_COST.low * _HUNDRED,
    )


def _check_leaders(leaders: int) -> None:
    if not 1 <= leaders <= MAX_LEADERS:
        raise CostInputError(
            f"Price between 1 and {MAX_LEADERS} leaders ({MAX_PODS} pods of {POD_MAX_LEADERS}); "
            f"{leaders} is outside that."
        )


def _check_own_price(price: Decimal) -> None:
    if not price.is_finite() or not 0 < price <= MAX_OWN_MONTHLY_PRICE:
        raise CostInputError(
            "Enter your own price per leader per month as an amount above $0 and at most "
            f"{format_usd(MAX_OWN_MONTHLY_PRICE)}."
        )


def format_usd(amount: Decimal) -> str:
    """``$19,200`` for whole dollars, ``$1,234.50`` otherwise (rounded half up to cents)."""
    if not amount.is_finite():
        raise ValueError(f"cannot format {amount} as dollars")
    cents = amount.quantize(_CENT, rounding=ROUND_HALF_UP)
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    text = f"{cents:,.0f}" if cents == cents.to_integral_value() else f"{cents:,.2f}"
    return f"{sign}${text}"


def format_usd_range(money: MoneyRange) -> str:
    """``$19,200–$36,000``, or one figure when both ends are equal."""
    if money.low == money.high:
        return format_usd(money.low)
    return f"{format_usd(money.low)}–{format_usd(money.high)}"


def format_percent(value: Decimal) -> str:
    """One decimal place, half up, without a trailing ``.0``: ``4.8%``, ``18%``."""
    rounded = value.quantize(_TENTH, rounding=ROUND_HALF_UP)
    if rounded == rounded.to_integral_value():
        return f"{rounded:.0f}%"
    return f"{rounded}%"


def break_even_sentence(cost: CostEstimate) -> str:
    low, high = cost.break_even_percent
    sentence = (
        "The program pays for itself if it prevents one EM departure with a probability of "
        f"{_percent_range(low, high)}."
    )
    if high > _HUNDRED:
        sentence += " Above 100% means it would have to prevent more than one departure."
    return sentence


def _percent_range(low: Decimal, high: Decimal) -> str:
    low_text, high_text = format_percent(low), format_percent(high)
    return low_text if low_text == high_text else f"{low_text.removesuffix('%')}–{high_text}"


def describe(cost: CostEstimate) -> tuple[str, ...]:
    """The lines a cost message shows, in order; a Block Kit builder only lays them out."""
    profile = cost.model.profile
    leaders = "1 leader" if cost.leaders == 1 else f"{cost.leaders} leaders"
    lines = [
        f"{profile.label}: {leaders} × {cost.months} months.",
        "Cash: $0."
        if cost.total_cash.high == 0
        else f"Cash: {format_usd_range(cost.total_cash)} "
        f"({format_usd_range(cost.monthly_cash)} a month).",
    ]
    if cost.total_opportunity.high > 0:
        lines.append(
            f"Opportunity cost: ~{format_usd_range(cost.total_opportunity)} "
            f"(~{format_usd_range(cost.monthly_opportunity)} a month) — the mentor's time "
            "away from delivery. Price it honestly."
        )
    lines += [
        f"One EM departure costs {format_usd_range(DEPARTURE_COST)} in {DEPARTURE_COST_WHY}.",
        break_even_sentence(cost),
        f"Best for: {profile.best_for}.",
    ]
    return tuple(lines)


def coached_leader_months(
    spans: Sequence[tuple[date, date]], *, kickoff: date, end: date, months: int
) -> Decimal:
    """Leader-months actually coached: each leader's ``(first day, first day no longer in)``
    cut to the execution phase ``[kickoff, end)``, as a share of its ``months``. A leader who
    left after two of six months counts 2, not 6."""
    length = (end - kickoff).days
    if length <= 0:
        return Decimal(0)
    days = sum(max(0, (min(stop, end) - max(start, kickoff)).days) for start, stop in spans)
    return (Decimal(days) * months / length).quantize(_TENTH, rounding=ROUND_HALF_UP)


def coached_cost(model: CostModel, leader_months: Decimal) -> MoneyRange:
    """Cash plus opportunity cost of ``leader_months`` at the seed's rates for ``model``."""
    profile = model.profile
    rate = profile.cash_per_leader_month.plus(profile.opportunity_per_leader_month)
    return rate.times(leader_months)
