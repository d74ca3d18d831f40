"""Renew: the next cohort as a new draft, started from a running or closed program.

Carried over as defaults: the criteria catalog choices (which metrics, and each one's
instrument — never a value), the owners, the budget owner, the publish channel, the zone,
the length, the coaching model and the anonymity threshold. Started anew: the sign-off (the
budget owner signs off the new cycle's criteria), the week-2 coach decision (revisited with
the seed's advice: after a first external cycle, consider an internal mentor), the pods, the
baselines and the dates (kickoff after a new four-week sprint). One unit of work; the new
draft's name is the source's next cycle number, so asking twice finds the first draft.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.blocks.renew import Renewal
from bot.domain.localtime import local_date
from bot.domain.program_rules import ProgramState, has_reached
from bot.domain.roles import Role
from bot.domain.sprint import default_kickoff
from bot.flows.forget import TOMBSTONE_PREFIX
from storage.criteria import replace_criteria
from storage.db import session_scope
from storage.models import Program
from storage.programs import add_member, find_program, get_program, has_role, members
from storage.setup import ProgramSetup, create_program
from storage.setup_state import instruments_of, metrics_of

# "Pilot" → "Pilot (cycle 2)" → "Pilot (cycle 3)": the cycle a renewal starts.
_CYCLE: Final = re.compile(r"^(?P<base>.*?) \(cycle (?P<number>\d+)\)$")
NAME_MAX: Final = 80


class RenewAnswer(enum.StrEnum):
    NOT_FOUND = "not_found"
    NOT_OWNER = "not_owner"
    NOT_COMMITTED = "not_committed"  # still in setup: there is nothing to start again from
    NO_BUDGET_OWNER = "no_budget_owner"
    ALREADY = "already"  # the next cycle's draft exists (asked twice)
    RENEWED = "renewed"


@dataclass(frozen=True, slots=True)
class RenewOutcome:
    answer: RenewAnswer
    program_name: str = ""
    renewal: Renewal | None = None


def next_cycle_name(name: str) -> str:
    """The next cycle's name, within the 80 characters a program name may have."""
    match = _CYCLE.match(name)
    base, number = (match["base"], int(match["number"]) + 1) if match else (name, 2)
    suffix = f" (cycle {number})"
    return base[: NAME_MAX - len(suffix)].rstrip() + suffix


def renew_program(
    engine: Engine, *, team_id: str, user_id: str, program_id: int, now: datetime
) -> RenewOutcome:
    with session_scope(engine) as session:
        source = get_program(session, team_id=team_id, program_id=program_id)
        if source is None or source.id is None:
            return RenewOutcome(answer=RenewAnswer.NOT_FOUND)
        name = source.name
        if not has_role(session, program_id=source.id, user_id=user_id, role=Role.OWNER):
            return RenewOutcome(answer=RenewAnswer.NOT_OWNER, program_name=name)
        if not has_reached(source.status, ProgramState.COMMITTED):
            return RenewOutcome(answer=RenewAnswer.NOT_COMMITTED, program_name=name)
        if source.budget_owner_id is None or source.budget_owner_id.startswith(TOMBSTONE_PREFIX):
            return RenewOutcome(answer=RenewAnswer.NO_BUDGET_OWNER, program_name=name)
        existing = find_program(session, team_id=team_id, name=next_cycle_name(name))
        if existing is not None and existing.id is not None:
            renewal = _renewal(session, existing, source=source)
            return RenewOutcome(answer=RenewAnswer.ALREADY, program_name=name, renewal=renewal)
        draft = _draft(session, source, user_id=user_id, now=now)
        renewal = _renewal(session, draft, source=source)
    return RenewOutcome(answer=RenewAnswer.RENEWED, program_name=name, renewal=renewal)


def _draft(session: Session, source: Program, *, user_id: str, now: datetime) -> Program:
    assert source.id is not None and source.budget_owner_id is not None
    today = local_date(now, source.timezone)
    draft = create_program(
        session,
        team_id=source.team_id,
        setup=ProgramSetup(
            name=next_cycle_name(source.name),
            publish_channel_id=source.publish_channel_id or "",
            kickoff=default_kickoff(today),
            months=source.months,
            timezone=source.timezone,
            budget_owner_id=source.budget_owner_id,
            coaching_model=source.coaching_model or "",
        ),
        created_by=user_id,
        now=now,
    )
    assert draft.id is not None
    # Defaults as the source had them; the setup modal changes any of them.
    draft.publish_channel_id = source.publish_channel_id
    draft.coaching_model = source.coaching_model
    draft.anonymity_threshold = source.anonymity_threshold
    for owner in members(session, program_id=source.id, role=Role.OWNER):
        if not owner.startswith(TOMBSTONE_PREFIX):
            add_member(
                session,
                program_id=draft.id,
                user_id=owner,
                role=Role.OWNER,
                added_by=user_id,
                now=now,
            )
    # The same catalog choices, frozen afresh from today's catalog, waiting for a sign-off.
    replace_criteria(session, program=draft, metrics=metrics_of(session, program_id=source.id))
    session.add(draft)
    session.flush()
    return draft


def _renewal(session: Session, draft: Program, *, source: Program) -> Renewal:
    assert draft.id is not None and draft.kickoff_date is not None
    instruments = instruments_of(session, program_id=draft.id)
    return Renewal(
        program_id=draft.id,
        name=draft.name,
        source_name=source.name,
        criteria=tuple(
            (metric.short_name, instruments[metric.id.value].value)
            for metric in metrics_of(session, program_id=draft.id)
        ),
        owners=tuple(members(session, program_id=draft.id, role=Role.OWNER)),
        budget_owner_id=draft.budget_owner_id or "",
        channel_id=draft.publish_channel_id,
        kickoff=draft.kickoff_date,
        months=draft.months,
        coaching_model=draft.coaching_model,
        previous_coach_decision=source.coach_decision,
    )
