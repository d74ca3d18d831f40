"""What an export reads that no other query gives: entered values with who they are about,
and each 1:1's outcome with its pod."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlmodel import Session, col, select

from bot.domain.cadence import AgendaKind, AgendaState, SessionKind
from storage.models import AgendaRow, Baseline, CheckpointValue, Leader, Pod, SessionLog


@dataclass(frozen=True, slots=True)
class EnteredValue:
    """A value an owner entered: a baseline (``month`` 0) or a checkpoint value, for a leader
    (``who`` is their user id) or a pod (``who`` is its name)."""

    metric_id: str
    month: int
    scope: str  # "leader" or "pod"
    who: str
    value: Decimal
    source: str
    details: str | None
    recorded_by: str
    recorded_at: datetime


def _names(session: Session, program_id: int) -> tuple[dict[int, str], dict[int, str]]:
    leaders = {
        leader.id: leader.user_id
        for leader in session.exec(select(Leader).where(Leader.program_id == program_id))
        if leader.id is not None
    }
    pods = {
        pod.id: pod.name
        for pod in session.exec(select(Pod).where(Pod.program_id == program_id))
        if pod.id is not None
    }
    return leaders, pods


def entered_values(session: Session, *, program_id: int) -> list[EnteredValue]:
    """Every baseline and checkpoint value entered, baselines first, in entry order."""
    leaders, pods = _names(session, program_id)
    values: list[EnteredValue] = []
    for row in session.exec(
        select(Baseline).where(Baseline.program_id == program_id).order_by(col(Baseline.id))
    ):
        if row.leader_id in leaders:
            scope, who = "leader", leaders[row.leader_id]
        elif row.pod_id in pods:
            scope, who = "pod", pods[row.pod_id]
        else:
            continue
        values.append(
            EnteredValue(
                metric_id=row.metric_id,
                month=0,
                scope=scope,
                who=who,
                value=row.value,
                source=row.source,
                details=row.details,
                recorded_by=row.recorded_by,
                recorded_at=row.recorded_at,
            )
        )
    for point in session.exec(
        select(CheckpointValue)
        .where(CheckpointValue.program_id == program_id)
        .order_by(col(CheckpointValue.month), col(CheckpointValue.id))
    ):
        if point.leader_id not in leaders:
            continue
        values.append(
            EnteredValue(
                metric_id=point.metric_id,
                month=point.month,
                scope="leader",
                who=leaders[point.leader_id],
                value=point.value,
                source=point.source,
                details=point.details,
                recorded_by=point.recorded_by,
                recorded_at=point.recorded_at,
            )
        )
    return values


@dataclass(frozen=True, slots=True)
class OneOnOne:
    """A weekly 1:1 as the record has it: held, not held, skipped (a pause) or not logged."""

    pod: str
    occasion: date
    outcome: str


def one_on_ones(session: Session, *, program_id: int) -> list[OneOnOne]:
    """Every 1:1 whose log prompt reached the coach, or that a pause skipped, by date."""
    leaders = {
        leader.user_id: leader.pod_id
        for leader in session.exec(select(Leader).where(Leader.program_id == program_id))
    }
    _, pods = _names(session, program_id)
    kinds = [AgendaKind.ONE_ON_ONE_LOG.value, SessionKind.ONE_ON_ONE.value]
    rows = session.exec(
        select(AgendaRow)
        .where(
            AgendaRow.program_id == program_id,
            col(AgendaRow.kind).in_(kinds),
        )
        .order_by(col(AgendaRow.occasion), col(AgendaRow.id))
    ).all()
    logs = {
        log.agenda_id: log.held
        for log in session.exec(
            select(SessionLog).where(col(SessionLog.agenda_id).in_([row.id for row in rows]))
        )
    }
    sessions: list[OneOnOne] = []
    for row in rows:
        if row.kind == SessionKind.ONE_ON_ONE.value:
            if row.state is not AgendaState.SKIPPED:
                continue
            outcome = "skipped"
        elif row.state is not AgendaState.SENT:
            continue
        elif row.id in logs:
            outcome = "held" if logs[row.id] else "not held"
        else:
            outcome = "not logged"
        pod_id = leaders.get(row.about)
        sessions.append(
            OneOnOne(pod=pods.get(pod_id or 0, "?"), occasion=row.occasion, outcome=outcome)
        )
    return sessions
