from itertools import combinations

import pytest

from bot.domain.eligibility import Condition, EligibilityVerdict, assess

# The seed's "When to Set One Up" list, verbatim.
SEED_SENTENCES = {
    Condition.MULTIPLE_EMS_ONE_NEW: (
        "You have 2+ engineering managers, of whom 1+ is in their first 12 months in the role."
    ),
    Condition.LOW_MANAGEMENT_SATISFACTION: (
        "Your most recent engineering survey showed below-target satisfaction with management "
        "quality."
    ),
    Condition.DORA_PLATEAU_HUMAN: (
        "Your DORA metrics are mechanically healthy (you’ve already worked through the "
        "implementation playbook) but plateauing — and the bottleneck is starting to look "
        "human, not technical."
    ),
    Condition.MANAGER_ATTRITION: (
        "You’ve lost an engineer in the last 12 months who cited “manager” as a contributing "
        "reason."
    ),
    Condition.PROMOTION_PLANNED: (
        "You’re planning to promote 1+ senior engineer into management in the next 6 months."
    ),
}

ALL_SUBSETS = [
    frozenset(subset) for size in range(6) for subset in combinations(list(Condition), size)
]


@pytest.mark.parametrize("condition", list(Condition))
def test_sentence_is_the_seed_wording(condition: Condition) -> None:
    assert condition.sentence == SEED_SENTENCES[condition]


@pytest.mark.parametrize("condition", list(Condition))
def test_label_fits_a_slack_option(condition: Condition) -> None:
    assert 0 < len(condition.label) <= 75


def test_there_are_exactly_the_seed_five() -> None:
    assert set(Condition) == set(SEED_SENTENCES)


@pytest.mark.parametrize("conditions", ALL_SUBSETS, ids=lambda s: "+".join(sorted(s)) or "none")
def test_verdict_follows_the_count_of_true_conditions(conditions: frozenset[Condition]) -> None:
    assessment = assess(conditions)
    expected = {
        0: EligibilityVerdict.NOT_NEEDED,
        1: EligibilityVerdict.NOT_YET,
    }.get(len(conditions), EligibilityVerdict.RECOMMENDED)
    assert assessment.verdict is expected
    assert assessment.reasons == tuple(c for c in Condition if c in conditions)
    assert assessment.headline


@pytest.mark.parametrize("conditions", [s for s in ALL_SUBSETS if len(s) >= 2])
def test_recommended_explains_with_the_true_conditions(conditions: frozenset[Condition]) -> None:
    assessment = assess(conditions)
    assert assessment.lines == tuple(c.sentence for c in Condition if c in conditions)
    assert f"{len(conditions)} of 5" in assessment.headline
    assert assessment.watch_for == ()


@pytest.mark.parametrize("present", list(Condition))
def test_not_yet_names_two_missing_signals_to_watch_for(present: Condition) -> None:
    assessment = assess({present})
    assert len(assessment.watch_for) == 2
    assert len(set(assessment.watch_for)) == 2
    assert present not in assessment.watch_for
    assert assessment.lines[0] == f"Already true: {present.sentence}"
    for condition in assessment.watch_for:
        assert f"Watch for {condition.watch_for}." in assessment.lines
    assert "at least 2" in assessment.headline


def test_promotion_planned_watches_for_the_new_em_first() -> None:
    assessment = assess({Condition.PROMOTION_PLANNED})
    assert assessment.watch_for[0] is Condition.MULTIPLE_EMS_ONE_NEW


def test_not_needed_says_the_money_is_better_spent_elsewhere() -> None:
    assessment = assess(set())
    text = " ".join(assessment.lines)
    assert "investment dollars are better spent elsewhere" in text
    assert "would likely produce theater, not outcomes" in text
    assert assessment.reasons == ()
    assert assessment.watch_for == ()
