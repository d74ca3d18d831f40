"""Many workspaces on one clock: each row goes out with its workspace's client, workspaces
take turns in every batch, and a workspace Slack rate-limits waits alone."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from pydantic import SecretStr
from slack_sdk import WebClient
from sqlalchemy.engine import Engine

from bot.clock import FixedClock
from bot.compose import build_dispatch_client
from bot.config import Settings
from bot.domain.cadence import AgendaState
from bot.engine.dispatch import Dispatcher, turns
from bot.sim.standin import RateLimited, SlackStandIn
from storage.agenda import rows_of
from storage.db import session_scope
from storage.models import AgendaRow
from tests.engine.conftest import PEOPLE
from tests.engine.test_dispatch import plain_render
from tests.support.agenda import seed_due
from tests.support.programs import make_program

TEAM_A, TEAM_B = "T0001", "T0002"


@pytest.fixture
def other_slack(clock: FixedClock) -> Iterator[SlackStandIn]:
    """Workspace B's Slack, apart from A's, so each can fail on its own."""
    with SlackStandIn(team_id=TEAM_B, users=PEOPLE, clock=clock) as standin:
        yield standin


def _client(slack: SlackStandIn, token: str) -> WebClient:
    settings = Settings.model_construct(
        SLACK_BOT_TOKEN=SecretStr(token), SLACK_API_URL=slack.api_url
    )
    return build_dispatch_client(settings, timeout=5)


def _program(engine: Engine, clock: FixedClock, team_id: str, count: int, *, age: int) -> int:
    """``count`` due rows of a new program of ``team_id``, the newest ``age`` seconds old."""
    program_id = make_program(engine, team_id=team_id, name=f"Pilot {team_id}", committed=True)
    seed_due(
        engine,
        program_id,
        count=count,
        now=clock.now() - timedelta(seconds=age),
        recipients=("U0LEAD1", "U0LEAD2", "U0COACH"),
    )
    return program_id


def _rows(engine: Engine, program_id: int) -> list[AgendaRow]:
    with session_scope(engine) as session:
        return rows_of(session, program_id=program_id)


def test_a_flooded_workspace_does_not_hold_back_anothers_prompts(
    engine: Engine, slack: SlackStandIn, clock: FixedClock
) -> None:
    flooded = _program(engine, clock, TEAM_A, 250, age=600)  # all older than B's
    few = _program(engine, clock, TEAM_B, 5, age=0)
    dispatcher = Dispatcher(
        engine=engine,
        client=_client(slack, "xoxb-one"),
        clock=clock,
        render=plain_render,
        worker="w",
        senders=4,
        batch_size=50,
    )
    report = dispatcher.tick(max_batches=1)
    assert report.sent == 50
    assert {row.state for row in _rows(engine, few)} == {AgendaState.SENT}, (
        "B's five went out in the first batch, beside A's oldest"
    )
    assert sum(row.state is AgendaState.SENT for row in _rows(engine, flooded)) == 45
    assert dispatcher.tick().sent == 205


def test_each_workspace_is_sent_with_its_own_client(
    engine: Engine, slack: SlackStandIn, other_slack: SlackStandIn, clock: FixedClock
) -> None:
    ours = _program(engine, clock, TEAM_A, 6, age=0)
    theirs = _program(engine, clock, TEAM_B, 4, age=0)
    clients = {TEAM_A: _client(slack, "xoxb-a"), TEAM_B: _client(other_slack, "xoxb-b")}
    dispatcher = Dispatcher(
        engine=engine, clients=clients.get, clock=clock, render=plain_render, worker="w"
    )
    assert dispatcher.tick().sent == 10
    assert {call.headers["Authorization"] for call in slack.calls} == {"Bearer xoxb-a"}
    assert {call.headers["Authorization"] for call in other_slack.calls} == {"Bearer xoxb-b"}
    assert len(slack.messages()) == 6 and len(other_slack.messages()) == 4
    assert {m["metadata"]["event_payload"]["program_id"] for m in slack.messages()} == {ours}
    assert {m["metadata"]["event_payload"]["program_id"] for m in other_slack.messages()} == {
        theirs
    }


def test_a_rate_limited_workspace_waits_alone_and_loses_no_attempt(
    engine: Engine, slack: SlackStandIn, other_slack: SlackStandIn, clock: FixedClock
) -> None:
    limited = _program(engine, clock, TEAM_A, 20, age=60)
    on_time = _program(engine, clock, TEAM_B, 20, age=0)
    slack.inject("chat.postMessage", RateLimited(retry_after=30))
    clients = {TEAM_A: _client(slack, "xoxb-a"), TEAM_B: _client(other_slack, "xoxb-b")}
    dispatcher = Dispatcher(
        engine=engine,
        clients=clients.get,
        clock=clock,
        render=plain_render,
        worker="w",
        senders=1,  # one at a time: exactly one call reaches A before its 429
        batch_size=10,
    )
    report = dispatcher.tick()
    assert report.sent == 20, "all of B's prompts, on time"
    assert {row.state for row in _rows(engine, on_time)} == {AgendaState.SENT}
    assert [call.status for call in slack.calls_to("chat.postMessage")] == [429]
    waiting = _rows(engine, limited)
    assert {row.state for row in waiting} == {AgendaState.PENDING}
    assert {row.attempts for row in waiting} == {0}, "a 429 is not the row's failure"
    claimed_early = [row for row in waiting if row.not_before is not None]
    assert claimed_early and {row.not_before for row in claimed_early} == {
        clock.now() + timedelta(seconds=30)
    }

    clock.advance(timedelta(seconds=20))
    assert dispatcher.tick().sent == 0, "A still waits out its Retry-After"
    assert len(slack.calls_to("chat.postMessage")) == 1
    clock.advance(timedelta(seconds=11))
    assert dispatcher.tick().sent == 20
    assert {row.state for row in _rows(engine, limited)} == {AgendaState.SENT}


@pytest.mark.parametrize(
    ("due", "limit", "rotation", "expected"),
    [
        ({}, 100, 0, {}),
        ({"T1": 500}, 100, 0, {"T1": 100}),
        ({"T1": 5000, "T2": 5}, 100, 0, {"T1": 95, "T2": 5}),
        ({"T1": 5000, "T2": 5000}, 100, 0, {"T1": 50, "T2": 50}),
        ({"T1": 3, "T2": 0}, 100, 0, {"T1": 3}),
        # More workspaces than room: one each, the next ones in turn.
        ({"T1": 9, "T2": 9, "T3": 9}, 2, 0, {"T1": 1, "T2": 1}),
        ({"T1": 9, "T2": 9, "T3": 9}, 2, 1, {"T2": 1, "T3": 1}),
        ({"T1": 9, "T2": 9, "T3": 9}, 2, 2, {"T3": 1, "T1": 1}),
    ],
)
def test_turns_share_each_batch_among_the_workspaces_with_rows_due(
    due: dict[str, int], limit: int, rotation: int, expected: dict[str, int]
) -> None:
    assert turns(due, limit=limit, rotation=rotation) == expected
