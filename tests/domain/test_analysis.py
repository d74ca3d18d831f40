"""The pre-registered analysis (bot.domain.analysis): the locked pool, the mean of each
leader's own change with its n and spread, survey rounds on one instrument, and the verdicts
of month 3 (direction only) and month 6 (against the seed's range)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.analysis import (
    TREND_MINIMUM,
    Instrument,
    Stage,
    default_instrument,
    is_survey,
    judge,
    leader_change,
    locked_leader_figure,
    pooled,
    rule_text,
    survey_change,
)
from bot.domain.metrics import CATALOG, MetricDefinition, Verdict

D = Decimal
LEAD = CATALOG["lead_time"]
CFR = CATALOG["change_failure_rate"]
DEPLOY = CATALOG["deploy_frequency"]
QUALITY = CATALOG["one_on_one_quality"]
RETENTION = CATALOG["report_retention"]


def test_the_locked_figure_pools_every_leader_with_a_baseline() -> None:
    figure = locked_leader_figure(
        LEAD, {"a": D(30), "b": D(52), "c": D(75)}, Instrument.LEADER_VALUES
    )
    assert (figure.figure, figure.n, figure.metric_id) == (D("52.3333"), 3, "lead_time")


def test_no_baselines_lock_no_figure() -> None:
    figure = locked_leader_figure(LEAD, {}, Instrument.LEADER_VALUES)
    assert (figure.figure, figure.n) == (None, 0)
    assert pooled([]) is None


def test_the_change_is_the_mean_of_each_leaders_own_change_not_of_the_pools() -> None:
    # Pools: 52.33 → 31.5 would read −39.8%; the rule says −22.5%.
    result = leader_change(
        LEAD,
        baselines={"a": D(30), "b": D(52), "c": D(75)},
        values={"a": D(24), "b": D(39)},
        leaders=["a", "b", "c"],
    )
    assert result.change == D("-22.5")
    assert (result.n, result.spread, result.missing) == (2, (D(-25), D(-20)), ("c",))
    assert result.too_few


def test_a_leader_without_a_baseline_is_missing_too() -> None:
    result = leader_change(
        RETENTION,
        baselines={"a": D(80), "b": D(90), "c": D(70)},
        values={"a": D(90), "b": D(95), "c": D(80), "d": D(50)},
        leaders=["a", "b", "c", "d"],
    )
    assert result.change == D(25) / 3
    assert (result.n, result.spread, result.missing, result.too_few) == (
        3,
        (D(5), D(10)),
        ("d",),
        False,
    )


def test_a_relative_change_from_zero_is_missing_not_infinite() -> None:
    result = leader_change(
        DEPLOY,
        baselines={"a": D(0), "b": D(2)},
        values={"a": D(3), "b": D(3)},
        leaders=["a", "b"],
    )
    assert (result.change, result.n, result.missing) == (D(50), 1, ("a",))


def test_nobody_measured_is_no_data() -> None:
    result = leader_change(LEAD, baselines={"a": D(10)}, values={}, leaders=["a"])
    assert (result.change, result.n, result.spread, result.too_few) == (None, 0, None, False)
    assert judge(LEAD, result.change, stage=Stage.INTERIM) is Verdict.NO_DATA
    assert judge(LEAD, result.change, stage=Stage.EVALUATION) is Verdict.NO_DATA


def test_a_survey_compares_round_means_and_has_no_per_leader_spread() -> None:
    result = survey_change(QUALITY, baseline=D("3.2"), now=D("4.05"), people=13)
    assert (result.change, result.n, result.spread, result.too_few) == (D("0.85"), 13, None, False)
    hidden = survey_change(QUALITY, baseline=D("3.2"), now=None, people=2)
    assert (hidden.change, hidden.n) == (None, 2)


@pytest.mark.parametrize(
    ("metric", "delta", "expected"),
    [
        (LEAD, D(-1), Verdict.MOVING_EXPECTED_WAY),
        (LEAD, D(0), Verdict.NO_CHANGE),
        (LEAD, D("0.1"), Verdict.MOVING_WRONG_WAY),
        (QUALITY, D("0.01"), Verdict.MOVING_EXPECTED_WAY),
        (QUALITY, D(-1), Verdict.MOVING_WRONG_WAY),
        (CFR, D(-5), Verdict.MOVING_EXPECTED_WAY),
        (RETENTION, D(0), Verdict.NO_CHANGE),
    ],
)
def test_month_3_reads_the_direction_only(
    metric: MetricDefinition, delta: Decimal, expected: Verdict
) -> None:
    assert judge(metric, delta, stage=Stage.INTERIM) is expected


@pytest.mark.parametrize(
    ("metric", "delta", "expected"),
    [
        (LEAD, D(-41), Verdict.BETTER_THAN_EXPECTED),
        (LEAD, D(-40), Verdict.WITHIN_EXPECTED),
        (LEAD, D(-25), Verdict.WITHIN_EXPECTED),
        (LEAD, D("-24.9"), Verdict.SHORT_OF_EXPECTED),
        (LEAD, D(0), Verdict.UNCHANGED),
        (LEAD, D(3), Verdict.WORSE_THAN_BASELINE),
        (QUALITY, D("0.5"), Verdict.WITHIN_EXPECTED),
        (QUALITY, D("1.01"), Verdict.BETTER_THAN_EXPECTED),
        (RETENTION, D(9), Verdict.SHORT_OF_EXPECTED),
        (CFR, D(-3), Verdict.IMPROVED_NO_RANGE),
        (DEPLOY, D(-3), Verdict.WORSE_THAN_BASELINE),
    ],
)
def test_month_6_is_judged_against_the_seeds_range(
    metric: MetricDefinition, delta: Decimal, expected: Verdict
) -> None:
    assert judge(metric, delta, stage=Stage.EVALUATION) is expected


_MONTH_6_ONLY = {
    Verdict.BETTER_THAN_EXPECTED,
    Verdict.WITHIN_EXPECTED,
    Verdict.SHORT_OF_EXPECTED,
    Verdict.IMPROVED_NO_RANGE,
    Verdict.UNCHANGED,
    Verdict.WORSE_THAN_BASELINE,
}


@given(
    st.sampled_from(list(CATALOG.values())),
    st.decimals(min_value=-500, max_value=500, allow_nan=False, allow_infinity=False, places=2),
)
def test_month_3_never_uses_a_range_verdict(metric: MetricDefinition, delta: Decimal) -> None:
    assert judge(metric, delta, stage=Stage.INTERIM) not in _MONTH_6_ONLY


@given(
    st.dictionaries(
        st.sampled_from("abcdef"),
        st.tuples(
            st.decimals(min_value=1, max_value=1000, places=2),
            st.decimals(min_value=0, max_value=1000, places=2),
        ),
    ),
    st.lists(st.sampled_from("abcdefgh"), unique=True),
)
def test_the_change_lies_within_its_spread_and_counts_each_leader_once(
    pairs: dict[str, tuple[Decimal, Decimal]], extra: list[str]
) -> None:
    leaders = sorted(set(pairs) | set(extra))
    result = leader_change(
        LEAD,
        baselines={leader: pair[0] for leader, pair in pairs.items()},
        values={leader: pair[1] for leader, pair in pairs.items()},
        leaders=leaders,
    )
    assert result.n + len(result.missing) == len(leaders)
    assert result.n == len(pairs)
    if result.change is None:
        assert result.spread is None
    else:
        assert result.spread is not None
        low, high = result.spread
        assert low <= result.change <= high
        assert result.too_few == (result.n < TREND_MINIMUM)


def test_instruments_and_their_rules() -> None:
    assert default_instrument(QUALITY) is Instrument.EMCOACH_SURVEY
    assert default_instrument(LEAD) is Instrument.LEADER_VALUES
    assert is_survey(Instrument.COMPANY_SURVEY) and not is_survey(Instrument.LEADER_VALUES)
    assert "baseline round's mean" in rule_text(Instrument.EMCOACH_SURVEY)
    assert "named as missing" in rule_text(Instrument.LEADER_VALUES)
    assert "company" in Instrument.COMPANY_SURVEY.words
