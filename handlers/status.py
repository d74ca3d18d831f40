"""/emcoach status: the setup sprint's checklist with due dates and the next step as a button."""

from __future__ import annotations

from slack_bolt import App

from bot.blocks.reply import Reply
from bot.blocks.status import SprintStatus, build_status
from bot.domain.localtime import local_date
from bot.domain.program_rules import ProgramState
from bot.domain.roles import Audience
from bot.domain.sprint import next_action, sprint_checklist
from bot.services import Services
from handlers.programs import Chosen, choose_program
from handlers.router import Invocation, Router, Subcommand
from storage.db import session_scope
from storage.setup_state import setup_state, sprint_weeks_done


def show_status(invocation: Invocation) -> Reply | None:
    chosen = choose_program(invocation, subcommand="status")
    if not isinstance(chosen, Chosen):
        return chosen
    program = chosen.program
    assert program.id is not None
    with session_scope(invocation.services.engine) as session:
        # Committed: every week is done and the commit readiness list is not shown, so
        # nothing more is read (a session that runs no query opens no connection).
        state = setup_state(session, program) if program.committed_at is None else None
        done = sprint_weeks_done(session, program, state=state)
    missing = state.missing if state is not None else ()
    # Due dates count from the day of setup in the program's zone, as the nudges do.
    setup_date = local_date(program.created_at, program.timezone)
    today = local_date(invocation.services.clock.now(), program.timezone)
    status = SprintStatus(
        program_id=program.id,
        program_name=program.name,
        setup_date=setup_date,
        today=today,
        steps=sprint_checklist(setup_date, today=today, done=done),
        next_step=next_action(setup_date, today=today, done=done),
        missing=missing,
        committed_on=(
            local_date(program.committed_at, program.timezone) if program.committed_at else None
        ),
        kickoff=program.kickoff_date,
        months=program.months,
        posting=program.status is ProgramState.COMMITTING,
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
