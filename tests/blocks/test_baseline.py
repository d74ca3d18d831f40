"""The /emcoach baseline builders: valid Block Kit, values shown with units, bands and counts."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.blocks.baseline import (
    BASELINE_LEADER,
    BASELINE_SURVEY,
    MAX_PODS_SHOWN,
    RETENTION_LEAVERS,
    RETENTION_START,
    SURVEY_SOURCE,
    SURVEY_VALUE,
    Entry,
    LeaderEntries,
    PodEntries,
    build_baselines,
    build_leader_baseline_modal,
    build_survey_baseline_modal,
    describe_value,
    number_text,
    retention_counts,
    retention_details,
    value_block_id,
)
from bot.domain.metrics import Instrument, get_metric, on_instrument
from tests.support.blockkit import assert_valid_message, assert_valid_view

LEAD_TIME = get_metric("lead_time")
RETENTION = get_metric("report_retention")
QUALITY = get_metric("one_on_one_quality")


def _pod(number: int, *, value: Decimal | None = None) -> PodEntries:
    leaders = tuple(
        LeaderEntries(
            leader_id=number * 10 + index,
            user_id=f"U0L{number}{index}",
            entries=(Entry(metric=LEAD_TIME, value=value), Entry(metric=RETENTION, value=value)),
        )
        for index in range(4)
    )
    return PodEntries(
        pod_id=number,
        name=f"Pod{number}",
        leaders=leaders,
        surveys=(Entry(metric=QUALITY, value=value, source="Q4 survey" if value else None),),
    )


def _shown(pods: list[PodEntries], *, locked: str | None = None) -> tuple[str, str]:
    reply = build_baselines(program_name="Pilot", pods=pods, locked=locked)
    assert_valid_message({"text": reply.text, "blocks": reply.blocks})
    assert len(reply.blocks) <= 50
    return reply.text, json.dumps(reply.blocks, ensure_ascii=False)


@given(st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=0, max_value=10**9))
def test_number_text_is_exact_and_plain(value: Decimal) -> None:
    text = number_text(value)
    assert Decimal(text) == value
    assert "E" not in text.upper()
    assert not (text.endswith("0") and "." in text)


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (Entry(metric=LEAD_TIME), "_missing_"),
        (Entry(metric=LEAD_TIME, value=Decimal("36.0000")), "36 h — DORA 2024 band: High"),
        (Entry(metric=LEAD_TIME, value=Decimal("12")), "12 h — DORA 2024 band: Elite"),
        (Entry(metric=QUALITY, value=Decimal("3.40")), "3.4/5"),
        (
            Entry(
                metric=RETENTION,
                value=Decimal("87.5"),
                details=retention_details(reports_at_start=8, leavers=1),
            ),
            "87.5% retained (8 at the start, 1 left)",
        ),
    ],
)
def test_values_read_with_unit_band_and_counts(entry: Entry, expected: str) -> None:
    assert describe_value(entry) == expected


@given(start=st.integers(1, 500), leavers=st.integers(0, 500))
def test_retention_counts_round_trip(start: int, leavers: int) -> None:
    details = retention_details(reports_at_start=start, leavers=leavers)
    assert retention_counts(details) == (start, leavers)
    assert retention_counts(None) is None


def test_the_overview_counts_what_is_missing() -> None:
    text, shown = _shown([_pod(1)])
    assert "9 value(s) still missing" in text
    assert shown.count(BASELINE_LEADER) == 4
    assert shown.count(BASELINE_SURVEY) == 1
    assert "Enter values" in shown


def test_when_everything_is_in_the_next_step_is_commit() -> None:
    text, shown = _shown([_pod(1, value=Decimal(50))])
    assert "Every baseline is in" in text
    assert "Edit values" in shown
    assert "_Source:_ Q4 survey" in shown


def test_a_locked_program_says_how_to_change_a_baseline() -> None:
    _, shown = _shown([_pod(1)], locked="Post a deviation first.")
    assert "*Locked:* Post a deviation first." in shown


def test_many_pods_stay_within_the_message_limit() -> None:
    text, _ = _shown([_pod(number) for number in range(1, 12)])
    assert f"Pod{MAX_PODS_SHOWN + 1}" in text
    assert "`/emcoach baseline <pod>`" in text


def test_the_leader_modal_has_one_input_per_value_and_two_for_retention() -> None:
    leader = LeaderEntries(
        leader_id=5,
        user_id="U0L1",
        entries=(
            Entry(metric=LEAD_TIME, value=Decimal("36.0000")),
            Entry(
                metric=RETENTION,
                value=Decimal("75"),
                details=retention_details(reports_at_start=4, leavers=1),
            ),
        ),
    )
    view = build_leader_baseline_modal(program_id=7, pod_name="Alpha", leader=leader)
    assert_valid_view(view)
    assert json.loads(view["private_metadata"]) == {"program": 7, "leader": 5}
    blocks = {block.get("block_id"): block for block in view["blocks"]}
    assert blocks[value_block_id(LEAD_TIME)]["element"]["initial_value"] == "36"
    assert blocks[value_block_id(LEAD_TIME)]["element"]["is_decimal_allowed"] is True
    assert blocks[RETENTION_START]["element"]["initial_value"] == "4"
    assert blocks[RETENTION_LEAVERS]["element"]["initial_value"] == "1"
    assert blocks[RETENTION_START]["element"]["is_decimal_allowed"] is False
    assert value_block_id(RETENTION) not in blocks


@pytest.mark.parametrize("value", [None, Decimal("3.2")])
def test_on_the_company_survey_the_modal_asks_for_the_pods_result(value: Decimal | None) -> None:
    view = build_survey_baseline_modal(
        program_id=7,
        pod_id=3,
        pod_name="Alpha",
        entry=Entry(metric=on_instrument(QUALITY, Instrument.COMPANY_SURVEY), value=value),
        asked=False,
        people=0,
        threshold=3,
    )
    assert_valid_view(view)
    ids = {block.get("block_id") for block in view["blocks"]}
    assert {SURVEY_VALUE, SURVEY_SOURCE} <= ids
    shown = json.dumps(view, ensure_ascii=False)
    assert "company's own engineering survey" in shown
    assert "isn't available" not in shown
    assert "radio_buttons" not in shown, "no second choice of instrument"


@pytest.mark.parametrize(("asked", "submit"), [(False, "Send the survey"), (True, "Send again")])
def test_on_emcoachs_survey_the_modal_sends_the_round(asked: bool, submit: str) -> None:
    view = build_survey_baseline_modal(
        program_id=7,
        pod_id=3,
        pod_name="Alpha",
        entry=Entry(metric=QUALITY, survey_round="emcoach's baseline survey"),
        asked=asked,
        people=2,
        threshold=3,
    )
    assert_valid_view(view)
    assert view["submit"]["text"] == submit
    shown = json.dumps(view, ensure_ascii=False)
    assert "isn't available" not in shown
    assert "radio_buttons" not in shown and "input" not in {b["type"] for b in view["blocks"]}
    assert ("2 people have answered" in shown) is asked
