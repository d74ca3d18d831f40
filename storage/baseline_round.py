"""emcoach's baseline survey round, sent in setup week 4 before commit (issue #10 item 3).

With 1:1 quality on emcoach's survey (chosen with the criteria), sending the baseline round
records one SURVEY row a direct report and leader, due now, under the very key the six-month
plan gives it — so planning after commit finds them and never sends a second baseline survey.
The round is the kickoff's (``occasion``), as every reader of survey rounds expects; it closes
at commit.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from bot.domain.cadence import AgendaKind, AgendaState, item_key
from storage.models import AgendaRow, DirectReport, Leader, Program, SurveyRound


def send_baseline_round(session: Session, *, program: Program, now: datetime) -> int:
    """Record the baseline survey for every direct report of every leader, due now; returns
    how many were new (a report already asked is not asked again)."""
    assert program.id is not None and program.kickoff_date is not None
    existing = set(session.exec(select(AgendaRow.key).where(AgendaRow.program_id == program.id)))
    added = 0
    pairs = session.exec(
        select(Leader.user_id, DirectReport.user_id)
        .join(DirectReport, col(DirectReport.leader_id) == col(Leader.id))
        .where(Leader.program_id == program.id)
    )
    for leader_id, report_id in pairs:
        key = item_key(AgendaKind.SURVEY, leader_id, report_id, program.kickoff_date)
        if key in existing:
            continue
        existing.add(key)
        session.add(
            AgendaRow(
                program_id=program.id,
                key=key,
                kind=AgendaKind.SURVEY.value,
                recipient=report_id,
                about=leader_id,
                occasion=program.kickoff_date,
                due_at=now,
                state=AgendaState.PENDING,
            )
        )
        added += 1
    session.flush()
    return added


def baseline_round_sent(session: Session, *, program: Program) -> bool:
    assert program.id is not None
    return (
        session.exec(
            select(AgendaRow.id).where(
                AgendaRow.program_id == program.id,
                AgendaRow.kind == AgendaKind.SURVEY.value,
                AgendaRow.occasion == program.kickoff_date,
            )
        ).first()
        is not None
    )


def reopen_baseline_round(session: Session, *, program: Program) -> None:
    """A refused commit unlocks the baseline round it closed: answers count again."""
    assert program.id is not None
    session.exec(
        update(SurveyRound)
        .where(
            col(SurveyRound.program_id) == program.id,
            col(SurveyRound.occasion) == program.kickoff_date,
        )
        .values(closed_at=None, respondents=None)
    )
