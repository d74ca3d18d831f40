import dataclasses
import hashlib
import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.metrics import (
    CATALOG,
    ONE_ON_ONE_STATEMENT,
    ChangeKind,
    Direction,
    Instrument,
    MetricDefinition,
    MetricValueError,
    SelectionError,
    Verdict,
    change,
    check_value,
    choose_instruments,
    definitions_hash,
    dora_band,
    frozen_definitions_json,
    get_metric,
    instrument_options,
    on_instrument,
    validate_selection,
    verdict,
)

D = Decimal
V = Verdict
LEAD = CATALOG["lead_time"]
CFR = CATALOG["change_failure_rate"]
DEPLOY = CATALOG["deploy_frequency"]
QUALITY = CATALOG["one_on_one_quality"]
RETENTION = CATALOG["report_retention"]


def test_catalog_ids_are_the_products() -> None:
    assert list(CATALOG) == [
        "lead_time",
        "change_failure_rate",
        "deploy_frequency",
        "one_on_one_quality",
        "report_retention",
    ]
    assert all(metric.id == key for key, metric in CATALOG.items())


# id: unit, direction, change kind, seed range (least, most), is DORA, anonymous survey
CATALOG_TABLE: dict[str, tuple[str, str, str, tuple[str, str] | None, bool, bool]] = {
    "lead_time": (
        "hours (median)", "lower_is_better", "relative_percent", ("25", "40"), True, False
    ),
    "change_failure_rate": (
        "% of deployments", "lower_is_better", "percentage_points", None, True, False
    ),
    "deploy_frequency": (
        "deploys per week", "higher_is_better", "relative_percent", None, True, False
    ),
    "one_on_one_quality": (
        "mean of a 5-point agree scale", "higher_is_better", "points", ("0.5", "1.0"), False, True
    ),
    "report_retention": (
        "%", "higher_is_better", "percentage_points", ("10", "15"), False, False
    ),
}  # fmt: skip


@pytest.mark.parametrize("metric_id", list(CATALOG_TABLE))
def test_catalog_entries(metric_id: str) -> None:
    unit, direction, kind, expected, is_dora, anonymous = CATALOG_TABLE[metric_id]
    metric = CATALOG[metric_id]
    assert metric.unit == unit
    assert metric.direction is Direction(direction)
    assert metric.change_kind is ChangeKind(kind)
    if expected is None:
        assert metric.expected is None
    else:
        assert metric.expected is not None
        assert (metric.expected.least, metric.expected.most) == (D(expected[0]), D(expected[1]))
    assert metric.is_dora is is_dora
    assert metric.dora_report_year == (2024 if is_dora else None)
    assert bool(metric.dora_bands) is is_dora
    assert metric.anonymous_survey is anonymous
    assert metric.definition.endswith(".")
    assert metric.data_source


def test_seed_range_wording_is_kept() -> None:
    assert [m.expected.seed_text for m in CATALOG.values() if m.expected] == [
        "−25% to −40%",
        "+0.5 to +1.0 points",
        "+10pp to +15pp",
    ]


def test_one_on_one_definition_quotes_the_survey_statement() -> None:
    assert ONE_ON_ONE_STATEMENT in QUALITY.definition


@pytest.mark.parametrize(
    "ids",
    [
        ["lead_time", "one_on_one_quality"],
        ["report_retention", "deploy_frequency", "change_failure_rate"],
    ],
)
def test_valid_selection_keeps_the_pick_order(ids: list[str]) -> None:
    assert [metric.id for metric in validate_selection(ids)] == ids


@pytest.mark.parametrize(
    ("ids", "message"),
    [
        ([], "at least 2 .* so one noisy number can't decide"),
        (["lead_time"], "at least 2"),
        (["lead_time", "change_failure_rate", "deploy_frequency", "report_retention"], "at most 3"),
        (["lead_time", "lead_time"], "only once"),
        (["lead_time", "lead_time", "report_retention"], "only once"),
        (["lead_time", "velocity"], "no metric called “velocity”. Pick from: Lead Time"),
    ],
)
def test_invalid_selection_says_why(ids: list[str], message: str) -> None:
    with pytest.raises(SelectionError, match=message):
        validate_selection(ids)


def test_frozen_json_is_canonical() -> None:
    text = frozen_definitions_json([QUALITY, LEAD])
    data = json.loads(text)
    assert [entry["id"] for entry in data] == ["lead_time", "one_on_one_quality"]
    assert text == json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert "−25% to −40%" in text  # not \u2212-escaped
    assert data[0]["dora_report_year"] == 2024
    assert data[0]["dora_bands"][0] == {
        "name": "Elite",
        "limit": "24",
        "inclusive": False,
        "report_wording": "less than one day",
    }
    assert data[1]["expected"] == {
        "least": "0.5",
        "most": "1.0",
        "seed_text": "+0.5 to +1.0 points",
    }


def test_hash_is_sha256_of_the_utf8_json_and_ignores_pick_order() -> None:
    picked = [RETENTION, LEAD, QUALITY]
    expected = hashlib.sha256(frozen_definitions_json(picked).encode("utf-8")).hexdigest()
    assert definitions_hash(picked) == expected
    assert definitions_hash(reversed(picked)) == expected
    assert len(expected) == 64


def test_hash_changes_with_any_definition_change() -> None:
    edited = dataclasses.replace(LEAD, definition=LEAD.definition.replace("30 days", "60 days"))
    assert definitions_hash([LEAD, QUALITY]) != definitions_hash([edited, QUALITY])
    assert definitions_hash([LEAD, QUALITY]) != definitions_hash([LEAD, RETENTION])


@pytest.mark.parametrize(
    ("metric_id", "value", "band"),
    [
        ("lead_time", "0", "Elite"),
        ("lead_time", "23.99", "Elite"),
        ("lead_time", "24", "High"),
        ("lead_time", "168", "High"),
        ("lead_time", "168.01", "Medium"),
        ("lead_time", "728", "Medium"),  # one month = 52/12 weeks
        ("lead_time", "728.01", "Low"),
        ("lead_time", "10000", "Low"),
        ("deploy_frequency", "0", "Low"),
        ("deploy_frequency", "0.2307", "Low"),  # just under once a month (12/52 a week)
        ("deploy_frequency", "0.2308", "Medium"),
        ("deploy_frequency", "0.99", "Medium"),
        ("deploy_frequency", "1", "High"),
        ("deploy_frequency", "7", "High"),  # once a day: Elite is "multiple deploys per day"
        ("deploy_frequency", "7.01", "Elite"),
        ("deploy_frequency", "70", "Elite"),
        ("change_failure_rate", "0", "Elite"),
        ("change_failure_rate", "5", "Elite"),
        ("change_failure_rate", "7.5", "Elite"),
        ("change_failure_rate", "7.51", "Medium"),
        ("change_failure_rate", "10", "Medium"),
        ("change_failure_rate", "14.99", "Medium"),
        ("change_failure_rate", "15", "High"),
        ("change_failure_rate", "20", "High"),
        ("change_failure_rate", "30", "High"),
        ("change_failure_rate", "30.01", "Low"),
        ("change_failure_rate", "40", "Low"),
        ("change_failure_rate", "100", "Low"),
    ],
)
def test_dora_band_2024(metric_id: str, value: str, band: str) -> None:
    assert dora_band(metric_id, D(value)) == band


@pytest.mark.parametrize("metric_id", ["one_on_one_quality", "report_retention"])
def test_non_dora_metrics_have_no_band(metric_id: str) -> None:
    assert dora_band(metric_id, D(3)) is None


def test_dora_band_refuses_impossible_values_and_unknown_ids() -> None:
    with pytest.raises(MetricValueError, match="0 or more"):
        dora_band("lead_time", D(-1))
    with pytest.raises(MetricValueError, match="from 0 to 100"):
        dora_band("change_failure_rate", D(101))
    with pytest.raises(SelectionError):
        dora_band("mttr", D(1))


_RANK = {"Elite": 0, "High": 1, "Medium": 2, "Low": 3}
hours = st.decimals(min_value=0, max_value=100_000, places=2)
per_week = st.decimals(min_value=0, max_value=1_000, places=3)


@given(hours, hours)
def test_a_longer_lead_time_never_has_a_better_band(a: Decimal, b: Decimal) -> None:
    faster, slower = sorted((a, b))
    assert (
        _RANK[dora_band("lead_time", faster) or ""] <= _RANK[dora_band("lead_time", slower) or ""]
    )


@given(per_week, per_week)
def test_deploying_more_often_never_has_a_worse_band(a: Decimal, b: Decimal) -> None:
    rarer, oftener = sorted((a, b))
    rank = _RANK[dora_band("deploy_frequency", oftener) or ""]
    assert rank <= _RANK[dora_band("deploy_frequency", rarer) or ""]


@pytest.mark.parametrize(
    ("metric_id", "value", "ok"),
    [
        ("lead_time", "0", True),
        ("lead_time", "-0.1", False),
        ("lead_time", "NaN", False),
        ("lead_time", "Infinity", False),
        ("one_on_one_quality", "1", True),
        ("one_on_one_quality", "5", True),
        ("one_on_one_quality", "0.99", False),
        ("one_on_one_quality", "5.01", False),
        ("report_retention", "0", True),
        ("report_retention", "100", True),
        ("report_retention", "100.1", False),
        ("deploy_frequency", "1000", True),
    ],
)
def test_check_value(metric_id: str, value: str, ok: bool) -> None:
    metric = get_metric(metric_id)
    if ok:
        check_value(metric, D(value))
    else:
        with pytest.raises(MetricValueError, match=metric.short_name):
            check_value(metric, D(value))


@pytest.mark.parametrize(
    ("metric_id", "baseline", "now", "expected"),
    [
        # lead_time: lower is better, relative %, seed −25% to −40%
        ("lead_time", "100", "50", V.BETTER_THAN_EXPECTED),  # −50%
        ("lead_time", "100", "59.99", V.BETTER_THAN_EXPECTED),
        ("lead_time", "100", "60", V.WITHIN_EXPECTED),  # −40% exactly
        ("lead_time", "48", "36", V.WITHIN_EXPECTED),  # −25% exactly
        ("lead_time", "100", "75.01", V.SHORT_OF_EXPECTED),
        ("lead_time", "100", "99", V.SHORT_OF_EXPECTED),
        ("lead_time", "100", "100", V.UNCHANGED),
        ("lead_time", "100", "101", V.WORSE_THAN_BASELINE),
        ("lead_time", "0", "0", V.UNCHANGED),
        ("lead_time", "0", "5", V.WORSE_THAN_BASELINE),
        ("lead_time", "3", "0", V.BETTER_THAN_EXPECTED),  # −100%
        # one_on_one_quality: higher is better, points, seed +0.5 to +1.0
        ("one_on_one_quality", "3", "4.01", V.BETTER_THAN_EXPECTED),
        ("one_on_one_quality", "3", "4", V.WITHIN_EXPECTED),
        ("one_on_one_quality", "3", "3.5", V.WITHIN_EXPECTED),
        ("one_on_one_quality", "3", "3.49", V.SHORT_OF_EXPECTED),
        ("one_on_one_quality", "3", "3", V.UNCHANGED),
        ("one_on_one_quality", "3", "2.9", V.WORSE_THAN_BASELINE),
        ("one_on_one_quality", "1", "2.5", V.BETTER_THAN_EXPECTED),
        # report_retention: higher is better, percentage points, seed +10pp to +15pp
        ("report_retention", "70", "86", V.BETTER_THAN_EXPECTED),
        ("report_retention", "70", "85", V.WITHIN_EXPECTED),
        ("report_retention", "70", "80", V.WITHIN_EXPECTED),
        ("report_retention", "70", "79.9", V.SHORT_OF_EXPECTED),
        ("report_retention", "70", "70", V.UNCHANGED),
        ("report_retention", "70", "60", V.WORSE_THAN_BASELINE),
        ("report_retention", "0", "10", V.WITHIN_EXPECTED),
        ("report_retention", "0", "0", V.UNCHANGED),
        # no published range
        ("change_failure_rate", "20", "10", V.IMPROVED_NO_RANGE),
        ("change_failure_rate", "20", "20", V.UNCHANGED),
        ("change_failure_rate", "20", "25", V.WORSE_THAN_BASELINE),
        ("change_failure_rate", "0", "0", V.UNCHANGED),
        ("change_failure_rate", "0", "1", V.WORSE_THAN_BASELINE),
        ("deploy_frequency", "2", "3", V.IMPROVED_NO_RANGE),
        ("deploy_frequency", "0", "1", V.IMPROVED_NO_RANGE),
        ("deploy_frequency", "2", "2", V.UNCHANGED),
        ("deploy_frequency", "2", "1", V.WORSE_THAN_BASELINE),
        ("deploy_frequency", "0", "0", V.UNCHANGED),
    ],
)
def test_verdict(metric_id: str, baseline: str, now: str, expected: Verdict) -> None:
    assert verdict(CATALOG[metric_id], D(baseline), D(now)) is expected


@pytest.mark.parametrize("metric", list(CATALOG.values()), ids=lambda m: m.id)
@pytest.mark.parametrize(("baseline", "now"), [(None, D(3)), (D(3), None), (None, None)])
def test_missing_value_is_no_data(
    metric: MetricDefinition, baseline: Decimal | None, now: Decimal | None
) -> None:
    assert verdict(metric, baseline, now) is V.NO_DATA


def test_verdict_refuses_impossible_values() -> None:
    with pytest.raises(MetricValueError):
        verdict(QUALITY, D(3), D(6))


def test_every_verdict_has_a_label() -> None:
    assert V.IMPROVED_NO_RANGE.label == "improved (no published range)"
    assert len({v.label for v in Verdict}) == len(Verdict)


@pytest.mark.parametrize(
    ("metric_id", "baseline", "now", "expected"),
    [
        ("lead_time", "40", "30", D(-25)),
        ("lead_time", "0", "5", None),
        ("deploy_frequency", "4", "5", D(25)),
        ("one_on_one_quality", "3.2", "3.9", D("0.7")),
        ("report_retention", "80", "92", D(12)),
        ("change_failure_rate", "15", "10", D(-5)),
    ],
)
def test_change(metric_id: str, baseline: str, now: str, expected: Decimal | None) -> None:
    assert change(CATALOG[metric_id], D(baseline), D(now)) == expected


positive = st.decimals(min_value=D("0.01"), max_value=D(10_000), places=2)


@given(positive, positive, positive)
def test_lead_time_verdict_is_monotone(baseline: Decimal, a: Decimal, b: Decimal) -> None:
    order = [
        V.WORSE_THAN_BASELINE,
        V.UNCHANGED,
        V.SHORT_OF_EXPECTED,
        V.WITHIN_EXPECTED,
        V.BETTER_THAN_EXPECTED,
    ]
    faster, slower = sorted((a, b))
    assert order.index(verdict(LEAD, baseline, faster)) >= order.index(
        verdict(LEAD, baseline, slower)
    )


def test_the_instrument_is_part_of_the_frozen_definition_and_its_hash() -> None:
    company = on_instrument(QUALITY, Instrument.COMPANY_SURVEY)
    assert QUALITY.to_dict()["instrument"] == "emcoach_survey"
    assert company.to_dict()["instrument"] == "company_survey"
    assert "company's own engineering survey" in company.data_source
    assert "emcoach" not in company.data_source
    assert definitions_hash([LEAD, QUALITY]) != definitions_hash([LEAD, company])
    assert on_instrument(QUALITY, Instrument.EMCOACH_SURVEY) is QUALITY
    assert instrument_options(LEAD) == (Instrument.LEADER_VALUES,)
    with pytest.raises(SelectionError):
        on_instrument(LEAD, Instrument.COMPANY_SURVEY)


def test_a_survey_criterion_needs_its_instrument_chosen() -> None:
    with pytest.raises(SelectionError, match="Choose where 1:1 Quality comes from"):
        choose_instruments([LEAD, QUALITY], None)
    assert choose_instruments([LEAD, RETENTION], None) == (LEAD, RETENTION)
    chosen = choose_instruments([LEAD, QUALITY], Instrument.COMPANY_SURVEY)
    assert [metric.instrument for metric in chosen] == [
        Instrument.LEADER_VALUES,
        Instrument.COMPANY_SURVEY,
    ]
