"""A person's Slack profile changed (the ``user_change`` event): a new time zone re-plans
every program that sends them something, at the clock's next tick instead of the weekly
refresh."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine

from storage.agenda import mark_agenda_stale
from storage.db import session_scope
from storage.people import programs_planning_for, record_profile


def apply_profile_change(
    engine: Engine,
    *,
    team_id: str,
    user_id: str,
    timezone: str | None,
    deleted: bool,
    now: datetime,
) -> list[int]:
    """Record the profile in one unit of work; returns the programs marked for re-planning
    (none when nothing the planner reads changed)."""
    with session_scope(engine) as session:
        changed = record_profile(
            session, team_id=team_id, user_id=user_id, timezone=timezone, deleted=deleted, now=now
        )
        if not changed:
            return []
        programs = programs_planning_for(session, team_id=team_id, user_id=user_id)
        for program in programs:
            mark_agenda_stale(session, program)
        return [program.id for program in programs if program.id is not None]
