"""Queries for people as Slack describes them (the cached ``Person`` row) and the programs that
plan something for them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlmodel import Session, col, or_, select

from storage.models import DirectReport, Leader, Person, Pod, Program, ProgramMember

# A profile's zone changes when someone travels or moves; a week keeps users.info traffic low
# (Tier 4) while a move is picked up before most of a program's sessions.
ZONE_MAX_AGE = timedelta(days=7)


def cached_zones(session: Session, *, team_id: str, user_ids: Iterable[str]) -> dict[str, str]:
    """The zones the database knows, without asking Slack."""
    people = session.exec(
        select(Person).where(Person.team_id == team_id, col(Person.user_id).in_(set(user_ids)))
    )
    return {
        person.user_id: person.timezone
        for person in people
        if person.timezone and not person.deleted
    }


def stale_people(
    session: Session, *, team_id: str, user_ids: Iterable[str], now: datetime
) -> list[str]:
    """Of ``user_ids``, who was not looked up in Slack for ``ZONE_MAX_AGE`` (or ever)."""
    wanted = set(user_ids)
    fresh = {
        person.user_id
        for person in session.exec(
            select(Person).where(Person.team_id == team_id, col(Person.user_id).in_(wanted))
        )
        if now - person.refreshed_at <= ZONE_MAX_AGE
    }
    return sorted(wanted - fresh)


def store_zone(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    timezone: str | None,
    deleted: bool,
    answered: bool,
    now: datetime,
) -> None:
    """What users.info said about a person; ``answered`` False keeps the zone known before."""
    person = session.get(Person, (team_id, user_id)) or Person(
        team_id=team_id, user_id=user_id, refreshed_at=now
    )
    if answered:
        person.timezone = timezone
    person.deleted = deleted
    person.refreshed_at = now
    session.add(person)
    session.flush()


def record_profile(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    timezone: str | None,
    deleted: bool,
    now: datetime,
) -> bool:
    """Store what a profile change says about a cached person; True when their zone or their
    deleted mark changed. People emcoach never looked up are not cached (nothing is planned
    for them), so a workspace's many profile edits cost one primary-key read each."""
    person = session.get(Person, (team_id, user_id))
    if person is None or (person.timezone, person.deleted) == (timezone, deleted):
        return False
    person.timezone, person.deleted, person.refreshed_at = timezone, deleted, now
    session.add(person)
    return True


def programs_planning_for(session: Session, *, team_id: str, user_id: str) -> list[Program]:
    """Committed programs of ``team_id`` whose agenda may hold a prompt for ``user_id``: as a
    member (owner, budget owner, coach, leader), a pod's coach, a leader's manager or report."""
    member = select(ProgramMember.program_id).where(ProgramMember.user_id == user_id)
    coach = select(Pod.program_id).where(Pod.coach_id == user_id)
    leader = select(Leader.program_id).where(
        or_(Leader.user_id == user_id, Leader.manager_id == user_id)
    )
    report = (
        select(Leader.program_id)
        .join(DirectReport, col(DirectReport.leader_id) == col(Leader.id))
        .where(DirectReport.user_id == user_id)
    )
    return list(
        session.exec(
            select(Program).where(
                Program.team_id == team_id,
                col(Program.committed_at).is_not(None),
                or_(
                    col(Program.id).in_(member),
                    col(Program.id).in_(coach),
                    col(Program.id).in_(leader),
                    col(Program.id).in_(report),
                ),
            )
        )
    )


def leader_ids(session: Session, *, program_id: int) -> list[str]:
    """The user ids of the program's leaders, in the order they were added."""
    statement = (
        select(Leader.user_id).where(Leader.program_id == program_id).order_by(col(Leader.id))
    )
    return list(session.exec(statement).all())
