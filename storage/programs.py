"""Queries for programs and the people in them. Every query is scoped to one workspace."""

from __future__ import annotations

from sqlmodel import Session, col, select

from bot.domain.roles import Role
from storage.models import Program, ProgramMember


def roles_of(session: Session, *, team_id: str, user_id: str) -> set[Role]:
    """Every role ``user_id`` holds in any program of workspace ``team_id``."""
    statement = (
        select(ProgramMember.role)
        .join(Program, col(Program.id) == col(ProgramMember.program_id))
        .where(Program.team_id == team_id, ProgramMember.user_id == user_id)
    )
    return {Role(value) for value in session.exec(statement).all()}


def programs_of(session: Session, *, team_id: str) -> list[Program]:
    statement = select(Program).where(Program.team_id == team_id).order_by(col(Program.name))
    return list(session.exec(statement).all())
