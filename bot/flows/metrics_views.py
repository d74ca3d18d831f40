"""What `/emcoach metrics` shows and what its buttons open: the open checkpoint's values per
pod (or the one named), the per-leader and per-pod forms for the program's owners, and why
values are not (or no longer) taken. The values submitted are saved by ``bot.flows.metrics``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.engine import Engine

from bot.blocks.baseline import Entry, LeaderEntries, PodEntries
from bot.blocks.metrics import OpenCheckpoint
from bot.blocks.prompts.checkpoint import METRICS_COMMAND
from bot.domain.localtime import format_day
from bot.domain.mrkdwn import plain
from bot.flows.baseline import find_leader_entries
from bot.flows.baseline_views import only_pod
from bot.flows.checkpoints import published_text
from bot.flows.metrics import (
    Checkpoint,
    Checkpoints,
    checkpoint_entries,
    checkpoints_of,
    emcoach_survey_names,
    pod_value_form,
)
from bot.flows.outcomes import Refused
from bot.flows.programs import NotChosen, ProgramAsk, choose_program, owned
from bot.slack_names import COMMAND
from storage.db import session_scope
from storage.models import Program
from storage.pods import leader_by_id, pod_by_id

METRICS_NOT_OWNER = (
    "Only the program's owners can enter checkpoint values. Ask an owner to add you with "
    f"`{COMMAND} owner add @you`."
)


def closed_text(checkpoints: Checkpoints, program: Program) -> str:
    """What to do when no checkpoint takes values: wait for the first, or nothing is left."""
    final = checkpoints.final
    if final.published_at is not None:
        return (
            f"{published_text(checkpoints, final, zone=program.timezone)} Planning the next "
            f"cycle? `{COMMAND} check` is where it starts."
        )
    midpoint = checkpoints.midpoint
    return (
        f"Nothing to enter yet for *{plain(program.name)}*: the month-3 checkpoint "
        f"takes values from {format_day(checkpoints.opens_on)}, two weeks before its results "
        f"are published on {format_day(midpoint.occasion)}. Come back then with "
        f"`{METRICS_COMMAND}`; the preview two business days before reminds you."
    )


def refusal_for_month(checkpoints: Checkpoints, program: Program, month: int) -> str:
    """Why values for ``month`` are no longer (or not yet) taken, and what to do instead."""
    checkpoint = checkpoints.of_month(month)
    if checkpoint is None or checkpoint.published_at is None:
        return closed_text(checkpoints, program)
    text = published_text(checkpoints, checkpoint, zone=program.timezone)
    if checkpoint is checkpoints.midpoint:
        text += f" Type `{METRICS_COMMAND}` to enter them."
    return text


def open_checkpoint(
    checkpoints: Checkpoints, checkpoint: Checkpoint, program: Program
) -> OpenCheckpoint:
    midpoint = checkpoints.midpoint
    earlier = (
        published_text(checkpoints, midpoint, zone=program.timezone)
        if checkpoint is not midpoint and midpoint.published_at is not None
        else None
    )
    return OpenCheckpoint(
        program_name=program.name,
        month=checkpoint.month,
        occasion=checkpoint.occasion,
        channel_id=program.commitment_channel_id or program.publish_channel_id or "",
        late=checkpoints.today > checkpoint.occasion,
        earlier=earlier,
    )


def _before_commit(program: Program) -> Refused:
    return Refused(
        f"*{plain(program.name)}* isn't committed yet, so it has no checkpoint "
        f"values to enter. Before commit, where each leader starts goes in with "
        f"`{COMMAND} baseline`; `{COMMAND} status` shows what else is left."
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckpointValues:
    """The open checkpoint, each pod's values for it, and the criteria not entered here."""

    checkpoint: OpenCheckpoint
    pods: list[PodEntries]
    survey_names: list[str]
    anonymity_threshold: int


def show_checkpoint(
    engine: Engine, *, ask: ProgramAsk, now: datetime
) -> NotChosen | Refused | CheckpointValues:
    """`/emcoach metrics [program] [pod]`: the open checkpoint's values, entered and missing."""
    with session_scope(engine) as session:
        chosen = choose_program(session, ask)
        if isinstance(chosen, NotChosen):
            return chosen
        program = chosen.program
        if program.committed_at is None or program.kickoff_date is None or program.id is None:
            return _before_commit(program)
        checkpoints = checkpoints_of(session, program, now=now)
        checkpoint = checkpoints.open
        if checkpoint is None:
            return Refused(closed_text(checkpoints, program))
        pods = only_pod(
            session,
            program,
            checkpoint_entries(session, program, month=checkpoint.month),
            name=chosen.args,
            subcommand="metrics",
        )
        if isinstance(pods, Refused):
            return pods
        return CheckpointValues(
            checkpoint=open_checkpoint(checkpoints, checkpoint, program),
            pods=pods,
            survey_names=emcoach_survey_names(session, program),
            anonymity_threshold=program.anonymity_threshold,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class LeaderValuesForm:
    """What a leader's checkpoint button opens."""

    program_id: int
    month: int
    occasion: date
    pod_name: str
    leader: LeaderEntries


def open_leader_values(
    engine: Engine, *, team_id: str, user_id: str, leader_id: int, now: datetime
) -> LeaderValuesForm | Refused:
    """A leader's checkpoint button, for an owner of the leader's program while a checkpoint
    takes values."""
    with session_scope(engine) as session:
        leader = leader_by_id(session, leader_id=leader_id)
        program = (
            owned(session, team_id=team_id, user_id=user_id, program_id=leader.program_id)
            if leader is not None
            else None
        )
        if leader is None or program is None or program.id is None:
            return Refused(METRICS_NOT_OWNER)
        checkpoints = checkpoints_of(session, program, now=now)
        checkpoint = checkpoints.open
        if checkpoint is None:
            return Refused(closed_text(checkpoints, program))
        pods = checkpoint_entries(session, program, month=checkpoint.month)
        pod, entries = find_leader_entries(pods, leader)
        return LeaderValuesForm(
            program_id=program.id,
            month=checkpoint.month,
            occasion=checkpoint.occasion,
            pod_name=pod.name,
            leader=entries,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class PodValueForm:
    """What a pod's company-survey checkpoint button opens."""

    program_id: int
    pod_id: int
    month: int
    occasion: date
    pod_name: str
    entry: Entry


def open_pod_value(
    engine: Engine, *, team_id: str, user_id: str, pod_id: int, metric_id: str, now: datetime
) -> PodValueForm | Refused:
    """A pod's company-survey button, for an owner of the pod's program while a checkpoint
    takes values."""
    with session_scope(engine) as session:
        pod = pod_by_id(session, pod_id=pod_id)
        program = owned(
            session, team_id=team_id, user_id=user_id, program_id=pod.program_id if pod else None
        )
        if pod is None or program is None or program.id is None:
            return Refused(METRICS_NOT_OWNER)
        form = pod_value_form(session, program, pod_id=pod_id, metric_id=metric_id, now=now)
        if form is None:
            return Refused(METRICS_NOT_OWNER)
        if isinstance(form, Checkpoints):
            return Refused(closed_text(form, program))
        checkpoint, entries = form
        entry = next(s for s in entries.surveys if s.metric.id.value == metric_id)
        return PodValueForm(
            program_id=program.id,
            pod_id=entries.pod_id,
            month=checkpoint.month,
            occasion=checkpoint.occasion,
            pod_name=entries.name,
            entry=entry,
        )
