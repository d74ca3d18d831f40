"""Where a program stands in the setup sprint: what `/emcoach status` and the owner's App Home
show."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.blocks.status import SprintStatus
from bot.domain.localtime import local_date
from bot.domain.program_rules import ProgramState
from bot.domain.sprint import next_action, sprint_checklist
from bot.flows.programs import NotChosen, ProgramAsk, choose_program
from storage.models import Program
from storage.setup_state import setup_state, sprint_weeks_done
from storage.uow import UnitOfWork


def asked_status(uow: UnitOfWork, *, ask: ProgramAsk, now: datetime) -> SprintStatus | NotChosen:
    """`/emcoach status`: the program asked about (owners), and where it stands."""
    with uow as session:
        chosen = choose_program(session, ask)
        if isinstance(chosen, NotChosen):
            return chosen
        return sprint_status(session, chosen.program, now=now)


def sprint_status(session: Session, program: Program, *, now: datetime) -> SprintStatus:
    assert program.id is not None
    # Committed: every week is done and the commit readiness list is not shown, so nothing
    # more is read (a session that runs no query opens no connection).
    state = setup_state(session, program) if program.committed_at is None else None
    done = sprint_weeks_done(session, program, state=state)
    missing = state.missing if state is not None else ()
    # Due dates count from the day of setup in the program's zone, as the nudges do.
    setup_date = local_date(program.created_at, program.timezone)
    today = local_date(now, program.timezone)
    return SprintStatus(
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
        closed=program.status is ProgramState.CLOSED,
    )
