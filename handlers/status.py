"""/emcoach status: the setup sprint's checklist with due dates and the next step as a button."""

from __future__ import annotations

from slack_bolt import App

from bot.blocks.reply import Reply
from bot.blocks.status import build_status
from bot.domain.roles import Audience
from bot.flows.status import sprint_status
from bot.services import Services
from handlers.programs import Chosen, choose_program
from handlers.router import Invocation, Router, Subcommand
from storage.db import session_scope


def show_status(invocation: Invocation) -> Reply | None:
    chosen = choose_program(invocation, subcommand="status")
    if not isinstance(chosen, Chosen):
        return chosen
    with session_scope(invocation.services.engine) as session:
        status = sprint_status(session, chosen.program, now=invocation.services.clock.now())
    return build_status(status)


def register(app: App, services: Services, router: Router) -> None:
    """Adds the subcommand to ``router``; its button reuses the program picker's action."""
    router.add(
        Subcommand(
            name="status",
            usage="status [program]",
            summary="the four-week setup checklist: what's done, due or overdue, and what's next",
            audience=Audience.OWNERS,
            run=show_status,
        )
    )
