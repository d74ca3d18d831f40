"""Pods and leaders of one program, with the member roles they imply kept in step.

A person's COACH, LEADER and MANAGER roles follow from the pods: whoever coaches a pod is a
coach, every leader a leader, every leader's manager a manager. Each change here updates
``ProgramMember`` in the same unit of work, so `/emcoach help` and the role checks never
disagree with the cohort.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, func, select

from bot.domain.args import MonthlySlot, WeeklySlot
from bot.domain.roles import Role
from storage.models import DirectReport, Leader, Pod
from storage.programs import add_member, remove_member
from storage.setup_state import leaders_of, reports_of


@dataclass(frozen=True, slots=True, kw_only=True)
class LeaderPlan:
    """Everything about one leader, as it should be after a change."""

    pod_id: int
    user_id: str
    manager_id: str | None
    reports: tuple[str, ...]
    one_on_one: WeeklySlot | None


def get_pod(session: Session, *, program_id: int, pod_id: int) -> Pod | None:
    pod = session.get(Pod, pod_id)
    return pod if pod is not None and pod.program_id == program_id else None


def pod_by_id(session: Session, *, pod_id: int) -> Pod | None:
    """The pod, whichever program it is in (a button's value names only the pod)."""
    return session.get(Pod, pod_id)


def leader_by_id(session: Session, *, leader_id: int) -> Leader | None:
    """The leader, whichever program they are in (a button's value names only the leader)."""
    return session.get(Leader, leader_id)


def program_leaders(session: Session, *, program_id: int) -> list[Leader]:
    """Every leader of the program, in any pod."""
    return list(session.exec(select(Leader).where(Leader.program_id == program_id)))


def find_pod(session: Session, *, program_id: int, name: str) -> Pod | None:
    """The pod called ``name`` (any case) in the program."""
    statement = select(Pod).where(
        Pod.program_id == program_id, func.lower(Pod.name) == name.strip().lower()
    )
    return session.exec(statement).first()


def get_leader(session: Session, *, program_id: int, leader_id: int) -> Leader | None:
    leader = session.get(Leader, leader_id)
    return leader if leader is not None and leader.program_id == program_id else None


def find_leader(session: Session, *, program_id: int, user_id: str) -> Leader | None:
    statement = select(Leader).where(Leader.program_id == program_id, Leader.user_id == user_id)
    return session.exec(statement).first()


def save_pod(
    session: Session,
    *,
    program_id: int,
    pod: Pod | None,
    name: str,
    coach_id: str | None,
    session_slot: MonthlySlot | None,
    by: str,
    now: datetime,
) -> Pod:
    """Create (``pod`` None) or change a pod, and move the COACH role with its coach."""
    if pod is None:
        pod = Pod(program_id=program_id, name=name)
    previous_coach = pod.coach_id
    pod.name = name
    pod.coach_id = coach_id
    pod.session_ordinal = session_slot.ordinal if session_slot else None
    pod.session_weekday = session_slot.weekday if session_slot else None
    pod.session_time = session_slot.time if session_slot else None
    session.add(pod)
    session.flush()
    _follow_role(
        session,
        program_id=program_id,
        role=Role.COACH,
        before=previous_coach,
        after=coach_id,
        by=by,
        now=now,
    )
    return pod


def save_leader(
    session: Session,
    *,
    program_id: int,
    leader: Leader | None,
    plan: LeaderPlan,
    by: str,
    now: datetime,
) -> Leader:
    """Create (``leader`` None) or replace a leader with ``plan``; reports are replaced too."""
    if leader is None:
        leader = Leader(
            program_id=program_id, pod_id=plan.pod_id, user_id=plan.user_id, added_at=now
        )
    previous_user, previous_manager = leader.user_id, leader.manager_id
    leader.pod_id, leader.user_id, leader.manager_id = plan.pod_id, plan.user_id, plan.manager_id
    slot = plan.one_on_one
    leader.one_on_one_weekday = slot.weekday if slot else None
    leader.one_on_one_time = slot.time if slot else None
    session.add(leader)
    session.flush()
    assert leader.id is not None
    _replace_reports(session, leader_id=leader.id, reports=plan.reports)
    _follow_role(
        session,
        program_id=program_id,
        role=Role.LEADER,
        before=previous_user,
        after=plan.user_id,
        by=by,
        now=now,
    )
    _follow_role(
        session,
        program_id=program_id,
        role=Role.MANAGER,
        before=previous_manager,
        after=plan.manager_id,
        by=by,
        now=now,
    )
    return leader


def plan_of(session: Session, leader: Leader) -> LeaderPlan:
    """The leader as a plan, for changes that touch only some of it."""
    assert leader.id is not None
    return LeaderPlan(
        pod_id=leader.pod_id,
        user_id=leader.user_id,
        manager_id=leader.manager_id,
        reports=tuple(reports_of(session, leader_id=leader.id)),
        one_on_one=weekly_slot_of(leader),
    )


def weekly_slot_of(leader: Leader) -> WeeklySlot | None:
    if leader.one_on_one_weekday is None or leader.one_on_one_time is None:
        return None
    return WeeklySlot(weekday=leader.one_on_one_weekday, time=leader.one_on_one_time)


def monthly_slot_of(pod: Pod) -> MonthlySlot | None:
    if pod.session_ordinal is None or pod.session_weekday is None or pod.session_time is None:
        return None
    return MonthlySlot(
        ordinal=pod.session_ordinal, weekday=pod.session_weekday, time=pod.session_time
    )


def other_leaders(session: Session, *, pod_id: int, leader: Leader | None) -> list[Leader]:
    """The pod's leaders apart from ``leader``: who counts toward the limit when it joins."""
    return [
        row for row in leaders_of(session, pod_id=pod_id) if leader is None or row.id != leader.id
    ]


def _replace_reports(session: Session, *, leader_id: int, reports: tuple[str, ...]) -> None:
    kept = set(reports)
    existing = session.exec(select(DirectReport).where(DirectReport.leader_id == leader_id)).all()
    for row in existing:
        if row.user_id not in kept:
            session.delete(row)
    present = {row.user_id for row in existing}
    for user_id in reports:
        if user_id not in present:
            session.add(DirectReport(leader_id=leader_id, user_id=user_id))
    session.flush()


def _follow_role(
    session: Session,
    *,
    program_id: int,
    role: Role,
    before: str | None,
    after: str | None,
    by: str,
    now: datetime,
) -> None:
    """Give ``after`` the role; take it from ``before`` unless the cohort still gives it."""
    if after:
        add_member(session, program_id=program_id, user_id=after, role=role, added_by=by, now=now)
    if before and before != after and not _still_holds(session, program_id, before, role):
        remove_member(session, program_id=program_id, user_id=before, role=role)


def _still_holds(session: Session, program_id: int, user_id: str, role: Role) -> bool:
    if role is Role.COACH:
        where = select(Pod.id).where(Pod.program_id == program_id, Pod.coach_id == user_id)
    elif role is Role.MANAGER:
        where = select(Leader.id).where(
            Leader.program_id == program_id, Leader.manager_id == user_id
        )
    else:
        where = select(Leader.id).where(Leader.program_id == program_id, Leader.user_id == user_id)
    return session.exec(where.limit(1)).first() is not None


def leaders_coached(session: Session, *, program_id: int, coach_id: str) -> list[Leader]:
    """The leaders of the program's pods that ``coach_id`` coaches, in the order added."""
    return list(
        session.exec(
            select(Leader)
            .join(Pod, col(Pod.id) == col(Leader.pod_id))
            .where(Pod.program_id == program_id, Pod.coach_id == coach_id)
            .order_by(col(Leader.id))
        ).all()
    )
