"""The criteria's sign-off: the owner's picker (`/emcoach criteria`), and the budget owner's
Approve / Request changes on the request in their DM. Only the budget owner's click counts,
and only for the criteria as they still are (the hash in the button must match the
program's). The criteria themselves are saved by ``bot.flows.criteria``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.blocks.criteria import (
    SignoffRef,
    SignoffRequest,
    already_signed_text,
    not_budget_owner_text,
    program_gone_text,
    superseded_text,
)
from bot.domain.metrics import Instrument
from bot.domain.roles import Role
from bot.flows.criteria import picker_of, signoff_request
from bot.flows.outcomes import Refused
from bot.flows.programs import NotChosen, ProgramAsk, choose_alone
from storage.criteria import record_signoff
from storage.db import session_scope
from storage.models import Program
from storage.programs import get_program, members
from storage.uow import UnitOfWork


@dataclass(frozen=True, slots=True, kw_only=True)
class PickerForm:
    """What the criteria modal opens with."""

    program_id: int
    program_name: str
    selected: tuple[str, ...]
    instrument: Instrument | None
    signed_off_by: str | None
    committed: bool


def criteria_picker(
    uow: UnitOfWork, engine: Engine, *, ask: ProgramAsk, now: datetime
) -> NotChosen | Refused | PickerForm:
    """`/emcoach criteria [program]`: the picker, unless a change would be refused now."""
    chosen = choose_alone(uow, ask)
    if isinstance(chosen, NotChosen):
        return chosen
    program = chosen.program
    assert program.id is not None
    picker = picker_of(engine, program, now=now)
    if picker.refusal is not None:
        return Refused(picker.refusal)
    return PickerForm(
        program_id=program.id,
        program_name=program.name,
        selected=picker.selected,
        instrument=picker.instrument,
        signed_off_by=program.signed_off_by,
        committed=program.committed_at is not None,
    )


def click_refusal(program: Program | None, *, user_id: str, ref: SignoffRef) -> str | None:
    """Why this click cannot count, or None: only the budget owner, only the current set."""
    if program is None:
        return program_gone_text()
    if user_id != program.budget_owner_id:
        return not_budget_owner_text(
            program_name=program.name, budget_owner_id=program.budget_owner_id
        )
    if ref.criteria_hash != program.criteria_hash:
        return superseded_text()
    if program.signed_off_at is not None:
        return already_signed_text(at=program.signed_off_at, timezone=program.timezone)
    return None


@dataclass(frozen=True, slots=True, kw_only=True)
class Answered:
    """The request as it stands, who to tell (the owners) and in which zone."""

    request: SignoffRequest
    owners: list[str]
    timezone: str


def _answered(session: Session, program: Program, ref: SignoffRef) -> Answered:
    assert program.id is not None
    request = signoff_request(session, program, requested_by=ref.requested_by)
    owners = members(session, program_id=program.id, role=Role.OWNER)
    return Answered(request=request, owners=owners, timezone=program.timezone)


def approve(
    engine: Engine, *, team_id: str, user_id: str, ref: SignoffRef, now: datetime
) -> Answered | Refused:
    """The budget owner's Approve: the sign-off recorded for the criteria as they are."""
    with session_scope(engine) as session:
        program = get_program(session, team_id=team_id, program_id=ref.program_id)
        refusal = click_refusal(program, user_id=user_id, ref=ref)
        if refusal is not None:
            return Refused(refusal)
        assert program is not None
        assert program.id is not None
        if not record_signoff(
            session,
            program_id=program.id,
            criteria_hash=ref.criteria_hash,
            user_id=user_id,
            now=now,
        ):
            # Lost a race with a change or a second click: answer as the checks above would
            # have, had the winner been a moment quicker ("already approved", "changed").
            session.refresh(program)
            return Refused(click_refusal(program, user_id=user_id, ref=ref) or superseded_text())
        return _answered(session, program, ref)


def changes_asked(engine: Engine, *, team_id: str, user_id: str, ref: SignoffRef) -> str | Refused:
    """The budget owner's Request changes: the program's name for the comment modal."""
    with session_scope(engine) as session:
        program = get_program(session, team_id=team_id, program_id=ref.program_id)
        refusal = click_refusal(program, user_id=user_id, ref=ref)
        if refusal is not None:
            return Refused(refusal)
        assert program is not None
        return program.name


def changes_commented(
    engine: Engine, *, team_id: str, user_id: str, ref: SignoffRef
) -> Answered | Refused:
    """The budget owner's comment, checked again (the modal may have been open a while)."""
    with session_scope(engine) as session:
        program = get_program(session, team_id=team_id, program_id=ref.program_id)
        refusal = click_refusal(program, user_id=user_id, ref=ref)
        if refusal is not None:
            return Refused(refusal)
        assert program is not None
        return _answered(session, program, ref)
