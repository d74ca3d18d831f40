"""A checkpoint's results as they stand: each criterion pooled over the cohort, compared with
its locked baseline. Missing data stays missing; anonymous aggregates stay hidden below the
threshold in people (the builders enforce the wording).

Taking a checkpoint's results closes its survey round (and the baseline round): the owners'
preview is built from the closed round, so the post, built from the same round, shows the
same survey figures — an answer arriving in between is refused, not added."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

from sqlmodel import Session

from bot.blocks.prompts import CheckpointData, CriterionResult
from bot.blocks.prompts.data import analysed_result
from bot.domain.analysis import (
    Instrument,
    LockedFigure,
    Stage,
    leader_change,
    survey_change,
)
from bot.domain.metrics import MetricDefinition
from bot.domain.survey_rounds import RoundFigure, round_figure
from bot.domain.timeline import Timeline
from bot.engine.commitment import baseline_figures
from bot.engine.tracked import tracked_besides
from storage.baselines import baselines_by_leader, baselines_by_pod
from storage.checkpoint_values import values_by_leader, values_by_pod
from storage.locked_baselines import fill_survey_figure
from storage.models import Program
from storage.people import leader_ids
from storage.setup_state import metrics_of, pods_of, self_approved
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
    leaders = leader_ids(session, program_id=program.id)
    # The figures the pre-commitment printed: every post prints these, they never move.
    locked = {figure.metric_id: figure for figure in baseline_figures(session, program)}
    results: list[CriterionResult] = []
    for metric in metrics_of(session, program_id=program.id):
        figure = locked[metric.id.value]
        if figure.instrument is Instrument.EMCOACH_SURVEY:
            result = _survey_result(
                session, program, metric, locked=figure, occasion=occasion, now=now, stage=stage
            )
        elif figure.instrument is Instrument.COMPANY_SURVEY:
            result = _company_survey_result(
                session, program, metric, locked=figure, month=month, stage=stage
            )
        else:
            result = _leader_result(
                session, program, metric, locked=figure, leaders=leaders, month=month, stage=stage
            )
        results.append(result)
    return CheckpointData(
        month=month,
        final=final,
        channel_id=program.commitment_channel_id or program.publish_channel_id or "",
        criteria=tuple(results),
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
    assert program.id is not None
    return _mean_of_own_changes(
        metric,
        locked=locked,
        values=values_by_leader(
            session, program_id=program.id, metric_id=metric.id.value, month=month
        ),
        baselines=baselines_by_leader(session, program_id=program.id, metric_id=metric.id),
        measured=leaders,
        stage=stage,
    )


def _company_survey_result(
    session: Session,
    program: Program,
    metric: MetricDefinition,
    *,
    locked: LockedFigure,
    month: int,
    stage: Stage,
) -> CriterionResult:
    """The company's own survey: the mean over pods of each pod's own change from its
    baseline value, both entered from that survey (never against emcoach's)."""
    assert program.id is not None
    return _mean_of_own_changes(
        metric,
        locked=locked,
        values=values_by_pod(
            session, program_id=program.id, metric_id=metric.id.value, month=month
        ),
        baselines=baselines_by_pod(session, program_id=program.id, metric_id=metric.id),
        measured=[pod.name for pod in pods_of(session, program_id=program.id)],
        stage=stage,
    )


def _mean_of_own_changes(
    metric: MetricDefinition,
    *,
    locked: LockedFigure,
    values: Mapping[str, Decimal],
    baselines: Mapping[str, Decimal],
    measured: Sequence[str],
    stage: Stage,
) -> CriterionResult:
    """Now: the mean of ``values``; the change: the mean over ``measured`` (leaders, or pods
    on the company's survey) of each one's own change from its baseline."""
    return analysed_result(
        metric,
        locked=locked,
        now=mean(list(values.values())),
        now_n=len(values),
        measured=leader_change(metric, baselines=baselines, values=values, leaders=measured),
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
    """The round's mean against the baseline round's mean, on emcoach's survey."""
    assert program.kickoff_date is not None
    assert program.id is not None
    threshold = program.anonymity_threshold
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
