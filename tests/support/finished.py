"""A program run through its six months by the real engine, for the end of a program: close,
summary, export, renew.

Three leaders measure Lead Time (entered values) and 1:1 quality (emcoach's anonymous
survey). The month-3 survey round is answered by 3 people (shown), the month-6 round by 2
(never shown as a number); the baseline round by nobody.
"""

from __future__ import annotations

import atexit
import copy
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from sqlmodel import col, select

from bot.clock import FixedClock
from bot.domain.cadence import AgendaKind
from bot.domain.roles import Role
from bot.scheduler import build_dispatcher
from bot.sim.demo.harness import LiveApp
from bot.sim.standin import StandInUser
from bot.sim.standin.server import Snapshot
from handlers import jobs
from storage.db import session_scope
from storage.models import (
    AgendaRow,
    Baseline,
    CheckpointValue,
    Leader,
    SessionLog,
    SurveyAnswer,
    SurveyResponse,
)
from storage.programs import add_member
from tests.support.databases import SQLITE_FILE
from tests.support.engine import deliver_at, planned_program
from tests.support.programs import LeaderSpec, PodSpec
from tests.support.worlds import simulated_world

T = TypeVar("T")

OWNER, CO_OWNER, CFO, CHANNEL = "U0OWNER", "U0OWNER2", "U0CFO", "C0ENG"
LEADERS = ("U0LEAD1", "U0LEAD2", "U0LEAD3")
REPORTS = ("U0REP1", "U0REP2", "U0REP3")
PEOPLE = [
    StandInUser(id=OWNER, name="olga", real_name="Olga Owner", tz="Europe/Warsaw"),
    StandInUser(id=CO_OWNER, name="otto", real_name="Otto Owner", tz="Europe/Berlin"),
    StandInUser(id=CFO, name="carl", real_name="Carl CFO", tz="America/New_York"),
    StandInUser(id="U0COACH", name="cora", real_name="Cora Coach", tz="Europe/London"),
    StandInUser(id="U0MGR", name="max", real_name="Max Manager", tz="Europe/Warsaw"),
    StandInUser(id="U0STRANGER", name="sam", real_name="Sam Stranger", tz="UTC"),
    *(StandInUser(id=u, name=u.lower(), real_name=u, tz="Europe/Warsaw") for u in LEADERS),
    *(StandInUser(id=u, name=u.lower(), real_name=u, tz="Europe/Warsaw") for u in REPORTS),
]
LEAD_TIME_BASELINES = {"U0LEAD1": "30", "U0LEAD2": "52", "U0LEAD3": "75"}
LEAD_TIME = {3: {"U0LEAD1": "24", "U0LEAD2": "39"}, 6: {"U0LEAD1": "18", "U0LEAD3": "80"}}
# The anonymous 1:1-quality answers: month 3 from 3 people (mean 4.33), month 6 from 2.
SURVEY_SCORES = {3: {"U0REP1": 4, "U0REP2": 4, "U0REP3": 5}, 6: {"U0REP1": 2, "U0REP2": 5}}


@dataclass(frozen=True, slots=True)
class Finished:
    program_id: int
    month_6: dict[str, Any]  # the month-6 post as the channel has it
    preview: AgendaRow  # the owner's month-6 preview


@contextmanager
def world() -> Iterator[LiveApp]:
    """A fresh database, Slack stand-in and app on one simulated clock."""
    with simulated_world(PEOPLE) as live:
        yield live


@contextmanager
def world_after(stage: Callable[[LiveApp], T]) -> Iterator[tuple[LiveApp, T]]:
    """A world as ``stage`` (run_to_month_3, run_to_month_6, run_to_close) leaves a fresh one,
    and what it returned. The stage runs once per test process: its database file, the
    stand-in's state and the clock are copied into each test's own world, so tests still
    share nothing."""
    saved = _saved_stages.get(stage)
    if saved is None:
        saved = _saved_stages[stage] = _save(stage)
    with simulated_world(PEOPLE, clock=FixedClock(saved.now), database=saved.database) as live:
        live.slack.restore(saved.slack)
        yield live, copy.deepcopy(saved.result)


@dataclass(frozen=True, slots=True)
class _Saved:
    database: Path
    slack: Snapshot
    now: datetime
    result: Any


_saved_stages: dict[Callable[[LiveApp], Any], _Saved] = {}


def _save(stage: Callable[[LiveApp], Any]) -> _Saved:
    folder = Path(tempfile.mkdtemp(prefix="emcoach-world-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    database = folder / SQLITE_FILE
    with world() as live:
        result = stage(live)
        # A consistent copy of the whole database, whatever is in its write-ahead log.
        source = live.services.engine.raw_connection()
        try:
            driver = source.driver_connection
            assert isinstance(driver, sqlite3.Connection)
            with closing(sqlite3.connect(database)) as copied:
                driver.backup(copied)
        finally:
            source.close()
        return _Saved(database, live.slack.snapshot(), live.clock.now(), result)


def clock_ticks(live: LiveApp, *, ticks: int = 4) -> None:
    """What `emcoach clock` does, a few minutes apart: settle and close, send, reconcile."""
    dispatcher = build_dispatcher(live.services)
    for _ in range(ticks):
        live.clock.advance(timedelta(minutes=6))
        jobs.replan_stale(services=live.services)
        jobs.dispatch_due(dispatcher=dispatcher)


def rows(live: LiveApp, program_id: int, kind: AgendaKind) -> list[AgendaRow]:
    with session_scope(live.services.engine) as session:
        return list(
            session.exec(
                select(AgendaRow)
                .where(AgendaRow.program_id == program_id, AgendaRow.kind == kind.value)
                .order_by(col(AgendaRow.occasion), col(AgendaRow.id))
            )
        )


def _ready(live: LiveApp) -> int:
    program_id = planned_program(
        live,
        criteria=("lead_time", "one_on_one_quality"),
        signed_off=True,
        baselines=True,
        committed=True,
        pods=(PodSpec(leaders=[LeaderSpec(user, reports=REPORTS) for user in LEADERS]),),
    )
    with session_scope(live.services.engine) as session:
        add_member(
            session,
            program_id=program_id,
            user_id=CO_OWNER,
            role=Role.OWNER,
            added_by=OWNER,
            now=live.clock.now(),
        )
        leaders = {row.id: row.user_id for row in session.exec(select(Leader))}
        for row in session.exec(select(Baseline).where(Baseline.metric_id == "lead_time")):
            assert row.leader_id is not None
            row.value = Decimal(LEAD_TIME_BASELINES[leaders[row.leader_id]])
            session.add(row)
    return program_id


def _enter(live: LiveApp, program_id: int, month: int) -> None:
    with session_scope(live.services.engine) as session:
        leaders = {row.user_id: row.id for row in session.exec(select(Leader))}
        for user, value in LEAD_TIME[month].items():
            leader_id = leaders[user]
            assert leader_id is not None
            session.add(
                CheckpointValue(
                    program_id=program_id,
                    metric_id="lead_time",
                    leader_id=leader_id,
                    month=month,
                    value=Decimal(value),
                    source='=HYPERLINK("http://x")' if month == 6 else "CI export",
                    recorded_by=OWNER,
                    recorded_at=live.clock.now(),
                )
            )


def _answer(live: LiveApp, program_id: int, month: int, occasion: Any) -> None:
    """The round's answers as the survey modal stores them: the answer apart from who."""
    surveys = [
        row
        for row in rows(live, program_id, AgendaKind.SURVEY)
        if row.occasion == occasion and row.about == LEADERS[0]
    ]
    with session_scope(live.services.engine) as session:
        for person, score in SURVEY_SCORES[month].items():
            (row,) = [survey for survey in surveys if survey.recipient == person]
            assert row.id is not None
            session.add(
                SurveyAnswer(
                    program_id=program_id, leader_id=LEADERS[0], occasion=occasion, score=score
                )
            )
            session.add(
                SurveyResponse(
                    agenda_id=row.id,
                    responded_on=occasion,
                    program_id=program_id,
                    occasion=occasion,
                    respondent=person,
                )
            )


def _log_first_one_on_ones(live: LiveApp, program_id: int) -> None:
    """The first week's 1:1s, sent to the coach on time: one held, one not, one not logged."""
    logs = rows(live, program_id, AgendaKind.ONE_ON_ONE_LOG)
    first = [row for row in logs if row.occasion == logs[0].occasion]
    deliver_at(live, max(row.due_at for row in first))
    with session_scope(live.services.engine) as session:
        for row, held in zip(first, (True, False), strict=False):
            assert row.id is not None
            session.add(
                SessionLog(agenda_id=row.id, held=held, logged_by="U0COACH", logged_at=row.due_at)
            )


def run_to_month_3(live: LiveApp) -> int:
    """The program from commit to its month-3 post; returns its id."""
    program_id = _ready(live)
    _log_first_one_on_ones(live, program_id)
    midpoint, _ = rows(live, program_id, AgendaKind.CHECKPOINT_PUBLISH)
    _enter(live, program_id, 3)
    _answer(live, program_id, 3, midpoint.occasion)
    deliver_at(live, midpoint.due_at)
    return program_id


def run_to_month_6(live: LiveApp) -> Finished:
    """The program from commit to its confirmed month-6 post (evaluated, not closed yet)."""
    program_id = run_to_month_3(live)
    _, final = rows(live, program_id, AgendaKind.CHECKPOINT_PUBLISH)
    _enter(live, program_id, 6)
    _answer(live, program_id, 6, final.occasion)
    previews = [
        row
        for row in rows(live, program_id, AgendaKind.CHECKPOINT_PREVIEW)
        if row.occasion == final.occasion
    ]
    deliver_at(live, max(row.due_at for row in previews))
    deliver_at(live, final.due_at)
    deliver_at(live)  # what the results raised meanwhile (its chart, owners' alerts)
    (month_6,) = [
        post
        for post in live.slack.messages(CHANNEL)
        if "Month-6" in post["text"] and not post.get("thread_ts")
    ]
    (preview,) = [
        row
        for row in rows(live, program_id, AgendaKind.CHECKPOINT_PREVIEW)
        if row.occasion == final.occasion and row.recipient == OWNER
    ]
    return Finished(program_id=program_id, month_6=month_6, preview=preview)


def run_to_close(live: LiveApp) -> Finished:
    """The program past its month-6 post and the clock's next tick, which closes it."""
    finished = run_to_month_6(live)
    clock_ticks(live, ticks=1)
    return finished


def section_texts(message: dict[str, Any]) -> list[str]:
    return [
        str(block["text"]["text"])
        for block in message.get("blocks") or []
        if isinstance(block.get("text"), dict)
    ]
