"""Week 2 of the setup sprint: internal mentor or external coach.

Seed, "Week 2 — Decide internal vs. external": internal works only with a senior EM (5+ years)
who can credibly mentor and has the capacity; "Do not pretend you have this person if you
don't"; "Most SMBs under 30 engineers go external for the first cycle"; and the opportunity
cost of the senior EM's time must be priced honestly. The cost table adds that internal
mentoring is best for "50+ person teams with at least one experienced EM".
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from bot.domain.cost import CostEstimate, CostModel, estimate, format_usd_range
from bot.domain.errors import DomainError
from bot.domain.program_rules import MIN_EXECUTION_MONTHS

# Seed, week 2: "Most SMBs under 30 engineers go external for the first cycle".
EXTERNAL_FIRST_CYCLE_BELOW: Final = 30
# Not in the seed: bounds that catch typos; 10,000 engineers is far beyond any SMB.
MIN_HEADCOUNT: Final = 1
MAX_HEADCOUNT: Final = 10_000

_SENIOR_EM_MISSING: Final = (
    "Internal mentoring needs a senior EM (5+ years of experience) who can credibly mentor and "
    "has the capacity. Do not pretend you have this person if you don't — most SMBs don't."
)
_SENIOR_EM_PRESENT: Final = (
    "You have a senior EM (5+ years) who can credibly mentor and has the capacity, so internal "
    "mentoring can work."
)
_EXTERNAL_GIVES: Final = (
    "External coaches give you a faster ramp, a broader pattern library, no internal politics "
    "and no opportunity cost on delivery. They cost cash."
)


class HeadcountError(DomainError):
    pass


class CoachRecommendation(StrEnum):
    INTERNAL = "internal"
    EXTERNAL = "external"
    EITHER = "either"


_EXTERNAL_MODELS: Final = frozenset(CostModel) - {CostModel.INTERNAL}

_HEADLINES: Final = {
    CoachRecommendation.INTERNAL: "Internal mentoring fits your team.",
    CoachRecommendation.EXTERNAL: "Go with an external coach for this cycle.",
    CoachRecommendation.EITHER: "Internal or external: both can work for you.",
}


@dataclass(frozen=True, slots=True)
class CoachChoice:
    recommendation: CoachRecommendation
    headline: str
    reasons: tuple[str, ...]
    suggested_models: tuple[CostModel, ...]
    internal_cost: CostEstimate
    """What internal mentoring would cost in senior-EM time, shown whatever is recommended."""


def choose_coach(
    *,
    engineering_headcount: int,
    has_senior_em_with_capacity: bool,
    leaders: int,
    months: int = MIN_EXECUTION_MONTHS,
) -> CoachChoice:
    """Recommend internal, external or either, with the seed's reasons.

    ``has_senior_em_with_capacity`` is true only when someone has 5+ years as an EM *and*
    the time to mentor; the question that fills it should ask both.
    """
    if not MIN_HEADCOUNT <= engineering_headcount <= MAX_HEADCOUNT:
        raise HeadcountError(
            f"Enter your engineering headcount as a number from {MIN_HEADCOUNT} to "
            f"{MAX_HEADCOUNT:,}."
        )
    internal_cost = estimate(CostModel.INTERNAL, leaders=leaders, months=months)
    small = engineering_headcount < EXTERNAL_FIRST_CYCLE_BELOW
    first_cycle = (
        f"Most SMBs under {EXTERNAL_FIRST_CYCLE_BELOW} engineers go external for the first "
        "cycle, and consider moving to internal mentoring only after that cycle has produced "
        "an EM who's been formally coached."
    )
    if not has_senior_em_with_capacity:
        recommendation = CoachRecommendation.EXTERNAL
        reasons = [_SENIOR_EM_MISSING, *([first_cycle] if small else []), _EXTERNAL_GIVES]
    elif small:
        recommendation = CoachRecommendation.EXTERNAL
        reasons = [_SENIOR_EM_PRESENT, first_cycle, _opportunity_line(internal_cost)]
    elif CostModel.INTERNAL.fits_team_size(engineering_headcount):
        recommendation = CoachRecommendation.INTERNAL
        reasons = [
            _SENIOR_EM_PRESENT,
            f"The cost table puts internal mentoring at "
            f"“{CostModel.INTERNAL.profile.best_for}”, and that is you.",
            _opportunity_line(internal_cost),
        ]
    else:
        recommendation = CoachRecommendation.EITHER
        reasons = [
            _SENIOR_EM_PRESENT,
            f"At {engineering_headcount} engineers you are past the under-"
            f"{EXTERNAL_FIRST_CYCLE_BELOW} rule of thumb but below the teams internal mentoring "
            f"is best for (“{CostModel.INTERNAL.profile.best_for}”); a hybrid fits "
            f"“{CostModel.HYBRID.profile.best_for}”.",
            _opportunity_line(internal_cost),
        ]
    return CoachChoice(
        recommendation=recommendation,
        headline=_HEADLINES[recommendation],
        reasons=tuple(reasons),
        suggested_models=_suggested_models(recommendation, engineering_headcount),
        internal_cost=internal_cost,
    )


def _opportunity_line(internal_cost: CostEstimate) -> str:
    per_leader = CostModel.INTERNAL.profile.opportunity_per_leader_month
    return (
        "Price it honestly: pulling your senior EM away from delivery to mentor costs about "
        f"{format_usd_range(internal_cost.total_opportunity)} over {internal_cost.months} months "
        f"(~{format_usd_range(per_leader)} per leader per month)."
    )


def _suggested_models(recommendation: CoachRecommendation, headcount: int) -> tuple[CostModel, ...]:
    """Cost-table rows whose "best for" team size includes ``headcount``, with internal
    mentoring added or dropped to match the recommendation. When no external row names a team
    this size (under 5 or over 60 engineers), every external row is offered rather than a
    guess."""
    fitting = {model for model in CostModel if model.fits_team_size(headcount)}
    if recommendation is CoachRecommendation.EXTERNAL:
        fitting.discard(CostModel.INTERNAL)
    else:
        fitting.add(CostModel.INTERNAL)
    if not fitting - {CostModel.INTERNAL} and recommendation is not CoachRecommendation.INTERNAL:
        fitting |= _EXTERNAL_MODELS
    return tuple(model for model in CostModel if model in fitting)
