"""What a checkpoint post reports besides the criteria (PRODUCT "Metrics catalog": manager
self-efficacy and the manager's rating from the 360s, session ratings, attendance), pooled over
the cohort — never one person's figure. Sessions and their ratings count from kickoff to the
checkpoint; the 360s are the quarter's that the checkpoint closes."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session

from bot.blocks.prompts.data import TrackedBesides
from bot.domain.analysis import pooled_scores
from bot.domain.cadence import AgendaKind, AgendaState, SessionKind
from storage.agenda import rows_until
from storage.answers import held_by_row, program_ratings
from storage.pods import program_leaders
from storage.setup_state import pods_of

QUARTER = timedelta(days=92)


def tracked_besides(
    session: Session, *, program_id: int, until: date, threshold: int
) -> TrackedBesides:
    rows = {row.id: row for row in rows_until(session, program_id=program_id, until=until)}
    ratings = [
        (rating, rows[rating.agenda_id])
        for rating in program_ratings(session, program_id=program_id)
        if rating.agenda_id in rows
    ]
    leaders = {leader.user_id: leader for leader in program_leaders(session, program_id=program_id)}
    coaches = {pod.coach_id for pod in pods_of(session, program_id=program_id) if pod.coach_id}
    # The 360s of the quarter the checkpoint closes: earlier quarters are earlier posts'.
    three_sixty = [
        (rating, row)
        for rating, row in ratings
        if row.kind == AgendaKind.THREE_SIXTY and row.occasion > until - QUARTER
    ]
    own = [rating.score for rating, row in three_sixty if rating.rater_id == row.about]
    managers = [
        rating.score
        for rating, row in three_sixty
        if row.about in leaders and rating.rater_id == leaders[row.about].manager_id
    ]
    by_coach = [
        rating.score
        for rating, row in three_sixty
        if rating.rater_id in coaches and rating.rater_id != row.about
    ]
    logs = held_by_row(session, agenda_ids=[row_id for row_id in rows if row_id is not None])
    log_rows = [
        row
        for row in rows.values()
        if row.kind == AgendaKind.ONE_ON_ONE_LOG and row.state is AgendaState.SENT
    ]
    return TrackedBesides(
        self_efficacy=pooled_scores(own, threshold=threshold),
        manager_rating=pooled_scores(managers, threshold=threshold),
        coach_rating=pooled_scores(by_coach, threshold=threshold),
        one_on_one_rating=pooled_scores(
            [r.score for r, row in ratings if row.kind == AgendaKind.ONE_ON_ONE_POST],
            threshold=threshold,
        ),
        pod_rating=pooled_scores(
            [r.score for r, row in ratings if row.kind == AgendaKind.POD_POST],
            threshold=threshold,
        ),
        held=sum(1 for row in log_rows if logs.get(row.id or 0) is True),
        not_held=sum(1 for row in log_rows if logs.get(row.id or 0) is False),
        not_logged=sum(1 for row in log_rows if (row.id or 0) not in logs),
        skipped=sum(
            1
            for row in rows.values()
            if row.state is AgendaState.SKIPPED and row.kind == SessionKind.ONE_ON_ONE
        ),
        threshold=threshold,
    )
