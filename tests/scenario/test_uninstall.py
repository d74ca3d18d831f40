"""emcoach removed from a workspace mid-program, then installed again (issue #12, item 3):
not one call to Slack while it is gone, no ERROR line, the data kept; the reinstall sends
what is still due and marks the rest missed with the reason."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func
from sqlmodel import select

from bot.domain.cadence import AgendaState
from bot.engine.dispatch import Dispatcher
from bot.engine.render import render
from bot.flows.uninstall import UNINSTALLED_REASON
from handlers.jobs import replan_running, replan_stale
from storage.db import session_scope
from storage.models import AgendaRow, Leader, Program, ProgramMember, Workspace
from tests.support.engine import planned_program
from tests.support.live import TEAM_ID, LiveApp
from tests.support.programs import PodSpec, make_program

AFTER_FIRST_ONE_ON_ONE = datetime(2027, 2, 2, 9, 45, tzinfo=UTC)
A_WEEK_LATER = datetime(2027, 2, 10, 9, 0, tzinfo=UTC)


def _tick(live: LiveApp, at: datetime) -> None:
    live.clock.set(at)
    Dispatcher(
        engine=live.services.engine,
        client=live.services.client,
        clock=live.clock,
        render=render,
        worker="test-clock",
    ).tick()


def _counts(live: LiveApp) -> tuple[int, int, int]:
    with session_scope(live.services.engine) as session:
        return (
            session.exec(select(func.count()).select_from(AgendaRow)).one(),
            session.exec(select(func.count()).select_from(Leader)).one(),
            session.exec(select(func.count()).select_from(ProgramMember)).one(),
        )


def _states(live: LiveApp) -> dict[int, tuple[AgendaState, str | None]]:
    with session_scope(live.services.engine) as session:
        return {
            row.id: (row.state, row.last_error)
            for row in session.exec(select(AgendaRow))
            if row.id is not None
        }


def mark_stale(live: LiveApp, program_id: int) -> None:
    with session_scope(live.services.engine) as session:
        program = session.get(Program, program_id)
        assert program is not None
        program.agenda_stale = True
        session.add(program)


def _uninstalled(live: LiveApp) -> bool:
    with session_scope(live.services.engine) as session:
        workspace = session.get(Workspace, TEAM_ID)
        return workspace is not None and workspace.uninstalled_at is not None


@pytest.fixture
def program_id(live: LiveApp) -> int:
    program_id = planned_program(
        live,
        criteria=("lead_time", "one_on_one_quality"),
        signed_off=True,
        baselines=True,
        committed=True,
        pods=(PodSpec(),),
    )
    return program_id


def test_uninstalled_mid_program_then_reinstalled(
    live: LiveApp, program_id: int, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    _tick(live, AFTER_FIRST_ONE_ON_ONE)
    assert any(state is AgendaState.SENT for state, _ in _states(live).values())
    kept = _counts(live)

    assert live.sender.event({"type": "app_uninstalled"}).status == 200
    live.slack.wait_for(lambda: _uninstalled(live))
    calls = len(live.slack.calls)
    before = _states(live)
    for hours in range(1, 24 * 7, 6):  # a week of the clock's ticks
        _tick(live, AFTER_FIRST_ONE_ON_ONE + timedelta(hours=hours))
        if hours % 24 == 1:  # and its daily re-plan, which refreshes people's time zones
            replan_running(services=live.services)
        mark_stale(live, program_id)
        replan_stale(services=live.services)
    assert len(live.slack.calls) == calls, "not one Web API call while uninstalled"
    assert _states(live) == before, "nothing sent, failed or missed meanwhile"
    assert _counts(live) == kept, "the data is kept"
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []

    # The reinstall: the next verified request from the team (here, the App Home).
    live.clock.set(A_WEEK_LATER)
    assert live.sender.event({"type": "app_home_opened", "user": "U0OWNER"}).status == 200
    live.slack.wait_for(lambda: not _uninstalled(live))
    held = [row_id for row_id, (state, _) in before.items() if state is AgendaState.PENDING]
    _tick(live, A_WEEK_LATER)
    after = _states(live)
    missed = [i for i in held if after[i] == (AgendaState.MISSED, UNINSTALLED_REASON)]
    sent = [i for i in held if after[i][0] is AgendaState.SENT]
    assert missed, "prompts past their grace window are missed, with the reason"
    assert sent, "prompts still inside their grace window go out"
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_a_user_token_revoked_does_not_stop_the_workspace(live: LiveApp) -> None:
    make_program(live.services.engine)
    revoked = {"type": "tokens_revoked", "tokens": {"oauth": ["U0OWNER"], "bot": []}}
    assert live.sender.event(revoked).status == 200
    assert not _uninstalled(live)
    revoked["tokens"] = {"oauth": [], "bot": ["UBOT"]}
    assert live.sender.event(revoked).status == 200
    live.slack.wait_for(lambda: _uninstalled(live))


def test_a_command_after_the_uninstall_resumes_the_workspace(live: LiveApp) -> None:
    make_program(live.services.engine)
    live.sender.event({"type": "app_uninstalled"})
    live.slack.wait_for(lambda: _uninstalled(live))
    assert live.sender.command("help", user_id="U0OWNER").status == 200
    live.slack.wait_for(lambda: not _uninstalled(live))
