"""Creating a program and changing what its setup modal decides."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from bot.domain.roles import Role
from storage.agenda import mark_agenda_stale
from storage.models import Program
from storage.programs import add_member, find_program, remove_member
from storage.workspaces import ensure_workspace


@dataclass(frozen=True, slots=True, kw_only=True)
class ProgramSetup:
    """Everything the setup modal decides, validated."""

    name: str
    publish_channel_id: str
    kickoff: date
    months: int
    timezone: str
    budget_owner_id: str
    coaching_model: str


def name_taken(
    session: Session, *, team_id: str, name: str, except_program_id: int | None = None
) -> bool:
    """Whether another program of the workspace has ``name``, ignoring case: people pick a
    program by typing its name, so "Pilot" and "pilot" would be the same to them."""
    found = find_program(session, team_id=team_id, name=name)
    return found is not None and found.id != except_program_id


def create_program(
    session: Session, *, team_id: str, setup: ProgramSetup, created_by: str, now: datetime
) -> Program:
    """A draft program with its creator as owner and the named budget owner."""
    ensure_workspace(session, team_id=team_id, now=now)
    program = Program(team_id=team_id, name=setup.name, created_by=created_by, created_at=now)
    _apply(program, setup)
    session.add(program)
    session.flush()
    assert program.id is not None
    add_member(
        session,
        program_id=program.id,
        user_id=created_by,
        role=Role.OWNER,
        added_by=created_by,
        now=now,
    )
    add_member(
        session,
        program_id=program.id,
        user_id=setup.budget_owner_id,
        role=Role.BUDGET_OWNER,
        added_by=created_by,
        now=now,
    )
    return program


def update_program(
    session: Session, program: Program, *, setup: ProgramSetup, changed_by: str, now: datetime
) -> bool:
    """Apply ``setup`` to ``program``; True when the budget owner changed (the new one is
    told). The budget-owner role follows the column, so only the named person can sign off."""
    assert program.id is not None
    previous = program.budget_owner_id
    _apply(program, setup)
    session.add(program)
    mark_agenda_stale(session, program)  # new dates or zone: re-plan what is still to come
    if previous == setup.budget_owner_id:
        session.flush()
        return False
    if previous is not None:
        remove_member(session, program_id=program.id, user_id=previous, role=Role.BUDGET_OWNER)
    add_member(
        session,
        program_id=program.id,
        user_id=setup.budget_owner_id,
        role=Role.BUDGET_OWNER,
        added_by=changed_by,
        now=now,
    )
    return True


def _apply(program: Program, setup: ProgramSetup) -> None:
    program.name = setup.name
    program.publish_channel_id = setup.publish_channel_id
    program.kickoff_date = setup.kickoff
    program.months = setup.months
    program.timezone = setup.timezone
    program.budget_owner_id = setup.budget_owner_id
    program.coaching_model = setup.coaching_model


def set_threshold(session: Session, program: Program, *, threshold: int) -> int:
    """The anonymity threshold changed (after commit, under a deviation); returns the old one."""
    old = program.anonymity_threshold
    program.anonymity_threshold = threshold
    session.add(program)
    return old


def set_dates(session: Session, program: Program, *, kickoff: date, months: int) -> None:
    """The kickoff and length changed (after commit, under a deviation)."""
    program.kickoff_date, program.months = kickoff, months
    session.add(program)
