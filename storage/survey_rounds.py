"""Survey rounds: the people who answered a round, its answers, and its close.

A round closes once, when its results are first taken (PRODUCT "Privacy": a survey round
closes before its preview). Closing and answering both take the round row's lock first, so an
answer is either in before the close — and in every figure shown from the round — or refused;
never in the post but not the preview. On Postgres that is ``FOR UPDATE``; on SQLite the
insert that makes sure the row exists takes the database's write lock, which does the same.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from storage.models import SurveyAnswer, SurveyResponse, SurveyRound


class RoundClosedError(Exception):
    """An answer to a round that has closed; nothing was stored."""

    def __init__(self, closed_at: datetime) -> None:
        super().__init__(f"survey round closed at {closed_at.isoformat()}")
        self.closed_at = closed_at


def lock_round(session: Session, *, program_id: int, occasion: date) -> SurveyRound:
    """The round's row, created if needed and locked until the unit of work ends."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.connection().execute(
        insert(SurveyRound)
        .values(program_id=program_id, occasion=occasion)
        .on_conflict_do_nothing(index_elements=["program_id", "occasion"])
    )
    statement = (
        select(SurveyRound)
        .where(SurveyRound.program_id == program_id, SurveyRound.occasion == occasion)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return session.exec(statement).one()


def closed_at(session: Session, *, program_id: int, occasion: date) -> datetime | None:
    """When the round closed, or None while it is open (or not started)."""
    return session.exec(
        select(SurveyRound.closed_at).where(
            SurveyRound.program_id == program_id, SurveyRound.occasion == occasion
        )
    ).first()


def close_round(session: Session, *, program_id: int, occasion: date, now: datetime) -> SurveyRound:
    """Close the round (once; a closed round stays as it closed) and count its people."""
    survey_round = lock_round(session, program_id=program_id, occasion=occasion)
    if survey_round.closed_at is None:
        survey_round.closed_at = now
        survey_round.respondents = respondents(session, program_id=program_id, occasion=occasion)
        session.add(survey_round)
        session.flush()
    return survey_round


def respondents(session: Session, *, program_id: int, occasion: date) -> int:
    """How many different people answered the round."""
    count = session.exec(
        select(func.count(func.distinct(col(SurveyResponse.respondent)))).where(
            SurveyResponse.program_id == program_id, SurveyResponse.occasion == occasion
        )
    ).one()
    return int(count)


def scores(session: Session, *, program_id: int, occasion: date) -> list[int]:
    """The round's anonymous answers, pooled over the program (one a person)."""
    return list(
        session.exec(
            select(SurveyAnswer.score).where(
                SurveyAnswer.program_id == program_id, SurveyAnswer.occasion == occasion
            )
        )
    )


def round_response(
    session: Session, *, program_id: int, occasion: date, respondent: str
) -> SurveyResponse | None:
    """This person's response to the round, whichever of their surveys it answered."""
    return session.exec(
        select(SurveyResponse).where(
            SurveyResponse.program_id == program_id,
            SurveyResponse.occasion == occasion,
            SurveyResponse.respondent == respondent,
        )
    ).first()


def rounds_of(session: Session, *, program_id: int) -> list[SurveyRound]:
    """Every survey round of the program (one per occasion asked)."""
    return list(session.exec(select(SurveyRound).where(SurveyRound.program_id == program_id)))
