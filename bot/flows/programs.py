"""Which program a request is about, chosen inside the request's own unit of work.

A leading program name (quoted when it has spaces) picks it; with one candidate it is
implied; with several the person is asked which; with none, what to do instead (the
listener builds both answers with ``bot.blocks.picker.build_program_choice``).
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass
from typing import Protocol

from sqlmodel import Session

from bot.domain.roles import Role
from storage.models import Program
from storage.programs import get_program, owned_program, programs_where
from storage.uow import UnitOfWork

OWNERS = frozenset({Role.OWNER})


@dataclass(frozen=True, slots=True)
class Chosen:
    program: Program
    args: str  # the arguments left after the program's name


@dataclass(frozen=True, slots=True)
class NotChosen:
    """No program could be implied: none held (``candidates`` empty), or several to pick."""

    roles: frozenset[Role]
    candidates: tuple[tuple[int, str], ...] = ()


class Asking(Protocol):
    """Anything that says who asks and with what arguments (a listener's invocation)."""

    @property
    def team_id(self) -> str: ...
    @property
    def user_id(self) -> str: ...
    @property
    def args(self) -> str: ...
    @property
    def program_id(self) -> int | None: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class ProgramAsk:
    """Who asks, and how they named the program (typed arguments, or a picked program)."""

    team_id: str
    user_id: str
    args: str
    program_id: int | None = None  # set when the person picked one from a "which program?"

    @classmethod
    def of(cls, asking: Asking) -> ProgramAsk:
        return cls(
            team_id=asking.team_id,
            user_id=asking.user_id,
            args=asking.args,
            program_id=asking.program_id,
        )


def choose_program(
    session: Session, ask: ProgramAsk, *, roles: Set[Role] = OWNERS
) -> Chosen | NotChosen:
    """The program ``ask`` is about among those where the caller holds ``roles``; the row is
    live in ``session`` (the caller's unit of work), never passed on detached."""
    candidates = programs_where(session, team_id=ask.team_id, user_id=ask.user_id, roles=roles)
    if ask.program_id is not None:
        program = get_program(session, team_id=ask.team_id, program_id=ask.program_id)
        if program is not None and program in candidates:
            return Chosen(program=program, args=ask.args)
    if not candidates:
        return NotChosen(roles=frozenset(roles))
    named = _named(ask.args, candidates)
    if named is not None:
        return named
    if len(candidates) == 1:
        return Chosen(program=candidates[0], args=ask.args)
    listed = tuple((program.id, program.name) for program in candidates if program.id)
    return NotChosen(roles=frozenset(roles), candidates=listed)


def _named(args: str, candidates: list[Program]) -> Chosen | None:
    """A program named at the start of ``args``, bare or in straight or curly quotes."""
    text = args.strip()
    lowered = text.lower()
    for program in sorted(candidates, key=lambda candidate: -len(candidate.name)):
        name = program.name.lower()
        for opening, closing in (('"', '"'), ("“", "”"), ("", "")):
            prefix = f"{opening}{name}{closing}"
            rest = lowered[len(prefix) :]
            if lowered.startswith(prefix) and (not rest or rest[0].isspace()):
                return Chosen(program=program, args=text[len(prefix) :].strip())
    return None


def owned(
    session: Session, *, team_id: str, user_id: str, program_id: int | None
) -> Program | None:
    """The program a click or modal is about, only if ``user_id`` owns it now (a button or a
    modal may outlive the person's role); None when it is gone or not theirs."""
    if program_id is None:
        return None
    return owned_program(session, team_id=team_id, program_id=program_id, user_id=user_id)


def choose_alone(
    uow: UnitOfWork, ask: ProgramAsk, *, roles: Set[Role] = OWNERS
) -> Chosen | NotChosen:
    """``choose_program`` in a unit of work of its own, for a flow that acts on the chosen
    program's id in its own unit of work: the row returned is detached (read, not changed)."""
    with uow as session:
        return choose_program(session, ask, roles=roles)
