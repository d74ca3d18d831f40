"""/emcoach pod: week 3, structure the cohort — pods, coaches, leaders, their people and slots.
(The typed forms are bot/flows/pod_typed.py, the night-time check bot/flows/pod_nights.py.)

The overview and modals, and the typed forms (`pod add Alpha`, `pod Alpha coach @cora`,
`pod Alpha session first tuesday 15:00`, `pod Alpha leader @lena manager @max reports @a @b
1:1 tue 10:00`), all go through ``change_pod`` / ``change_leader``, so the rules (the fifth
leader, one pod per leader, nobody their own manager or report) hold either way. The cohort
is not locked at commit: changes afterwards apply to future sessions.

Slack is asked (user-group members, time zones) only while the unit of work is closed: a
modal's save reads who takes part, closes, asks Slack, then checks and writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlmodel import Session

from bot.blocks.cohort import (
    CREATE_A_POD_FIRST,
    NAME_A_POD,
    NOT_OWNER,
    PICK_A_POD,
    SavedLeader,
    SavedPod,
    baselines_bind_leader,
    coach_leads_this_pod,
    leader_coaches_pod,
    leader_saved_text,
    leads_elsewhere,
    own_manager,
    own_report,
    pod_name_taken,
    pod_name_too_long,
    pod_saved_text,
)
from bot.blocks.pod import (
    LEADER_GROUP,
    LEADER_MANAGER,
    LEADER_POD,
    LEADER_REPORTS,
    LEADER_USER,
    POD_COACH,
    POD_NAME,
    POD_NAME_MAX,
    LeaderLine,
    PodLine,
)
from bot.domain.args import MonthlySlot
from bot.domain.hours import SlotWarning
from bot.domain.program_rules import (
    POD_MAX_LEADERS,
    PodFullError,
    ProgramField,
    check_pod_can_add_leader,
    cohort_gaps,
)
from bot.flows.locks import change_refusal
from bot.flows.programs import owned
from bot.slack.ports import Directory, GroupError
from storage.agenda import mark_agenda_stale
from storage.baselines import has_leader_baselines
from storage.models import Leader, Pod, Program
from storage.pods import (
    LeaderPlan,
    find_leader,
    find_pod,
    get_leader,
    get_pod,
    leader_by_id,
    monthly_slot_of,
    other_leaders,
    plan_of,
    pod_by_id,
    save_leader,
    save_pod,
    weekly_slot_of,
)
from storage.setup_state import leaders_of, pods_of, reports_of, setup_state
from storage.uow import UnitOfWork

__all__ = [
    "Cohort",
    "LeaderChange",
    "LeaderForm",
    "LeaderPlan",  # re-exported: what the leader modal holds
    "Nights",
    "PodChange",
    "PodForm",
    "Refusal",
    "Said",
    "change_leader",
    "change_pod",
    "cohort",
    "leader_form",
    "leader_line",
    "line_of",
    "owned",
    "pod_form",
    "pod_lines",
    "pod_of",
    "save_leader_form",
    "save_pod_form",
    "saved_leader",
    "saved_pod",
    "with_group",
]

# --- outcomes -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a change is not made; ``field`` is the modal input the message belongs to."""

    field: str
    message: str


@dataclass(frozen=True, slots=True)
class Said:
    """A sentence for the person: what was done, or what to do instead."""

    text: str
    # What was saved, for the night-time check a typed change gets after the fact (the modal
    # checks while it is filled in): bot/flows/pod_nights.py.
    saved: PodChange | LeaderChange | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Nights:
    """Who would meet at night in a slot being filled in (none: ``warnings`` empty), with
    what the modal needs to be drawn again."""

    warnings: tuple[SlotWarning, ...]
    timezone: str  # the program's
    pods: tuple[tuple[int, str], ...] = ()  # the program's pods (id, name), for the leader modal


@dataclass(frozen=True, slots=True, kw_only=True)
class Cohort:
    program_id: int
    program_name: str
    timezone: str
    pods: tuple[PodLine, ...]
    committed: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class PodForm:
    """The pod modal to open: a new pod (``pod`` None) or this one."""

    program_id: int
    timezone: str
    pod: PodLine | None


@dataclass(frozen=True, slots=True, kw_only=True)
class LeaderForm:
    program_id: int
    pods: tuple[tuple[int, str], ...]
    pod_id: int | None
    leader: LeaderLine | None


@dataclass(frozen=True, slots=True, kw_only=True)
class PodChange:
    """A submitted pod modal."""

    program_id: int
    pod_id: int | None
    name: str
    coach_id: str | None
    slot: MonthlySlot | None


@dataclass(frozen=True, slots=True, kw_only=True)
class LeaderChange:
    """A submitted leader modal; ``group`` is a user group's handle whose members join the
    reports."""

    program_id: int
    leader_id: int | None
    plan: LeaderPlan
    group: str = ""


# --- the rules of a change ------------------------------------------------------------------


def change_pod(
    session: Session,
    program: Program,
    *,
    pod: Pod | None,
    name: str,
    coach_id: str | None,
    slot: MonthlySlot | None,
    by: str,
    now: datetime,
) -> Pod | Refusal:
    """Create or change a pod, or say why not."""
    assert program.id is not None
    refusal = change_refusal(session, program, ProgramField.COHORT, now=now)
    if refusal:
        return Refusal(POD_NAME, refusal)
    name = " ".join(name.split())
    if not name:
        return Refusal(POD_NAME, NAME_A_POD)
    if len(name) > POD_NAME_MAX:
        return Refusal(POD_NAME, pod_name_too_long(POD_NAME_MAX))
    namesake = find_pod(session, program_id=program.id, name=name)
    if namesake is not None and (pod is None or namesake.id != pod.id):
        return Refusal(POD_NAME, pod_name_taken(program.name, namesake.name))
    if pod is not None and pod.id is not None and coach_id in _leader_users(session, pod.id):
        return Refusal(POD_COACH, coach_leads_this_pod(coach_id))
    saved = save_pod(
        session,
        program_id=program.id,
        pod=pod,
        name=name,
        coach_id=coach_id,
        session_slot=slot,
        by=by,
        now=now,
    )
    mark_agenda_stale(session, program)
    return saved


def _leader_users(session: Session, pod_id: int) -> set[str]:
    return {leader.user_id for leader in leaders_of(session, pod_id=pod_id)}


def change_leader(
    session: Session,
    program: Program,
    *,
    leader: Leader | None,
    plan: LeaderPlan,
    by: str,
    now: datetime,
) -> Leader | Refusal:
    """Add (``leader`` None) or change a leader, or say why not."""
    assert program.id is not None
    refusal = change_refusal(session, program, ProgramField.COHORT, now=now)
    if refusal:
        return Refusal(LEADER_USER, refusal)
    pod = get_pod(session, program_id=program.id, pod_id=plan.pod_id)
    if pod is None:
        return Refusal(LEADER_POD, PICK_A_POD)
    person = f"<@{plan.user_id}>"
    if plan.manager_id == plan.user_id:
        return Refusal(LEADER_MANAGER, own_manager(person))
    if plan.user_id in plan.reports:
        return Refusal(LEADER_REPORTS, own_report(person))
    if pod.coach_id == plan.user_id:
        return Refusal(LEADER_USER, leader_coaches_pod(person, pod.name))
    if (
        leader is not None
        and leader.id is not None
        and leader.user_id != plan.user_id
        and has_leader_baselines(session, leader_id=leader.id)
    ):
        return Refusal(LEADER_USER, baselines_bind_leader(leader.user_id, person))
    namesake = find_leader(session, program_id=program.id, user_id=plan.user_id)
    if namesake is not None and (leader is None or namesake.id != leader.id):
        home = get_pod(session, program_id=program.id, pod_id=namesake.pod_id)
        return Refusal(LEADER_USER, leads_elsewhere(person, home.name if home else "?"))
    try:
        check_pod_can_add_leader(len(other_leaders(session, pod_id=pod.id or 0, leader=leader)))
    except PodFullError as full:
        return Refusal(LEADER_POD, str(full))
    saved = save_leader(session, program_id=program.id, leader=leader, plan=plan, by=by, now=now)
    mark_agenda_stale(session, program)
    return saved


def with_group(plan: LeaderPlan, members: Sequence[str]) -> tuple[LeaderPlan, bool]:
    """The plan with a group's members added as reports; the leader is left out (a team's
    group usually includes its manager), and True says so."""
    added = [m for m in members if m != plan.user_id and m not in plan.reports]
    left_out = plan.user_id in members
    return replace(plan, reports=(*plan.reports, *added)), left_out


# --- what the person sees -------------------------------------------------------------------


def leader_line(session: Session, leader: Leader) -> LeaderLine:
    assert leader.id is not None
    return LeaderLine(
        id=leader.id,
        user_id=leader.user_id,
        manager_id=leader.manager_id,
        reports=tuple(reports_of(session, leader_id=leader.id)),
        one_on_one=weekly_slot_of(leader),
    )


def pod_lines(session: Session, program: Program) -> list[PodLine]:
    """Every pod with its leaders and what the week-3 check still misses in it."""
    assert program.id is not None
    state = setup_state(session, program)
    lines: list[PodLine] = []
    for pod, setup in zip(pods_of(session, program_id=program.id), state.pods, strict=True):
        assert pod.id is not None
        slot = monthly_slot_of(pod)
        gaps = cohort_gaps([setup])
        leaders = tuple(leader_line(session, row) for row in leaders_of(session, pod_id=pod.id))
        lines.append(
            PodLine(
                id=pod.id,
                name=pod.name,
                coach_id=pod.coach_id,
                session=slot,
                leaders=leaders,
                gaps=tuple(gaps),
            )
        )
    return lines


def cohort(session: Session, program: Program, *, only: int | None = None) -> Cohort:
    assert program.id is not None
    return Cohort(
        program_id=program.id,
        program_name=program.name,
        timezone=program.timezone,
        pods=tuple(line for line in pod_lines(session, program) if only in (None, line.id)),
        committed=program.committed_at is not None,
    )


def line_of(session: Session, program: Program, pod_id: int | None) -> PodLine:
    return next(line for line in pod_lines(session, program) if line.id == pod_id)


def saved_pod(session: Session, program: Program, pod: Pod, *, created: bool) -> Said:
    saved = SavedPod(
        line=line_of(session, program, pod.id),
        timezone=program.timezone,
        committed=program.committed_at is not None,
        created=created,
    )
    assert program.id is not None
    change = PodChange(
        program_id=program.id,
        pod_id=pod.id,
        name=pod.name,
        coach_id=pod.coach_id,
        slot=monthly_slot_of(pod),
    )
    return Said(pod_saved_text(saved), saved=change)


def saved_leader(session: Session, program: Program, leader: Leader, *, left_out: bool) -> Said:
    saved = SavedLeader(
        leader=leader_line(session, leader),
        pod=line_of(session, program, leader.pod_id),
        committed=program.committed_at is not None,
        left_out=left_out,
    )
    assert program.id is not None
    change = LeaderChange(program_id=program.id, leader_id=leader.id, plan=plan_of(session, leader))
    return Said(leader_saved_text(saved), saved=change)


# --- the modals -----------------------------------------------------------------------------


def pod_form(
    uow: UnitOfWork, *, team_id: str, user_id: str, program_id: int | None, pod_id: int | None
) -> Said | PodForm:
    """The pod modal: a new pod of ``program_id``, or pod ``pod_id`` to edit."""
    with uow as session:
        pod = pod_by_id(session, pod_id=pod_id) if pod_id is not None else None
        if pod_id is not None:
            program_id = pod.program_id if pod is not None else None
        program = owned(session, team_id=team_id, user_id=user_id, program_id=program_id)
        if program is None or program.id is None or (pod_id is not None and pod is None):
            return Said(NOT_OWNER)
        line = None
        if pod is not None:
            assert pod.id is not None
            line = PodLine(
                id=pod.id, name=pod.name, coach_id=pod.coach_id, session=monthly_slot_of(pod)
            )
        return PodForm(program_id=program.id, timezone=program.timezone, pod=line)


def leader_form(
    uow: UnitOfWork, *, team_id: str, user_id: str, program_id: int | None, leader_id: int | None
) -> Said | LeaderForm:
    """The leader modal: a new leader of ``program_id`` (in the first pod with room), or
    leader ``leader_id`` to edit."""
    with uow as session:
        leader = leader_by_id(session, leader_id=leader_id) if leader_id is not None else None
        if leader_id is not None:
            program_id = leader.program_id if leader is not None else None
        program = owned(session, team_id=team_id, user_id=user_id, program_id=program_id)
        if program is None or program.id is None or (leader_id is not None and leader is None):
            return Said(NOT_OWNER)
        pods = pods_of(session, program_id=program.id)
        choices = tuple((pod.id or 0, pod.name) for pod in pods)
        if leader is not None:
            return LeaderForm(
                program_id=program.id,
                pods=choices,
                pod_id=leader.pod_id,
                leader=leader_line(session, leader),
            )
        if not pods:
            return Said(CREATE_A_POD_FIRST)
        room = [
            pod for pod in pods if len(leaders_of(session, pod_id=pod.id or 0)) < POD_MAX_LEADERS
        ]
        return LeaderForm(
            program_id=program.id, pods=choices, pod_id=(room or pods)[0].id, leader=None
        )


def save_pod_form(
    uow: UnitOfWork, *, team_id: str, user_id: str, change: PodChange, now: datetime
) -> Said | Refusal | SavedPod:
    """A submitted pod modal: refused (``Said``: not an owner; ``Refusal``: one field), or
    saved."""
    with uow as session:
        program = owned(session, team_id=team_id, user_id=user_id, program_id=change.program_id)
        if program is None or program.id is None:
            return Said(NOT_OWNER)
        pod = pod_of(session, program.id, change.pod_id)
        outcome = change_pod(
            session,
            program,
            pod=pod,
            name=change.name,
            coach_id=change.coach_id,
            slot=change.slot,
            by=user_id,
            now=now,
        )
        if isinstance(outcome, Refusal):
            return outcome
        return SavedPod(
            line=line_of(session, program, outcome.id),
            timezone=program.timezone,
            committed=program.committed_at is not None,
            created=pod is None,
        )


def pod_of(session: Session, program_id: int, pod_id: int | None) -> Pod | None:
    return get_pod(session, program_id=program_id, pod_id=pod_id) if pod_id else None


def save_leader_form(
    uow: UnitOfWork,
    directory: Directory,
    *,
    team_id: str,
    user_id: str,
    change: LeaderChange,
    now: datetime,
) -> Said | Refusal | SavedLeader:
    """A submitted leader modal; a user group's members are asked of Slack first."""
    plan, left_out = change.plan, False
    if change.group:
        try:
            members = directory.group_members(handles=[change.group])
        except GroupError as error:
            return Refusal(LEADER_GROUP, error.message)
        plan, left_out = with_group(plan, members)
    with uow as session:
        program = owned(session, team_id=team_id, user_id=user_id, program_id=change.program_id)
        if program is None or program.id is None:
            return Said(NOT_OWNER)
        leader = (
            get_leader(session, program_id=program.id, leader_id=change.leader_id)
            if change.leader_id
            else None
        )
        outcome = change_leader(session, program, leader=leader, plan=plan, by=user_id, now=now)
        if isinstance(outcome, Refusal):
            return outcome
        return SavedLeader(
            leader=leader_line(session, outcome),
            pod=line_of(session, program, outcome.pod_id),
            committed=program.committed_at is not None,
            left_out=left_out,
        )
