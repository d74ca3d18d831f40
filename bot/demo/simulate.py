"""Six months of a committed program in seconds: jump the simulated clock from one due prompt
to the next and let the real dispatcher send it to the stand-in."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import col, select

from bot.demo.harness import LiveApp
from bot.domain.cadence import AgendaKind, AgendaState
from bot.domain.timeline import Timeline
from bot.engine.dispatch import Dispatcher, build_dispatch_client
from bot.engine.render import render
from storage.db import session_scope
from storage.models import AgendaRow, Program

# How the demo names each kind of prompt in its monthly summary.
KIND_NAMES = {
    AgendaKind.ONE_ON_ONE_PRE: "1:1 prep reminders",
    AgendaKind.ONE_ON_ONE_POST: "1:1 follow-ups",
    AgendaKind.ONE_ON_ONE_LOG: "held/not-held checks to the coach",
    AgendaKind.POD_PRE: "pod session prep",
    AgendaKind.POD_POST: "pod session follow-ups",
    AgendaKind.THREE_SIXTY: "360 invitations",
    AgendaKind.SURVEY: "anonymous 1:1-quality surveys",
    AgendaKind.SURVEY_REMINDER: "survey reminders",
    AgendaKind.COACH_DIGEST: "coach digests",
    AgendaKind.CHECKPOINT_PREVIEW: "checkpoint previews to owners",
    AgendaKind.CHECKPOINT_PUBLISH: "public checkpoint posts",
    AgendaKind.SETUP_NUDGE: "setup nudges",
    AgendaKind.OWNER_ALERT: "alerts to owners",
}


@dataclass
class Month:
    label: str
    sent: Counter[str] = field(default_factory=Counter)


@dataclass
class Simulation:
    months: list[Month] = field(default_factory=list)
    first_of_kind: dict[str, AgendaRow] = field(default_factory=dict)
    published: list[AgendaRow] = field(default_factory=list)
    missed: int = 0
    failed: int = 0

    @property
    def total(self) -> int:
        return sum(sum(month.sent.values()) for month in self.months)


def _next_due(live: LiveApp, program_id: int) -> datetime | None:
    with session_scope(live.services.engine) as session:
        row = session.exec(
            select(AgendaRow)
            .where(AgendaRow.program_id == program_id, AgendaRow.state == AgendaState.PENDING)
            .order_by(col(AgendaRow.due_at))
        ).first()
        return row.due_at if row is not None else None


def _sent_since(live: LiveApp, program_id: int, since: datetime) -> list[AgendaRow]:
    with session_scope(live.services.engine) as session:
        return list(
            session.exec(
                select(AgendaRow)
                .where(
                    AgendaRow.program_id == program_id,
                    AgendaRow.state == AgendaState.SENT,
                    col(AgendaRow.sent_at) >= since,
                )
                .order_by(col(AgendaRow.sent_at), col(AgendaRow.id))
            )
        )


def run_program(
    live: LiveApp,
    program_id: int,
    *,
    on_sent: Callable[[AgendaRow], Any] = lambda _row: None,
) -> Simulation:
    """Send every prompt of the program, in time order, through the production dispatcher."""
    with session_scope(live.services.engine) as session:
        program = session.get(Program, program_id)
        assert program is not None and program.kickoff_date is not None
        end = Timeline(kickoff=program.kickoff_date, months=program.months).evaluation
    dispatcher = Dispatcher(
        engine=live.services.engine,
        client=build_dispatch_client(live.services.settings),
        clock=live.clock,
        render=render,
        worker="demo-clock",
    )
    simulation = Simulation()
    month: Month | None = None
    while (due := _next_due(live, program_id)) is not None:
        if due.date() > end + timedelta(days=2):
            break
        live.clock.set(max(due, live.clock.now()))
        label = f"{live.clock.now():%B %Y}"
        if month is None or month.label != label:
            month = Month(label=label)
            simulation.months.append(month)
        before = live.clock.now()
        report = dispatcher.tick()
        simulation.missed += report.missed
        simulation.failed += report.failed
        for row in _sent_since(live, program_id, before):
            month.sent[row.kind] += 1
            simulation.first_of_kind.setdefault(row.kind, row)
            if row.kind == AgendaKind.CHECKPOINT_PUBLISH:
                simulation.published.append(row)
            on_sent(row)
        # Never spin on a row the dispatcher is backing off from.
        live.clock.advance(timedelta(seconds=1))
    return simulation
