"""Checkpoint values: what an owner enters for month 3 and month 6, and which checkpoint takes them.

Per leader, each criterion entered by hand (the baselines' form and checks, so a value means
the same at week 4 and month 6); per pod, the company survey's result when 1:1 quality is
measured on the company's own engineering survey (as its baseline was). emcoach's survey is
never entered: its rounds are its values. Once a checkpoint's results post is sent its values
are final: the public post said what it said, and later values count for the next checkpoint.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.blocks.baseline import PodEntries, ValueForm
from bot.blocks.pod import ViewState
from bot.domain.metrics import Instrument
from bot.domain.roles import Role
from bot.flows.baseline import (
    DEFAULT_SOURCE,
    EnteredValue,
    SurveyInput,
    cohort_entries,
    leader_metrics,
    owned_leader,
    read_leader_form,
    read_survey_result,
)
from bot.flows.checkpoints import Checkpoint, Checkpoints, checkpoints_of
from storage.checkpoint_values import checkpoint_values_of, save_checkpoint_value
from storage.db import session_scope
from storage.models import Program
from storage.pods import get_pod
from storage.programs import get_program, has_role
from storage.setup_state import metrics_of

__all__ = ["Checkpoint", "Checkpoints", "checkpoints_of"]


def checkpoint_entries(session: Session, program: Program, *, month: int) -> list[PodEntries]:
    """Every pod and leader with each hand-entered criterion's value for ``month`` or None:
    per leader, and per pod for a criterion on the company's own survey."""
    assert program.id is not None
    rows = checkpoint_values_of(session, program_id=program.id, month=month)
    return cohort_entries(
        session,
        program,
        by_leader={(row.leader_id, row.metric_id): row for row in rows if row.leader_id},
        by_pod={(row.pod_id, row.metric_id): row for row in rows if row.pod_id},
        rounds=False,
    )


def emcoach_survey_names(session: Session, program: Program) -> list[str]:
    """The criteria on emcoach's survey: never entered here (their rounds are their values)."""
    assert program.id is not None
    return [
        metric.short_name
        for metric in metrics_of(session, program_id=program.id)
        if metric.instrument is Instrument.EMCOACH_SURVEY
    ]


class LeaderSaved(enum.StrEnum):
    NOT_OWNER = "not_owner"  # or the leader is gone
    CLOSED = "closed"  # that month no longer (or not yet) takes values
    INVALID = "invalid"  # ``errors``, by input id
    SAVED = "saved"


@dataclass(frozen=True, slots=True, kw_only=True)
class LeaderValuesOutcome:
    saved: LeaderSaved
    program: Program | None = None
    checkpoints: Checkpoints | None = None
    checkpoint: Checkpoint | None = None  # the open one, when saved
    errors: Mapping[str, str] | None = None
    user_id: str = ""  # the leader's
    values: tuple[EnteredValue, ...] = ()
    source: str = ""
    missing: int = 0  # values still missing for the month


def submit_leader_values(
    engine: Engine,
    *,
    team_id: str,
    user_id: str,
    program_id: int,
    leader_id: int,
    month: int,
    state: ViewState,
    form: ValueForm,
    now: datetime,
) -> LeaderValuesOutcome:
    """A leader's values for the open checkpoint ``month``, checked as the baselines are."""
    with session_scope(engine) as session:
        owned = owned_leader(
            session, team_id=team_id, user_id=user_id, program_id=program_id, leader_id=leader_id
        )
        if owned is None:
            return LeaderValuesOutcome(saved=LeaderSaved.NOT_OWNER)
        program, leader = owned
        assert program.id is not None and leader.id is not None
        checkpoints = checkpoints_of(session, program, now=now)
        checkpoint = checkpoints.open
        if checkpoint is None or checkpoint.month != month:
            return LeaderValuesOutcome(
                saved=LeaderSaved.CLOSED, program=program, checkpoints=checkpoints
            )
        saved, errors = read_leader_form(
            state, leader_metrics(session, program_id=program.id), form=form
        )
        if errors:
            return LeaderValuesOutcome(saved=LeaderSaved.INVALID, errors=errors)
        source = state.text(form.source) or DEFAULT_SOURCE
        for value in saved:
            save_checkpoint_value(
                session,
                program_id=program.id,
                metric_id=value.metric.id.value,
                leader_id=leader.id,
                month=month,
                value=value.value,
                details=value.details,
                source=source,
                recorded_by=user_id,
                now=now,
            )
        return LeaderValuesOutcome(
            saved=LeaderSaved.SAVED,
            program=program,
            checkpoints=checkpoints,
            checkpoint=checkpoint,
            user_id=leader.user_id,
            values=tuple(saved),
            source=source,
            missing=sum(p.missing for p in checkpoint_entries(session, program, month=month)),
        )


# --- the company survey's result for a pod ------------------------------------------------------


class PodSaved(enum.StrEnum):
    NOT_OWNER = "not_owner"  # or the pod or criterion is gone
    CLOSED = "closed"  # that month no longer (or not yet) takes values
    INVALID = "invalid"  # ``errors``
    SAVED = "saved"


@dataclass(frozen=True, slots=True, kw_only=True)
class PodValueOutcome:
    saved: PodSaved
    program: Program | None = None
    checkpoints: Checkpoints | None = None
    checkpoint: Checkpoint | None = None  # the open one, when saved
    errors: Mapping[SurveyInput, str] | None = None
    pod_name: str = ""
    value: EnteredValue | None = None
    source: str = ""
    missing: int = 0  # values still missing for the month


def pod_value_form(
    session: Session, program: Program, *, pod_id: int, metric_id: str, now: datetime
) -> tuple[Checkpoint, PodEntries] | Checkpoints | None:
    """What the pod's button opens: the open checkpoint and the pod's entries; the
    checkpoints when none is open; None when the pod or the criterion is gone."""
    checkpoints = checkpoints_of(session, program, now=now)
    checkpoint = checkpoints.open
    if checkpoint is None:
        return checkpoints
    pod = next(
        (
            entry
            for entry in checkpoint_entries(session, program, month=checkpoint.month)
            if entry.pod_id == pod_id
        ),
        None,
    )
    if pod is None or not any(s.metric.id.value == metric_id for s in pod.surveys):
        return None
    return checkpoint, pod


def submit_pod_value(
    engine: Engine,
    *,
    team_id: str,
    user_id: str,
    program_id: int,
    pod_id: int,
    metric_id: str,
    month: int,
    value_text: str,
    source: str,
    now: datetime,
) -> PodValueOutcome:
    """The company survey's result for one pod at the open checkpoint, with its source."""
    with session_scope(engine) as session:
        program = get_program(session, team_id=team_id, program_id=program_id)
        if (
            program is None
            or program.id is None
            or not has_role(session, program_id=program.id, user_id=user_id, role=Role.OWNER)
        ):
            return PodValueOutcome(saved=PodSaved.NOT_OWNER)
        metric = next(
            (
                m
                for m in metrics_of(session, program_id=program.id)
                if m.id.value == metric_id and m.instrument is Instrument.COMPANY_SURVEY
            ),
            None,
        )
        pod = get_pod(session, program_id=program.id, pod_id=pod_id)
        if metric is None or pod is None or pod.id is None:
            return PodValueOutcome(saved=PodSaved.NOT_OWNER)
        checkpoints = checkpoints_of(session, program, now=now)
        checkpoint = checkpoints.open
        if checkpoint is None or checkpoint.month != month:
            return PodValueOutcome(saved=PodSaved.CLOSED, program=program, checkpoints=checkpoints)
        value, errors = read_survey_result(value_text, source, metric)
        if value is None:
            return PodValueOutcome(saved=PodSaved.INVALID, errors=errors)
        save_checkpoint_value(
            session,
            program_id=program.id,
            metric_id=metric.id.value,
            pod_id=pod.id,
            month=month,
            value=value,
            details=None,
            source=source,
            recorded_by=user_id,
            now=now,
        )
        missing = sum(p.missing for p in checkpoint_entries(session, program, month=month))
        return PodValueOutcome(
            saved=PodSaved.SAVED,
            program=program,
            checkpoints=checkpoints,
            checkpoint=checkpoint,
            pod_name=pod.name,
            value=EnteredValue(metric, value),
            source=source,
            missing=missing,
        )
