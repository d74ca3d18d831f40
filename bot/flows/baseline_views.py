"""What `/emcoach baseline` shows and what its buttons open: the program asked about, its pods
(or the one named) with each criterion's baseline, and the per-leader and per-pod forms, each
only for the program's owners while a baseline change would be taken.

The values submitted are saved by ``bot.flows.baseline``; checkpoint values reuse
``only_pod`` (``bot.flows.metrics_views``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.blocks.baseline import (
    BASELINE_NOT_OWNER,
    LeaderEntries,
    PodEntries,
    no_criteria_text,
    no_pods_text,
    no_such_pod_text,
)
from bot.flows.baseline import (
    SurveyForm,
    find_leader_entries,
    peek_refusal,
    pod_entries,
    survey_form,
)
from bot.flows.outcomes import Refused
from bot.flows.programs import NotChosen, ProgramAsk, choose_program, owned
from storage.db import session_scope
from storage.models import Program
from storage.pods import find_pod, leader_by_id, pod_by_id
from storage.setup_state import metrics_of

Form = TypeVar("Form", "LeaderForm", SurveyForm)


@dataclass(frozen=True, slots=True)
class Baselines:
    """The program's pods (or the one asked for) and, when locked, why changes are refused."""

    program_name: str
    pods: list[PodEntries]
    locked: str | None


def only_pod(
    session: Session, program: Program, pods: list[PodEntries], *, name: str, subcommand: str
) -> list[PodEntries] | Refused:
    """``pods``, or only the one named (what's left of the arguments), or what to type."""
    if not name.strip():
        return pods
    assert program.id is not None
    pod = find_pod(session, program_id=program.id, name=name.strip(' "“”'))
    if pod is None:
        return Refused(
            no_such_pod_text(
                name=name,
                program_name=program.name,
                pod_names=[entry.name for entry in pods],
                subcommand=subcommand,
            )
        )
    return [entry for entry in pods if entry.pod_id == pod.id]


def show_baselines(
    engine: Engine, *, ask: ProgramAsk, now: datetime
) -> NotChosen | Refused | Baselines:
    """`/emcoach baseline [program] [pod]`: what is entered and missing, per pod."""
    with session_scope(engine) as session:
        chosen = choose_program(session, ask)
        if isinstance(chosen, NotChosen):
            return chosen
        program = chosen.program
        assert program.id is not None
        if not metrics_of(session, program_id=program.id):
            return Refused(no_criteria_text(program.name))
        pods = pod_entries(session, program)
        if not any(pod.leaders or pod.surveys for pod in pods):
            return Refused(no_pods_text(program.name))
        shown = only_pod(session, program, pods, name=chosen.args, subcommand="baseline")
        if isinstance(shown, Refused):
            return shown
    locked = peek_refusal(engine, program, now=now)
    return Baselines(program_name=program.name, pods=shown, locked=locked)


@dataclass(frozen=True, slots=True)
class LeaderForm:
    """What a leader's baseline button opens."""

    program_id: int
    pod_name: str
    leader: LeaderEntries


def _open_unless_locked(
    engine: Engine, program: Program | None, form: Form | None, *, now: datetime
) -> Form | Refused:
    """The form, unless the clicker may not open it or the baselines are locked."""
    if program is None or form is None:
        return Refused(BASELINE_NOT_OWNER)
    refusal = peek_refusal(engine, program, now=now)
    return Refused(refusal) if refusal else form


def open_leader_baselines(
    engine: Engine, *, team_id: str, user_id: str, leader_id: int, now: datetime
) -> LeaderForm | Refused:
    """A leader's baseline button, for an owner of the leader's program."""
    form: LeaderForm | None = None
    with session_scope(engine) as session:
        leader = leader_by_id(session, leader_id=leader_id)
        program = owned(
            session,
            team_id=team_id,
            user_id=user_id,
            program_id=leader.program_id if leader else None,
        )
        if leader is not None and program is not None and program.id is not None:
            pod, entries = find_leader_entries(pod_entries(session, program), leader)
            form = LeaderForm(program_id=program.id, pod_name=pod.name, leader=entries)
    return _open_unless_locked(engine, program, form, now=now)


def open_survey_baseline(
    engine: Engine, *, team_id: str, user_id: str, pod_id: int, metric_id: str, now: datetime
) -> SurveyForm | Refused:
    """A pod's survey baseline button, for an owner of the pod's program."""
    form: SurveyForm | None = None
    with session_scope(engine) as session:
        pod = pod_by_id(session, pod_id=pod_id)
        program = owned(
            session, team_id=team_id, user_id=user_id, program_id=pod.program_id if pod else None
        )
        if pod is not None and program is not None and program.id is not None:
            form = survey_form(session, program, pod_id=pod_id, metric_id=metric_id)
    return _open_unless_locked(engine, program, form, now=now)
