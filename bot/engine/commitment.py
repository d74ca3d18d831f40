"""The pre-commitment as it stands in the database: what commit previews and posts."""

from __future__ import annotations

from sqlmodel import Session, col, select

from bot.blocks.commit import Commitment
from bot.domain.localtime import local_date
from bot.domain.timeline import Timeline
from storage.models import Baseline, Program
from storage.setup_state import frozen_definitions, self_approved, setup_state


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
    latest = session.exec(
        select(Baseline)
        .where(Baseline.program_id == program.id)
        .order_by(col(Baseline.recorded_at).desc())
    ).first()
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
    )
