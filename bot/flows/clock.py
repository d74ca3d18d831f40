"""The clock's periodic work that reads or writes the database: which programs to re-plan,
which workspaces are stopped, reminders and nudges to plan, handled events to forget.

The clock's jobs (handlers/jobs.py) call these and make the Slack calls with nothing open.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine

from bot.engine.nudges import plan_setup_nudges
from bot.engine.reminders import plan_survey_reminders
from storage.agenda import stale_programs
from storage.db import session_scope
from storage.events import prune_events
from storage.programs import committed_programs
from storage.workspaces import stopped_teams


def forget_handled_events(engine: Engine, *, older_than: datetime) -> int:
    """Forget event ids handled before ``older_than``; how many were forgotten."""
    return prune_events(engine, older_than=older_than)


def remind_surveys(engine: Engine, *, now: datetime) -> int:
    with session_scope(engine) as session:
        return plan_survey_reminders(session, now=now)


def nudge_setup(engine: Engine, *, now: datetime) -> int:
    with session_scope(engine) as session:
        return plan_setup_nudges(session, now=now)


def stale_to_replan(engine: Engine) -> list[tuple[int, str]]:
    """(program id, team id) of programs whose cohort, slots or dates changed; a program of an
    uninstalled workspace stays stale, planned again after a reinstall."""
    with session_scope(engine) as session:
        stopped = stopped_teams(session)
        return [
            (program.id, program.team_id)
            for program in stale_programs(session)
            if program.id is not None and program.team_id not in stopped
        ]


def running_to_replan(engine: Engine) -> list[tuple[int, str]]:
    """(program id, team id) of every running program of an installed workspace (no
    users.info for a workspace that removed emcoach)."""
    with session_scope(engine) as session:
        stopped = stopped_teams(session)
        return [
            (program.id, program.team_id)
            for program in committed_programs(session)
            if program.id is not None and program.team_id not in stopped
        ]


def stopped_workspaces(engine: Engine) -> set[str]:
    """Teams emcoach was removed from (almost always none)."""
    with session_scope(engine) as session:
        return stopped_teams(session)
