"""The pre-commitment as it stands in the database: what commit previews and posts."""

from __future__ import annotations

from sqlmodel import Session

from bot.blocks.commit import Commitment
from bot.blocks.prompts.data import CommitmentRecord
from bot.domain.analysis import Instrument, LockedFigure, locked_leader_figure
from bot.domain.localtime import local_date
from bot.domain.record import canonical, definition_lines, locked_record, sha256
from bot.domain.survey_rounds import round_figure
from bot.domain.timeline import Timeline
from storage.baselines import baselines_by_leader, baselines_by_pod, latest_baseline
from storage.locked_baselines import locked_figures
from storage.models import Program
from storage.setup_state import (
    frozen_definitions,
    metrics_of,
    self_approved,
    setup_state,
)
from storage.survey_rounds import closed_at, respondents, scores


def commitment_of(session: Session, program: Program) -> Commitment:
    """The pre-commitment; only called when setup_state says nothing is missing (or after
    commit, when nothing it shows can change any more without a deviation)."""
    if not (
        program.id
        and program.kickoff_date
        and program.publish_channel_id
        and program.signed_off_at
        and program.signed_off_by
        and program.criteria_hash
    ):
        raise ValueError(f"program {program.id} is not ready to commit")
    state = setup_state(session, program)
    latest = latest_baseline(session, program_id=program.id)
    baseline_at = latest.recorded_at if latest else program.signed_off_at
    timeline = Timeline(kickoff=program.kickoff_date, months=program.months)
    return Commitment(
        program_name=program.name,
        criteria=frozen_definitions(session, program_id=program.id),
        criteria_hash=program.criteria_hash,
        signed_off_by=program.signed_off_by,
        signed_off_on=local_date(program.signed_off_at, program.timezone),
        baseline_date=local_date(baseline_at, program.timezone),
        kickoff=program.kickoff_date,
        midpoint=timeline.midpoint,
        evaluation=timeline.evaluation,
        anonymity_threshold=program.anonymity_threshold,
        publish_channel_id=program.commitment_channel_id or program.publish_channel_id,
        pods=len(state.pods),
        leaders=sum(len(pod.leaders) for pod in state.pods),
        self_approved=self_approved(session, program),
        baselines=baseline_figures(session, program),
    )


def commitment_record(session: Session, program: Program) -> CommitmentRecord:
    """The locked record under the posted pre-commitment: exactly what the post printed."""
    commitment = commitment_of(session, program)
    if program.commitment_ts is None:
        raise ValueError(f"program {program.id} has no posted pre-commitment to reply under")
    record = canonical(
        locked_record(
            program_name=commitment.program_name,
            definitions=commitment.criteria,
            definitions_hash=commitment.criteria_hash,
            baselines=commitment.baselines,
            midpoint=commitment.midpoint,
            evaluation=commitment.evaluation,
            anonymity_threshold=commitment.anonymity_threshold,
            signed_off_by=commitment.signed_off_by,
        )
    )
    return CommitmentRecord(
        record_json=record,
        definition_lines=tuple(definition_lines(commitment.criteria)),
        record_hash=sha256(record),
        definitions_hash=commitment.criteria_hash,
        thread_ts=program.commitment_ts,
    )


def baseline_figures(session: Session, program: Program) -> tuple[LockedFigure, ...]:
    """The locked figures once committed; before, what commit would lock now."""
    assert program.id is not None
    locked = locked_figures(session, program_id=program.id)
    if locked:
        return tuple(
            locked[metric.id.value]
            for metric in metrics_of(session, program_id=program.id)
            if metric.id.value in locked
        )
    return compute_locked(session, program)


def compute_locked(session: Session, program: Program) -> tuple[LockedFigure, ...]:
    """Each criterion's baseline pooled over the cohort, with n, on its one instrument.

    Leader-level: the mean of every leader's baseline. emcoach's survey: the baseline round's
    mean, only from at least the anonymity threshold in people (None below it: commit refuses
    it). The company's survey: the mean of the values entered for the pods."""
    assert program.id is not None and program.kickoff_date is not None
    figures: list[LockedFigure] = []
    for metric in metrics_of(session, program_id=program.id):
        instrument = metric.instrument
        if instrument is Instrument.EMCOACH_SURVEY:
            people = respondents(session, program_id=program.id, occasion=program.kickoff_date)
            figure = round_figure(
                scores(session, program_id=program.id, occasion=program.kickoff_date),
                people=people,
                threshold=program.anonymity_threshold,
            )
            figures.append(
                LockedFigure(
                    metric_id=metric.id.value, figure=figure.mean, n=people, instrument=instrument
                )
            )
        elif instrument is Instrument.COMPANY_SURVEY:
            values = baselines_by_pod(session, program_id=program.id, metric_id=metric.id)
            figures.append(locked_leader_figure(metric, values, instrument))
        else:
            values = baselines_by_leader(session, program_id=program.id, metric_id=metric.id)
            figures.append(locked_leader_figure(metric, values, instrument))
    return tuple(figures)


def survey_round_closed(session: Session, program: Program) -> bool:
    assert program.id is not None and program.kickoff_date is not None
    return closed_at(session, program_id=program.id, occasion=program.kickoff_date) is not None
