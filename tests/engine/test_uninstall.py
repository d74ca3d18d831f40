"""A workspace that removed emcoach: Slack's token_revoked stops it once, quietly, and a
reinstall sends what is still useful (issue #12, item 3)."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from pydantic import SecretStr
from sqlalchemy.engine import Engine

from bot.clock import FixedClock
from bot.compose import build_dispatch_client
from bot.config import Settings
from bot.domain.cadence import AgendaKind, AgendaState
from bot.engine.dispatch import Dispatcher
from bot.flows.uninstall import UNINSTALLED_REASON, resume_workspace
from bot.sim.standin import SlackError, SlackStandIn
from storage.agenda import rows_of
from storage.db import session_scope
from storage.models import AgendaRow, Workspace
from tests.engine.test_dispatch import plain_render
from tests.support.agenda import seed_due
from tests.support.programs import make_program

SENDERS = 4


def _dispatcher(engine: Engine, slack: SlackStandIn, clock: FixedClock) -> Dispatcher:
    settings = Settings.model_construct(
        SLACK_BOT_TOKEN=SecretStr("xoxb-engine-test"), SLACK_API_URL=slack.api_url
    )
    return Dispatcher(
        engine=engine,
        client=build_dispatch_client(settings, timeout=5),
        clock=clock,
        render=plain_render,
        worker="w",
        senders=SENDERS,
    )


def _rows(engine: Engine, program_id: int) -> list[AgendaRow]:
    with session_scope(engine) as session:
        return rows_of(session, program_id=program_id)


@pytest.mark.parametrize("code", ["token_revoked", "account_inactive", "invalid_auth"])
def test_a_revoked_token_stops_the_workspace_once_without_errors(
    engine: Engine,
    slack: SlackStandIn,
    clock: FixedClock,
    caplog: pytest.LogCaptureFixture,
    code: str,
) -> None:
    program_id = make_program(engine, committed=True)
    seed_due(engine, program_id, count=20, now=clock.now(), recipients=("U0LEAD1", "U0LEAD2"))
    results = make_program(engine, name="Results", committed=True)
    seed_due(
        engine,
        results,
        count=1,
        now=clock.now(),
        recipients=("C0ENG",),
        kind=AgendaKind.CHECKPOINT_PUBLISH,
    )
    slack.inject("*", SlackError(code), times=10_000)  # every call, as after a removal
    dispatcher = _dispatcher(engine, slack, clock)
    caplog.set_level(logging.INFO)

    dispatcher.tick()
    first = len(slack.calls)
    assert 1 <= first <= SENDERS, "only the sends already in flight meet the refusal"
    for _ in range(6):  # three hours of ticks: no retry every 30 minutes, no history checks
        clock.advance(timedelta(minutes=30))
        dispatcher.tick()
    assert len(slack.calls) == first

    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and code in warnings[0].getMessage()
    with session_scope(engine) as session:
        workspace = session.get(Workspace, "T0001")
        assert workspace is not None and workspace.uninstalled_at is not None
    rows = _rows(engine, program_id) + _rows(engine, results)
    assert len(rows) == 21, "the data is kept"
    assert {row.state for row in rows} == {AgendaState.PENDING}, "held, not failed or alerted"


def test_a_reinstall_sends_what_is_still_due_and_marks_the_rest_missed(
    engine: Engine, slack: SlackStandIn, clock: FixedClock
) -> None:
    program_id = make_program(engine, committed=True)
    start = clock.now()
    seed_due(engine, program_id, count=3, now=start, recipients=("U0LEAD1",))
    later = make_program(engine, name="Later", committed=True)
    seed_due(
        engine,
        later,
        count=2,
        now=start,
        recipients=("U0LEAD2",),
        due_offset=timedelta(hours=20),
    )
    slack.inject("chat.postMessage", SlackError("token_revoked"), times=10_000)
    dispatcher = _dispatcher(engine, slack, clock)
    dispatcher.tick()
    slack.reset()

    clock.advance(timedelta(hours=25))  # the 1:1 follow-ups' 24-hour grace is over
    dispatcher.tick()
    assert slack.calls == [], "nothing goes out before the reinstall"
    resumed = resume_workspace(engine, team_id="T0001", now=clock.now())
    assert resumed is not None and (resumed.still_due, resumed.missed) == (2, 3)
    assert resume_workspace(engine, team_id="T0001", now=clock.now()) is None

    report = dispatcher.tick()
    assert report.sent == 2
    missed = _rows(engine, program_id)
    assert {(row.state, row.last_error) for row in missed} == {
        (AgendaState.MISSED, UNINSTALLED_REASON)
    }
    assert {row.state for row in _rows(engine, later)} == {AgendaState.SENT}
