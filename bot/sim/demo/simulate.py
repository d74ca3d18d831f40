"""Six months of a committed program in seconds: jump the simulated clock from one due prompt
to the next, let the real dispatcher send it to the stand-in and, with `bot.sim.demo.people`, let
the company's people answer it some simulated hours later."""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import col, select

from bot.compose import build_dispatch_client
from bot.domain.cadence import AgendaKind, AgendaState
from bot.domain.timeline import Timeline
from bot.engine.dispatch import Dispatcher
from bot.engine.reminders import REMINDER_DELAYS
from bot.engine.render import render
from bot.flows.close import close_finished
from bot.sim.demo.company import Company
from bot.sim.demo.harness import LiveApp
from bot.sim.demo.people import Deed, Done, People
from handlers.jobs import remind_surveys
from storage.db import session_scope
from storage.models import AgendaRow, Program
from storage.survey_rounds import respondents

# How the demo names each kind of prompt in its monthly summary: one, and more than one.
KIND_NAMES: dict[AgendaKind, tuple[str, str]] = {
    AgendaKind.ONE_ON_ONE_PRE: ("1:1 prep reminder", "1:1 prep reminders"),
    AgendaKind.ONE_ON_ONE_POST: ("1:1 follow-up", "1:1 follow-ups"),
    AgendaKind.ONE_ON_ONE_LOG: (
        "held/not-held check to the coach",
        "held/not-held checks to the coach",
    ),
    AgendaKind.POD_PRE: ("pod session prep", "pod session preps"),
    AgendaKind.POD_POST: ("pod session follow-up", "pod session follow-ups"),
    AgendaKind.THREE_SIXTY: ("360 invitation", "360 invitations"),
    AgendaKind.SURVEY: ("anonymous 1:1-quality survey", "anonymous 1:1-quality surveys"),
    AgendaKind.SURVEY_REMINDER: ("survey reminder", "survey reminders"),
    AgendaKind.COACH_DIGEST: ("coach digest", "coach digests"),
    AgendaKind.CHECKPOINT_PREVIEW: (
        "checkpoint preview to the owners",
        "checkpoint previews to owners",
    ),
    AgendaKind.CHECKPOINT_PUBLISH: ("public checkpoint post", "public checkpoint posts"),
    AgendaKind.SETUP_NUDGE: ("setup nudge", "setup nudges"),
    AgendaKind.OWNER_ALERT: ("alert to the owners", "alerts to owners"),
    AgendaKind.COMMITMENT_POST: ("public pre-commitment", "public pre-commitments"),
    AgendaKind.COMMITMENT_COPY: (
        "pre-commitment copy to the budget owner",
        "pre-commitment copies to the budget owner",
    ),
    AgendaKind.DEVIATION_POST: ("public deviation post", "public deviation posts"),
    AgendaKind.CHECKPOINT_CHART: (
        "results chart in the post's thread",
        "results charts in the posts' threads",
    ),
    AgendaKind.DEVIATION_CHANGE: (
        "deviation follow-up (old → new)",
        "deviation follow-ups (old → new)",
    ),
    AgendaKind.COMMITMENT_RECORD: (
        "locked record in the pre-commitment's thread",
        "locked records in the pre-commitment's thread",
    ),
    AgendaKind.CLOSING_SUMMARY: (
        "closing summary to the budget owner",
        "closing summaries to the budget owner",
    ),
    AgendaKind.CLOSING_SUMMARY_OWNER: (
        "closing summary to the owners",
        "closing summaries to the owners",
    ),
}


def counted(kind: AgendaKind, count: int) -> str:
    """``count`` prompts of ``kind``, in words: "1 coach digest", "4 coach digests"."""
    one, many = KIND_NAMES[kind]
    return f"{count} {one if count == 1 else many}"


@dataclass
class Month:
    label: str
    sent: Counter[str] = field(default_factory=Counter)
    did: Counter[Deed] = field(default_factory=Counter)  # what people did with the prompts
    notes: list[str] = field(default_factory=list)  # the owner's steps, told one by one

    def record(self, done: Done) -> None:
        self.did[done.deed] += 1
        if done.note:
            self.notes.append(done.note)


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

    @property
    def actions(self) -> int:
        """Everything people did: answers, logs, the owner's values and decision."""
        return sum(sum(month.did.values()) for month in self.months)

    def month_of(self, now: datetime) -> Month:
        label = f"{now:%B %Y}"
        if not self.months or self.months[-1].label != label:
            self.months.append(Month(label=label))
        return self.months[-1]


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
    people: People | None = None,
    simulation: Simulation | None = None,
    until: datetime | None = None,
) -> Simulation:
    """Send every prompt of the program, in time order, through the production dispatcher;
    with ``people``, they answer the prompts as they go.

    Each step moves the simulated clock forward to whatever comes first — the next due prompt,
    the next answer, or a survey reminder falling due — then runs what the clock process runs
    (the reminder job, then a dispatch tick). With ``until``, it stops before that time (the
    setup sprint's baseline survey round runs this way before commit).
    """
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
    simulation = simulation or Simulation()
    # When the reminder job next has something to plan: 24 h and 72 h after each survey.
    reminders_due: list[datetime] = []
    while (wake := _next_wake(live, program_id, people, reminders_due)) is not None:
        if wake.date() > end + timedelta(days=2) or (until is not None and wake >= until):
            break
        live.clock.set(max(wake, live.clock.now()))
        now = live.clock.now()
        month = simulation.month_of(now)
        while reminders_due and reminders_due[0] <= now:
            heapq.heappop(reminders_due)
        for done in people.act(now) if people is not None else ():
            month.record(done)
        remind_surveys(services=live.services)
        report = dispatcher.tick()
        close_finished(live.services.engine, now=now)  # the clock's job, once month 6 is out
        simulation.missed += report.missed
        simulation.failed += report.failed
        for row in _sent_since(live, program_id, now):
            month.sent[row.kind] += 1
            simulation.first_of_kind.setdefault(row.kind, row)
            if row.kind == AgendaKind.CHECKPOINT_PUBLISH:
                simulation.published.append(row)
            if row.kind == AgendaKind.SURVEY and row.sent_at is not None:
                for delay in REMINDER_DELAYS:
                    heapq.heappush(reminders_due, row.sent_at + delay)
            on_sent(row)
            if people is not None:
                people.saw(row)
        # Never spin on a row the dispatcher is backing off from.
        live.clock.advance(timedelta(seconds=1))
    return simulation


# The baseline round's answers and both reminders (24 h, 72 h) come in within four days.
BASELINE_ROUND = timedelta(days=4)


@dataclass
class BaselineRound:
    """Week 4 before commit: the direct reports answer emcoach's baseline survey, reminders
    included, as they answer every survey; ``people`` and ``simulation`` carry on after."""

    live: LiveApp
    company: Company
    simulation: Simulation = field(default_factory=Simulation)
    people: People | None = None
    narrate: Callable[[str], None] = lambda _line: None

    def __call__(self, program_id: int) -> None:
        self.people = People(self.live, self.company, program_id=program_id)
        until = self.live.clock.now() + BASELINE_ROUND
        run_program(
            self.live, program_id, people=self.people, simulation=self.simulation, until=until
        )
        self.live.clock.set(until)
        with session_scope(self.live.services.engine) as session:
            program = session.get(Program, program_id)
            assert program is not None and program.kickoff_date is not None
            people = respondents(session, program_id=program_id, occasion=program.kickoff_date)
        self.narrate(
            f"{people} direct reports answer emcoach's baseline survey over four days "
            "(reminders included); the status checklist is complete."
        )


def _next_wake(
    live: LiveApp, program_id: int, people: People | None, reminders_due: list[datetime]
) -> datetime | None:
    """The earliest of the next due prompt, the next answer and the next reminder."""
    candidates = [
        _next_due(live, program_id),
        people.next_at() if people is not None else None,
        reminders_due[0] if reminders_due else None,
    ]
    due = [at for at in candidates if at is not None]
    return min(due) if due else None
