"""The criteria builders: limits Slack enforces, what each message must say, round trips."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.blocks.criteria import (
    CRITERIA_APPROVE,
    CRITERIA_COMMENT,
    CRITERIA_INSTRUMENT,
    CRITERIA_PICK,
    CRITERIA_REQUEST_CHANGES,
    OPTION_DESCRIPTION_MAX,
    SignoffRef,
    SignoffRequest,
    approved_outcome,
    build_changes_modal,
    build_changes_notice,
    build_criteria_modal,
    build_signoff_request,
    comment_of,
    criterion_text,
    option_description,
    pack_signoff,
    picker_note,
    quote,
    selected_metric_ids,
    unpack_signoff,
)
from bot.domain.metrics import CATALOG, Instrument, definitions_hash, get_metric
from tests.support.blockkit import assert_valid_message, assert_valid_view

AT = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)
PAIR = ("lead_time", "one_on_one_quality")


def _request(**overrides: Any) -> SignoffRequest:
    metrics = [get_metric(metric_id) for metric_id in PAIR]
    spec: dict[str, Any] = {
        "program_id": 7,
        "program_name": "Pilot",
        "criteria": [metric.to_dict() for metric in metrics],
        "criteria_hash": definitions_hash(metrics),
        "requested_by": "U0OWNER",
    }
    return SignoffRequest(**(spec | overrides))


def _picker(view: dict[str, Any]) -> dict[str, Any]:
    return next(block for block in view["blocks"] if block.get("block_id") == CRITERIA_PICK)


def _action_ids(blocks: list[dict[str, Any]]) -> list[str]:
    return [
        element["action_id"]
        for block in blocks
        if block["type"] == "actions"
        for element in block["elements"]
    ]


def test_modal_lists_every_metric_and_preselects_the_current_ones() -> None:
    view = build_criteria_modal(
        program_id=7, program_name="Pilot", catalog=list(CATALOG.values()), selected=PAIR
    )
    assert_valid_view(view)
    assert json.loads(view["private_metadata"]) == {"program": 7}
    picker = _picker(view)
    assert [option["value"] for option in picker["element"]["options"]] == list(CATALOG)
    assert [option["value"] for option in picker["element"]["initial_options"]] == list(PAIR)
    assert picker.get("optional", False) is False
    shown = json.dumps(view, ensure_ascii=False)
    for metric in CATALOG.values():
        assert metric.definition in shown


@pytest.mark.parametrize("chosen", [None, Instrument.COMPANY_SURVEY])
def test_modal_asks_where_1_1_quality_comes_from(chosen: Instrument | None) -> None:
    view = build_criteria_modal(
        program_id=7,
        program_name="Pilot",
        catalog=list(CATALOG.values()),
        selected=(),
        instrument=chosen,
    )
    assert_valid_view(view)
    (block,) = [b for b in view["blocks"] if b.get("block_id") == CRITERIA_INSTRUMENT]
    options = block["element"]["options"]
    assert [o["value"] for o in options] == ["emcoach_survey", "company_survey"]
    assert all(len(o["description"]["text"]) <= OPTION_DESCRIPTION_MAX for o in options)
    assert block["optional"] is True, "only needed when 1:1 Quality is picked"
    assert "locked with the criteria" in block["hint"]["text"].lower()
    initial = block["element"].get("initial_option")
    assert (initial or {}).get("value") == (chosen.value if chosen else None)


def test_modal_without_current_criteria_preselects_nothing() -> None:
    view = build_criteria_modal(
        program_id=7, program_name="Pilot", catalog=list(CATALOG.values()), selected=()
    )
    assert "initial_options" not in _picker(view)["element"]


@pytest.mark.parametrize("metric_id", list(CATALOG))
def test_option_descriptions_fit_slack_and_name_unit_and_direction(metric_id: str) -> None:
    metric = get_metric(metric_id)
    description = option_description(metric)
    assert len(description) <= OPTION_DESCRIPTION_MAX
    assert metric.unit in description
    assert "is better" in description
    if metric.expected is not None:
        assert metric.expected.seed_text in description


def test_criterion_text_says_direction_source_and_dora_year() -> None:
    lead_time = criterion_text(get_metric("lead_time").to_dict(), number=1)
    assert lead_time.startswith("*1. Lead Time for Changes")
    assert "hours (median); lower is better" in lead_time
    assert "_Data source:_ Version control" in lead_time
    assert "DORA, Accelerate State of DevOps Report 2024" in lead_time
    assert "−25% to −40%" in lead_time
    quality = criterion_text(get_metric("one_on_one_quality").to_dict())
    assert "higher is better" in quality
    assert "DORA" not in quality


def test_picker_note_warns_what_saving_does() -> None:
    assert picker_note(signed_off_by=None, committed=False) is None
    assert "<@U0CFO>" in str(picker_note(signed_off_by="U0CFO", committed=False))
    assert "deviation" in str(picker_note(signed_off_by="U0CFO", committed=True))


def test_selected_metric_ids_reads_the_submission() -> None:
    values = {
        CRITERIA_PICK: {
            CRITERIA_PICK: {"selected_options": [{"value": "lead_time"}, {"value": "x"}]}
        }
    }
    assert selected_metric_ids(values) == ["lead_time", "x"]
    assert selected_metric_ids({}) == []
    assert selected_metric_ids({CRITERIA_PICK: {CRITERIA_PICK: {"selected_options": None}}}) == []


def test_request_has_the_definitions_the_hash_and_two_buttons() -> None:
    request = _request()
    reply = build_signoff_request(request)
    assert_valid_message(reply.as_ephemeral())
    shown = json.dumps(reply.blocks, ensure_ascii=False)
    assert request.criteria_hash in shown
    assert "<@U0OWNER> asks you" in shown
    assert "Lead Time" in reply.text
    assert _action_ids(reply.blocks) == [CRITERIA_APPROVE, CRITERIA_REQUEST_CHANGES]
    [actions] = [block for block in reply.blocks if block["type"] == "actions"]
    value = actions["elements"][0]["value"]
    assert unpack_signoff(value) == request.ref


def test_an_answered_request_shows_the_outcome_instead_of_buttons() -> None:
    request = _request()
    outcome = approved_outcome(at=AT, timezone="America/New_York", criteria_hash="abc")
    reply = build_signoff_request(request, outcome=outcome)
    assert_valid_message(reply.as_ephemeral())
    assert _action_ids(reply.blocks) == []
    shown = json.dumps(reply.blocks, ensure_ascii=False)
    assert "Approved by you at <!date^1799049600^" in shown
    assert "Mon 4 Jan, 03:00 EST" in shown  # the fallback, in the program's zone


@given(
    program_id=st.integers(min_value=1, max_value=2**31),
    criteria_hash=st.text(alphabet="0123456789abcdef", min_size=64, max_size=64),
    requested_by=st.from_regex(r"U[A-Z0-9]{8,10}", fullmatch=True),
    located=st.booleans(),
)
def test_signoff_reference_round_trips(
    program_id: int, criteria_hash: str, requested_by: str, located: bool
) -> None:
    ref = SignoffRef(
        program_id=program_id,
        criteria_hash=criteria_hash,
        requested_by=requested_by,
        channel="D0CFO" if located else "",
        ts="1799049600.000100" if located else "",
    )
    packed = pack_signoff(ref)
    assert len(packed) <= 150  # fits even an option value, let alone a button's 2000
    assert unpack_signoff(packed) == ref


@pytest.mark.parametrize("garbage", ["", "{", "[]", '{"p": 1}', "42"])
def test_a_garbled_reference_is_a_value_error(garbage: str) -> None:
    with pytest.raises(ValueError, match="not a sign-off reference"):
        unpack_signoff(garbage)


def test_changes_modal_requires_a_comment_and_keeps_where_the_request_is() -> None:
    ref = SignoffRef(program_id=7, criteria_hash="h", requested_by="U0OWNER", channel="D1", ts="1")
    view = build_changes_modal(ref=ref, program_name="Pilot")
    assert_valid_view(view)
    assert unpack_signoff(view["private_metadata"]) == ref
    comment = next(block for block in view["blocks"] if block.get("block_id") == CRITERIA_COMMENT)
    assert comment.get("optional", False) is False
    values = {CRITERIA_COMMENT: {CRITERIA_COMMENT: {"value": "  swap one  "}}}
    assert comment_of(values) == "swap one"
    assert comment_of({}) == ""


def test_every_line_of_a_comment_is_quoted() -> None:
    assert quote(" first\nsecond \n") == ">first\n>second"
    notice = build_changes_notice(program_name="Pilot", budget_owner_id="U0CFO", comment="a\nb")
    assert ">a\n>b" in notice.text
    assert '/emcoach criteria "Pilot"' in notice.text
