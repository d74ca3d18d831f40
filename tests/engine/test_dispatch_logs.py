"""The dispatcher's log lines carry the agenda row they are about, and no token."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.blocks.reply import Reply
from bot.clock import FixedClock
from bot.sim.standin import SlackStandIn
from storage.batch import AgendaBatch
from storage.models import AgendaRow
from tests.engine.test_dispatch import _dispatcher, _schedule
from tests.support.logs import json_log, lines

TOKEN = "xoxb-9999999999-8888888888-LeakedLeakedLeakedLeaked"


def test_the_dispatcher_logs_each_rows_failure_under_its_agenda_id(
    engine: Engine, slack: SlackStandIn, clock: FixedClock
) -> None:
    _schedule(engine, clock, 2, recipients=("U0LEAD2",))

    def render(session: Session, row: AgendaRow, batch: AgendaBatch, now: object) -> Reply:
        raise KeyError(f"token {TOKEN} in a builder's bug")

    with json_log() as log:
        assert _dispatcher(engine, slack, clock, render=render).tick().failed == 2
    failures = [line for line in lines(log) if "could not be rendered" in line["message"]]
    assert sorted(line["request_id"] for line in failures) == sorted(
        f"agenda:{line['message'].split()[2]}" for line in failures
    )
    assert len(failures) == 2
    assert TOKEN not in log.getvalue()
