"""Answers to the cadence prompts: the coach's session logs, named ratings, and the direct
reports' anonymous survey answers kept apart from who responded (PRODUCT "Privacy").

Each agenda row is answered at most once: ``session_log``, ``rating`` and ``survey_response``
are unique per row, so of two racing submissions the database keeps one and the other raises
``IntegrityError`` at ``flush`` — the caller rolls back and says it was already answered.
A survey round takes one answer a person, too: a report of two leaders gets a survey about
each, and the first one answered is their answer for the round (``survey_response`` is unique
per round and respondent), so every count of answers is a count of people.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Final

from sqlalchemy import and_, update
from sqlmodel import Session, col, select

from bot.domain.cadence import AgendaKind, AgendaState
from bot.domain.localtime import local_date, to_instant
from bot.domain.survey_rounds import round_closes_at as scheduled_close
from storage.models import AgendaRow, Program, Rating, SessionLog, SurveyAnswer, SurveyResponse
from storage.pods import find_leader, get_pod
from storage.survey_rounds import RoundClosedError, closed_at, lock_round, round_response

# Postgres stores SurveyAnswer.id as a signed 32-bit INTEGER.
_ANSWER_ID_SPACE: Final = 2**31 - 1
_MIDNIGHT: Final = time(0, 0)


# --- survey reminders reference their survey through their key ---------------------------------


@dataclass(frozen=True, slots=True)
class ReminderRef:
    number: int  # 1 (after 24 h) or 2 (after 72 h)
    survey_row_id: int


def reminder_key(number: int, survey_row_id: int) -> str:
    """``survey_reminder:{n}:{survey row id}``: unique per survey and reminder, and the only
    link from a reminder to its survey (``about`` keeps the leader for the renderer)."""
    return f"{AgendaKind.SURVEY_REMINDER.value}:{number}:{survey_row_id}"


def parse_reminder_key(key: str) -> ReminderRef | None:
    prefix, _, rest = key.partition(":")
    number, _, survey = rest.partition(":")
    if prefix != AgendaKind.SURVEY_REMINDER.value or not number.isdigit() or not survey.isdigit():
        return None
    return ReminderRef(number=int(number), survey_row_id=int(survey))


def reminders_of(session: Session, survey: AgendaRow) -> list[AgendaRow]:
    """The reminders already added for ``survey``, first reminder first."""
    candidates = session.exec(
        select(AgendaRow).where(
            AgendaRow.program_id == survey.program_id,
            AgendaRow.kind == AgendaKind.SURVEY_REMINDER.value,
            AgendaRow.recipient == survey.recipient,
        )
    )
    found = [
        (ref.number, row)
        for row in candidates
        if (ref := parse_reminder_key(row.key)) is not None and ref.survey_row_id == survey.id
    ]
    return [row for _, row in sorted(found, key=lambda pair: pair[0])]


def answered_row(session: Session, row: AgendaRow) -> AgendaRow | None:
    """The row an answer is recorded against: a reminder's survey, otherwise ``row`` itself.
    None when a reminder's survey cannot be found (or is not the same person's)."""
    if row.kind != AgendaKind.SURVEY_REMINDER.value:
        return row
    ref = parse_reminder_key(row.key)
    survey = session.get(AgendaRow, ref.survey_row_id) if ref is not None else None
    if (
        survey is None
        or survey.kind != AgendaKind.SURVEY.value
        or survey.program_id != row.program_id
        or survey.recipient != row.recipient
    ):
        return None
    return survey


_RESULTS_TAKEN: Final = (AgendaKind.CHECKPOINT_PREVIEW.value, AgendaKind.CHECKPOINT_PUBLISH.value)


def round_closes_at(session: Session, *, survey: AgendaRow, program: Program) -> datetime:
    """When a survey round stops taking answers: when its results are first taken — the
    owners' preview two business days before the checkpoint (the earliest, with owners in
    several zones), or the post when there is no preview — so the preview and the post show
    the same figures and neither can be subtracted from the other. The baseline round closes
    when the program starts at 00:00 program time: later answers would not measure "before".
    A round already closed (see ``storage.survey_rounds``) closed then."""
    taken = session.exec(
        select(AgendaRow.due_at).where(
            AgendaRow.program_id == survey.program_id,
            col(AgendaRow.kind).in_(_RESULTS_TAKEN),
            AgendaRow.occasion == survey.occasion,
        )
    ).all()
    scheduled = scheduled_close(
        results_taken=taken, start=to_instant(survey.occasion, _MIDNIGHT, program.timezone)
    )
    closed = closed_at(session, program_id=survey.program_id, occasion=survey.occasion)
    return scheduled if closed is None else min(scheduled, closed)


def round_surveys(session: Session, survey: AgendaRow) -> list[AgendaRow]:
    """This person's surveys in ``survey``'s round: one a leader they report to."""
    return list(
        session.exec(
            select(AgendaRow)
            .where(
                AgendaRow.program_id == survey.program_id,
                AgendaRow.kind == AgendaKind.SURVEY.value,
                AgendaRow.occasion == survey.occasion,
                AgendaRow.recipient == survey.recipient,
            )
            .order_by(col(AgendaRow.id))
        )
    )


# --- what was answered --------------------------------------------------------------------------


def session_log(session: Session, *, agenda_id: int) -> SessionLog | None:
    return session.exec(select(SessionLog).where(SessionLog.agenda_id == agenda_id)).first()


def answered_on(session: Session, *, row: AgendaRow, timezone: str) -> date | None:
    """The local day ``row`` was answered (logged, rated or responded to), or None."""
    assert row.id is not None
    if row.kind == AgendaKind.ONE_ON_ONE_LOG.value:
        log = session_log(session, agenda_id=row.id)
        return None if log is None else local_date(log.logged_at, timezone)
    if row.kind == AgendaKind.SURVEY.value:
        response = survey_response_of(session, survey=row)
        return None if response is None else response.responded_on
    rated_at = session.exec(select(Rating.rated_at).where(Rating.agenda_id == row.id)).first()
    return None if rated_at is None else local_date(rated_at, timezone)


def survey_response_of(session: Session, *, survey: AgendaRow) -> SurveyResponse | None:
    """The person's response to ``survey``'s round — to this survey or to their survey about
    another leader in the same round (they answer once a round)."""
    return round_response(
        session,
        program_id=survey.program_id,
        occasion=survey.occasion,
        respondent=survey.recipient,
    )


def coach_of(session: Session, *, program_id: int, leader_user_id: str) -> str | None:
    """The coach of the pod ``leader_user_id`` is in, if any."""
    leader = find_leader(session, program_id=program_id, user_id=leader_user_id)
    pod = None if leader is None else get_pod(session, program_id=program_id, pod_id=leader.pod_id)
    return None if pod is None else pod.coach_id


# --- recording ----------------------------------------------------------------------------------


def log_session(
    session: Session, *, row: AgendaRow, held: bool, user_id: str, now: datetime
) -> SessionLog:
    """Record whether the 1:1 happened; a later click on the other answer corrects it."""
    assert row.id is not None
    log = session_log(session, agenda_id=row.id)
    if log is None:
        log = SessionLog(agenda_id=row.id, held=held, logged_by=user_id, logged_at=now)
    else:
        log.held, log.logged_by, log.logged_at = held, user_id, now
    session.add(log)
    session.flush()
    return log


def record_rating(
    session: Session,
    *,
    row: AgendaRow,
    rater_id: str,
    score: int,
    decided: str | None,
    say_no: str | None,
    now: datetime,
) -> Rating:
    """A named rating of ``row.about`` (a leader, or a pod's id); raises IntegrityError if
    the row was rated already."""
    assert row.id is not None
    rating = Rating(
        agenda_id=row.id,
        program_id=row.program_id,
        rater_id=rater_id,
        about_id=row.about,
        score=score,
        decided=decided,
        say_no=say_no,
        rated_at=now,
    )
    session.add(rating)
    session.flush()
    return rating


def rating_of(session: Session, *, agenda_id: int) -> Rating | None:
    return session.exec(select(Rating).where(Rating.agenda_id == agenda_id)).first()


def correct_rating(
    session: Session,
    *,
    agenda_id: int,
    rater_id: str,
    score: int,
    decided: str | None,
    say_no: str | None,
    rated_since: datetime,
) -> bool:
    """Change the rater's rating of the row in place, if it was first sent after
    ``rated_since``: one statement, so the check and the change cannot be split by another
    writer, and never a second row (``rated_at`` stays the first sending). False when there is
    no such rating (none, someone else's, or sent before ``rated_since``)."""
    changed = session.connection().execute(
        update(Rating)
        .where(
            col(Rating.agenda_id) == agenda_id,
            col(Rating.rater_id) == rater_id,
            col(Rating.rated_at) > rated_since,
        )
        .values(score=score, decided=decided, say_no=say_no)
    )
    session.expire_all()
    return bool(changed.rowcount)


def record_survey_answer(
    session: Session, *, survey: AgendaRow, score: int, responded_on: date
) -> None:
    """Store who responded and what was answered as two unrelated rows, and stop the reminders
    of the person's surveys in this round.

    The round's lock comes first: a closed round raises RoundClosedError and stores nothing.
    Then the response: a second response to the same survey, or by the same person to the same
    round (a report of two leaders), raises IntegrityError before any answer is stored, so an
    answer is never counted twice and the answers of a round are one a person. The answer's id
    is random, not the next in sequence: otherwise the order of answers would mirror the order
    of responses and pair each score with a person.
    """
    assert survey.id is not None
    survey_round = lock_round(session, program_id=survey.program_id, occasion=survey.occasion)
    if survey_round.closed_at is not None:
        raise RoundClosedError(survey_round.closed_at)
    session.add(
        SurveyResponse(
            agenda_id=survey.id,
            responded_on=responded_on,
            program_id=survey.program_id,
            occasion=survey.occasion,
            respondent=survey.recipient,
        )
    )
    session.flush()
    session.add(
        SurveyAnswer(
            id=_unlinkable_answer_id(session),
            program_id=survey.program_id,
            leader_id=survey.about,
            occasion=survey.occasion,
            score=score,
        )
    )
    for asked in round_surveys(session, survey):
        for reminder in reminders_of(session, asked):
            if reminder.state is AgendaState.PENDING:
                reminder.state = AgendaState.SKIPPED
                session.add(reminder)
    session.flush()


def _unlinkable_answer_id(session: Session) -> int:
    while True:
        candidate = secrets.randbelow(_ANSWER_ID_SPACE - 1) + 1
        if session.get(SurveyAnswer, candidate) is None:
            return candidate


def unanswered_sent_surveys(
    session: Session, *, sent_from: datetime, sent_until: datetime, due_from: datetime
) -> list[AgendaRow]:
    """SURVEY rows sent in ``[sent_from, sent_until]`` whose recipient has not responded to
    the round (through this survey or their survey about another leader).

    ``due_from`` bounds ``due_at`` too, so the (state, due_at) index serves the query and its
    cost follows recent surveys, not every survey ever sent.
    """
    statement = (
        select(AgendaRow)
        .outerjoin(
            SurveyResponse,
            and_(
                col(SurveyResponse.program_id) == col(AgendaRow.program_id),
                col(SurveyResponse.occasion) == col(AgendaRow.occasion),
                col(SurveyResponse.respondent) == col(AgendaRow.recipient),
            ),
        )
        .where(
            AgendaRow.state == AgendaState.SENT,
            col(AgendaRow.due_at) >= due_from,
            AgendaRow.kind == AgendaKind.SURVEY.value,
            col(AgendaRow.sent_at) >= sent_from,
            col(AgendaRow.sent_at) <= sent_until,
            col(SurveyResponse.id).is_(None),
        )
        .order_by(col(AgendaRow.id))
    )
    return list(session.exec(statement))


def held_by_row(session: Session, *, agenda_ids: list[int]) -> dict[int, bool]:
    """Per logged 1:1 row: whether the coach said it was held."""
    return {
        log.agenda_id: log.held
        for log in session.exec(select(SessionLog).where(col(SessionLog.agenda_id).in_(agenda_ids)))
    }


def ratings_until(
    session: Session, *, program_id: int, day: date
) -> list[tuple[Rating, AgendaRow]]:
    """The program's 1:1 and pod ratings of sessions up to ``day``, by session date then time
    rated (the latest last)."""
    statement = (
        select(Rating, AgendaRow)
        .join(AgendaRow, col(AgendaRow.id) == col(Rating.agenda_id))
        .where(
            Rating.program_id == program_id,
            col(AgendaRow.kind).in_([AgendaKind.ONE_ON_ONE_POST, AgendaKind.POD_POST]),
            col(AgendaRow.occasion) <= day,
        )
        .order_by(col(AgendaRow.occasion), col(Rating.rated_at))
    )
    return [(rating, row) for rating, row in session.exec(statement)]


def answered_rounds(
    session: Session, *, program_ids: set[int], respondents: set[str]
) -> set[tuple[int, date, str | None]]:
    """(program, round, respondent) of every survey answer by these people in these programs."""
    answered = session.exec(
        select(
            col(SurveyResponse.program_id),
            col(SurveyResponse.occasion),
            col(SurveyResponse.respondent),
        ).where(
            col(SurveyResponse.program_id).in_(program_ids),
            col(SurveyResponse.respondent).in_(respondents),
        )
    ).all()
    return {(program, occasion, person) for program, occasion, person in answered}


def program_ratings(session: Session, *, program_id: int) -> list[Rating]:
    """Every rating given in the program (sessions and 360s)."""
    return list(session.exec(select(Rating).where(Rating.program_id == program_id)))
