"""Baselines: one starting value per leader and criterion, or per pod for anonymous surveys."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlmodel import Session, col, select

from storage.models import Baseline, Leader, Pod


def baselines_of(session: Session, *, program_id: int) -> list[Baseline]:
    statement = select(Baseline).where(Baseline.program_id == program_id).order_by(col(Baseline.id))
    return list(session.exec(statement).all())


def save_baseline(
    session: Session,
    *,
    program_id: int,
    metric_id: str,
    leader_id: int | None = None,
    pod_id: int | None = None,
    value: Decimal,
    details: str | None,
    source: str,
    recorded_by: str,
    now: datetime,
) -> Baseline:
    """Record the value for (leader or pod, metric), replacing an earlier one: a baseline is
    one number, and the latest entry before commit is the one the program promises against."""
    if (leader_id is None) == (pod_id is None):
        raise ValueError("a baseline belongs to exactly one leader or one pod")
    owner = (
        (Baseline.leader_id == leader_id) if leader_id is not None else (Baseline.pod_id == pod_id)
    )
    statement = select(Baseline).where(
        Baseline.program_id == program_id, Baseline.metric_id == metric_id, owner
    )
    row = session.exec(statement).first() or Baseline(
        program_id=program_id,
        metric_id=metric_id,
        leader_id=leader_id,
        pod_id=pod_id,
        value=value,
        source=source,
        recorded_by=recorded_by,
        recorded_at=now,
    )
    row.value, row.details, row.source = value, details, source
    row.recorded_by, row.recorded_at = recorded_by, now
    session.add(row)
    session.flush()
    return row


def has_leader_baselines(session: Session, *, leader_id: int) -> bool:
    statement = select(Baseline.id).where(Baseline.leader_id == leader_id).limit(1)
    return session.exec(statement).first() is not None


def baselines_by_leader(session: Session, *, program_id: int, metric_id: str) -> dict[str, Decimal]:
    """Each leader's baseline of ``metric_id``, by the leader's user id."""
    statement = (
        select(col(Leader.user_id), col(Baseline.value))
        .join(Leader, col(Leader.id) == col(Baseline.leader_id))
        .where(Baseline.program_id == program_id, Baseline.metric_id == metric_id)
    )
    return dict(session.exec(statement).all())


def baselines_by_pod(session: Session, *, program_id: int, metric_id: str) -> dict[str, Decimal]:
    """Each pod's baseline of ``metric_id`` (the company's survey), by pod name."""
    statement = (
        select(col(Pod.name), col(Baseline.value))
        .join(Pod, col(Pod.id) == col(Baseline.pod_id))
        .where(Baseline.program_id == program_id, Baseline.metric_id == metric_id)
    )
    return dict(session.exec(statement).all())


def latest_baseline(session: Session, *, program_id: int) -> Baseline | None:
    """The program's most recently recorded baseline, of any leader or pod."""
    statement = (
        select(Baseline)
        .where(Baseline.program_id == program_id)
        .order_by(col(Baseline.recorded_at).desc())
    )
    return session.exec(statement).first()


def leader_baselines(session: Session, *, program_id: int) -> list[Baseline]:
    """The program's per-leader baselines (not the per-pod survey ones)."""
    statement = select(Baseline).where(
        Baseline.program_id == program_id, col(Baseline.leader_id).is_not(None)
    )
    return list(session.exec(statement))
