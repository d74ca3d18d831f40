"""Issue #10 item 7: every results post gets its chart in its thread, uploaded exactly once
through files_upload_v2, and a refused upload never holds up or changes the text post."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from pydantic import SecretStr
from sqlalchemy.engine import Engine
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from bot.clock import FixedClock
from bot.compose import build_dispatch_client
from bot.config import Settings
from bot.domain.cadence import AgendaKind, AgendaState
from bot.domain.timeline import Timeline
from bot.engine.dispatch import MAX_ATTEMPTS, STALE_AFTER, Dispatcher
from bot.engine.render import render
from bot.sim.standin import ServerError, SlackError, SlackStandIn
from storage.agenda import Wanted, add_once, rows_of
from storage.db import session_scope
from storage.models import AgendaRow, CheckpointValue, Leader, Program
from tests.support.programs import LeaderSpec, PodSpec, make_program
from tests.test_charts import PNG_SIGNATURE

CHANNEL = "C0ENG"
KICKOFF = datetime(2027, 2, 1, tzinfo=UTC).date()


def _program_at_month_3(engine: Engine, clock: FixedClock) -> int:
    """Two leaders with lead-time values at month 3 (40 h at baseline each), an anonymous
    survey nobody answered, and the month-3 results post due now."""
    program_id = make_program(
        engine,
        kickoff=KICKOFF,
        criteria=("lead_time", "one_on_one_quality"),
        signed_off=True,
        baselines=True,
        committed=True,
        pods=(PodSpec(leaders=[LeaderSpec("U0LEAD1"), LeaderSpec("U0LEAD2")]),),
    )
    midpoint = Timeline(kickoff=KICKOFF, months=6).midpoint
    clock.set(datetime.combine(midpoint, time(8, 0), tzinfo=UTC))
    with session_scope(engine) as session:
        leaders = session.exec(_leaders_of(program_id)).all()
        for leader, value in zip(leaders, (Decimal(30), Decimal(34)), strict=True):
            assert leader.id is not None
            session.add(
                CheckpointValue(
                    program_id=program_id,
                    metric_id="lead_time",
                    leader_id=leader.id,
                    month=3,
                    value=value,
                    source="test fixture",
                    recorded_by="U0OWNER",
                    recorded_at=clock.now(),
                )
            )
        add_once(
            session,
            program_id=program_id,
            row=Wanted(
                key="checkpoint_publish:test",
                kind=AgendaKind.CHECKPOINT_PUBLISH.value,
                recipient=CHANNEL,
                about="program",
                occasion=midpoint,
                due_at=clock.now(),
                state=AgendaState.PENDING,
            ),
        )
    return program_id


def _leaders_of(program_id: int) -> SelectOfScalar[Leader]:
    return select(Leader).where(Leader.program_id == program_id).order_by(col(Leader.id))


def _dispatcher(engine: Engine, slack: SlackStandIn, clock: FixedClock) -> Dispatcher:
    settings = Settings.model_construct(
        SLACK_BOT_TOKEN=SecretStr("xoxb-chart-test"), SLACK_API_URL=slack.api_url
    )
    return Dispatcher(
        engine=engine,
        client=build_dispatch_client(settings, timeout=5),
        clock=clock,
        render=render,
        worker="chart-test",
    )


def _rows(engine: Engine, program_id: int, kind: AgendaKind) -> list[AgendaRow]:
    with session_scope(engine) as session:
        return [row for row in rows_of(session, program_id=program_id) if row.kind == kind]


def _post(slack: SlackStandIn) -> dict[str, Any]:
    (post,) = [message for message in slack.messages(CHANNEL) if "files" not in message]
    return post


def test_the_results_post_is_followed_by_exactly_one_chart_in_its_thread(
    engine: Engine, slack: SlackStandIn, clock: FixedClock
) -> None:
    program_id = _program_at_month_3(engine, clock)
    dispatcher = _dispatcher(engine, slack, clock)
    dispatcher.tick()
    clock.advance(timedelta(hours=1))
    dispatcher.tick()
    post = _post(slack)
    (shared,) = slack.files()
    assert shared.channel == CHANNEL
    assert shared.thread_ts == post["ts"], "in the results post's thread"
    assert shared.content.startswith(PNG_SIGNATURE)
    assert shared.filename == f"emcoach-month-3-{Timeline(kickoff=KICKOFF, months=6).midpoint}.png"
    assert shared.title == "Pilot: month-3 results chart"
    assert shared.initial_comment is not None and "seed's expected" in shared.initial_comment
    (complete,) = slack.calls_to("files.completeUploadExternal")
    (described,) = slack.calls_to("files.getUploadURLExternal")
    alt = str(described.args["alt_txt"])
    assert "Lead Time (hours (median), lower is better): baseline 40" in alt
    assert "Month 3 32 (2 leaders), leaders from 30 to 34" in alt
    assert "Month 3: fewer than 3 responses, no figure shown" in alt
    assert complete.error is None
    (chart_row,) = _rows(engine, program_id, AgendaKind.CHECKPOINT_CHART)
    (publish_row,) = _rows(engine, program_id, AgendaKind.CHECKPOINT_PUBLISH)
    assert chart_row.state is AgendaState.SENT
    assert chart_row.about == str(publish_row.id)
    assert chart_row.ts == shared.id
    with session_scope(engine) as session:
        program = session.get(Program, program_id)
        assert program is not None and program.status == "midpoint_done"


def test_a_refused_upload_leaves_the_text_post_as_it_is_and_is_tried_again(
    engine: Engine, slack: SlackStandIn, clock: FixedClock
) -> None:
    program_id = _program_at_month_3(engine, clock)
    slack.inject("files.completeUploadExternal", SlackError("internal_error"))
    dispatcher = _dispatcher(engine, slack, clock)
    report = dispatcher.tick()
    post = _post(slack)
    (publish_row,) = _rows(engine, program_id, AgendaKind.CHECKPOINT_PUBLISH)
    assert publish_row.state is AgendaState.SENT and publish_row.ts == post["ts"]
    assert slack.files() == []
    (chart_row,) = _rows(engine, program_id, AgendaKind.CHECKPOINT_CHART)
    assert chart_row.state is AgendaState.PENDING
    assert chart_row.last_error == "internal_error"
    assert report.errors == {"internal_error": 1}
    clock.advance(timedelta(minutes=1))
    dispatcher.tick()
    assert _post(slack) == post, "the text post is untouched"
    assert slack.calls_to("chat.update") == []
    (shared,) = slack.files()
    assert shared.thread_ts == post["ts"]
    assert _rows(engine, program_id, AgendaKind.CHECKPOINT_CHART)[0].state is AgendaState.SENT


def test_an_upload_slack_keeps_refusing_fails_on_its_own(
    engine: Engine, slack: SlackStandIn, clock: FixedClock
) -> None:
    program_id = _program_at_month_3(engine, clock)
    slack.inject("files.getUploadURLExternal", ServerError(503), times=MAX_ATTEMPTS)
    dispatcher = _dispatcher(engine, slack, clock)
    for _ in range(MAX_ATTEMPTS + 1):
        dispatcher.tick()
        clock.advance(timedelta(minutes=31))
    (chart_row,) = _rows(engine, program_id, AgendaKind.CHECKPOINT_CHART)
    assert chart_row.state is AgendaState.FAILED
    assert chart_row.attempts == MAX_ATTEMPTS
    assert slack.files() == []
    assert _post(slack)["ts"] == _rows(engine, program_id, AgendaKind.CHECKPOINT_PUBLISH)[0].ts


def test_an_upload_whose_answer_is_lost_is_found_in_the_thread_not_sent_again(
    engine: Engine, slack: SlackStandIn, clock: FixedClock
) -> None:
    """The file was shared but Slack's answer was lost (and the first check of the thread
    failed too): reconciliation reads the post's thread, finds emcoach's file and records it —
    one chart, never a second copy."""
    program_id = _program_at_month_3(engine, clock)
    slack.inject("files.completeUploadExternal", ServerError(500, applied=True))
    slack.inject("conversations.replies", ServerError(503))
    dispatcher = _dispatcher(engine, slack, clock)
    for _ in range(4):
        dispatcher.tick()
        clock.advance(timedelta(minutes=6))
    assert [shared.thread_ts for shared in slack.files()] == [_post(slack)["ts"]]
    assert len(slack.calls_to("conversations.replies")) >= 2
    (chart_row,) = _rows(engine, program_id, AgendaKind.CHECKPOINT_CHART)
    assert chart_row.state is AgendaState.SENT
    assert chart_row.ts == slack.files()[0].id


def test_a_results_post_found_by_reconciliation_still_gets_its_chart(
    engine: Engine, slack: SlackStandIn, clock: FixedClock
) -> None:
    """The post landed but Slack's answer was lost: the history check that confirms it also
    queues the chart (and moves the lifecycle on), exactly once."""
    program_id = _program_at_month_3(engine, clock)
    slack.inject("chat.postMessage", ServerError(500, applied=True))
    dispatcher = _dispatcher(engine, slack, clock)
    dispatcher.tick()
    assert _rows(engine, program_id, AgendaKind.CHECKPOINT_CHART) == []
    for _ in range(3):
        clock.advance(STALE_AFTER + timedelta(minutes=1))
        dispatcher.tick()
    post = _post(slack)
    (shared,) = slack.files()
    assert shared.thread_ts == post["ts"]
    (chart_row,) = _rows(engine, program_id, AgendaKind.CHECKPOINT_CHART)
    assert chart_row.state is AgendaState.SENT
    with session_scope(engine) as session:
        program = session.get(Program, program_id)
        assert program is not None and program.status == "midpoint_done"
