"""A checkpoint's results as they stand: each criterion pooled over the cohort, compared with
its locked baseline. Missing data stays missing; anonymous aggregates stay hidden below the
threshold in people (the builders enforce the wording).

Taking a checkpoint's results closes its survey round (and the baseline round): the owners'
preview is built from the closed round, so the post, built from the same round, shows the
same survey figures — an answer arriving in between is refused, not added."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from sqlmodel import Session, col, select

from bot.blocks.prompts import CheckpointData, CriterionResult, criterion_result
from bot.domain.metrics import MetricDefinition
from bot.domain.survey_rounds import RoundFigure, round_figure
from bot.domain.timeline import Timeline
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
    leaders = list(
        session.exec(select(Leader).where(Leader.program_id == program.id).order_by(col(Leader.id)))
    )
    results = tuple(
        _survey_result(session, program, metric, occasion, now)
        if metric.anonymous_survey
        else _leader_result(session, program, metric, leaders, month)
        for metric in metrics_of(session, program_id=program.id)
    )
    return CheckpointData(
        month=month,
        final=month == program.months,
        channel_id=program.commitment_channel_id or program.publish_channel_id or "",
        criteria=results,
        definitions_hash=program.criteria_hash or "",
        anonymity_threshold=program.anonymity_threshold,
        signed_off_by=program.signed_off_by,
        self_approved=self_approved(session, program),
    )


def _leader_result(
    session: Session,
    program: Program,
    metric: MetricDefinition,
    leaders: list[Leader],
    month: int,
) -> CriterionResult:
    baselines = {
        row.leader_id: row.value
        for row in session.exec(
            select(Baseline).where(
                Baseline.program_id == program.id, Baseline.metric_id == metric.id
            )
        )
        if row.leader_id is not None
    }
    values = {
        row.leader_id: row.value
        for row in session.exec(
            select(CheckpointValue).where(
                CheckpointValue.program_id == program.id,
                CheckpointValue.metric_id == metric.id,
                CheckpointValue.month == month,
            )
        )
    }
    # Compare like with like: the pooled baseline of the leaders who have a value now.
    measured = [leader for leader in leaders if leader.id in values and leader.id in baselines]
    return criterion_result(
        metric,
        baseline=mean([baselines[leader.id] for leader in measured if leader.id is not None])
        if measured
        else mean(list(baselines.values())),
        now=mean([values[leader.id] for leader in measured if leader.id is not None]),
        data_points=len(measured),
        missing_for=tuple(leader.user_id for leader in leaders if leader.id not in values),
    )


def _survey_result(
    session: Session, program: Program, metric: MetricDefinition, occasion: date, now: datetime
) -> CriterionResult:
    assert program.kickoff_date is not None
    assert program.id is not None
    threshold = program.anonymity_threshold
    current = _closed_figure(session, program.id, occasion, now=now, threshold=threshold)
    entered = [
        row.value
        for row in session.exec(
            select(Baseline).where(
                Baseline.program_id == program.id, Baseline.metric_id == metric.id
            )
        )
    ]
    # The locked baseline is what was entered before commit; the baseline survey's answers
    # stand in only when none was entered and they reach the anonymity threshold.
    if entered:
        baseline = mean(entered)
    else:
        baseline = _closed_figure(
            session, program.id, program.kickoff_date, now=now, threshold=threshold
        ).mean
    return criterion_result(
        metric,
        baseline=baseline,
        now=current.mean,
        data_points=current.people,
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
