"""Programs put straight into the database, for scenarios that start mid-sprint."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.domain.metrics import (
    Instrument,
    choose_instruments,
    definitions_hash,
    frozen_definitions_json,
    get_metric,
)
from bot.domain.program_rules import ProgramField, ProgramState
from bot.domain.roles import Role
from storage.db import session_scope
from storage.models import Baseline, Criterion, Deviation, DirectReport, Leader, Pod, Program
from storage.programs import add_member
from storage.workspaces import ensure_workspace

NOW = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)


@dataclass
class LeaderSpec:
    user_id: str
    manager_id: str | None = "U0MGR"
    reports: tuple[str, ...] = ("U0REP1", "U0REP2", "U0REP3")
    weekday: int | None = 1
    at: time | None = time(10, 0)


@dataclass
class PodSpec:
    name: str = "Alpha"
    coach_id: str | None = "U0COACH"
    leaders: list[LeaderSpec] = field(default_factory=lambda: [LeaderSpec("U0LEAD1")])


def make_program(
    engine: Engine,
    *,
    team_id: str = "T0001",
    name: str = "Pilot",
    owner: str = "U0OWNER",
    budget_owner: str | None = "U0CFO",
    publish_channel_id: str | None = "C0ENG",
    kickoff: date | None = date(2027, 2, 1),
    criteria: tuple[str, ...] = (),
    signed_off: bool = False,
    coach_decision: str | None = None,
    pods: tuple[PodSpec, ...] = (),
    baselines: bool = False,
    committed: bool = False,
    timezone: str = "Europe/Warsaw",
    instrument: Instrument | None = None,
) -> int:
    """A program in the state the arguments describe; returns its id. A program with
    baselines has made its week-2 coach decision too (``coach_decision`` says which) unless
    ``coach_decision=""``. ``instrument`` is 1:1 quality's, chosen with the criteria (None:
    the catalog's, emcoach's survey); its pod baselines are the company survey's values."""
    if coach_decision is None:
        coach_decision = "external" if baselines or committed else ""
    with session_scope(engine) as session:
        ensure_workspace(session, team_id=team_id, now=NOW)
        program = Program(
            team_id=team_id,
            name=name,
            publish_channel_id=publish_channel_id,
            kickoff_date=kickoff,
            timezone=timezone,
            budget_owner_id=budget_owner,
            coaching_model="external_pod",
            created_by=owner,
            created_at=NOW,
            coach_decision=coach_decision or None,
        )
        session.add(program)
        session.flush()
        assert program.id is not None
        add_member(
            session, program_id=program.id, user_id=owner, role=Role.OWNER, added_by=owner, now=NOW
        )
        if budget_owner:
            add_member(
                session,
                program_id=program.id,
                user_id=budget_owner,
                role=Role.BUDGET_OWNER,
                added_by=owner,
                now=NOW,
            )
        metrics = list(
            choose_instruments(
                [get_metric(metric_id) for metric_id in criteria],
                instrument or Instrument.EMCOACH_SURVEY,
            )
        )
        for position, metric in enumerate(metrics):
            session.add(
                Criterion(
                    program_id=program.id,
                    metric_id=metric.id,
                    position=position,
                    definition_json=frozen_definitions_json([metric]),
                    instrument=metric.instrument.value,
                )
            )
        if metrics:
            program.criteria_hash = definitions_hash(metrics)
        if signed_off:
            program.signed_off_by, program.signed_off_at = budget_owner, NOW
            program.status = ProgramState.CRITERIA_SIGNED_OFF
        for pod_spec in pods:
            pod = Pod(
                program_id=program.id,
                name=pod_spec.name,
                coach_id=pod_spec.coach_id,
                session_ordinal=1,
                session_weekday=1,
                session_time=time(15, 0),
            )
            session.add(pod)
            session.flush()
            assert pod.id is not None
            if pod_spec.coach_id:
                add_member(
                    session,
                    program_id=program.id,
                    user_id=pod_spec.coach_id,
                    role=Role.COACH,
                    added_by=owner,
                    now=NOW,
                )
            for spec in pod_spec.leaders:
                leader = Leader(
                    program_id=program.id,
                    pod_id=pod.id,
                    user_id=spec.user_id,
                    manager_id=spec.manager_id,
                    one_on_one_weekday=spec.weekday,
                    one_on_one_time=spec.at,
                    added_at=NOW,
                )
                session.add(leader)
                session.flush()
                assert leader.id is not None
                add_member(
                    session,
                    program_id=program.id,
                    user_id=spec.user_id,
                    role=Role.LEADER,
                    added_by=owner,
                    now=NOW,
                )
                for report in spec.reports:
                    session.add(DirectReport(leader_id=leader.id, user_id=report))
                if baselines:
                    for metric in metrics:
                        if not metric.anonymous_survey:
                            session.add(
                                Baseline(
                                    program_id=program.id,
                                    metric_id=metric.id,
                                    leader_id=leader.id,
                                    value=Decimal("40"),
                                    source="test fixture",
                                    recorded_by=owner,
                                    recorded_at=NOW,
                                )
                            )
            if baselines:
                for metric in metrics:
                    if metric.instrument is Instrument.COMPANY_SURVEY:
                        session.add(
                            Baseline(
                                program_id=program.id,
                                metric_id=metric.id,
                                pod_id=pod.id,
                                value=Decimal("3.2"),
                                source="test fixture",
                                recorded_by=owner,
                                recorded_at=NOW,
                            )
                        )
        if committed:
            program.status = ProgramState.COMMITTED
            program.committed_at = NOW
            program.commitment_channel_id = publish_channel_id
            program.commitment_ts = "1700000000.000100"
        session.add(program)
        return program.id


def posted_deviation(
    session: Session,
    *,
    program_id: int,
    field: ProgramField,
    reason: str,
    requested_by: str,
    now: datetime,
) -> Deviation:
    """A deviation whose post is already in the channel (its channel and ts recorded)."""
    deviation = Deviation(
        program_id=program_id,
        field=field.value,
        reason=reason,
        requested_by=requested_by,
        created_at=now,
        channel_id="C0ENG",
        ts="1700000000.000200",
    )
    session.add(deviation)
    session.flush()
    return deviation
