"""From a committed program's rows to its agenda: build the pure plan input, plan, apply."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timedelta

from slack_sdk import WebClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.domain.cadence import (
    AgendaKind,
    MonthlySlot,
    Pause,
    PlanLeader,
    PlanPod,
    PlanProgram,
    plan,
    skipped_in_pauses,
)
from bot.domain.localtime import local_date
from bot.domain.metrics import Instrument
from bot.domain.program_rules import ProgramState, has_reached
from bot.domain.roles import Role
from bot.engine.people import cached_zones, refresh_zones
from storage.agenda import PlanChange, Wanted, apply_plan, clear_agenda_stale, wanted_rows
from storage.db import session_scope
from storage.models import Program
from storage.pauses import pauses_of
from storage.programs import committed_programs, members, program_by_id
from storage.setup_state import instruments_of, leaders_of, pods_of, reports_of

__all__ = ["committed_programs", "plan_input", "refresh_program_zones", "replan", "replan_program"]

logger = logging.getLogger("emcoach.planning")


def plan_input(session: Session, program: Program) -> PlanProgram:
    """The pure planner's view of ``program``, with everyone's Slack time zone as the
    database knows it (``refresh_program_zones`` asks Slack, outside any transaction)."""
    if program.id is None or program.kickoff_date is None or program.publish_channel_id is None:
        raise ValueError(f"program {program.id} has no kickoff or channel: it cannot be planned")
    owners = tuple(members(session, program_id=program.id, role=Role.OWNER))
    pods: list[PlanPod] = []
    for pod in pods_of(session, program_id=program.id):
        assert pod.id is not None
        ordinal, weekday, at = pod.session_ordinal, pod.session_weekday, pod.session_time
        if pod.coach_id is None or ordinal is None or weekday is None or at is None:
            continue  # commit requires these; a later edit cannot unset them
        leaders = []
        for leader in leaders_of(session, pod_id=pod.id):
            if leader.one_on_one_weekday is None or leader.one_on_one_time is None:
                continue
            assert leader.id is not None
            reports = tuple(reports_of(session, leader_id=leader.id))
            pauses = pauses_of(session, leader_id=leader.id)
            leaders.append(
                PlanLeader(
                    user_id=leader.user_id,
                    timezone=None,  # from person_zones below
                    one_on_one_weekday=leader.one_on_one_weekday,
                    one_on_one_time=leader.one_on_one_time,
                    manager_id=leader.manager_id,
                    report_ids=reports,
                    pauses=tuple(Pause(start=p.start, end=p.end) for p in pauses),
                    left_on=leader.left_on,
                )
            )
        pods.append(
            PlanPod(
                pod_id=str(pod.id),
                coach_id=pod.coach_id,
                coach_timezone=None,
                leaders=tuple(leaders),
                session=MonthlySlot(ordinal=ordinal, weekday=weekday, at=at),
                session_timezone=program.timezone,
            )
        )
    setup_date = local_date(program.created_at, program.timezone)
    planned = PlanProgram(
        program_id=str(program.id),
        kickoff=program.kickoff_date,
        months=program.months,
        timezone=program.timezone,
        owner_ids=owners,
        # The plan needs setup to start before kickoff; a program set up on its kickoff day
        # has its setup counted from the day before.
        setup_date=min(setup_date, program.kickoff_date - timedelta(days=1)),
        publish_channel=program.publish_channel_id,
        pods=tuple(pods),
        person_zones=(),
        emcoach_survey=Instrument.EMCOACH_SURVEY
        in instruments_of(session, program_id=program.id).values(),
    )
    zones = cached_zones(session, team_id=program.team_id, user_ids=people_in(planned))
    return replace(planned, person_zones=tuple(sorted(zones.items())))


def refresh_program_zones(
    engine: Engine, client: WebClient, *, program_id: int, now: datetime
) -> int:
    """Ask Slack for the zones of the program's people not seen for a week; no transaction is
    open while Slack answers. Call it before ``replan`` where a person may be new."""
    with session_scope(engine) as session:
        program = program_by_id(session, program_id=program_id)
        if program is None or program.kickoff_date is None or program.publish_channel_id is None:
            return 0
        team_id, people = program.team_id, people_in(plan_input(session, program))
    return refresh_zones(engine, client, team_id=team_id, user_ids=people, now=now)


def people_in(program: PlanProgram) -> set[str]:
    """Everyone the plan sends something to."""
    people = set(program.owner_ids)
    for pod in program.pods:
        people.add(pod.coach_id)
        for leader in pod.leaders:
            people.update((leader.user_id, *leader.report_ids))
            if leader.manager_id:
                people.add(leader.manager_id)
    return people


def replan(session: Session, program: Program, *, now: datetime) -> PlanChange:
    """Bring a committed program's future agenda in line with its rows; a no-op before commit.

    Called after commit and after every change to the cohort, slots or pauses. Rows already
    due are never touched, so a moved slot re-plans only what is still to come.
    """
    if not has_reached(program.status, ProgramState.COMMITTED) or program.id is None:
        return PlanChange(added=0, moved=0, removed=0)
    if program.status is ProgramState.CLOSED:
        return PlanChange(added=0, moved=0, removed=0)
    plan_program = plan_input(session, program)
    wanted = [
        _survey_not_yet_sent(row, now=now)
        for row in wanted_rows(plan(plan_program), skipped_in_pauses(plan_program))
    ]
    change = apply_plan(session, program_id=program.id, wanted=wanted, now=now)
    logger.info(
        "planned program %s: %d added, %d moved, %d removed",
        program.id,
        change.added,
        change.moved,
        change.removed,
    )
    return change


def replan_program(
    engine: Engine, client: WebClient, *, program_id: int, now: datetime
) -> PlanChange:
    """Refresh the zones of the program's people (Slack, no transaction open), then re-plan
    in one unit of work, which also clears the program's "agenda is stale" mark."""
    refresh_program_zones(engine, client, program_id=program_id, now=now)
    with session_scope(engine) as session:
        program = program_by_id(session, program_id=program_id)
        if program is None:
            return PlanChange(added=0, moved=0, removed=0)
        change = replan(session, program, now=now)
        clear_agenda_stale(session, program)
        return change


def _survey_not_yet_sent(row: Wanted, *, now: datetime) -> Wanted:
    """The baseline survey is due during setup week 4, often before the owner commits: it
    goes out at commit instead — on time for its round, not "late" for a plan that did not
    exist yet. Rows already in the agenda are never rewritten (apply_plan keeps the past)."""
    round_still_open = row.occasion > now.date()
    if row.kind == AgendaKind.SURVEY.value and row.due_at < now and round_still_open:
        return replace(row, due_at=now)
    return row
