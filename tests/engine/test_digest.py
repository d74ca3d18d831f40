"""The coach's weekly digest, read from the agenda, the session logs, pauses and surveys."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import count

from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.blocks.prompts import LeaderWeek
from bot.domain.cadence import AgendaKind, AgendaState, SessionKind
from bot.engine.digest import digest_data
from storage.answers import record_survey_answer
from storage.db import session_scope
from storage.models import AgendaRow, Leader, LeaderPause, SessionLog, SurveyResponse
from tests.support.programs import LeaderSpec, PodSpec, make_program

WEEK_END = date(2027, 3, 7)  # a Sunday: the week is Mon 1 to Sun 7 March
IN_WEEK = date(2027, 3, 3)
AT = datetime(2027, 3, 3, 10, 0, tzinfo=UTC)
_KEYS = count(1)


def _row(
    program_id: int, kind: AgendaKind | SessionKind, about: str, state: AgendaState, on: date
) -> AgendaRow:
    return AgendaRow(
        program_id=program_id,
        key=f"{kind.value}:{about}:{next(_KEYS)}",
        kind=kind.value,
        recipient="U0COACH",
        about=about,
        occasion=on,
        due_at=AT,
        state=state,
    )


def _program(engine: Engine) -> int:
    return make_program(
        engine,
        committed=True,
        pods=(
            PodSpec(name="Alpha", leaders=[LeaderSpec("U0LEAD1"), LeaderSpec("U0LEAD2")]),
            PodSpec(name="Other coach", coach_id="U0COACH2", leaders=[LeaderSpec("U0LEAD3")]),
        ),
    )


def _leader_id(engine: Engine, program_id: int, user_id: str) -> int:
    with session_scope(engine) as session:
        leader = session.exec(
            select(Leader).where(Leader.program_id == program_id, Leader.user_id == user_id)
        ).one()
        assert leader.id is not None
        return leader.id


def _pause(engine: Engine, leader_id: int, start: date, end: date) -> None:
    with session_scope(engine) as session:
        session.add(
            LeaderPause(
                leader_id=leader_id, start=start, end=end, created_by="U0OWNER", created_at=AT
            )
        )


def test_each_leader_of_the_coach_gets_their_week(engine: Engine) -> None:
    program_id = _program(engine)
    with session_scope(engine) as session:
        logs = [
            _row(program_id, AgendaKind.ONE_ON_ONE_LOG, "U0LEAD1", AgendaState.SENT, IN_WEEK)
            for _ in range(3)
        ]
        rows = [
            *logs,
            _row(program_id, AgendaKind.ONE_ON_ONE_LOG, "U0LEAD1", AgendaState.PENDING, WEEK_END),
            _row(program_id, AgendaKind.ONE_ON_ONE_PRE, "U0LEAD1", AgendaState.MISSED, IN_WEEK),
            _row(program_id, AgendaKind.ONE_ON_ONE_POST, "U0LEAD2", AgendaState.FAILED, IN_WEEK),
            _row(program_id, SessionKind.ONE_ON_ONE, "U0LEAD2", AgendaState.SKIPPED, IN_WEEK),
            _row(
                program_id,
                AgendaKind.ONE_ON_ONE_LOG,
                "U0LEAD2",
                AgendaState.SENT,
                date(2027, 2, 28),
            ),
            _row(program_id, AgendaKind.ONE_ON_ONE_LOG, "U0LEAD3", AgendaState.SENT, IN_WEEK),
        ]
        session.add_all(rows)
        session.flush()
        held, not_held, _unanswered = logs
        assert held.id is not None
        assert not_held.id is not None
        session.add(SessionLog(agenda_id=held.id, held=True, logged_by="U0COACH", logged_at=AT))
        session.add(
            SessionLog(agenda_id=not_held.id, held=False, logged_by="U0COACH", logged_at=AT)
        )
    with session_scope(engine) as session:
        data = digest_data(session, program_id=program_id, coach_id="U0COACH", week_end=WEEK_END)
    assert data.leaders == (
        LeaderWeek(leader_id="U0LEAD1", held=1, not_held=1, not_logged=1, missed=1),
        LeaderWeek(leader_id="U0LEAD2", failed=1, skipped=1),
    ), "last week's log and another coach's leader are not in it"
    assert data.survey_non_responders is None, "no survey this week"


def test_the_latest_pause_reaching_the_week_end_is_reported(engine: Engine) -> None:
    program_id = _program(engine)
    first, second = (_leader_id(engine, program_id, user) for user in ("U0LEAD1", "U0LEAD2"))
    _pause(engine, first, date(2027, 3, 1), date(2027, 3, 10))
    _pause(engine, first, date(2027, 3, 2), date(2027, 3, 21))
    _pause(engine, first, date(2027, 2, 1), date(2027, 2, 14))  # over before the week
    _pause(engine, second, date(2027, 3, 9), date(2027, 3, 20))  # starts after the week
    with session_scope(engine) as session:
        data = digest_data(session, program_id=program_id, coach_id="U0COACH", week_end=WEEK_END)
    paused = {week.leader_id: week.paused_until for week in data.leaders}
    assert paused == {"U0LEAD1": date(2027, 3, 21), "U0LEAD2": None}


def test_unanswered_surveys_are_a_count(engine: Engine) -> None:
    program_id = _program(engine)
    with session_scope(engine) as session:
        surveys = [
            _row(program_id, AgendaKind.SURVEY, leader, AgendaState.SENT, IN_WEEK)
            for leader in ("U0LEAD1", "U0LEAD1", "U0LEAD2", "U0LEAD3")
        ]
        for number, survey in enumerate(surveys):
            survey.recipient = f"U0REP{number}"
        session.add_all(surveys)
        session.flush()
        assert surveys[0].id is not None
        session.add(
            SurveyResponse(
                agenda_id=surveys[0].id,
                responded_on=IN_WEEK,
                program_id=program_id,
                occasion=IN_WEEK,
                respondent="U0REP0",
            )
        )
    with session_scope(engine) as session:
        data = digest_data(session, program_id=program_id, coach_id="U0COACH", week_end=WEEK_END)
    assert data.survey_non_responders == 2, "U0LEAD3's survey belongs to another coach"
    later = WEEK_END + timedelta(days=7)
    with session_scope(engine) as session:
        next_week = digest_data(session, program_id=program_id, coach_id="U0COACH", week_end=later)
    assert next_week.survey_non_responders is None


def test_a_report_of_two_leaders_who_answered_is_not_a_non_responder(engine: Engine) -> None:
    program_id = _program(engine)
    with session_scope(engine) as session:
        surveys = [
            _row(program_id, AgendaKind.SURVEY, leader, AgendaState.SENT, IN_WEEK)
            for leader in ("U0LEAD1", "U0LEAD2")
        ]
        for survey in surveys:
            survey.recipient = "U0REP9"
        session.add_all(surveys)
        session.flush()
        # They answer once a round: about the first leader, which is their answer.
        record_survey_answer(session, survey=surveys[0], score=4, responded_on=IN_WEEK)
    with session_scope(engine) as session:
        data = digest_data(session, program_id=program_id, coach_id="U0COACH", week_end=WEEK_END)
    assert data.survey_non_responders == 0, "people, not surveys"
