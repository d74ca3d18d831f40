"""The coach's week, read from the agenda, the session logs and the pauses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session

from bot.blocks.prompts import DigestData, LeaderWeek
from bot.domain.cadence import AgendaKind, AgendaState, SessionKind
from storage.agenda import rows_between
from storage.answers import answered_rounds, held_by_row, ratings_until
from storage.models import AgendaRow, Leader, LeaderPause
from storage.pauses import pauses_reaching
from storage.pods import leaders_coached

WEEK = timedelta(days=7)


def digest_data(session: Session, *, program_id: int, coach_id: str, week_end: date) -> DigestData:
    """Per leader of the coach's pods: the week ending on ``week_end`` (inclusive)."""
    start = week_end - WEEK + timedelta(days=1)
    leaders = leaders_coached(session, program_id=program_id, coach_id=coach_id)
    rows = rows_between(session, program_id=program_id, start=start, end=week_end)
    logged = held_by_row(session, agenda_ids=[row.id for row in rows if row.id is not None])
    pauses = _pauses_reaching(session, [leader.id for leader in leaders if leader.id], week_end)
    answers = _answers(session, program_id=program_id, start=start, week_end=week_end)
    weeks = [
        replace(
            _leader_week(leader, rows, logged, week_end, pauses.get(leader.id or 0)),
            **answers.get(leader.user_id, {}),
        )
        for leader in leaders
    ]
    return DigestData(
        leaders=tuple(weeks),
        survey_non_responders=_non_responders(
            session, rows, {leader.user_id for leader in leaders}
        ),
    )


def _answers(
    session: Session, *, program_id: int, start: date, week_end: date
) -> dict[str, dict[str, Any]]:
    """Per leader: their latest 1:1 and pod ratings up to ``week_end``, and the decisions and
    "say no" answers they gave about sessions of this week."""
    found: dict[str, dict[str, Any]] = {}
    for rating, row in ratings_until(session, program_id=program_id, day=week_end):
        mine = found.setdefault(rating.rater_id, {"decided": (), "say_no": ()})
        field = "one_on_one_rating" if row.kind == AgendaKind.ONE_ON_ONE_POST else "pod_rating"
        mine[field] = rating.score  # the latest wins: ordered by session date
        if row.occasion >= start:
            if rating.decided:
                mine["decided"] += (rating.decided,)
            if rating.say_no:
                mine["say_no"] += (rating.say_no,)
    return found


def _pauses_reaching(
    session: Session, leader_ids: list[int], week_end: date
) -> dict[int, LeaderPause]:
    """Per leader, their pause ending last among those lasting to ``week_end`` or beyond."""
    latest: dict[int, LeaderPause] = {}
    for pause in pauses_reaching(session, leader_ids=leader_ids, day=week_end):
        current = latest.get(pause.leader_id)
        if current is None or pause.end > current.end:
            latest[pause.leader_id] = pause
    return latest


def _leader_week(
    leader: Leader,
    rows: Sequence[AgendaRow],
    logged: dict[int, bool],
    week_end: date,
    pause: LeaderPause | None,
) -> LeaderWeek:
    mine = [row for row in rows if row.about == leader.user_id]
    log_rows = [
        row
        for row in mine
        if row.kind == AgendaKind.ONE_ON_ONE_LOG and row.state is AgendaState.SENT
    ]
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
    """How many people sent a survey this week about these leaders have not answered its
    round; None if none was sent. People, not surveys: a report of two leaders answers once a
    round. A count only: who has not answered is nobody else's business."""
    asked = {
        (row.program_id, row.occasion, row.recipient)
        for row in rows
        if row.kind == AgendaKind.SURVEY and row.state is AgendaState.SENT and row.about in leaders
    }
    if not asked:
        return None
    answered = answered_rounds(
        session,
        program_ids={program for program, _, _ in asked},
        respondents={person for _, _, person in asked},
    )
    return len(asked - answered)
