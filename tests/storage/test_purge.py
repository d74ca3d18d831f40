"""Deleting data (issue #12, item 4), on SQLite and Postgres: a workspace purge, an owner's
program deletion, and forget-me — with every table of storage/models.py filled."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel
from sqlmodel import select as orm_select

import storage.models  # noqa: F401  (registers the tables)
from bot.domain.cadence import AgendaKind, AgendaState
from bot.domain.program_rules import ProgramState
from bot.domain.timeline import Timeline
from bot.engine.commitment import baseline_figures
from bot.engine.results import checkpoint_data
from bot.flows.forget import TOMBSTONE_PREFIX, forget_me
from storage.db import session_scope
from storage.locked_baselines import lock_figures
from storage.models import (
    Adjustment,
    AgendaRow,
    CheckpointValue,
    Deviation,
    HomeView,
    Leader,
    LeaderPause,
    Person,
    ProcessedEvent,
    Program,
    ProgramMember,
    Rating,
    SessionLog,
    SurveyAnswer,
    SurveyResponse,
    SurveyRound,
)
from storage.purge import (
    NOT_WORKSPACE_DATA,
    count_workspace,
    covered_tables,
    delete_program,
    purge_workspace,
)
from tests.support.programs import LeaderSpec, PodSpec, make_program

NOW = datetime(2027, 5, 10, 9, 0, tzinfo=UTC)
KICKOFF = date(2027, 2, 1)
MIDPOINT = Timeline(kickoff=KICKOFF, months=6).midpoint
REPORTS = ("U0REP1", "U0REP2", "U0REP3")


def _row(
    program_id: int, key: str, kind: AgendaKind, recipient: str, about: str, **kw: object
) -> AgendaRow:
    values: dict[str, object] = {
        "program_id": program_id,
        "key": key,
        "kind": kind.value,
        "recipient": recipient,
        "about": about,
        "occasion": MIDPOINT,
        "due_at": NOW - timedelta(days=1),
        "state": AgendaState.SENT,
    } | kw
    return AgendaRow(**values)  # type: ignore[arg-type]


def fill(engine: Engine, team_id: str) -> tuple[int, int]:
    """A running and a finished program of ``team_id`` with a row in every table; the same
    people (user ids) in every team, so a leak across teams would show. Returns their ids."""
    pods = (
        PodSpec(
            leaders=[LeaderSpec("U0LEAD1", reports=REPORTS), LeaderSpec("U0LEAD2", reports=())]
        ),
    )
    common = {
        "team_id": team_id,
        "criteria": ("lead_time", "one_on_one_quality"),
        "signed_off": True,
        "baselines": True,
        "committed": True,
        "pods": pods,
        "kickoff": KICKOFF,
    }
    running = make_program(engine, name="Running", **common)  # type: ignore[arg-type]
    finished = make_program(engine, name="Finished", **common)  # type: ignore[arg-type]
    with session_scope(engine) as session:
        program = session.get(Program, finished)
        assert program is not None
        program.status = ProgramState.EVALUATED
        session.add(program)
        for program_id in (running, finished):
            leaders = {
                leader.user_id: leader
                for leader in session.exec(
                    orm_select(Leader).where(Leader.program_id == program_id)
                )
            }
            lead1, lead2 = leaders["U0LEAD1"], leaders["U0LEAD2"]
            assert lead1.id is not None and lead2.id is not None
            log = _row(
                program_id,
                "one_on_one_log:U0LEAD1:1",
                AgendaKind.ONE_ON_ONE_LOG,
                "U0COACH",
                "U0LEAD1",
            )
            rating = _row(
                program_id,
                "one_on_one_post:U0LEAD1:1",
                AgendaKind.ONE_ON_ONE_POST,
                "U0LEAD1",
                "U0LEAD1",
            )
            rating2 = _row(
                program_id,
                "one_on_one_post:U0LEAD2:1",
                AgendaKind.ONE_ON_ONE_POST,
                "U0LEAD2",
                "U0LEAD2",
            )
            pending = _row(
                program_id,
                "one_on_one_pre:U0LEAD1:9",
                AgendaKind.ONE_ON_ONE_PRE,
                "U0LEAD1",
                "U0LEAD1",
                state=AgendaState.PENDING,
                due_at=NOW + timedelta(days=7),
            )
            surveys = [
                _row(program_id, f"survey:{who}:m3", AgendaKind.SURVEY, who, "U0LEAD1")
                for who in REPORTS
            ]
            session.add_all([log, rating, rating2, pending, *surveys])
            session.flush()
            assert log.id and rating.id and rating2.id
            session.add(SessionLog(agenda_id=log.id, held=True, logged_by="U0COACH", logged_at=NOW))
            session.add(
                Rating(
                    agenda_id=rating.id,
                    program_id=program_id,
                    rater_id="U0LEAD1",
                    about_id="U0LEAD1",
                    score=4,
                    decided="agreed with <@U0LEAD1> on a plan",
                    rated_at=NOW,
                )
            )
            session.add(
                Rating(
                    agenda_id=rating2.id,
                    program_id=program_id,
                    rater_id="U0LEAD2",
                    about_id="U0LEAD2",
                    score=2,
                    rated_at=NOW,
                )
            )
            for who, survey, score in zip(REPORTS, surveys, (3, 4, 5), strict=True):
                assert survey.id is not None
                session.add(
                    SurveyResponse(
                        agenda_id=survey.id,
                        responded_on=MIDPOINT,
                        program_id=program_id,
                        occasion=MIDPOINT,
                        respondent=who,
                    )
                )
                session.add(
                    SurveyAnswer(
                        program_id=program_id, leader_id="U0LEAD1", occasion=MIDPOINT, score=score
                    )
                )
            session.add(
                SurveyRound(program_id=program_id, occasion=KICKOFF, closed_at=NOW, respondents=3)
            )
            for leader, value in ((lead1, "30"), (lead2, "50")):
                session.add(
                    CheckpointValue(
                        program_id=program_id,
                        metric_id="lead_time",
                        leader_id=leader.id,
                        month=3,
                        value=Decimal(value),
                        source="entered by <@U0OWNER>",
                        recorded_by="U0OWNER",
                        recorded_at=NOW,
                    )
                )
            # The figures its pre-commitment printed, locked as commit locks them.
            program = session.get(Program, program_id)
            assert program is not None
            lock_figures(
                session,
                program_id=program_id,
                figures=baseline_figures(session, program),
                now=NOW,
            )
            session.add(
                Adjustment(
                    program_id=program_id,
                    decision="continue",
                    note="<@U0LEAD1> is doing well",
                    decided_by="U0OWNER",
                    decided_at=NOW,
                )
            )
            session.add(
                Deviation(
                    program_id=program_id,
                    field="cohort",
                    reason="<@U0LEAD2> joined",
                    requested_by="U0OWNER",
                    created_at=NOW,
                )
            )
            session.add(
                LeaderPause(
                    leader_id=lead1.id,
                    start=date(2027, 6, 1),
                    end=date(2027, 6, 14),
                    reason="leave",
                    created_by="U0LEAD1",
                    created_at=NOW,
                )
            )
        for user in ("U0LEAD1", "U0LEAD2", "U0OWNER"):
            session.add(
                Person(team_id=team_id, user_id=user, timezone="Europe/Warsaw", refreshed_at=NOW)
            )
        session.add(ProcessedEvent(event_id=f"Ev{team_id}", team_id=team_id, received_at=NOW))
        session.add(HomeView(team_id=team_id, user_id="U0LEAD1", opened_at=NOW))
    return running, finished


def _all_tables() -> set[str]:
    """Every table holding workspace data."""
    return {table.name for table in SQLModel.metadata.sorted_tables} - NOT_WORKSPACE_DATA


def test_every_table_has_a_path_to_its_workspace() -> None:
    assert covered_tables() == _all_tables()


def test_purge_deletes_every_row_of_the_team_and_nothing_of_another(engine: Engine) -> None:
    fill(engine, "T0001")
    fill(engine, "T0002")
    with session_scope(engine) as session:
        before = count_workspace(session, team_id="T0001")
        other = count_workspace(session, team_id="T0002")
    assert set(before) == _all_tables()
    assert all(before.values()), f"every table has a row to purge: {before}"
    with session_scope(engine) as session:
        deleted = purge_workspace(session, team_id="T0001")
    assert deleted == before
    with session_scope(engine) as session:
        assert set(count_workspace(session, team_id="T0001").values()) == {0}
        assert count_workspace(session, team_id="T0002") == other
        total = {
            table.name: session.connection()
            .execute(select(func.count()).select_from(table))
            .scalar_one()
            for table in SQLModel.metadata.sorted_tables
            if table.name not in NOT_WORKSPACE_DATA
        }
    assert total == other, "what is left is exactly the other team's"


def test_deleting_a_program_leaves_the_rest(engine: Engine) -> None:
    running, finished = fill(engine, "T0001")
    with session_scope(engine) as session:
        before = count_workspace(session, team_id="T0001")
        deleted = delete_program(session, program_id=finished)
    assert deleted["program"] == 1 and deleted["agenda_item"] > 0
    with session_scope(engine) as session:
        after = count_workspace(session, team_id="T0001")
        assert session.get(Program, running) is not None
        assert session.get(Program, finished) is None
    assert {name: before[name] - after[name] for name in before} == {
        name: deleted.get(name, 0) for name in before
    }


def _occurrences(engine: Engine, needle: str) -> int:
    """How many stored values hold ``needle``, across every table."""
    found = 0
    with engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            for row in connection.execute(select(table)):
                found += sum(needle in str(value) for value in row)
    return found


def _figures(engine: Engine, program_id: int) -> list[tuple[object, ...]]:
    with session_scope(engine) as session:
        program = session.get(Program, program_id)
        assert program is not None
        data = checkpoint_data(session, program, occasion=MIDPOINT, now=NOW)
        return [(r.name, r.baseline, r.now, r.change, r.data_points) for r in data.criteria]


def test_forget_me_removes_the_person_and_keeps_every_count(engine: Engine) -> None:
    running, finished = fill(engine, "T0001")
    fill(engine, "T0002")
    published = {program: _figures(engine, program) for program in (running, finished)}
    assert any(figure[4] == 3 for figure in published[running]), "the survey figure is shown"
    others = _occurrences(engine, "U0LEAD2"), _occurrences(engine, "U0REP2")
    in_both_teams = _occurrences(engine, "U0LEAD1")

    forget_me(engine, team_id="T0001", user_id="U0LEAD1", now=NOW)
    forget_me(engine, team_id="T0001", user_id="U0REP1", now=NOW)

    assert _occurrences(engine, "U0LEAD1") * 2 == in_both_teams, "only the other team's remain"
    assert _occurrences(engine, "U0REP1") * 2 == _occurrences(engine, "U0REP2")
    assert (_occurrences(engine, "U0LEAD2"), _occurrences(engine, "U0REP2")) == others
    with session_scope(engine) as session:
        assert session.get(Person, ("T0001", "U0LEAD1")) is None
        assert session.get(Person, ("T0002", "U0LEAD1")) is not None
        members = {
            (m.program_id, m.user_id.startswith(TOMBSTONE_PREFIX))
            for m in session.exec(orm_select(ProgramMember).where(ProgramMember.role == "leader"))
            if m.program_id in (running, finished)
        }
        assert (finished, True) not in members, "removed where the program is not running"
        assert (running, True) in members, "kept, anonymous, where it runs"
        leader = session.exec(
            orm_select(Leader).where(
                Leader.program_id == running, Leader.user_id.startswith(TOMBSTONE_PREFIX)
            )  # type: ignore[attr-defined]
        ).one()
        assert leader.left_on == NOW.date()
        pending = session.exec(
            orm_select(AgendaRow).where(
                AgendaRow.program_id == running, AgendaRow.state == AgendaState.PENDING
            )
        ).all()
        assert pending == [], "nothing more is sent to them"
        assert len(session.exec(orm_select(SurveyAnswer)).all()) == 12, "answers stay"
        assert len(session.exec(orm_select(Rating)).all()) == 8
    assert {program: _figures(engine, program) for program in published} == published
