"""End-of-week nudges for the setup sprint: agenda rows for the owners of draft programs."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.domain.cadence import AgendaKind, AgendaState
from bot.domain.localtime import local_date
from bot.domain.roles import Role
from bot.domain.sprint import weeks_needing_nudge
from storage.agenda import Wanted, add_once
from storage.programs import draft_programs, members
from storage.setup_state import sprint_weeks_done


def setup_nudge_key(week: int, owner: str) -> str:
    return f"setup_nudge:week{week}:{owner}"


def plan_setup_nudges(session: Session, *, now: datetime) -> int:
    """Add one nudge per owner for each ended setup week whose step is not done.

    Keys make this idempotent: a week is nudged once, even if the job runs every hour or
    missed a few runs while emcoach was down.
    """
    added = 0
    # Not committed yet: the setup sprint is still running.
    drafts = draft_programs(session)
    for program in drafts:
        assert program.id is not None
        today = local_date(now, program.timezone)
        setup_date = local_date(program.created_at, program.timezone)
        weeks = weeks_needing_nudge(
            setup_date, today=today, done=sprint_weeks_done(session, program)
        )
        for week in weeks:
            for owner in members(session, program_id=program.id, role=Role.OWNER):
                added += add_once(
                    session,
                    program_id=program.id,
                    row=Wanted(
                        key=setup_nudge_key(week, owner),
                        kind=AgendaKind.SETUP_NUDGE.value,
                        recipient=owner,
                        about=str(week),
                        occasion=today,
                        due_at=now,
                        state=AgendaState.PENDING,
                    ),
                )
    return added
