"""The /emcoach pod builders: valid Block Kit, within Slack's limits, saying the right things."""

from __future__ import annotations

import json
from datetime import time

from hypothesis import given
from hypothesis import strategies as st

from bot.blocks.pod import (
    LEADER_DAY,
    LEADER_POD,
    LEADER_REPORTS,
    LEADER_TIME,
    LEADER_USER,
    MAX_PODS_SHOWN,
    POD_ADD_LEADER,
    POD_COACH,
    POD_EDIT,
    POD_EDIT_LEADER,
    POD_LEADER_VIEW,
    POD_NAME,
    POD_NEW,
    POD_SESSION_DAY,
    POD_SESSION_TIME,
    POD_SESSION_WEEK,
    POD_VIEW,
    LeaderLine,
    PodLine,
    ViewState,
    build_cohort,
    build_leader_modal,
    build_pod_modal,
    describe_leader,
    describe_one_on_one,
    describe_session,
)
from bot.blocks.reply import build_notice_modal
from bot.domain.args import LAST, MonthlySlot, WeeklySlot
from tests.support.blockkit import assert_valid_message, assert_valid_view

SLOT = MonthlySlot(ordinal=1, weekday=1, time=time(15, 0))


def _leader(number: int, **changes: object) -> LeaderLine:
    fields: dict[str, object] = {
        "id": number,
        "user_id": f"U0L{number}",
        "manager_id": "U0MAX",
        "reports": ("U0R1", "U0R2"),
        "one_on_one": WeeklySlot(weekday=1, time=time(10, 0)),
    }
    return LeaderLine(**(fields | changes))  # type: ignore[arg-type]


def _pod(number: int, leaders: int = 4, gaps: tuple[str, ...] = ()) -> PodLine:
    return PodLine(
        id=number,
        name=f"Pod{number}",
        coach_id="U0COACH",
        session=SLOT,
        leaders=tuple(_leader(number * 10 + index) for index in range(leaders)),
        gaps=gaps,
    )


def _cohort(pods: list[PodLine], *, committed: bool = False) -> dict[str, object]:
    reply = build_cohort(
        program_id=7,
        program_name="Pilot",
        timezone="Europe/Warsaw",
        pods=pods,
        time_per_leader="About 5.1 hours a month per leader.",
        committed=committed,
    )
    payload = {"text": reply.text, "blocks": reply.blocks}
    assert_valid_message(payload)
    return payload


def test_an_empty_cohort_offers_only_new_pod() -> None:
    payload = _cohort([])
    shown = json.dumps(payload)
    assert "Pilot* has no pods yet" in shown
    assert POD_NEW in shown
    assert POD_ADD_LEADER not in shown


def test_each_pod_and_leader_gets_an_edit_button_and_its_gaps() -> None:
    gap = "a coach for pod “Pod1”"
    shown = json.dumps(_cohort([_pod(1, leaders=2, gaps=(gap,))]), ensure_ascii=False)
    assert shown.count(POD_EDIT_LEADER) == 2
    assert shown.count(f'"{POD_EDIT}"') == 1
    assert f"Missing: {gap}." in shown
    assert "2 of 4 leaders" in shown
    assert "About 5.1 hours" in shown


def test_a_complete_pod_says_so_and_a_committed_program_mentions_future_sessions() -> None:
    shown = json.dumps(_cohort([_pod(1)], committed=True))
    assert "Complete: coach, leaders" in shown
    assert "apply to future sessions" in shown


def test_many_pods_stay_within_the_message_limit_and_name_the_hidden_ones() -> None:
    pods = [_pod(number) for number in range(1, 12)]
    payload = _cohort(pods)
    assert len(payload["blocks"]) <= 50  # type: ignore[arg-type]
    shown = json.dumps(payload)
    assert f"Pod{MAX_PODS_SHOWN + 1}" in shown
    assert "`/emcoach pod <name>`" in shown


def test_descriptions_read_as_sentences() -> None:
    assert describe_session(SLOT, timezone="UTC") == (
        "the first Tuesday of each month, 15:00 UTC (90 min)"
    )
    last = MonthlySlot(ordinal=LAST, weekday=4, time=time(9, 30))
    assert describe_session(last, timezone="UTC").startswith("the last Friday")
    assert describe_session(None, timezone="UTC") == "no monthly session slot yet"
    assert describe_one_on_one(None) == "no weekly 1:1 slot yet"
    assert describe_leader(_leader(1, manager_id=None, reports=("U0R1",), one_on_one=None)) == (
        "<@U0L1> — no manager yet, 1 direct report, no weekly 1:1 slot yet"
    )


def test_the_new_pod_modal_is_empty_and_says_90_minutes() -> None:
    view = build_pod_modal(program_id=7, timezone="Europe/Warsaw", pod=None)
    assert_valid_view(view)
    assert view["callback_id"] == POD_VIEW
    assert json.loads(view["private_metadata"]) == {"program": 7, "pod": None}
    shown = json.dumps(view)
    assert "90 minutes" in shown
    assert "Europe/Warsaw" in shown
    assert "initial" not in shown


@given(
    ordinal=st.sampled_from([1, 2, 3, 4, LAST]),
    weekday=st.integers(0, 6),
    at=st.times().map(lambda moment: moment.replace(second=0, microsecond=0)),
)
def test_the_edit_pod_modal_starts_from_the_pod(ordinal: int, weekday: int, at: time) -> None:
    slot = MonthlySlot(ordinal=ordinal, weekday=weekday, time=at)
    pod = PodLine(id=3, name="Alpha", coach_id="U0COACH", session=slot)
    view = build_pod_modal(program_id=7, timezone="UTC", pod=pod)
    assert_valid_view(view)
    blocks = {block.get("block_id"): block for block in view["blocks"]}
    assert blocks[POD_NAME]["element"]["initial_value"] == "Alpha"
    assert blocks[POD_COACH]["element"]["initial_user"] == "U0COACH"
    assert blocks[POD_SESSION_WEEK]["element"]["initial_option"]["value"] == str(ordinal)
    assert blocks[POD_SESSION_DAY]["element"]["initial_option"]["value"] == str(weekday)
    assert blocks[POD_SESSION_TIME]["element"]["initial_time"] == f"{at:%H:%M}"


def test_the_leader_modal_preselects_pod_people_and_slot() -> None:
    view = build_leader_modal(
        program_id=7, pods=[(3, "Alpha"), (4, "Beta")], pod_id=4, leader=_leader(9)
    )
    assert_valid_view(view)
    assert view["callback_id"] == POD_LEADER_VIEW
    assert json.loads(view["private_metadata"]) == {"program": 7, "leader": 9}
    blocks = {block.get("block_id"): block for block in view["blocks"]}
    assert blocks[LEADER_POD]["element"]["initial_option"]["value"] == "4"
    assert blocks[LEADER_USER]["element"]["initial_user"] == "U0L9"
    assert blocks[LEADER_REPORTS]["element"]["initial_users"] == ["U0R1", "U0R2"]
    assert blocks[LEADER_DAY]["element"]["initial_option"]["value"] == "1"
    assert blocks[LEADER_TIME]["element"]["initial_time"] == "10:00"
    assert "45 minutes" in json.dumps(view)


def test_the_add_leader_modal_has_no_leader_yet() -> None:
    view = build_leader_modal(program_id=7, pods=[(3, "Alpha")], pod_id=3, leader=None)
    assert_valid_view(view)
    assert view["title"]["text"] == "Add a leader"
    assert "initial_user" not in json.dumps(view)


def test_a_notice_modal_has_only_a_close_button() -> None:
    view = build_notice_modal(title="A title far longer than Slack allows", text="Done.")
    assert_valid_view(view)
    assert len(view["title"]["text"]) <= 24
    assert "submit" not in view


def test_view_state_reads_each_kind_of_input() -> None:
    state = ViewState(
        {
            "a": {"a": {"type": "plain_text_input", "value": "  Alpha  "}},
            "b": {"b": {"type": "users_select", "selected_user": "U1"}},
            "c": {"c": {"type": "multi_users_select", "selected_users": ["U1", "U2"]}},
            "d": {"d": {"type": "static_select", "selected_option": {"value": "3"}}},
            "e": {"e": {"type": "timepicker", "selected_time": "09:05"}},
        }
    )
    assert state.text("a") == "Alpha"
    assert state.user("b") == "U1"
    assert state.users("c") == ("U1", "U2")
    assert state.option("d") == "3"
    assert state.time("e") == time(9, 5)
    assert (state.text("x"), state.user("x"), state.users("x")) == ("", None, ())
    assert (state.option("x"), state.time("x")) == (None, None)
