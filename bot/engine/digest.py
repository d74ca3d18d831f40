"""The coach's week, read from the agenda, the session logs and the pauses."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from sqlmodel import Session, col, select

from bot.blocks.prompts import DigestData, LeaderWeek
from bot.domain.cadence import AgendaKind, AgendaState, SessionKind
from storage.models import AgendaRow, Leader, LeaderPause, Pod, SessionLog, SurveyResponse

WEEK = timedelta(days=7)


def digest_data(session: Session, *, program_id: int, coach_id: str, week_end: date) -> DigestData:
    """Per leader of the coach's pods: the week ending on ``week_end`` (inclusive)."""
    start = week_end - WEEK + timedelta(days=1)
    leaders = session.exec(
        select(Leader)
        .join(Pod, col(Pod.id) == col(Leader.pod_id))
        .where(Pod.program_id == program_id, Pod.coach_id == coach_id)
        .order_by(col(Leader.id))
    ).all()
    rows = session.exec(
        select(AgendaRow).where(
            AgendaRow.program_id == program_id,
            col(AgendaRow.occasion) >= start,
            col(AgendaRow.occasion) <= week_end,
        )
    ).all()
    logged = {
        log.agenda_id: log.held
        for log in session.exec(
            select(SessionLog).where(
                col(SessionLog.agenda_id).in_([row.id for row in rows if row.id is not None])
            )
        )
    }
    weeks = [_leader_week(session, leader, rows, logged, week_end) for leader in leaders]
    return DigestData(
        leaders=tuple(weeks),
        survey_non_responders=_non_responders(
            session, rows, {leader.user_id for leader in leaders}
        ),
    )


def _leader_week(
    session: Session,
    leader: Leader,
    rows: Sequence[AgendaRow],
    logged: dict[int, bool],
    week_end: date,
) -> LeaderWeek:
    mine = [row for row in rows if row.about == leader.user_id]
    log_rows = [
        row
        for row in mine
        if row.kind == AgendaKind.ONE_ON_ONE_LOG and row.state is AgendaState.SENT
    ]
    pause = session.exec(
        select(LeaderPause)
        .where(LeaderPause.leader_id == leader.id, col(LeaderPause.end) >= week_end)
        .order_by(col(LeaderPause.end).desc())
    ).first()
    return LeaderWeek(
        leader_id=leader.user_id,
        held=sum(1 for row in log_rows if logged.get(row.id or 0) is True),
        not_held=sum(1 for row in log_rows if logged.get(row.id or 0) is False),
        not_logged=sum(1 for row in log_rows if (row.id or 0) not in logged),
        skipped=sum(
            1
            for row in mine
            if row.state is AgendaState.SKIPPED and row.kind == SessionKind.ONE_ON_ONE
        ),
        missed=sum(1 for row in mine if row.state is AgendaState.MISSED),
        failed=sum(1 for row in mine if row.state is AgendaState.FAILED),
        paused_until=pause.end if pause is not None and pause.start <= week_end else None,
    )


def _non_responders(session: Session, rows: Sequence[AgendaRow], leaders: set[str]) -> int | None:
    """How many surveys sent this week about these leaders are unanswered; None if none
    was sent. A count only: who has not answered is nobody else's business."""
    surveys = [
        row.id
        for row in rows
        if row.kind == AgendaKind.SURVEY and row.state is AgendaState.SENT and row.about in leaders
    ]
    if not surveys:
        return None
    answered = session.exec(
        select(SurveyResponse.agenda_id).where(col(SurveyResponse.agenda_id).in_(surveys))
    ).all()
    return len(surveys) - len(answered)
