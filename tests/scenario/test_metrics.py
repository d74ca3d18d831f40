"""/emcoach metrics end to end: which checkpoint takes values, the per-leader form, and the
values that become final once the results are published."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlmodel import col, select

from bot.blocks.metrics import METRICS_FORM, METRICS_LEADER, METRICS_LEADER_VIEW
from bot.domain.cadence import AgendaKind, AgendaState
from bot.domain.metrics import get_metric
from bot.engine.results import checkpoint_data
from bot.flows.checkpoints import Checkpoint, Checkpoints
from handlers import metrics
from storage.db import session_scope
from storage.models import AgendaRow, CheckpointValue, Leader, Program
from tests.support.live import LiveApp
from tests.support.programs import LeaderSpec, PodSpec, make_program

OWNER = "U0OWNER"
COACH = "U0COACH"
STRANGER = "U0STRANGER"
KICKOFF = date(2027, 2, 1)
MIDPOINT = date(2027, 5, 3)  # Sat 1 May, three calendar months after kickoff, moved to Monday
FINAL = date(2027, 8, 2)
NEAR_MIDPOINT = datetime(2027, 4, 20, 9, 0, tzinfo=UTC)
CRITERIA = ("lead_time", "report_retention", "one_on_one_quality")


@pytest.fixture
def app(live: LiveApp) -> LiveApp:
    if "metrics" not in live.router.names():  # until the lead wires it into FLOWS
        metrics.register(live.app, live.services, live.router)
    return live


# --- helpers ---------------------------------------------------------------------------------


def _program(live: LiveApp, *, committed: bool = True) -> int:
    pods = (PodSpec(leaders=[LeaderSpec("U0LEAD1"), LeaderSpec("U0LEAD2")]),)
    return make_program(
        live.services.engine,
        criteria=CRITERIA,
        pods=pods,
        kickoff=KICKOFF,
        signed_off=committed,
        baselines=committed,
        committed=committed,
    )


def _say(live: LiveApp, text: str, *, user_id: str = OWNER) -> dict[str, Any]:
    before = len(live.slack.responses())
    assert live.sender.command(text, user_id=user_id).status == 200
    live.slack.wait_for(lambda: len(live.slack.responses()) > before)
    return live.slack.responses()[-1]


def _leader_id(live: LiveApp, user_id: str = "U0LEAD1") -> int:
    with session_scope(live.services.engine) as session:
        leader = session.exec(select(Leader).where(Leader.user_id == user_id)).one()
        assert leader.id is not None
        return leader.id


def _open(live: LiveApp, leader_id: int) -> dict[str, Any]:
    before = len(live.slack.calls_to("views.open"))
    live.sender.block_action(user_id=OWNER, action_id=METRICS_LEADER, value=str(leader_id))
    live.slack.wait_for(lambda: len(live.slack.calls_to("views.open")) > before)
    view: dict[str, Any] = live.slack.calls_to("views.open")[-1].args["view"]
    return view


def _submit(
    live: LiveApp, view: dict[str, Any], values: dict[str, str], *, user_id: str = OWNER
) -> dict[str, Any]:
    result = live.sender.view_submission(
        user_id=user_id,
        callback_id=view["callback_id"],
        values={
            block: {block: {"type": "number_input", "value": value}}
            for block, value in values.items()
        },
        private_metadata=view["private_metadata"],
    )
    assert result.status == 200
    answer: dict[str, Any] = result.json()
    return answer


def _values(live: LiveApp) -> list[CheckpointValue]:
    with session_scope(live.services.engine) as session:
        return list(session.exec(select(CheckpointValue).order_by(col(CheckpointValue.id))))


def _published(live: LiveApp, program_id: int, occasion: date, sent_at: datetime) -> None:
    """The engine's CHECKPOINT_PUBLISH row for ``occasion``, sent at ``sent_at``."""
    with session_scope(live.services.engine) as session:
        session.add(
            AgendaRow(
                program_id=program_id,
                key=f"checkpoint_publish:{occasion}",
                kind=AgendaKind.CHECKPOINT_PUBLISH,
                recipient="C0ENG",
                about=str(program_id),
                occasion=occasion,
                due_at=sent_at,
                state=AgendaState.SENT,
                channel_id="C0ENG",
                ts="1700000000.000900",
                sent_at=sent_at,
            )
        )


LEAD_TIME_BLOCK = METRICS_FORM.value_block_id(get_metric("lead_time"))


# --- refusals --------------------------------------------------------------------------------


def test_before_commit_the_owner_is_sent_to_baseline(app: LiveApp) -> None:
    _program(app, committed=False)
    app.clock.set(NEAR_MIDPOINT)
    assert "`/emcoach baseline`" in _say(app, "metrics")["text"]


@pytest.mark.parametrize("person", [STRANGER, COACH])
def test_only_owners_may_enter_values(app: LiveApp, person: str) -> None:
    _program(app)
    app.clock.set(NEAR_MIDPOINT)
    refusal = app.sender.command("metrics", user_id=person).json()["text"]
    assert "is for a program's owners" in refusal
    view = _open(app, _leader_id(app))
    answer = _submit(app, view, {LEAD_TIME_BLOCK: "30"}, user_id=person)
    assert "Only the program's owners" in json.dumps(answer["view"])
    assert not _values(app)


def test_a_non_owner_clicking_the_button_gets_no_form(app: LiveApp) -> None:
    _program(app)
    app.clock.set(NEAR_MIDPOINT)
    app.sender.block_action(user_id=COACH, action_id=METRICS_LEADER, value=str(_leader_id(app)))
    app.slack.wait_for(lambda: bool(app.slack.responses()))
    assert "Only the program's owners" in app.slack.responses()[-1]["text"]
    assert not app.slack.calls_to("views.open")


def test_before_the_window_it_says_when_values_are_taken(app: LiveApp) -> None:
    _program(app)
    app.clock.set(datetime(2027, 4, 16, 12, 0, tzinfo=UTC))
    text = _say(app, "metrics")["text"]
    assert "from Mon 19 Apr 2027" in text
    assert "published on Mon 3 May 2027" in text


# --- entering month-3 values -----------------------------------------------------------------


def test_the_overview_lists_each_leader_and_says_the_survey_is_not_entered(app: LiveApp) -> None:
    _program(app)
    app.clock.set(NEAR_MIDPOINT)
    reply = _say(app, "metrics")
    shown = json.dumps(reply["blocks"], ensure_ascii=False)
    assert "Month-3 values: Pilot" in shown
    assert "go out in <#C0ENG> on Mon 3 May 2027" in shown
    assert shown.count(METRICS_LEADER) == 2
    assert "*1:1 Quality* isn't entered here" in shown
    assert "4 value(s) still missing for month 3" in reply["text"]


def test_values_are_stored_for_month_3_shown_with_band_and_read_by_the_results(
    app: LiveApp,
) -> None:
    program_id = _program(app)
    app.clock.set(NEAR_MIDPOINT)
    leader_id = _leader_id(app)
    view = _open(app, leader_id)
    assert view["callback_id"] == METRICS_LEADER_VIEW
    assert json.loads(view["private_metadata"])["month"] == 3
    assert "1:1 Quality" not in json.dumps(view, ensure_ascii=False)
    answer = _submit(
        app,
        view,
        {
            LEAD_TIME_BLOCK: "20",
            METRICS_FORM.retention_start: "8",
            METRICS_FORM.retention_leavers: "0",
        },
    )
    assert answer["response_action"] == "update", answer
    confirmation = json.dumps(answer["view"], ensure_ascii=False)
    assert "Lead Time: 20 h — DORA 2024 band: Elite" in confirmation
    assert "100% retained (8 at the start, 0 left)" in confirmation
    assert "2 value(s) still missing for month 3" in confirmation
    rows = {row.metric_id: row for row in _values(app)}
    assert rows["lead_time"].value == Decimal(20)
    assert (rows["lead_time"].month, rows["lead_time"].leader_id) == (3, leader_id)
    assert rows["report_retention"].value == Decimal(100)
    assert rows["lead_time"].source == "entered by an owner in Slack"
    # The overview and the form show what was entered; the results post reads it.
    assert "Lead Time: 20 h" in json.dumps(_say(app, "metrics")["blocks"], ensure_ascii=False)
    assert '"initial_value": "20"' in json.dumps(_open(app, leader_id))
    with session_scope(app.services.engine) as session:
        program = session.get(Program, program_id)
        assert program is not None
        data = checkpoint_data(session, program, occasion=MIDPOINT, now=app.clock.now())
    lead_time = next(result for result in data.criteria if result.name.startswith("Lead Time"))
    assert (lead_time.now, lead_time.baseline, lead_time.data_points) == (
        Decimal(20),
        Decimal(40),
        1,
    )


def test_a_second_entry_replaces_the_first(app: LiveApp) -> None:
    _program(app)
    app.clock.set(NEAR_MIDPOINT)
    view = _open(app, _leader_id(app))
    _submit(app, view, {LEAD_TIME_BLOCK: "20"})
    _submit(app, view, {LEAD_TIME_BLOCK: "25"})
    [row] = _values(app)
    assert row.value == Decimal(25)


@pytest.mark.parametrize(
    ("values", "block", "says"),
    [
        ({LEAD_TIME_BLOCK: "-1"}, LEAD_TIME_BLOCK, "0 or more"),
        ({METRICS_FORM.retention_start: "3"}, METRICS_FORM.retention_leavers, "Enter both"),
        ({}, LEAD_TIME_BLOCK, "at least one value"),
    ],
)
def test_bad_values_are_inline_errors(
    app: LiveApp, values: dict[str, str], block: str, says: str
) -> None:
    _program(app)
    app.clock.set(NEAR_MIDPOINT)
    answer = _submit(app, _open(app, _leader_id(app)), values)
    assert answer["response_action"] == "errors"
    assert says in answer["errors"][block]
    assert not _values(app)


def test_late_results_still_take_values(app: LiveApp) -> None:
    _program(app)
    app.clock.set(datetime(2027, 5, 5, 9, 0, tzinfo=UTC))
    assert "were due on Mon 3 May 2027" in json.dumps(_say(app, "metrics")["blocks"])


# --- after publication -----------------------------------------------------------------------


def test_after_the_month_3_post_its_values_are_final_and_new_ones_count_for_month_6(
    app: LiveApp,
) -> None:
    program_id = _program(app)
    app.clock.set(NEAR_MIDPOINT)
    leader_id = _leader_id(app)
    month_3_form = _open(app, leader_id)
    _published(app, program_id, MIDPOINT, datetime(2027, 5, 3, 8, 0, tzinfo=UTC))
    app.clock.set(datetime(2027, 5, 4, 9, 0, tzinfo=UTC))
    answer = _submit(app, month_3_form, {LEAD_TIME_BLOCK: "20"})
    refusal = json.dumps(answer["view"], ensure_ascii=False)
    assert "The month-3 results were published on Mon 3 May 2027" in refusal
    assert "values entered now count for month 6" in refusal
    assert not _values(app)
    overview = _say(app, "metrics")
    shown = json.dumps(overview["blocks"], ensure_ascii=False)
    assert "Month-6 values: Pilot" in shown
    assert "values entered now count for month 6" in shown
    month_6_form = _open(app, leader_id)
    assert json.loads(month_6_form["private_metadata"])["month"] == 6
    _submit(app, month_6_form, {LEAD_TIME_BLOCK: "18"})
    [row] = _values(app)
    assert (row.month, row.value) == (6, Decimal(18))


def test_after_the_final_post_nothing_is_entered(app: LiveApp) -> None:
    program_id = _program(app)
    _published(app, program_id, MIDPOINT, datetime(2027, 5, 3, 8, 0, tzinfo=UTC))
    _published(app, program_id, FINAL, datetime(2027, 8, 2, 8, 0, tzinfo=UTC))
    app.clock.set(datetime(2027, 8, 2, 9, 0, tzinfo=UTC))
    assert "the program's values are final" in _say(app, "metrics")["text"]
    app.sender.block_action(user_id=OWNER, action_id=METRICS_LEADER, value=str(_leader_id(app)))
    app.slack.wait_for(lambda: len(app.slack.responses()) > 1)
    assert "the program's values are final" in app.slack.responses()[-1]["text"]
    assert not app.slack.calls_to("views.open")


# --- which checkpoint is open ----------------------------------------------------------------

_AT = datetime(2027, 5, 3, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("today", "midpoint_sent", "final_sent", "expected"),
    [
        (MIDPOINT - timedelta(days=15), None, None, None),
        (MIDPOINT - timedelta(days=14), None, None, 3),
        (MIDPOINT + timedelta(days=20), None, None, 3),  # late: open until it goes out
        (MIDPOINT, _AT, None, 6),
        (FINAL + timedelta(days=3), _AT, None, 6),
        (FINAL, _AT, _AT, None),
    ],
)
def test_the_open_checkpoint(
    today: date, midpoint_sent: datetime | None, final_sent: datetime | None, expected: int | None
) -> None:
    checkpoints = Checkpoints(
        midpoint=Checkpoint(month=3, occasion=MIDPOINT, published_at=midpoint_sent),
        final=Checkpoint(month=6, occasion=FINAL, published_at=final_sent),
        today=today,
    )
    assert (checkpoints.open.month if checkpoints.open else None) == expected
    assert checkpoints.of_month(6) is checkpoints.final
    assert checkpoints.of_month(4) is None
