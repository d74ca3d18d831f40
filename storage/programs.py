"""Queries for programs and the people in them. Every query is scoped to one workspace."""

from __future__ import annotations

from collections.abc import Set
from concurrent.futures import Future
from datetime import datetime

from sqlalchemy import bindparam
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlmodel import Session, col, func, select

from bot.domain.program_rules import ProgramState
from bot.domain.roles import Role
from storage.db import READ_ONLY, SINGLE_READ, note_affected
from storage.deadline import result_within, started
from storage.models import Program, ProgramMember

# Built once: every /emcoach call runs it, so it is a Core statement with bind parameters
# (no ORM session, no per-call statement building) — see benchmarks/ack_latency.py.
_ROLES_OF = (
    sa_select(col(ProgramMember.role))
    .join(Program, col(Program.id) == col(ProgramMember.program_id))
    .where(
        col(Program.team_id) == bindparam("team_id"),
        col(ProgramMember.user_id) == bindparam("user_id"),
    )
    .distinct()
)


def roles_of(connection: Connection, *, team_id: str, user_id: str) -> set[Role]:
    """Every role ``user_id`` holds in any program of workspace ``team_id``."""
    rows = connection.execute(_ROLES_OF, {"team_id": team_id, "user_id": user_id})
    return {Role(value) for (value,) in rows}


def roles_within(engine: Engine, *, team_id: str, user_id: str, seconds: float) -> set[Role]:
    """``roles_of`` on a connection of its own, answered within ``seconds`` or raising
    DatabaseUnavailable: every /emcoach call asks it before its 3-second acknowledgement."""
    return result_within(seconds, roles_started(engine, team_id=team_id, user_id=user_id))


def roles_started(engine: Engine, *, team_id: str, user_id: str) -> Future[set[Role]]:
    """The lookup ``roles_within`` waits for, under way on a thread of its own.

    The statement goes to the driver as SQL compiled once per dialect, with no transaction
    around it on SQLite (``SINGLE_READ``): the same query and answer, at about two thirds of
    the CPU of compiling-from-cache and a BEGIN (benchmarks/ack_latency.py).
    """
    sql, names = _roles_sql(engine.dialect)
    values = {"team_id": team_id, "user_id": user_id}
    params = tuple(values[name] for name in names) if names is not None else values

    def lookup() -> set[Role]:
        with engine.connect() as connection:
            connection.execution_options(**{SINGLE_READ: True, READ_ONLY: True})
            return {Role(value) for (value,) in connection.exec_driver_sql(sql, params)}

    return started(lookup)


_ROLES_SQL: dict[str, tuple[str, tuple[str, ...] | None]] = {}


def _roles_sql(dialect: Dialect) -> tuple[str, tuple[str, ...] | None]:
    """``_ROLES_OF`` as ``dialect``'s driver takes it: the SQL, and the order of the
    parameters when the driver's are positional (None: by name)."""
    cached = _ROLES_SQL.get(dialect.name)
    if cached is None:
        compiled = _ROLES_OF.compile(dialect=dialect)
        names = tuple(compiled.positiontup or ()) if compiled.positional else None
        cached = _ROLES_SQL[dialect.name] = (compiled.string, names)
    return cached


def programs_of(session: Session, *, team_id: str) -> list[Program]:
    statement = select(Program).where(Program.team_id == team_id).order_by(col(Program.name))
    return list(session.exec(statement).all())


# Built once, like _ROLES_OF: most commands and clicks start with it, and building it took as
# long as running it (benchmarks/ack_latency.py --scenario status).
_PROGRAMS_WHERE = (
    select(Program)
    .join(ProgramMember, col(Program.id) == col(ProgramMember.program_id))
    .where(
        col(Program.team_id) == bindparam("team_id"),
        col(ProgramMember.user_id) == bindparam("user_id"),
        col(ProgramMember.role).in_(bindparam("roles", expanding=True)),
    )
    .distinct()
    .order_by(col(Program.name))
)


def programs_where(
    session: Session, *, team_id: str, user_id: str, roles: Set[Role]
) -> list[Program]:
    """Programs of the workspace in which ``user_id`` holds any of ``roles``, by name."""
    params = {"team_id": team_id, "user_id": user_id, "roles": [role.value for role in roles]}
    return list(session.exec(_PROGRAMS_WHERE, params=params).all())


def get_program(session: Session, *, team_id: str, program_id: int) -> Program | None:
    """The program, only if it belongs to ``team_id`` (one workspace never sees another's)."""
    program = session.get(Program, program_id)
    return program if program is not None and program.team_id == team_id else None


def find_program(session: Session, *, team_id: str, name: str) -> Program | None:
    statement = select(Program).where(
        Program.team_id == team_id, func.lower(Program.name) == name.strip().lower()
    )
    return session.exec(statement).first()


def members(session: Session, *, program_id: int, role: Role) -> list[str]:
    statement = (
        select(ProgramMember.user_id)
        .where(ProgramMember.program_id == program_id, ProgramMember.role == role)
        .order_by(col(ProgramMember.id))
    )
    return list(session.exec(statement).all())


def has_role(session: Session, *, program_id: int, user_id: str, role: Role) -> bool:
    statement = select(ProgramMember.id).where(
        ProgramMember.program_id == program_id,
        ProgramMember.user_id == user_id,
        ProgramMember.role == role,
    )
    return session.exec(statement).first() is not None


def add_member(
    session: Session, *, program_id: int, user_id: str, role: Role, added_by: str, now: datetime
) -> bool:
    """Give ``user_id`` the role; False when they already had it."""
    if has_role(session, program_id=program_id, user_id=user_id, role=role):
        return False
    session.add(
        ProgramMember(
            program_id=program_id, user_id=user_id, role=role, added_by=added_by, added_at=now
        )
    )
    session.flush()
    return True


def remove_member(session: Session, *, program_id: int, user_id: str, role: Role) -> None:
    statement = select(ProgramMember).where(
        ProgramMember.program_id == program_id,
        ProgramMember.user_id == user_id,
        ProgramMember.role == role,
    )
    for member in session.exec(statement).all():
        session.delete(member)
    session.flush()
    note_affected([user_id])


def owned_program(
    session: Session, *, team_id: str, program_id: int, user_id: str
) -> Program | None:
    """The program, only when it is in this workspace and ``user_id`` owns it (checked anew
    on every click and submission: a button or modal may outlive the person's role)."""
    program = get_program(session, team_id=team_id, program_id=program_id)
    if program is None or not has_role(
        session, program_id=program_id, user_id=user_id, role=Role.OWNER
    ):
        return None
    return program


def is_member(session: Session, *, team_id: str, program_id: int, user_id: str) -> bool:
    """True when ``user_id`` holds any role in the program: who may hear who runs it."""
    programs = programs_where(session, team_id=team_id, user_id=user_id, roles=set(Role))
    return any(program.id == program_id for program in programs)


def record_coach_decision(
    session: Session, program: Program, *, decision: str, now: datetime
) -> str | None:
    """Setup week 2's decision (external coach or internal mentor); returns the one before."""
    previous = program.coach_decision
    program.coach_decision = decision
    program.coach_decided_at = now
    session.add(program)
    return previous


def program_by_id(session: Session, *, program_id: int) -> Program | None:
    """The program of any workspace: for the clock's jobs, never for a person's request."""
    return session.get(Program, program_id)


def committed_programs(session: Session) -> list[Program]:
    """Programs whose agenda is planned: committed and not closed."""
    running = [ProgramState.COMMITTED, ProgramState.MIDPOINT_DONE, ProgramState.EVALUATED]
    return list(session.exec(select(Program).where(col(Program.status).in_(running))))


def draft_programs(session: Session) -> list[Program]:
    """Programs not committed yet, of every workspace: their setup sprint is still running."""
    return list(session.exec(select(Program).where(col(Program.committed_at).is_(None))))


def team_programs(session: Session, *, team_id: str) -> list[Program]:
    """Every program of the workspace, in no particular order (``programs_of`` sorts by name)."""
    return list(session.exec(select(Program).where(Program.team_id == team_id)).all())
