"""Does this company need a mentoring program yet? (``/emcoach check``)

Seed, "When to Set One Up": consider a program "when at least two of the following are true";
"If none of those are true, your investment dollars are better spent elsewhere. Mentoring
programs at companies that don't yet need them produce theater, not outcomes."
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

# Seed, "When to Set One Up": "at least two of the following are true".
CONDITIONS_FOR_PROGRAM: Final = 2


@dataclass(frozen=True, slots=True)
class ConditionText:
    label: str  # fits a checkbox option (Slack: 75 characters)
    sentence: str  # the seed's exact wording
    watch_for: str  # what to look out for while this one is still false


class Condition(StrEnum):
    MULTIPLE_EMS_ONE_NEW = "multiple_ems_one_new"
    LOW_MANAGEMENT_SATISFACTION = "low_management_satisfaction"
    DORA_PLATEAU_HUMAN = "dora_plateau_human"
    MANAGER_ATTRITION = "manager_attrition"
    PROMOTION_PLANNED = "promotion_planned"

    @property
    def label(self) -> str:
        return _TEXTS[self].label

    @property
    def sentence(self) -> str:
        return _TEXTS[self].sentence

    @property
    def watch_for(self) -> str:
        return _TEXTS[self].watch_for


_TEXTS: Final = {
    Condition.MULTIPLE_EMS_ONE_NEW: ConditionText(
        label="2+ engineering managers, at least one in their first year",
        sentence=(
            "You have 2+ engineering managers, of whom 1+ is in their first 12 months in the role."
        ),
        watch_for=(
            "a second engineering manager joining while one of them is still in their first "
            "12 months in the role"
        ),
    ),
    Condition.LOW_MANAGEMENT_SATISFACTION: ConditionText(
        label="Engineering survey: management quality below target",
        sentence=(
            "Your most recent engineering survey showed below-target satisfaction with "
            "management quality."
        ),
        watch_for="a below-target score for management quality in your next engineering survey",
    ),
    Condition.DORA_PLATEAU_HUMAN: ConditionText(
        label="DORA metrics healthy but plateauing, bottleneck looks human",
        sentence=(
            "Your DORA metrics are mechanically healthy (you’ve already worked through the "
            "implementation playbook) but plateauing — and the bottleneck is starting to look "
            "human, not technical."
        ),
        watch_for=(
            "DORA metrics that stop improving although the delivery mechanics are in place — "
            "a sign the bottleneck has become human"
        ),
    ),
    Condition.MANAGER_ATTRITION: ConditionText(
        label="Lost an engineer in the last 12 months who cited their manager",
        sentence=(
            "You’ve lost an engineer in the last 12 months who cited “manager” as a "
            "contributing reason."
        ),
        watch_for="an engineer who leaves and names their manager as a reason (ask in every exit)",
    ),
    Condition.PROMOTION_PLANNED: ConditionText(
        label="Promoting a senior engineer into management within 6 months",
        sentence=(
            "You’re planning to promote 1+ senior engineer into management in the next 6 months."
        ),
        watch_for="a plan to promote a senior engineer into management within the next 6 months",
    ),
}

# With exactly one condition true, the two missing ones that would most tellingly confirm
# the need. Outcome signals (a survey, an exit citing the manager) say more than structure,
# and each pairing follows the one true condition to its likely next symptom: a new EM shows
# up first in the survey and in exits; a planned promotion becomes "a first-year EM".
_MOST_TELLING_MISSING: Final = {
    Condition.MULTIPLE_EMS_ONE_NEW: (
        Condition.LOW_MANAGEMENT_SATISFACTION,
        Condition.MANAGER_ATTRITION,
    ),
    Condition.LOW_MANAGEMENT_SATISFACTION: (
        Condition.MANAGER_ATTRITION,
        Condition.MULTIPLE_EMS_ONE_NEW,
    ),
    Condition.DORA_PLATEAU_HUMAN: (
        Condition.LOW_MANAGEMENT_SATISFACTION,
        Condition.MANAGER_ATTRITION,
    ),
    Condition.MANAGER_ATTRITION: (
        Condition.LOW_MANAGEMENT_SATISFACTION,
        Condition.MULTIPLE_EMS_ONE_NEW,
    ),
    Condition.PROMOTION_PLANNED: (
        Condition.MULTIPLE_EMS_ONE_NEW,
        Condition.LOW_MANAGEMENT_SATISFACTION,
    ),
}


class EligibilityVerdict(StrEnum):
    RECOMMENDED = "recommended"
    NOT_YET = "not_yet"
    NOT_NEEDED = "not_needed"


@dataclass(frozen=True, slots=True)
class Assessment:
    """The answer to ``/emcoach check``; ``headline`` and ``lines`` are the message text.

    The owner may continue whatever the verdict; that choice is recorded elsewhere.
    """

    verdict: EligibilityVerdict
    reasons: tuple[Condition, ...]  # the conditions that are true, in the seed's order
    watch_for: tuple[Condition, ...]  # NOT_YET only: the signals to look out for
    headline: str
    lines: tuple[str, ...]


def assess(conditions: Set[Condition]) -> Assessment:
    reasons = tuple(condition for condition in Condition if condition in conditions)
    total = len(Condition)
    if len(reasons) >= CONDITIONS_FOR_PROGRAM:
        return Assessment(
            verdict=EligibilityVerdict.RECOMMENDED,
            reasons=reasons,
            watch_for=(),
            headline=f"A mentoring program makes sense: {len(reasons)} of {total} signs are there.",
            lines=tuple(condition.sentence for condition in reasons),
        )
    if reasons:
        (present,) = reasons
        watch = _MOST_TELLING_MISSING[present]
        return Assessment(
            verdict=EligibilityVerdict.NOT_YET,
            reasons=reasons,
            watch_for=watch,
            headline=f"Not yet: 1 of {total} signs is there, and a program needs at least "
            f"{CONDITIONS_FOR_PROGRAM}.",
            lines=(
                f"Already true: {present.sentence}",
                *(f"Watch for {condition.watch_for}." for condition in watch),
                "Run this check again when one of those shows up.",
            ),
        )
    return Assessment(
        verdict=EligibilityVerdict.NOT_NEEDED,
        reasons=(),
        watch_for=(),
        headline=f"Not now: none of the {total} signs is there.",
        lines=(
            "Your investment dollars are better spent elsewhere.",
            "A mentoring program at a company that doesn't yet need one would likely produce "
            "theater, not outcomes.",
        ),
    )
