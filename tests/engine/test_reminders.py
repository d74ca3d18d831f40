"""Survey reminders: private, to non-responders only, after 24 h and 72 h, never a third, never
once the round's results are taken."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.domain.cadence import AgendaKind, AgendaState
from bot.domain.program_rules import ProgramState
from bot.engine.reminders import LOOKBACK, REMINDER_DELAYS, next_reminder_at, plan_survey_reminders
from storage.agenda import Wanted, add_once
from storage.answers import parse_reminder_key, record_survey_answer, reminder_key
from storage.db import session_scope
from storage.models import AgendaRow, Program
from tests.support.programs import PodSpec, make_program

SENT = datetime(2027, 4, 24, 8, 0, tzinfo=UTC)
ROUND = date(2027, 5, 1)  # the month-3 checkpoint the survey belongs to
HOUR = timedelta(hours=1)


def _program(engine: Engine) -> int:
    return make_program(engine, committed=True, pods=(PodSpec(),))


def _row(
    engine: Engine,
    program_id: int,
    *,
    kind: AgendaKind,
    recipient: str,
    occasion: date,
    due_at: datetime,
    state: AgendaState = AgendaState.PENDING,
) -> int:
    with session_scope(engine) as session:
        add_once(
            session,
            program_id=program_id,
            row=Wanted(
                key=f"{kind.value}:U0LEAD1:{recipient}:{occasion}",
                kind=kind.value,
                recipient=recipient,
                about="U0LEAD1",
                occasion=occasion,
                due_at=due_at,
                state=state,
            ),
        )
        row = session.exec(
            select(AgendaRow).where(
                AgendaRow.program_id == program_id,
                AgendaRow.kind == kind.value,
                AgendaRow.recipient == recipient,
                AgendaRow.occasion == occasion,
            )
        ).one()
        if state is AgendaState.SENT:
            row.sent_at, row.channel_id, row.ts = due_at, f"D{recipient}", "1.000001"
            session.add(row)
        assert row.id is not None
        return row.id


def _survey(
    engine: Engine,
    program_id: int,
    *,
    recipient: str = "U0REP1",
    sent: datetime = SENT,
    occasion: date = ROUND,
    state: AgendaState = AgendaState.SENT,
) -> int:
    return _row(
        engine,
        program_id,
        kind=AgendaKind.SURVEY,
        recipient=recipient,
        occasion=occasion,
        due_at=sent,
        state=state,
    )


def _publication(engine: Engine, program_id: int, *, due: datetime) -> None:
    _row(
        engine,
        program_id,
        kind=AgendaKind.CHECKPOINT_PUBLISH,
        recipient="C0ENG",
        occasion=ROUND,
        due_at=due,
    )


def _plan(engine: Engine, now: datetime) -> int:
    with session_scope(engine) as session:
        return plan_survey_reminders(session, now=now)


def _reminders(engine: Engine, program_id: int) -> list[AgendaRow]:
    with session_scope(engine) as session:
        return list(
            session.exec(
                select(AgendaRow)
                .where(
                    AgendaRow.program_id == program_id,
                    AgendaRow.kind == AgendaKind.SURVEY_REMINDER.value,
                )
                .order_by(AgendaRow.due_at)  # type: ignore[arg-type]
            )
        )


def test_one_reminder_after_24_hours_and_one_after_72_never_a_third(engine: Engine) -> None:
    program_id = _program(engine)
    survey_id = _survey(engine, program_id)
    assert _plan(engine, SENT + 24 * HOUR - timedelta(seconds=1)) == 0
    assert _plan(engine, SENT + 24 * HOUR) == 1
    assert _plan(engine, SENT + 25 * HOUR) == 0, "one reminder per step, however often it runs"
    assert _plan(engine, SENT + 72 * HOUR - timedelta(seconds=1)) == 0
    assert _plan(engine, SENT + 72 * HOUR) == 1
    for later in (73, 100, 160):
        assert _plan(engine, SENT + later * HOUR) == 0
    first, second = _reminders(engine, program_id)
    assert [row.key for row in (first, second)] == [
        reminder_key(1, survey_id),
        reminder_key(2, survey_id),
    ]
    for row in (first, second):
        # A private DM to the same person, about the same leader and round, sent when planned.
        assert (row.recipient, row.about, row.occasion) == ("U0REP1", "U0LEAD1", ROUND)
        assert row.state is AgendaState.PENDING
    assert (first.due_at, second.due_at) == (SENT + 24 * HOUR, SENT + 72 * HOUR)


def test_no_reminder_after_an_answer(engine: Engine) -> None:
    program_id = _program(engine)
    _survey(engine, program_id, recipient="U0REP1")
    other_id = _survey(engine, program_id, recipient="U0REP2")
    with session_scope(engine) as session:
        other = session.get(AgendaRow, other_id)
        assert other is not None
        record_survey_answer(session, survey=other, score=4, responded_on=SENT.date())
    assert _plan(engine, SENT + 24 * HOUR) == 1
    assert _plan(engine, SENT + 72 * HOUR) == 1
    assert {row.recipient for row in _reminders(engine, program_id)} == {"U0REP1"}


def test_an_answer_cancels_a_reminder_not_sent_yet(engine: Engine) -> None:
    program_id = _program(engine)
    survey_id = _survey(engine, program_id)
    assert _plan(engine, SENT + 24 * HOUR) == 1
    with session_scope(engine) as session:
        survey = session.get(AgendaRow, survey_id)
        assert survey is not None
        record_survey_answer(session, survey=survey, score=2, responded_on=SENT.date())
    (reminder,) = _reminders(engine, program_id)
    assert reminder.state is AgendaState.SKIPPED
    assert _plan(engine, SENT + 72 * HOUR) == 0


def test_no_reminder_once_the_rounds_checkpoint_is_published(engine: Engine) -> None:
    program_id = _program(engine)
    _survey(engine, program_id)
    _publication(engine, program_id, due=SENT + 48 * HOUR)
    assert _plan(engine, SENT + 24 * HOUR) == 1
    assert _plan(engine, SENT + 72 * HOUR) == 0
    assert len(_reminders(engine, program_id)) == 1


def test_the_baseline_round_closes_when_the_program_starts(engine: Engine) -> None:
    program_id = _program(engine)  # kickoff Mon 1 Feb 2027, Warsaw: 31 Jan 23:00 UTC
    kickoff = date(2027, 2, 1)
    sent = datetime(2027, 1, 29, 12, 0, tzinfo=UTC)
    _survey(engine, program_id, sent=sent, occasion=kickoff)
    assert _plan(engine, sent + 24 * HOUR) == 1
    assert _plan(engine, sent + 72 * HOUR) == 0, "72 h after is past kickoff"


def test_reminders_stay_apart_after_downtime(engine: Engine) -> None:
    program_id = _program(engine)
    _survey(engine, program_id)
    back = SENT + 80 * HOUR
    assert _plan(engine, back) == 1
    assert _plan(engine, back + HOUR) == 0, "never two reminders together"
    assert _plan(engine, back + 48 * HOUR) == 1
    assert [row.due_at for row in _reminders(engine, program_id)] == [back, back + 48 * HOUR]


def test_only_delivered_recent_surveys_get_reminders(engine: Engine) -> None:
    program_id = _program(engine)
    _survey(engine, program_id, recipient="U0REP1", state=AgendaState.PENDING)
    _survey(engine, program_id, recipient="U0REP2", state=AgendaState.MISSED)
    _survey(engine, program_id, recipient="U0REP3", state=AgendaState.FAILED)
    _survey(engine, program_id, recipient="U0OLD", sent=SENT - LOOKBACK - HOUR)
    assert _plan(engine, SENT + 24 * HOUR) == 0
    assert _reminders(engine, program_id) == []


def test_a_closed_program_sends_no_reminders(engine: Engine) -> None:
    program_id = _program(engine)
    _survey(engine, program_id)
    with session_scope(engine) as session:
        program = session.get(Program, program_id)
        assert program is not None
        program.status = ProgramState.CLOSED
        session.add(program)
    assert _plan(engine, SENT + 24 * HOUR) == 0


def test_reminder_keys_name_their_survey() -> None:
    ref = parse_reminder_key(reminder_key(2, 417))
    assert ref is not None
    assert (ref.number, ref.survey_row_id) == (2, 417)
    for other in ("survey:U0LEAD1:U0REP1:2027-05-01", "survey_reminder:x:1", "survey_reminder:1"):
        assert parse_reminder_key(other) is None


@given(
    sent=st.datetimes(
        min_value=datetime(2027, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)
    ),
    delays=st.lists(st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=5)), max_size=4),
)
def test_reminders_are_at_most_two_and_never_closer_than_the_delays(
    sent: datetime, delays: list[timedelta]
) -> None:
    """However late each run of the job comes, reminders keep the 24 h / 72 h rhythm and stop
    after the second."""
    planned: list[datetime] = []
    for delay in delays:
        due = next_reminder_at(sent, planned)
        if due is None:
            assert len(planned) == len(REMINDER_DELAYS)
            break
        planned.append(due + delay)  # the job ran ``delay`` after the reminder became due
    assert len(planned) <= len(REMINDER_DELAYS)
    if planned:
        assert planned[0] >= sent + REMINDER_DELAYS[0]
    if len(planned) == len(REMINDER_DELAYS):
        assert next_reminder_at(sent, planned) is None
        assert planned[1] >= sent + REMINDER_DELAYS[1]
        assert planned[1] - planned[0] >= REMINDER_DELAYS[1] - REMINDER_DELAYS[0]
