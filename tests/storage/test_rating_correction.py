"""A rating corrected in place, on every backend: one row, the window re-checked by the
statement itself, never someone else's rating."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from threading import Barrier

from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.domain.cadence import AgendaKind
from storage.answers import correct_rating, record_rating
from storage.db import session_scope
from storage.models import AgendaRow, Rating
from tests.support.programs import make_program

RATED = datetime(2027, 2, 2, 9, 45, tzinfo=UTC)
LEADER = "U0LEAD1"


def _rated(engine: Engine, score: int = 2) -> int:
    program_id = make_program(engine)
    with session_scope(engine) as session:
        row = AgendaRow(
            program_id=program_id,
            key=f"one_on_one_post:{LEADER}:{LEADER}:2027-02-02",
            kind=AgendaKind.ONE_ON_ONE_POST.value,
            recipient=LEADER,
            about=LEADER,
            occasion=date(2027, 2, 2),
            due_at=RATED,
        )
        session.add(row)
        session.flush()
        record_rating(
            session, row=row, rater_id=LEADER, score=score, decided=None, say_no=None, now=RATED
        )
        assert row.id is not None
        return row.id


def _correct(
    engine: Engine, agenda_id: int, score: int, *, rater: str = LEADER, at: datetime
) -> bool:
    with session_scope(engine) as session:
        return correct_rating(
            session,
            agenda_id=agenda_id,
            rater_id=rater,
            score=score,
            decided="said",
            say_no=None,
            rated_since=at - timedelta(days=7),
        )


def _ratings(engine: Engine) -> list[tuple[int, datetime]]:
    with session_scope(engine) as session:
        return [(r.score, r.rated_at) for r in session.exec(select(Rating))]


def test_a_correction_changes_the_one_rating_and_keeps_when_it_was_sent(engine: Engine) -> None:
    agenda_id = _rated(engine)
    assert _correct(engine, agenda_id, 5, at=RATED + timedelta(days=6, hours=23))
    assert _ratings(engine) == [(5, RATED)]


def test_a_correction_after_the_window_or_by_someone_else_changes_nothing(engine: Engine) -> None:
    agenda_id = _rated(engine)
    assert not _correct(engine, agenda_id, 5, at=RATED + timedelta(days=7))
    assert not _correct(engine, agenda_id, 5, rater="U0OTHER", at=RATED + timedelta(days=1))
    assert _ratings(engine) == [(2, RATED)]


def test_corrections_at_once_leave_one_rating_with_one_of_their_scores(engine: Engine) -> None:
    agenda_id = _rated(engine)
    start = Barrier(4)

    def correct(score: int) -> bool:
        start.wait()
        return _correct(engine, agenda_id, score, at=RATED + timedelta(days=1))

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert all(pool.map(correct, (3, 4, 5, 1)))
    [(score, rated_at)] = _ratings(engine)
    assert score in (3, 4, 5, 1) and rated_at == RATED
