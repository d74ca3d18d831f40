"""Where a program stands in the setup sprint, read from its rows (never stored twice)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, func, select

from bot.domain.analysis import baseline_round_gap
from bot.domain.metrics import Instrument, MetricDefinition, get_metric, on_instrument
from bot.domain.program_rules import LeaderSetup, PodSetup, cohort_gaps, commit_readiness
from bot.domain.roles import Role
from bot.domain.sprint import WEEKS
from storage.baseline_round import baseline_round_sent
from storage.models import Baseline, Criterion, DirectReport, Leader, Pod, Program
from storage.programs import has_role
from storage.survey_rounds import respondents


def criteria_of(session: Session, *, program_id: int) -> list[Criterion]:
    statement = (
        select(Criterion)
        .where(Criterion.program_id == program_id)
        .order_by(col(Criterion.position))
    )
    return list(session.exec(statement).all())


def criterion_metric(row: Criterion) -> MetricDefinition:
    """The catalog metric as measured on the instrument chosen with the criteria (a row
    without one keeps the metric's own)."""
    metric = get_metric(row.metric_id)
    return on_instrument(metric, Instrument(row.instrument)) if row.instrument else metric


def metrics_of(session: Session, *, program_id: int) -> list[MetricDefinition]:
    """The criteria, each on its chosen instrument, in the order they were picked."""
    return [criterion_metric(row) for row in criteria_of(session, program_id=program_id)]


def instruments_of(session: Session, *, program_id: int) -> dict[str, Instrument]:
    """Each criterion's instrument, as chosen (and locked) with the criteria."""
    return {
        metric.id.value: metric.instrument for metric in metrics_of(session, program_id=program_id)
    }


def frozen_definitions(session: Session, *, program_id: int) -> list[dict[str, Any]]:
    """The stored definitions exactly as they were frozen (not the catalog's current text).

    Each row holds ``frozen_definitions_json([metric])``: a one-element canonical JSON list.
    """
    return [
        definition
        for row in criteria_of(session, program_id=program_id)
        for definition in json.loads(row.definition_json)
    ]


def pods_of(session: Session, *, program_id: int) -> list[Pod]:
    statement = select(Pod).where(Pod.program_id == program_id).order_by(col(Pod.id))
    return list(session.exec(statement).all())


def leaders_of(session: Session, *, pod_id: int) -> list[Leader]:
    statement = select(Leader).where(Leader.pod_id == pod_id).order_by(col(Leader.id))
    return list(session.exec(statement).all())


def leaders_in(session: Session, *, pod_ids: list[int]) -> dict[int, list[Leader]]:
    """The leaders of each of ``pod_ids`` (as ``leaders_of`` orders them), in one query."""
    by_pod: dict[int, list[Leader]] = {pod_id: [] for pod_id in pod_ids}
    if pod_ids:
        statement = select(Leader).where(col(Leader.pod_id).in_(pod_ids)).order_by(col(Leader.id))
        for leader in session.exec(statement).all():
            by_pod[leader.pod_id].append(leader)
    return by_pod


def report_counts(session: Session, *, leader_ids: list[int]) -> dict[int, int]:
    """How many direct reports each of ``leader_ids`` has (absent: none), in one query."""
    if not leader_ids:
        return {}
    statement = (
        select(DirectReport.leader_id, func.count())
        .where(col(DirectReport.leader_id).in_(leader_ids))
        .group_by(col(DirectReport.leader_id))
    )
    return dict(session.exec(statement).all())


def reports_of(session: Session, *, leader_id: int) -> list[str]:
    statement = (
        select(DirectReport.user_id)
        .where(DirectReport.leader_id == leader_id)
        .order_by(col(DirectReport.id))
    )
    return list(session.exec(statement).all())


@dataclass(frozen=True, slots=True)
class SetupState:
    pods: tuple[PodSetup, ...]
    missing: tuple[str, ...]  # what commit still needs, as "Still missing:" phrases
    cohort_gaps: tuple[str, ...]  # the week-3 part of ``missing``

    @property
    def ready_to_commit(self) -> bool:
        return not self.missing


def setup_state(session: Session, program: Program) -> SetupState:
    assert program.id is not None
    pods: list[PodSetup] = []
    pod_names: dict[int, str] = {}
    leader_users: dict[int, str] = {}
    # Three queries for the cohort, however many pods and leaders (not one per leader).
    program_pods = pods_of(session, program_id=program.id)
    leaders_by_pod = leaders_in(session, pod_ids=[pod.id for pod in program_pods if pod.id])
    leader_ids = [leader.id for group in leaders_by_pod.values() for leader in group if leader.id]
    reports = report_counts(session, leader_ids=leader_ids)
    for pod in program_pods:
        assert pod.id is not None
        pod_names[pod.id] = pod.name
        leaders = []
        for leader in leaders_by_pod[pod.id]:
            assert leader.id is not None
            leader_users[leader.id] = leader.user_id
            leaders.append(
                LeaderSetup(
                    user_id=leader.user_id,
                    manager_id=leader.manager_id,
                    direct_report_count=reports.get(leader.id, 0),
                    has_one_on_one_slot=leader.one_on_one_weekday is not None
                    and leader.one_on_one_time is not None,
                )
            )
        pods.append(
            PodSetup(
                name=pod.name,
                coach_id=pod.coach_id,
                leaders=tuple(leaders),
                has_session_slot=None
                not in (pod.session_ordinal, pod.session_weekday, pod.session_time),
            )
        )
    baselines = session.exec(select(Baseline).where(Baseline.program_id == program.id)).all()
    leader_baselines = {
        (leader_users[row.leader_id], row.metric_id)
        for row in baselines
        if row.leader_id in leader_users
    }
    pod_baselines = {
        (pod_names[row.pod_id], row.metric_id) for row in baselines if row.pod_id in pod_names
    }
    # 1:1 quality on emcoach's own survey: one program-wide baseline round instead of a value
    # per pod, needed from at least the anonymity threshold in people.
    round_gaps: list[str] = []
    metrics = metrics_of(session, program_id=program.id)
    for metric in metrics:
        if metric.instrument is not Instrument.EMCOACH_SURVEY:
            continue
        pod_baselines |= {(name, metric.id.value) for name in pod_names.values()}
        gap = baseline_round_gap(
            sent=baseline_round_sent(session, program=program),
            people=respondents(session, program_id=program.id, occasion=program.kickoff_date)
            if program.kickoff_date
            else 0,
            threshold=program.anonymity_threshold,
        )
        if gap:
            round_gaps.append(gap)
    missing = commit_readiness(
        criteria_signed_off=program.signed_off_at is not None,
        coach_decided=program.coach_decision is not None,
        criteria=metrics,
        pods=pods,
        leader_baselines=leader_baselines,
        pod_baselines=pod_baselines,
        kickoff=program.kickoff_date,
        publish_channel_id=program.publish_channel_id,
    )
    missing += round_gaps
    cohort = tuple(cohort_gaps(pods))
    return SetupState(pods=tuple(pods), missing=tuple(missing), cohort_gaps=cohort)


def self_approved(session: Session, program: Program) -> bool:
    """Whether the sign-off is (or would be) by an owner of the program: the budget owner
    who signs off the criteria is also one of the people they are meant to check."""
    signer = program.signed_off_by or program.budget_owner_id
    if signer is None or program.id is None:
        return False
    return has_role(session, program_id=program.id, user_id=signer, role=Role.OWNER)


def sprint_weeks_done(
    session: Session, program: Program, *, state: SetupState | None = None
) -> set[int]:
    """Which of the four setup weeks are complete (see bot.domain.sprint). Commit requires
    every week, so a committed program has done the whole sprint, whatever changed since (a
    leader who left does not reopen week 3). ``state``: the program's ``setup_state``, when
    the caller has read it already."""
    if program.committed_at is not None:
        return {step.week for step in WEEKS}
    done: set[int] = set()
    if program.signed_off_at is not None:
        done.add(1)
    if program.coach_decision is not None:
        done.add(2)
    if state is None:
        state = setup_state(session, program)
    if state.pods and not state.cohort_gaps:
        done.add(3)
    if program.committed_at is not None:
        done.add(4)
    return done
