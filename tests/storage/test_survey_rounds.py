"""Survey rounds in storage, on both backends: one answer a person a round (a report of two
leaders included), a round that closes at its preview and stays closed, and nothing that
links an answer to a person."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot.domain.cadence import AgendaKind, AgendaState
from bot.engine.reminders import plan_survey_reminders
from storage.agenda import Wanted, add_once
from storage.answers import record_survey_answer, round_closes_at
from storage.db import session_scope
from storage.migrate import alembic_config, upgrade_to_head
from storage.models import AgendaRow, Program, SurveyAnswer, SurveyResponse
from storage.survey_rounds import RoundClosedError, close_round, lock_round, respondents
from tests.support.programs import LeaderSpec, PodSpec, make_program

SENT = datetime(2027, 4, 24, 8, 0, tzinfo=UTC)
ROUND = date(2027, 5, 1)  # the month-3 checkpoint
PREVIEW = datetime(2027, 4, 28, 8, 0, tzinfo=UTC)  # two business days before, 10:00 Warsaw
POST = datetime(2027, 5, 1, 8, 0, tzinfo=UTC)
TWO_LEADERS = (
    PodSpec(
        leaders=[
            LeaderSpec("U0LEAD1", reports=("U0REP1", "U0REP2")),
            LeaderSpec("U0LEAD2", reports=("U0REP1",)),
        ]
    ),
)


def _program(engine: Engine) -> int:
    return make_program(engine, committed=True, pods=TWO_LEADERS)


def _add(
    engine: Engine, program_id: int, *, kind: AgendaKind, recipient: str, about: str, due: datetime
) -> int:
    state = AgendaState.SENT if kind is AgendaKind.SURVEY else AgendaState.PENDING
    with session_scope(engine) as session:
        add_once(
            session,
            program_id=program_id,
            row=Wanted(
                key=f"{kind.value}:{about}:{recipient}:{ROUND}",
                kind=kind.value,
                recipient=recipient,
                about=about,
                occasion=ROUND,
                due_at=due,
                state=state,
            ),
        )
        row = session.exec(
            select(AgendaRow).where(
                AgendaRow.program_id == program_id,
                AgendaRow.kind == kind.value,
                AgendaRow.recipient == recipient,
                AgendaRow.about == about,
            )
        ).one()
        if state is AgendaState.SENT:
            row.sent_at, row.channel_id, row.ts = due, f"D{recipient}", "1.000001"
            session.add(row)
        assert row.id is not None
        return row.id


def _survey(engine: Engine, program_id: int, recipient: str, leader: str) -> int:
    return _add(
        engine, program_id, kind=AgendaKind.SURVEY, recipient=recipient, about=leader, due=SENT
    )


def _answer(engine: Engine, survey_id: int, score: int) -> None:
    with session_scope(engine) as session:
        survey = session.get(AgendaRow, survey_id)
        assert survey is not None
        record_survey_answer(session, survey=survey, score=score, responded_on=SENT.date())


def _count(engine: Engine, model: type[SurveyAnswer] | type[SurveyResponse]) -> int:
    with session_scope(engine) as session:
        return len(list(session.exec(select(model))))


def test_a_report_of_two_leaders_answers_a_round_once(engine: Engine) -> None:
    program_id = _program(engine)
    about_first = _survey(engine, program_id, "U0REP1", "U0LEAD1")
    about_second = _survey(engine, program_id, "U0REP1", "U0LEAD2")
    _answer(engine, about_first, 5)
    with pytest.raises(IntegrityError):
        _answer(engine, about_second, 5)
    assert _count(engine, SurveyAnswer) == _count(engine, SurveyResponse) == 1
    with session_scope(engine) as session:
        assert respondents(session, program_id=program_id, occasion=ROUND) == 1


def test_two_people_are_two_respondents(engine: Engine) -> None:
    program_id = _program(engine)
    _answer(engine, _survey(engine, program_id, "U0REP1", "U0LEAD2"), 4)
    _answer(engine, _survey(engine, program_id, "U0REP2", "U0LEAD1"), 2)
    with session_scope(engine) as session:
        assert respondents(session, program_id=program_id, occasion=ROUND) == 2


def test_the_other_survey_of_a_person_who_answered_gets_no_reminder(engine: Engine) -> None:
    program_id = _program(engine)
    about_first = _survey(engine, program_id, "U0REP1", "U0LEAD1")
    _survey(engine, program_id, "U0REP1", "U0LEAD2")
    _survey(engine, program_id, "U0REP2", "U0LEAD1")
    _answer(engine, about_first, 3)
    with session_scope(engine) as session:
        assert plan_survey_reminders(session, now=SENT + timedelta(hours=24)) == 1
        reminded = session.exec(
            select(AgendaRow.recipient).where(AgendaRow.kind == AgendaKind.SURVEY_REMINDER.value)
        ).all()
    assert reminded == ["U0REP2"]


def test_a_round_closes_at_its_first_preview_not_at_the_post(engine: Engine) -> None:
    program_id = _program(engine)
    survey_id = _survey(engine, program_id, "U0REP1", "U0LEAD1")
    for recipient, due in (("U0OWNER", PREVIEW), ("U0OWNER2", PREVIEW - timedelta(hours=7))):
        _add(
            engine,
            program_id,
            kind=AgendaKind.CHECKPOINT_PREVIEW,
            recipient=recipient,
            about=str(program_id),
            due=due,
        )
    _add(
        engine,
        program_id,
        kind=AgendaKind.CHECKPOINT_PUBLISH,
        recipient="C0ENG",
        about=str(program_id),
        due=POST,
    )
    with session_scope(engine) as session:
        survey, program = session.get(AgendaRow, survey_id), session.get(Program, program_id)
        assert survey is not None
        assert program is not None
        closes = round_closes_at(session, survey=survey, program=program)
    assert closes == PREVIEW - timedelta(hours=7)


def test_an_answer_to_a_closed_round_is_not_recorded(engine: Engine) -> None:
    program_id = _program(engine)
    on_time = _survey(engine, program_id, "U0REP2", "U0LEAD1")
    late = _survey(engine, program_id, "U0REP1", "U0LEAD1")
    _answer(engine, on_time, 4)
    with session_scope(engine) as session:
        closed = close_round(session, program_id=program_id, occasion=ROUND, now=PREVIEW)
        assert (closed.closed_at, closed.respondents) == (PREVIEW, 1)
    with pytest.raises(RoundClosedError) as refused:
        _answer(engine, late, 1)
    assert refused.value.closed_at == PREVIEW
    assert _count(engine, SurveyAnswer) == _count(engine, SurveyResponse) == 1
    with session_scope(engine) as session:
        again = close_round(session, program_id=program_id, occasion=ROUND, now=POST)
        assert (again.closed_at, again.respondents) == (PREVIEW, 1), "closed once, for good"
        survey, program = session.get(AgendaRow, late), session.get(Program, program_id)
        assert survey is not None
        assert program is not None
        # A round closed early (a preview on a clock ahead) closed then, whatever was planned.
        assert round_closes_at(session, survey=survey, program=program) == PREVIEW


def test_upgrading_keeps_a_second_answer_from_before_and_counts_its_person_once(
    bare_engine: Engine,
) -> None:
    from alembic import command

    command.upgrade(alembic_config(bare_engine), "0007")
    program_id = make_program(bare_engine, committed=True)
    insert = text(
        "INSERT INTO agenda_item (program_id, key, kind, recipient, about, occasion, due_at, "
        "state, attempts) VALUES (:program, :key, 'survey', 'U0REP1', :about, :occasion, "
        ":due, 'sent', 0)"
    )
    with bare_engine.begin() as connection:
        for about in ("U0LEAD1", "U0LEAD2"):
            connection.execute(
                insert,
                {
                    "program": program_id,
                    "key": f"survey:{about}",
                    "about": about,
                    "occasion": ROUND,
                    "due": SENT,
                },
            )
        ids = connection.execute(text("SELECT id FROM agenda_item ORDER BY id")).scalars().all()
        for agenda_id in ids:
            connection.execute(
                text(
                    "INSERT INTO survey_response (agenda_id, responded_on) VALUES (:agenda, :day)"
                ),
                {"agenda": agenda_id, "day": SENT.date()},
            )
    upgrade_to_head(bare_engine)
    with session_scope(bare_engine) as session:
        kept = list(session.exec(select(SurveyResponse).order_by(SurveyResponse.id)))  # type: ignore[arg-type]
        assert [(r.program_id, r.occasion) for r in kept] == [(program_id, ROUND)] * 2
        assert [r.respondent for r in kept] == ["U0REP1", None]
        assert respondents(session, program_id=program_id, occasion=ROUND) == 1


def _in_thread(work: Callable[[], None]) -> tuple[threading.Thread, list[BaseException]]:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as error:  # handed to the test thread
            errors.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, errors


def _waiting_in_thread(
    engine: Engine, work: Callable[[], None]
) -> tuple[threading.Thread, list[BaseException], bool]:
    """``work`` started on a thread of its own, and whether it is waiting for the database's
    lock (held by the calling thread's unit of work).

    Postgres says so itself: the thread's backend waits on a lock. SQLite cannot be asked, so
    there the thread must still be inside the database 0.2 s after its first statement went
    out (its BEGIN IMMEDIATE, which waits for the write lock), a few milliseconds' work had it
    not waited.
    """
    sent = threading.Event()
    ident: list[int] = []

    def note(*_args: object) -> None:
        if threading.get_ident() in ident:
            sent.set()

    def run() -> None:
        ident.append(threading.get_ident())
        work()

    event.listen(engine, "before_cursor_execute", note)
    try:
        thread, errors = _in_thread(run)
        assert sent.wait(timeout=10), "the thread sent nothing to the database"
        if engine.dialect.name != "postgresql":
            thread.join(timeout=0.2)
            return thread, errors, thread.is_alive()
        deadline = time.monotonic() + 10
        while thread.is_alive() and time.monotonic() < deadline:
            with engine.connect() as connection:
                waiting = connection.execute(
                    text(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                        " AND datname = current_database()"
                    )
                ).scalar_one()
            if waiting:
                return thread, errors, True
            time.sleep(0.01)
        return thread, errors, False
    finally:
        event.remove(engine, "before_cursor_execute", note)


@pytest.mark.parametrize("started", [False, True], ids=["first-answer", "round-started"])
def test_a_close_waits_for_an_answer_being_recorded_and_counts_it(
    engine: Engine, started: bool
) -> None:
    """``round-started``: the round's row exists before either unit of work begins (an earlier
    answer made it), so neither waits on the other's insert of it: only the row lock
    (``lock_round``'s FOR UPDATE, on Postgres; SQLite's writers queue anyway) makes the close
    wait."""
    program_id = _program(engine)
    survey_id = _survey(engine, program_id, "U0REP1", "U0LEAD1")
    if started:
        with session_scope(engine) as session:
            lock_round(session, program_id=program_id, occasion=ROUND)
    closed: list[int | None] = []

    def close() -> None:
        with session_scope(engine) as session:
            survey_round = close_round(session, program_id=program_id, occasion=ROUND, now=PREVIEW)
            closed.append(survey_round.respondents)

    answering = Session(engine, expire_on_commit=False)
    try:
        survey = answering.get(AgendaRow, survey_id)
        assert survey is not None
        record_survey_answer(answering, survey=survey, score=4, responded_on=SENT.date())
        thread, errors, waiting = _waiting_in_thread(engine, close)
        assert waiting, "the close waits for the answer's unit of work"
        answering.commit()
    finally:
        answering.close()
    thread.join(timeout=10)
    assert not errors
    assert closed == [1], "the answer is in the closed round, so in every figure from it"


def test_an_answer_waits_for_a_close_under_way_and_is_refused(engine: Engine) -> None:
    program_id = _program(engine)
    survey_id = _survey(engine, program_id, "U0REP1", "U0LEAD1")
    closing = Session(engine, expire_on_commit=False)
    try:
        close_round(closing, program_id=program_id, occasion=ROUND, now=PREVIEW)
        thread, errors, waiting = _waiting_in_thread(engine, lambda: _answer(engine, survey_id, 1))
        assert waiting, "the answer waits for the close's unit of work"
        closing.commit()
    finally:
        closing.close()
    thread.join(timeout=10)
    assert [type(error) for error in errors] == [RoundClosedError]
    assert _count(engine, SurveyAnswer) == _count(engine, SurveyResponse) == 0
