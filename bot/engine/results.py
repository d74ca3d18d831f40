"""A checkpoint's results as they stand: each criterion pooled over the cohort, compared with
its locked baseline. Missing data stays missing; anonymous aggregates stay hidden below the
threshold in people (the builders enforce the wording).

Taking a checkpoint's results closes its survey round (and the baseline round): the owners'
preview is built from the closed round, so the post, built from the same round, shows the
same survey figures — an answer arriving in between is refused, not added."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

from sqlmodel import Session, col, select

from bot.blocks.prompts import CheckpointData, CriterionResult
from bot.blocks.prompts.data import analysed_result
from bot.domain.analysis import (
    Instrument,
    LockedFigure,
    Stage,
    is_survey,
    leader_change,
    survey_change,
)
from bot.domain.metrics import MetricDefinition
from bot.domain.survey_rounds import RoundFigure, round_figure
from bot.domain.timeline import Timeline
from bot.engine.commitment import baseline_figures
from bot.engine.tracked import tracked_besides
from storage.locked_baselines import fill_survey_figure
from storage.models import Baseline, CheckpointValue, Leader, Program
from storage.setup_state import metrics_of, self_approved
from storage.survey_rounds import close_round, scores

_PLACES = Decimal("0.01")


def mean(values: Sequence[Decimal]) -> Decimal | None:
    if not values:
        return None
    return (sum(values, Decimal(0)) / len(values)).quantize(_PLACES)


def checkpoint_month(program: Program, occasion: date) -> int:
    """3 for the mid-program checkpoint, the program's length for the evaluation."""
    assert program.kickoff_date is not None
    timeline = Timeline(kickoff=program.kickoff_date, months=program.months)
    return 3 if occasion == timeline.midpoint else program.months


def checkpoint_data(
    session: Session, program: Program, *, occasion: date, now: datetime
) -> CheckpointData:
    assert program.id is not None
    month = checkpoint_month(program, occasion)
    final = month == program.months
    stage = Stage.EVALUATION if final else Stage.INTERIM
    leaders = [
        leader.user_id
        for leader in session.exec(
            select(Leader).where(Leader.program_id == program.id).order_by(col(Leader.id))
        )
    ]
    # The figures the pre-commitment printed: every post prints these, they never move.
    locked = {figure.metric_id: figure for figure in baseline_figures(session, program)}
    results = tuple(
        _survey_result(
            session,
            program,
            metric,
            locked=locked[metric.id.value],
            occasion=occasion,
            now=now,
            stage=stage,
        )
        if is_survey(locked[metric.id.value].instrument)
        else _leader_result(
            session,
            program,
            metric,
            locked=locked[metric.id.value],
            leaders=leaders,
            month=month,
            stage=stage,
        )
        for metric in metrics_of(session, program_id=program.id)
    )
    return CheckpointData(
        month=month,
        final=final,
        channel_id=program.commitment_channel_id or program.publish_channel_id or "",
        criteria=results,
        definitions_hash=program.criteria_hash or "",
        anonymity_threshold=program.anonymity_threshold,
        signed_off_by=program.signed_off_by,
        self_approved=self_approved(session, program),
        tracked=tracked_besides(
            session, program_id=program.id, until=occasion, threshold=program.anonymity_threshold
        ),
    )


def _leader_result(
    session: Session,
    program: Program,
    metric: MetricDefinition,
    *,
    locked: LockedFigure,
    leaders: list[str],
    month: int,
    stage: Stage,
) -> CriterionResult:
    """The mean over leaders of each leader's own change (the locked rule)."""
    by_id = {
        leader.id: leader.user_id
        for leader in session.exec(select(Leader).where(Leader.program_id == program.id))
    }
    baselines = {
        by_id[row.leader_id]: row.value
        for row in session.exec(
            select(Baseline).where(
                Baseline.program_id == program.id, Baseline.metric_id == metric.id
            )
        )
        if row.leader_id in by_id
    }
    values = {
        by_id[row.leader_id]: row.value
        for row in session.exec(
            select(CheckpointValue).where(
                CheckpointValue.program_id == program.id,
                CheckpointValue.metric_id == metric.id,
                CheckpointValue.month == month,
            )
        )
        if row.leader_id in by_id
    }
    return analysed_result(
        metric,
        locked=locked,
        now=mean(list(values.values())),
        now_n=len(values),
        measured=leader_change(metric, baselines=baselines, values=values, leaders=leaders),
        stage=stage,
    )


def _survey_result(
    session: Session,
    program: Program,
    metric: MetricDefinition,
    *,
    locked: LockedFigure,
    occasion: date,
    now: datetime,
    stage: Stage,
) -> CriterionResult:
    """The round's mean against the baseline round's mean, on the one locked instrument."""
    assert program.kickoff_date is not None
    assert program.id is not None
    threshold = program.anonymity_threshold
    if locked.instrument is not Instrument.EMCOACH_SURVEY:
        # The company's own survey: its checkpoint values cannot be entered yet, so no data
        # rather than a comparison with another instrument.
        return analysed_result(
            metric,
            locked=locked,
            now=None,
            now_n=0,
            measured=survey_change(metric, baseline=None, now=None, people=0),
            stage=stage,
        )
    current = _closed_figure(session, program.id, occasion, now=now, threshold=threshold)
    if locked.figure is None:
        # Locked at commit before the baseline round closed: its figure is fixed once, at
        # the round's close, and stays.
        base = _closed_figure(
            session, program.id, program.kickoff_date, now=now, threshold=threshold
        )
        fill_survey_figure(
            session,
            program_id=program.id,
            metric_id=metric.id.value,
            figure=base.mean,
            n=base.people,
        )
        locked = replace(locked, figure=base.mean, n=base.people)
    return analysed_result(
        metric,
        locked=locked,
        now=current.mean,
        now_n=current.people,
        measured=survey_change(
            metric, baseline=locked.figure, now=current.mean, people=current.people
        ),
        stage=stage,
    )


def _closed_figure(
    session: Session, program_id: int, occasion: date, *, now: datetime, threshold: int
) -> RoundFigure:
    """The round's pooled figure, from the round closed now (or when it closed before). People,
    not answers: each person answers a round once, and ``respondents`` is counted at the close."""
    closed = close_round(session, program_id=program_id, occasion=occasion, now=now)
    return round_figure(
        scores(session, program_id=program_id, occasion=occasion),
        people=closed.respondents or 0,
        threshold=threshold,
    )
