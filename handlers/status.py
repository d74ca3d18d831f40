"""/emcoach status: the setup sprint's checklist with due dates and the next step as a button."""

from __future__ import annotations

from slack_bolt import App

from bot.blocks.picker import build_program_choice
from bot.blocks.reply import Reply
from bot.blocks.status import build_status
from bot.domain.roles import Audience
from bot.flows.programs import NotChosen, ProgramAsk
from bot.flows.status import asked_status
from bot.flows.work import unit_of_work
from bot.services import Services
from handlers.router import Invocation, Router, Subcommand


def show_status(invocation: Invocation) -> Reply | None:
    ask = ProgramAsk.of(invocation)
    status = asked_status(
        unit_of_work(invocation.services.engine), ask=ask, now=invocation.services.clock.now()
    )
    if isinstance(status, NotChosen):
        return build_program_choice(
            roles=status.roles, candidates=status.candidates, subcommand="status", args=ask.args
        )
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
