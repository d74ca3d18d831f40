"""The /emcoach metrics builders: valid Block Kit, what is missing, where the results go, and
the per-leader form with this flow's ids."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from bot.blocks.baseline import BASELINE_FORM, Entry, LeaderEntries, PodEntries
from bot.blocks.metrics import (
    MAX_PODS_SHOWN,
    METRICS_FORM,
    METRICS_LEADER,
    METRICS_LEADER_VIEW,
    OpenCheckpoint,
    build_checkpoint_values,
    build_leader_checkpoint_modal,
    published_sentence,
)
from bot.domain.metrics import get_metric
from tests.support.blockkit import assert_valid_message, assert_valid_view

LEAD_TIME = get_metric("lead_time")
FAILURES = get_metric("change_failure_rate")
RETENTION = get_metric("report_retention")
MAY_1 = date(2027, 5, 1)
CHECKPOINT = OpenCheckpoint(
    program_name="Pilot", month=3, occasion=MAY_1, channel_id="C0ENG", late=False
)


def _leader(number: int, *, value: Decimal | None = None) -> LeaderEntries:
    return LeaderEntries(
        leader_id=number,
        user_id=f"U0L{number}",
        entries=(Entry(metric=LEAD_TIME, value=value), Entry(metric=FAILURES, value=value)),
    )


def _pod(number: int, *, value: Decimal | None = None) -> PodEntries:
    leaders = tuple(_leader(number * 10 + index, value=value) for index in range(4))
    return PodEntries(pod_id=number, name=f"Pod{number}", leaders=leaders, surveys=())


def _shown(
    pods: list[PodEntries],
    *,
    checkpoint: OpenCheckpoint = CHECKPOINT,
    surveys: tuple[str, ...] = (),
) -> tuple[str, str]:
    reply = build_checkpoint_values(
        checkpoint=checkpoint, pods=pods, survey_names=surveys, anonymity_threshold=3
    )
    assert_valid_message({"text": reply.text, "blocks": reply.blocks})
    assert len(reply.blocks) <= 50
    return reply.text, json.dumps(reply.blocks, ensure_ascii=False)


def test_the_overview_counts_what_is_missing_and_says_when_it_goes_out() -> None:
    text, shown = _shown([_pod(1)])
    assert "8 value(s) still missing for month 3" in text
    assert shown.count(METRICS_LEADER) == 4
    assert "Enter values" in shown
    assert "go out in <#C0ENG> on Sat 1 May 2027 as they stand" in shown
    assert "Lead Time: _missing_" in shown


def test_entered_values_show_their_dora_band() -> None:
    text, shown = _shown([_pod(1, value=Decimal(12))])
    assert "Every month-3 value is in" in text
    assert "Lead Time: 12 h — DORA 2024 band: Elite" in shown
    assert "Change Failure Rate: 12% — DORA 2024 band: Medium" in shown
    assert "Edit values" in shown


def test_the_survey_criterion_is_explained_not_asked_for() -> None:
    _, shown = _shown([_pod(1)], surveys=("1:1 Quality",))
    assert "*1:1 Quality* isn't entered here" in shown
    assert "fewer than 3 responses" in shown


def test_a_late_checkpoint_and_an_earlier_publication_are_said() -> None:
    final = OpenCheckpoint(
        program_name="Pilot",
        month=6,
        occasion=date(2027, 8, 1),
        channel_id="C0ENG",
        late=True,
        earlier="The month-3 results were published on Sat 1 May 2027.",
    )
    _, shown = _shown([_pod(1)], checkpoint=final)
    assert "Month-6 values: Pilot" in shown
    assert "were due on Sun 1 Aug 2027" in shown
    assert "The month-3 results were published on Sat 1 May 2027." in shown


def test_many_pods_stay_within_the_message_limit() -> None:
    text, shown = _shown([_pod(number) for number in range(1, 15)])
    assert f"Pod{MAX_PODS_SHOWN + 1}" in text
    assert f"Pod{MAX_PODS_SHOWN + 1} (" not in shown
    assert "`/emcoach metrics <pod>`" in text


def test_a_cohort_without_leaders_says_there_is_nothing_to_enter() -> None:
    empty = PodEntries(pod_id=1, name="Alpha", leaders=(), surveys=())
    text, shown = _shown([empty])
    assert "nothing to enter per leader" in text
    assert METRICS_LEADER not in shown


@pytest.mark.parametrize(
    ("next_month", "expected"),
    [
        (
            6,
            "The month-3 results were published on Sat 1 May 2027; values entered now count "
            "for month 6.",
        ),
        (
            None,
            "The month-3 results were published on Sat 1 May 2027; the program's values are final.",
        ),
    ],
)
def test_the_published_sentence(next_month: int | None, expected: str) -> None:
    assert published_sentence(month=3, published_on=MAY_1, next_month=next_month) == expected


def test_the_form_is_the_baseline_form_with_this_flows_ids() -> None:
    leader = LeaderEntries(
        leader_id=5,
        user_id="U0L1",
        entries=(Entry(metric=LEAD_TIME, value=Decimal("20.5")), Entry(metric=RETENTION)),
    )
    view = build_leader_checkpoint_modal(
        program_id=7, month=3, occasion=MAY_1, pod_name="Alpha", leader=leader
    )
    assert_valid_view(view)
    assert view["callback_id"] == METRICS_LEADER_VIEW
    assert view["title"]["text"] == "Month-3 values"
    assert json.loads(view["private_metadata"]) == {"program": 7, "leader": 5, "month": 3}
    blocks = {block.get("block_id"): block for block in view["blocks"]}
    assert blocks[METRICS_FORM.value_block_id(LEAD_TIME)]["element"]["initial_value"] == "20.5"
    assert "initial_value" not in blocks[METRICS_FORM.retention_start]["element"]
    assert METRICS_FORM.retention_leavers in blocks
    assert METRICS_FORM.source in blocks
    assert not set(blocks) & {
        BASELINE_FORM.value_block_id(LEAD_TIME),
        BASELINE_FORM.retention_start,
        BASELINE_FORM.source,
    }
    assert "window ending on Sat 1 May 2027" in json.dumps(view)
