"""Program choice for listeners not yet moved onto flows (pause, criteria, baseline, metrics,
schedule, status, answers): an adapter from an ``Invocation`` to ``bot.flows.programs``.

Listeners on flows choose the program inside their flow's unit of work instead; the helpers
that lived here are re-exported from their new homes so those modules keep importing them.
"""

from __future__ import annotations

from collections.abc import Set
from typing import Any

from slack_bolt import Respond
from sqlmodel import Session

from bot.blocks.picker import build_program_choice
from bot.blocks.reply import Reply
from bot.domain.roles import Role
from bot.flows.programs import Chosen, ProgramAsk
from bot.flows.programs import choose_program as choose_in
from bot.slack.payload import team_of
from handlers.router import Invocation
from storage.models import Program
from storage.programs import is_member, owned_program
from storage.uow import SqlUnitOfWork

__all__ = [
    "Chosen",
    "choose_program",
    "clicked_program",
    "is_member",
    "owned_program",
    "refuse_click",
    "team_of",
]


def choose_program(
    invocation: Invocation, *, subcommand: str, roles: Set[Role] = frozenset({Role.OWNER})
) -> Chosen | Reply:
    """The program ``invocation`` is about, among those where the caller holds ``roles``."""
    ask = ProgramAsk.of(invocation)
    with SqlUnitOfWork(invocation.services.engine) as session:
        chosen = choose_in(session, ask, roles=roles)
    if isinstance(chosen, Chosen):
        return chosen
    return build_program_choice(
        roles=chosen.roles, candidates=chosen.candidates, subcommand=subcommand, args=ask.args
    )


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
