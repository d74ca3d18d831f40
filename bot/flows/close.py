"""The end of a program: once Slack has confirmed the month-6 post, the program closes.

A step of the clock's periodic job (``close_finished``). One unit of work per program, under
the program row's lock: it re-reads the program, checks that the evaluation post is sent,
records the summary's agenda rows — the budget owner's DM and a reply under each other
owner's month-6 preview (their DM when no preview reached them) — marks the cadence rows
still pending as missed, and moves the program to ``closed``. The engine then sends each
summary row exactly once, reconciling it like every post when Slack's answer is lost. Two
clocks closing the same program at once: the agenda's unique keys keep one set of rows.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.blocks.adjust import Decision
from bot.blocks.prompts.data import SummaryAdjustment, SummaryData, SummaryDeviation
from bot.domain.cadence import AgendaKind, AgendaState
from bot.domain.cost import (
    CostEstimate,
    CostModel,
    coached_cost,
    coached_leader_months,
    estimate,
)
from bot.domain.localtime import local_date
from bot.domain.program_rules import ProgramField, ProgramState
from bot.domain.roles import Role
from bot.domain.timeline import Timeline
from bot.engine.results import checkpoint_data
from storage.adjustments import adjustments_of
from storage.agenda import Wanted, add_once, row_by_id
from storage.closing import (
    evaluated_programs,
    leader_spans,
    lock_program,
    published,
    sent_previews,
    stop_cadence,
)
from storage.db import session_scope
from storage.deviations import changes_of, deviation_post_of, deviations_of
from storage.models import AgendaRow, Deviation, Program
from storage.programs import members

logger = logging.getLogger("emcoach.close")

ONE_DAY = timedelta(days=1)


def close_finished(engine: Engine, *, now: datetime) -> int:
    """Every clock tick: close each evaluated program. Returns how many closed."""
    with session_scope(engine) as session:
        evaluated = evaluated_programs(session)
    closed = 0
    for program_id in evaluated:
        try:
            with session_scope(engine) as session:
                closed += close_program(session, program_id=program_id, now=now)
        except IntegrityError:
            # Another clock recorded the same summary rows first: it closed the program.
            logger.info("program %s was closed by another clock", program_id)
    return closed


def close_program(session: Session, *, program_id: int, now: datetime) -> bool:
    """Close one evaluated program whose month-6 post is confirmed; False when it is not (or
    no longer) one."""
    program = lock_program(session, program_id=program_id)
    if program is None or program.status is not ProgramState.EVALUATED:
        return False
    if program.kickoff_date is None:
        return False
    evaluation = Timeline(kickoff=program.kickoff_date, months=program.months).evaluation
    if published(session, program_id=program_id, occasion=evaluation) is None:
        return False  # not confirmed yet: the reconciliation settles it, then this closes it
    for wanted in summary_rows(session, program, occasion=evaluation, now=now):
        add_once(session, program_id=program_id, row=wanted)
    stopped = stop_cadence(session, program_id=program_id)
    program.status = ProgramState.CLOSED
    session.add(program)
    logger.info("program %s closed; %d cadence prompt(s) stopped", program_id, stopped)
    return True


def summary_rows(
    session: Session, program: Program, *, occasion: date, now: datetime
) -> list[Wanted]:
    """The budget owner's DM and each other owner's copy, under their month-6 preview."""
    assert program.id is not None
    day = local_date(now, program.timezone)
    rows: list[Wanted] = []

    def wanted(kind: AgendaKind, recipient: str, about: str) -> Wanted:
        return Wanted(
            key=f"{kind.value}:{program.id}:{recipient}",
            kind=kind.value,
            recipient=recipient,
            about=about,
            occasion=day,
            due_at=now,
            state=AgendaState.PENDING,
        )

    budget_owner = program.budget_owner_id
    if budget_owner is not None:
        rows.append(wanted(AgendaKind.CLOSING_SUMMARY, budget_owner, str(program.id)))
    previews = sent_previews(session, program_id=program.id, occasion=occasion)
    for owner in members(session, program_id=program.id, role=Role.OWNER):
        if owner == budget_owner:
            continue  # the DM above is theirs
        preview = previews.get(owner)
        about = str(preview.id) if preview is not None and preview.id is not None else ""
        rows.append(wanted(AgendaKind.CLOSING_SUMMARY_OWNER, owner, about))
    return rows


def summary_of(session: Session, program: Program, *, row: AgendaRow, now: datetime) -> SummaryData:
    """What the summary page shows: the month-6 results as the post computed them (the same
    closed survey rounds, the same locked baselines), the cost, the decisions, the deviations."""
    assert program.id is not None and program.kickoff_date is not None
    timeline = Timeline(kickoff=program.kickoff_date, months=program.months)
    results = checkpoint_data(session, program, occasion=timeline.evaluation, now=now)
    # A leader's last day counts: they stop being coached the day after it.
    spans = [
        (added, left + ONE_DAY if left is not None else timeline.end)
        for added, left in leader_spans(session, program_id=program.id)
    ]
    leaders = len(spans)
    leader_months = coached_leader_months(
        spans, kickoff=program.kickoff_date, end=timeline.end, months=program.months
    )
    planned = _planned(program, leaders=leaders)
    return SummaryData(
        results=results,
        kickoff=program.kickoff_date,
        evaluation=timeline.evaluation,
        leaders=leaders,
        planned=planned,
        leader_months=leader_months,
        spent=None if planned is None else coached_cost(planned.model, leader_months),
        adjustments=tuple(
            SummaryAdjustment(
                label=_decision_label(item.decision),
                note=item.note,
                decided_by=item.decided_by,
                decided_on=local_date(item.decided_at, program.timezone),
            )
            for item in adjustments_of(session, program_id=program.id)
        ),
        deviations=tuple(
            SummaryDeviation(
                announced_on=local_date(deviation.created_at, program.timezone),
                field=ProgramField(deviation.field),
                reason=deviation.reason,
                changes=changes_of(deviation),
            )
            for deviation in deviations_of(session, program_id=program.id)
            if _was_posted(session, deviation)
        ),
        thread_ts=_preview_ts(session, row),
    )


def _planned(program: Program, *, leaders: int) -> CostEstimate | None:
    try:
        model = CostModel(program.coaching_model or "")
        return estimate(model, leaders=max(leaders, 1), months=program.months)
    except ValueError:
        return None


def _decision_label(decision: str) -> str:
    try:
        return Decision(decision).label
    except ValueError:
        return decision


def _was_posted(session: Session, deviation: Deviation) -> bool:
    if deviation.ts is not None:
        return True
    post = deviation_post_of(session, deviation)
    return post is not None and post.state is AgendaState.SENT


def _preview_ts(session: Session, row: AgendaRow) -> str | None:
    if row.kind != AgendaKind.CLOSING_SUMMARY_OWNER.value or not row.about.isdigit():
        return None
    preview = row_by_id(session, row_id=int(row.about))
    return preview.ts if preview is not None else None
