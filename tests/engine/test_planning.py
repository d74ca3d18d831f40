"""Planning a committed program from its rows, with everyone's Slack time zone."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.clock import FixedClock
from bot.domain.cadence import AgendaKind, AgendaState
from bot.engine.planning import replan_program
from bot.sim.standin import SlackStandIn
from storage.agenda import rows_of
from storage.db import session_scope
from storage.models import Leader, LeaderPause, Person
from tests.support.programs import LeaderSpec, PodSpec, make_program

KICKOFF = date(2027, 3, 1)


def _program(engine: Engine) -> int:
    return make_program(
        engine,
        kickoff=KICKOFF,
        criteria=("lead_time", "one_on_one_quality"),
        signed_off=True,
        baselines=True,
        committed=True,
        pods=(
            PodSpec(
                leaders=[
                    LeaderSpec("U0LEAD1", weekday=1, at=time(10, 0)),
                    LeaderSpec("U0LEAD2", weekday=3, at=time(9, 0)),
                ]
            ),
        ),
    )


def _replan(engine: Engine, slack: SlackStandIn, program_id: int, now: datetime) -> object:
    client = WebClient(token="xoxb-plan", base_url=slack.api_url)
    return replan_program(engine, client, program_id=program_id, now=now)


def _rows(engine: Engine, program_id: int) -> list:  # type: ignore[type-arg]
    with session_scope(engine) as session:
        return rows_of(session, program_id=program_id)


def test_a_committed_program_is_planned_in_each_persons_zone(
    engine: Engine, slack: SlackStandIn, clock: FixedClock
) -> None:
    program_id = _program(engine)
    now = datetime(2027, 2, 20, tzinfo=UTC)
    change = _replan(engine, slack, program_id, now)
    rows = _rows(engine, program_id)
    assert change.added == len(rows) > 0  # type: ignore[attr-defined]
    kinds = Counter(row.kind for row in rows)
    assert kinds[AgendaKind.CHECKPOINT_PUBLISH] == 2
    assert kinds[AgendaKind.SURVEY] == 3 * 3 * 2, "3 surveys for each of 3 reports of 2 leaders"
    leo = [
        row for row in rows if row.kind == AgendaKind.ONE_ON_ONE_PRE and row.recipient == "U0LEAD2"
    ]
    assert leo, "Leo's 1:1 prompts exist"
    for row in leo:
        local = row.due_at.astimezone(ZoneInfo("Australia/Sydney"))
        assert (local.weekday(), local.time()) == (3, time(7, 0)), "2 h before 09:00 Sydney time"
    with session_scope(engine) as session:
        zones = {p.user_id: p.timezone for p in session.exec(select(Person))}
    assert zones["U0LEAD2"] == "Australia/Sydney"
    assert len(slack.calls_to("users.info")) == len(zones)


def test_replanning_is_a_no_op_and_uses_the_zone_cache(
    engine: Engine, slack: SlackStandIn, clock: FixedClock
) -> None:
    program_id = _program(engine)
    now = datetime(2027, 2, 20, tzinfo=UTC)
    _replan(engine, slack, program_id, now)
    lookups = len(slack.calls_to("users.info"))
    change = _replan(engine, slack, program_id, now + timedelta(days=1))
    assert (change.added, change.moved, change.removed) == (0, 0, 0)  # type: ignore[attr-defined]
    assert len(slack.calls_to("users.info")) == lookups


def test_a_moved_slot_replans_only_the_future(
    engine: Engine, slack: SlackStandIn, clock: FixedClock
) -> None:
    program_id = _program(engine)
    _replan(engine, slack, program_id, datetime(2027, 2, 20, tzinfo=UTC))
    midway = datetime(2027, 4, 15, tzinfo=UTC)
    before = {row.key: row.due_at for row in _rows(engine, program_id)}
    with session_scope(engine) as session:
        leader = session.exec(select(Leader).where(Leader.user_id == "U0LEAD1")).one()
        leader.one_on_one_time = time(14, 0)
        session.add(leader)
    _replan(engine, slack, program_id, midway)
    after = {row.key: row.due_at for row in _rows(engine, program_id)}
    lena_pre = [key for key in after if key.startswith("one_on_one_pre:U0LEAD1")]
    for key in lena_pre:
        if before[key] <= midway:
            assert after[key] == before[key], "the past is never rewritten"
        else:
            assert after[key] == before[key] + timedelta(hours=4)


def test_a_pause_turns_sessions_into_skipped_rows_and_leaving_removes_the_future(
    engine: Engine, slack: SlackStandIn, clock: FixedClock
) -> None:
    program_id = _program(engine)
    now = datetime(2027, 2, 20, tzinfo=UTC)
    _replan(engine, slack, program_id, now)
    with session_scope(engine) as session:
        leader = session.exec(select(Leader).where(Leader.user_id == "U0LEAD1")).one()
        assert leader.id is not None
        session.add(
            LeaderPause(
                leader_id=leader.id,
                start=date(2027, 3, 8),
                end=date(2027, 3, 21),
                created_by="U0OWNER",
                created_at=now,
            )
        )
    _replan(engine, slack, program_id, now)
    rows = _rows(engine, program_id)
    skipped = [row for row in rows if row.state is AgendaState.SKIPPED]
    assert {row.kind for row in skipped} <= {"one_on_one", "pod"}
    assert len([row for row in skipped if row.kind == "one_on_one"]) == 2
    in_pause = [
        row
        for row in rows
        if row.kind == AgendaKind.ONE_ON_ONE_PRE
        and row.recipient == "U0LEAD1"
        and date(2027, 3, 8) <= row.occasion <= date(2027, 3, 21)
    ]
    assert in_pause == [], "no prompts inside the pause"

    with session_scope(engine) as session:
        leader = session.exec(select(Leader).where(Leader.user_id == "U0LEAD1")).one()
        leader.left_on = date(2027, 4, 30)
        session.add(leader)
    _replan(engine, slack, program_id, now)
    lena_after = [
        row
        for row in _rows(engine, program_id)
        if row.recipient == "U0LEAD1" and row.occasion > date(2027, 5, 1)
    ]
    assert lena_after == []
