"""/emcoach baseline end to end: the overview, the leader and pod modals, and the lock."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from sqlmodel import col, select

from bot.blocks.baseline import (
    BASELINE_LEADER,
    BASELINE_LEADER_VIEW,
    BASELINE_SOURCE,
    BASELINE_SURVEY,
    BASELINE_SURVEY_VIEW,
    RETENTION_LEAVERS,
    RETENTION_START,
    SURVEY_SOURCE,
    SURVEY_VALUE,
)
from bot.domain.metrics import Instrument, MetricValueError, get_metric
from bot.domain.program_rules import ProgramField
from bot.flows.baseline import parse_value, retained_percent
from storage.db import session_scope
from storage.deviations import deviations_of
from storage.models import Baseline, Leader, Pod
from tests.support.live import LiveApp
from tests.support.programs import NOW, LeaderSpec, PodSpec, make_program, posted_deviation

OWNER = "U0OWNER"
STRANGER = "U0STRANGER"
ALL_KINDS = ("lead_time", "report_retention", "one_on_one_quality")


# --- helpers ---------------------------------------------------------------------------------


def _say(live: LiveApp, text: str) -> dict[str, Any]:
    before = len(live.slack.responses())
    assert live.sender.command(text, user_id=OWNER).status == 200
    live.slack.wait_for(lambda: len(live.slack.responses()) > before)
    return live.slack.responses()[-1]


def _program(live: LiveApp, criteria: tuple[str, ...] = ALL_KINDS, **spec: Any) -> int:
    pods = (PodSpec(leaders=[LeaderSpec("U0LEAD1"), LeaderSpec("U0LEAD2")]),)
    return make_program(live.services.engine, criteria=criteria, pods=pods, **spec)


def _ids(live: LiveApp) -> tuple[int, int]:
    """(first leader's id, first pod's id)."""
    with session_scope(live.services.engine) as session:
        leader = session.exec(select(Leader).order_by(col(Leader.id))).first()
        pod = session.exec(select(Pod).order_by(col(Pod.id))).first()
        assert leader is not None
        assert pod is not None
        assert leader.id is not None
        assert pod.id is not None
        return leader.id, pod.id


def _rows(live: LiveApp, *, leader_id: int | None = None) -> dict[str, Baseline]:
    """Baselines by metric id: of one leader, or (when there is one per metric) of all."""
    with session_scope(live.services.engine) as session:
        statement = select(Baseline).order_by(col(Baseline.id))
        if leader_id is not None:
            statement = statement.where(Baseline.leader_id == leader_id)
        return {row.metric_id: row for row in session.exec(statement).all()}


def _open(live: LiveApp, action_id: str, value: str, *, user_id: str = OWNER) -> dict[str, Any]:
    before = len(live.slack.calls_to("views.open"))
    live.sender.block_action(user_id=user_id, action_id=action_id, value=value)
    live.slack.wait_for(lambda: len(live.slack.calls_to("views.open")) > before)
    view: dict[str, Any] = live.slack.calls_to("views.open")[-1].args["view"]
    return view


def _submit(
    live: LiveApp, view: dict[str, Any], values: dict[str, Any], *, user_id: str = OWNER
) -> dict[str, Any]:
    result = live.sender.view_submission(
        user_id=user_id,
        callback_id=view["callback_id"],
        values={block: {block: value} for block, value in values.items()},
        private_metadata=view["private_metadata"],
    )
    assert result.status == 200
    answer: dict[str, Any] = result.json()
    return answer


def _number(text: str | None) -> dict[str, Any]:
    return {"type": "number_input", "value": text}


def _text(text: str) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": text}


def _survey_value(pod_id: int) -> str:
    return json.dumps({"pod": pod_id, "metric": "one_on_one_quality"})


# --- the overview ----------------------------------------------------------------------------


def test_without_criteria_or_pods_the_overview_says_what_comes_first(live: LiveApp) -> None:
    make_program(live.services.engine)
    assert "`/emcoach criteria`" in _say(live, "baseline")["text"]


def test_the_overview_lists_each_leader_and_the_pod_survey(live: LiveApp) -> None:
    _program(live, instrument=Instrument.COMPANY_SURVEY)
    reply = _say(live, "baseline")
    shown = json.dumps(reply["blocks"], ensure_ascii=False)
    assert "Pod Alpha — 1:1 Quality" in shown
    assert "<@U0LEAD1> (pod Alpha)" in shown
    assert "<@U0LEAD2> (pod Alpha)" in shown
    assert shown.count(BASELINE_LEADER) == 2
    assert shown.count(BASELINE_SURVEY) == 1
    assert "5 value(s) still missing" in reply["text"]


# --- a leader's values -----------------------------------------------------------------------


def test_lead_time_and_retention_are_saved_with_band_and_counts(live: LiveApp) -> None:
    _program(live)
    leader_id, _ = _ids(live)
    view = _open(live, BASELINE_LEADER, str(leader_id))
    assert view["callback_id"] == BASELINE_LEADER_VIEW
    shown = json.dumps(view, ensure_ascii=False)
    assert "Lead Time (hours (median))" in shown
    assert "1:1 Quality" not in shown, "the survey criterion is baselined per pod"
    answer = _submit(
        live,
        view,
        {
            "baseline_value_lead_time": _number("36"),
            RETENTION_START: _number("8"),
            RETENTION_LEAVERS: _number("1"),
            BASELINE_SOURCE: _text("GitHub, 30 days to 3 Jan"),
        },
    )
    assert answer["response_action"] == "update", answer
    confirmation = json.dumps(answer["view"], ensure_ascii=False)
    assert "Lead Time: 36 h — DORA 2024 band: High" in confirmation
    assert "87.5% retained (8 at the start, 1 left)" in confirmation
    assert "Still missing before commit" in confirmation
    rows = _rows(live)
    assert rows["lead_time"].value == Decimal(36)
    assert rows["lead_time"].leader_id == leader_id
    assert rows["lead_time"].source == "GitHub, 30 days to 3 Jan"
    assert rows["report_retention"].value == Decimal("87.5")
    assert json.loads(rows["report_retention"].details or "") == {
        "leavers": 1,
        "reports_at_start": 8,
    }
    # Opening again shows what was entered.
    again = json.dumps(_open(live, BASELINE_LEADER, str(leader_id)))
    assert '"initial_value": "36"' in again
    assert '"initial_value": "8"' in again


def test_change_failure_rate_and_deploy_frequency_show_their_bands(live: LiveApp) -> None:
    _program(live, criteria=("change_failure_rate", "deploy_frequency"))
    leader_id, _ = _ids(live)
    answer = _submit(
        live,
        _open(live, BASELINE_LEADER, str(leader_id)),
        {
            "baseline_value_change_failure_rate": _number("12"),
            "baseline_value_deploy_frequency": _number("3.5"),
        },
    )
    confirmation = json.dumps(answer["view"], ensure_ascii=False)
    assert "Change Failure Rate: 12% — DORA 2024 band: Medium" in confirmation
    assert "Deployment Frequency: 3.5 deploys/week — DORA 2024 band: High" in confirmation
    assert "entered by an owner in Slack" in confirmation
    assert _rows(live)["deploy_frequency"].value == Decimal("3.5")


BAD_ENTRIES = [
    ({"baseline_value_lead_time": _number("-2")}, "baseline_value_lead_time", "0 or more"),
    ({"baseline_value_lead_time": _number("abc")}, "baseline_value_lead_time", "hours"),
    (
        {RETENTION_START: _number("3"), RETENTION_LEAVERS: _number("4")},
        RETENTION_LEAVERS,
        "At most 3",
    ),
    (
        {RETENTION_START: _number("0"), RETENTION_LEAVERS: _number("0")},
        RETENTION_LEAVERS,
        "no retention",
    ),
    ({RETENTION_START: _number("3")}, RETENTION_LEAVERS, "Enter both numbers"),
    ({RETENTION_LEAVERS: _number("x")}, RETENTION_START, "Enter both numbers"),
    ({}, "baseline_value_lead_time", "at least one value"),
]


def test_bad_numbers_are_inline_errors_and_nothing_is_saved(live: LiveApp) -> None:
    _program(live)
    leader_id, _ = _ids(live)
    view = _open(live, BASELINE_LEADER, str(leader_id))
    for values, block, says in BAD_ENTRIES:
        answer = _submit(live, view, values)
        assert answer["response_action"] == "errors", values
        assert says in answer["errors"][block], (values, answer["errors"])
    assert not _rows(live)


# --- the pod's 1:1-quality survey ------------------------------------------------------------


def test_on_emcoachs_survey_the_overview_shows_the_round_not_a_value(live: LiveApp) -> None:
    _program(live)  # 1:1 quality on emcoach's survey, as chosen with the criteria
    reply = _say(live, "baseline")
    shown = json.dumps(reply["blocks"], ensure_ascii=False)
    assert "emcoach's baseline survey (program-wide): 0 people have answered" in shown
    assert "4 value(s) still missing" in reply["text"], "the round is no value to enter"


def test_on_the_company_survey_the_pods_result_needs_its_source(live: LiveApp) -> None:
    _program(live, instrument=Instrument.COMPANY_SURVEY)
    _, pod_id = _ids(live)
    view = _open(live, BASELINE_SURVEY, _survey_value(pod_id))
    assert view["callback_id"] == BASELINE_SURVEY_VIEW
    shown = json.dumps(view)
    assert "isn't available" not in shown
    assert "radio_buttons" not in shown, "the instrument was chosen with the criteria"
    answer = _submit(live, view, {SURVEY_VALUE: _number("6")})
    assert "from 1 to 5" in answer["errors"][SURVEY_VALUE]
    assert "Say which survey" in answer["errors"][SURVEY_SOURCE]
    assert not _rows(live)
    answer = _submit(
        live,
        view,
        {
            SURVEY_VALUE: _number("3.4"),
            SURVEY_SOURCE: _text("Q4 engineering survey, 9 answers"),
        },
    )
    assert "1:1 Quality: 3.4/5" in json.dumps(answer["view"], ensure_ascii=False)
    row = _rows(live)["one_on_one_quality"]
    assert (row.pod_id, row.leader_id, row.value) == (pod_id, None, Decimal("3.4"))
    assert row.source == "Q4 engineering survey, 9 answers"


# --- who may, and the lock -------------------------------------------------------------------


def test_a_non_owner_cannot_save_a_baseline(live: LiveApp) -> None:
    _program(live)
    leader_id, _ = _ids(live)
    view = _open(live, BASELINE_LEADER, str(leader_id))
    answer = _submit(live, view, {"baseline_value_lead_time": _number("36")}, user_id=STRANGER)
    assert "Only the program's owners" in json.dumps(answer["view"])
    assert not _rows(live)


def test_a_change_after_commit_without_a_deviation_is_refused(live: LiveApp) -> None:
    program_id = _program(
        live,
        criteria=("lead_time", "one_on_one_quality"),
        signed_off=True,
        baselines=True,
        committed=True,
    )
    leader_id, _ = _ids(live)
    overview = _say(live, "baseline")
    assert "Every baseline is in" in overview["text"]
    assert "/emcoach deviation baselines" in json.dumps(overview["blocks"])
    live.sender.block_action(user_id=OWNER, action_id=BASELINE_LEADER, value=str(leader_id))
    live.slack.wait_for(lambda: len(live.slack.responses()) > 1)
    assert "/emcoach deviation baselines" in live.slack.responses()[-1]["text"]
    assert not live.slack.calls_to("views.open")
    # A form opened before the commit can't sneak a change in either.
    view = {
        "callback_id": BASELINE_LEADER_VIEW,
        "private_metadata": json.dumps({"program": program_id, "leader": leader_id}),
    }
    answer = _submit(live, view, {"baseline_value_lead_time": _number("10")})
    assert "/emcoach deviation baselines" in json.dumps(answer["view"])
    assert _rows(live, leader_id=leader_id)["lead_time"].value == Decimal(40)


def test_a_posted_deviation_allows_exactly_one_change(live: LiveApp) -> None:
    program_id = _program(
        live,
        criteria=("lead_time", "one_on_one_quality"),
        signed_off=True,
        baselines=True,
        committed=True,
    )
    with session_scope(live.services.engine) as session:
        posted_deviation(
            session,
            program_id=program_id,
            field=ProgramField.BASELINES,
            reason="The deploy log was missing a week of data.",
            requested_by=OWNER,
            now=NOW,
        )
    leader_id, _ = _ids(live)
    view = _open(live, BASELINE_LEADER, str(leader_id))
    answer = _submit(live, view, {"baseline_value_lead_time": _number("30")})
    assert answer["response_action"] == "update"
    assert _rows(live, leader_id=leader_id)["lead_time"].value == Decimal(30)
    with session_scope(live.services.engine) as session:
        [deviation] = deviations_of(session, program_id=program_id)
        assert deviation.used_at is not None
    again = _submit(live, view, {"baseline_value_lead_time": _number("20")})
    assert "/emcoach deviation baselines" in json.dumps(again["view"])
    assert _rows(live, leader_id=leader_id)["lead_time"].value == Decimal(30)


# --- pure rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "leavers", "percent"),
    [(8, 1, "87.50"), (3, 1, "66.67"), (5, 0, "100.00"), (4, 4, "0.00")],
)
def test_retention_is_the_share_still_there(start: int, leavers: int, percent: str) -> None:
    assert retained_percent(reports_at_start=start, leavers=leavers) == Decimal(percent)


@pytest.mark.parametrize(("start", "leavers"), [(0, 0), (2, 3), (2, -1)])
def test_retention_needs_sensible_counts(start: int, leavers: int) -> None:
    with pytest.raises(ValueError, match="reports at the start"):
        retained_percent(reports_at_start=start, leavers=leavers)


@pytest.mark.parametrize("typed", ["nan", "inf", "1e12", "12..5", "", "-0.1"])
def test_parse_value_refuses_what_the_metric_cannot_hold(typed: str) -> None:
    with pytest.raises(MetricValueError, match="hours"):
        parse_value(typed, get_metric("lead_time"))


def test_parse_value_keeps_four_places() -> None:
    assert parse_value(" 12.34567 ", get_metric("lead_time")) == Decimal("12.3457")
