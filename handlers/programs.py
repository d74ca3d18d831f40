"""Which program a command is about: named in the arguments, the only one, or picked."""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass
from typing import Any

from slack_bolt import Respond
from sqlmodel import Session

from bot.blocks.picker import build_program_picker
from bot.blocks.reply import Reply
from bot.domain.roles import Role
from bot.slack_names import COMMAND
from handlers.router import Invocation
from storage.db import session_scope
from storage.models import Program
from storage.programs import get_program, has_role, programs_where


@dataclass(frozen=True, slots=True)
class Chosen:
    program: Program
    args: str  # the arguments left after the program's name


_ROLE_WORDS = {
    Role.OWNER: "an owner",
    Role.BUDGET_OWNER: "the budget owner",
    Role.COACH: "a coach",
    Role.LEADER: "a leader",
    Role.MANAGER: "a leader's manager",
}


def choose_program(
    invocation: Invocation, *, subcommand: str, roles: Set[Role] = frozenset({Role.OWNER})
) -> Chosen | Reply:
    """The program ``invocation`` is about, among those where the caller holds ``roles``.

    A leading program name (quoted when it has spaces) picks it; with one candidate it is
    implied; with several the person gets a picker; with none, what to do instead.
    """
    with session_scope(invocation.services.engine) as session:
        candidates = programs_where(
            session, team_id=invocation.team_id, user_id=invocation.user_id, roles=roles
        )
        if invocation.program_id is not None:
            program = get_program(
                session, team_id=invocation.team_id, program_id=invocation.program_id
            )
            if program is not None and program in candidates:
                return Chosen(program=program, args=invocation.args)
    if not candidates:
        return Reply(text=_no_program_text(roles))
    named = _named(invocation.args, candidates)
    if named is not None:
        return named
    if len(candidates) == 1:
        return Chosen(program=candidates[0], args=invocation.args)
    return build_program_picker(
        subcommand=subcommand,
        args=invocation.args,
        programs=[(program.id, program.name) for program in candidates if program.id],
    )


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


def _no_program_text(roles: Set[Role]) -> str:
    who = " or ".join(sorted(_ROLE_WORDS[role] for role in roles))
    if Role.OWNER in roles:
        return (
            f"You aren't {who} of any program here yet. Start one with `{COMMAND} setup`, or "
            "ask a program's owner to add you with `/emcoach owner add @you`."
        )
    return f"You aren't {who} of any program here. Type `{COMMAND} help` to see what you can do."


def is_member(session: Session, *, team_id: str, program_id: int, user_id: str) -> bool:
    """True when ``user_id`` holds any role in the program: who may hear who runs it."""
    programs = programs_where(session, team_id=team_id, user_id=user_id, roles=set(Role))
    return any(program.id == program_id for program in programs)


def team_of(body: dict[str, Any]) -> str:
    """The workspace of an interaction payload (block action or view submission)."""
    user = body.get("user") or {}
    return str((body.get("team") or {}).get("id") or user.get("team_id", ""))


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


def clicked_program(
    session: Session, body: dict[str, Any], *, program_id: int | None
) -> Program | None:
    """The program a button click is about, only if the clicker owns it now; None when the
    thing clicked on is gone (``program_id`` None) or their role is."""
    if program_id is None:
        return None
    return owned_program(
        session, team_id=team_of(body), program_id=program_id, user_id=body["user"]["id"]
    )


def refuse_click(respond: Respond, text: str) -> None:
    """An ephemeral answer to a click, leaving the message clicked on as it was."""
    respond(text=text, response_type="ephemeral", replace_original=False)
