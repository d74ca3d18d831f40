"""Every figure carries its unit: one format for a value, one for a change."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.blocks.baseline import Entry, describe_value
from bot.blocks.prompts import CheckpointData, criterion_result
from bot.blocks.prompts.checkpoint import criterion_block_text
from bot.domain.metrics import CATALOG, ChangeKind, MetricId
from bot.domain.units import change_text, value_text


@pytest.mark.parametrize(
    ("metric_id", "value", "expected"),
    [
        (MetricId.LEAD_TIME, Decimal("52.333"), "52.33 h"),
        (MetricId.CHANGE_FAILURE_RATE, Decimal("12.5"), "12.5%"),
        (MetricId.DEPLOY_FREQUENCY, Decimal("3.50"), "3.5 deploys/week"),
        (MetricId.ONE_ON_ONE_QUALITY, Decimal("3.845"), "3.85/5"),
        (MetricId.REPORT_RETENTION, Decimal("83.3333"), "83.33%"),
    ],
)
def test_a_value_carries_its_unit(metric_id: MetricId, value: Decimal, expected: str) -> None:
    assert value_text(metric_id, value) == expected


def test_every_metric_in_the_catalog_has_a_unit() -> None:
    for metric_id in CATALOG:
        text = value_text(metric_id, Decimal("1"))
        assert text != "1" and text.startswith("1")


@pytest.mark.parametrize(
    ("kind", "change", "expected"),
    [
        (ChangeKind.RELATIVE_PERCENT, Decimal("-25"), "−25%"),
        (ChangeKind.RELATIVE_PERCENT, Decimal("12.34"), "+12.3%"),
        (ChangeKind.POINTS, Decimal("0.5"), "+0.5 points"),
        (ChangeKind.PERCENTAGE_POINTS, Decimal("10"), "+10 pp"),
        (ChangeKind.PERCENTAGE_POINTS, Decimal("-3.33"), "−3.3 pp"),
        (ChangeKind.PERCENTAGE_POINTS, Decimal("0.01"), "0 pp"),
    ],
)
def test_a_change_carries_its_unit(kind: ChangeKind, change: Decimal, expected: str) -> None:
    assert change_text(kind, change) == expected


@pytest.mark.parametrize("metric_id", list(MetricId))
@given(
    baseline=st.decimals(min_value=1, max_value=5, places=2),
    now=st.decimals(min_value=1, max_value=5, places=2),
)
def test_the_results_post_prints_every_figure_with_its_unit(
    metric_id: MetricId, baseline: Decimal, now: Decimal
) -> None:
    metric = CATALOG[metric_id]
    result = criterion_result(metric, baseline=baseline, now=now, data_points=5)
    data = CheckpointData(
        month=3, final=False, channel_id="C1", criteria=(result,), definitions_hash="h"
    )
    text = criterion_block_text(result, number=1, threshold=data.anonymity_threshold)
    figures = text.splitlines()[1]
    assert f"Baseline: {value_text(metric_id, baseline)}" in figures
    assert f"Now: {value_text(metric_id, now)}" in figures
    assert result.change is not None
    assert f"Change: {change_text(metric.change_kind, result.change)}" in figures


@pytest.mark.parametrize("metric_id", list(MetricId))
def test_the_baseline_confirmation_prints_the_same_unit(metric_id: MetricId) -> None:
    shown = describe_value(Entry(metric=CATALOG[metric_id], value=Decimal("83.3333")))
    assert shown.startswith(value_text(metric_id, Decimal("83.3333")))


def test_retention_prints_as_a_percentage() -> None:
    result = criterion_result(
        CATALOG[MetricId.REPORT_RETENTION],
        baseline=Decimal("73.33"),
        now=Decimal("83.33"),
        data_points=3,
    )
    text = criterion_block_text(result, number=1, threshold=3)
    assert "Baseline: 73.33% · Now: 83.33% · Change: +10 pp" in text
