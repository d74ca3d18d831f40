"""The eligibility check's answers, stored on the owner's draft program (week 0)."""

from __future__ import annotations

from collections.abc import Set

from sqlmodel import Session

from bot.domain.eligibility import Condition
from bot.domain.program_rules import ProgramState
from bot.domain.roles import Role
from storage.models import Program
from storage.programs import get_program, has_role, programs_where

_SEPARATOR = ","


def latest_owned_draft(session: Session, *, team_id: str, user_id: str) -> Program | None:
    """The most recently created draft program ``user_id`` owns: the one a check is about.

    Only drafts: once criteria are signed off the question "should we have a program?" has
    been answered by going ahead, and rewriting it afterwards would blur that record.
    """
    drafts = [
        program
        for program in programs_where(session, team_id=team_id, user_id=user_id, roles={Role.OWNER})
        if program.status is ProgramState.DRAFT
    ]
    return max(drafts, key=lambda program: (program.created_at, program.id or 0), default=None)


def owned_draft(
    session: Session, *, team_id: str, user_id: str, program_id: int | None
) -> Program | None:
    """The draft a check modal was opened for, if it is still one ``user_id`` owns; else the
    latest such draft (the person may have created one while the modal was open)."""
    if program_id is not None:
        program = get_program(session, team_id=team_id, program_id=program_id)
        if (
            program is not None
            and program.status is ProgramState.DRAFT
            and has_role(session, program_id=program_id, user_id=user_id, role=Role.OWNER)
        ):
            return program
    return latest_owned_draft(session, team_id=team_id, user_id=user_id)


def stored_conditions(program: Program) -> frozenset[Condition]:
    """The conditions last recorded on ``program``; unknown ids (from an older release) are
    skipped rather than failing the whole check."""
    known = {condition.value for condition in Condition}
    text = program.eligibility_conditions or ""
    return frozenset(Condition(part) for part in text.split(_SEPARATOR) if part in known)


def record_eligibility(
    session: Session, program: Program, *, conditions: Set[Condition], override: bool
) -> None:
    """Store the answers in the seed's order; ``override`` marks going ahead against advice."""
    program.eligibility_conditions = _SEPARATOR.join(
        condition.value for condition in Condition if condition in conditions
    )
    program.eligibility_override = override
    session.add(program)
    session.flush()
