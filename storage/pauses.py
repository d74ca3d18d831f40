"""People changing while a program runs: a leader's pauses and their leaving day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from bot.domain.cadence import AgendaState, SessionKind
from storage.models import AgendaRow, Leader, LeaderPause, Pod, Program

_SESSION_KINDS = [kind.value for kind in SessionKind]


@dataclass(frozen=True, slots=True)
class Membership:
    """One place a person leads: the program, their pod and their leader row."""

    program: Program
    pod: Pod
    leader: Leader


def leader_memberships(session: Session, *, team_id: str, user_id: str) -> list[Membership]:
    """Every program of ``team_id`` in which ``user_id`` is a leader, by program name."""
    statement = (
        select(Leader, Pod, Program)
        .join(Pod, col(Pod.id) == col(Leader.pod_id))
        .join(Program, col(Program.id) == col(Leader.program_id))
        .where(Program.team_id == team_id, Leader.user_id == user_id)
        .order_by(col(Program.name), col(Leader.id))
    )
    return [
        Membership(program=program, pod=pod, leader=leader)
        for leader, pod, program in session.exec(statement).all()
    ]


def add_pause(
    session: Session,
    *,
    leader_id: int,
    start: date,
    end: date,
    reason: str | None,
    created_by: str,
    now: datetime,
) -> LeaderPause:
    pause = LeaderPause(
        leader_id=leader_id,
        start=start,
        end=end,
        reason=reason,
        created_by=created_by,
        created_at=now,
    )
    session.add(pause)
    session.flush()
    return pause


def pauses_of(session: Session, *, leader_id: int) -> list[LeaderPause]:
    """Every pause of a leader, past and future."""
    return list(session.exec(select(LeaderPause).where(LeaderPause.leader_id == leader_id)))


def pauses_reaching(session: Session, *, leader_ids: list[int], day: date) -> list[LeaderPause]:
    """The pauses of these leaders that last until ``day`` or beyond."""
    return list(
        session.exec(
            select(LeaderPause).where(
                col(LeaderPause.leader_id).in_(leader_ids), col(LeaderPause.end) >= day
            )
        )
    )


def open_pauses(session: Session, *, leader_id: int, today: date) -> list[LeaderPause]:
    """Pauses not over yet on ``today`` (running or still to come), earliest first."""
    statement = (
        select(LeaderPause)
        .where(LeaderPause.leader_id == leader_id, col(LeaderPause.end) >= today)
        .order_by(col(LeaderPause.start))
    )
    return list(session.exec(statement).all())


def end_pauses(session: Session, *, leader_id: int, today: date) -> int:
    """End the leader's pauses as of ``today``: a running one now ends yesterday (its past
    days stay paused, so what was skipped stays explained), one still to come is deleted.
    Returns how many pauses changed."""
    changed = 0
    for pause in open_pauses(session, leader_id=leader_id, today=today):
        if pause.start >= today:
            session.delete(pause)
        else:
            pause.end = today - timedelta(days=1)
            session.add(pause)
        changed += 1
    session.flush()
    return changed


def mark_left(session: Session, *, leader: Leader, on: date) -> None:
    """``on`` is the leader's last day in the program; their rows stay, the future goes."""
    leader.left_on = on
    session.add(leader)
    session.flush()


def skipped_sessions(session: Session, *, program_id: int, user_id: str) -> list[AgendaRow]:
    """The leader's sessions the planner marked skipped (inside a pause), earliest first."""
    statement = (
        select(AgendaRow)
        .where(
            AgendaRow.program_id == program_id,
            AgendaRow.state == AgendaState.SKIPPED,
            AgendaRow.recipient == user_id,
            col(AgendaRow.kind).in_(_SESSION_KINDS),
        )
        .order_by(col(AgendaRow.due_at), col(AgendaRow.id))
    )
    return list(session.exec(statement))
