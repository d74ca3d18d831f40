"""Forgetting: a person asks emcoach to forget them; an owner deletes a finished program.

**Forget-me** (``/emcoach forget-me``, confirmed with a button) runs as one unit of work in
the person's workspace. Their user id is replaced by a tombstone ``U_FORGOTTEN_<random>``
wherever a row must keep its count — a rating, a session log, a survey response — so every
figure computed or published before stays as it was. The tombstone is random, not a hash of
the user id: nobody can recover who it was by hashing the workspace's member list. Programs
are *running* while their agenda is still sending (committing, committed, month-3 done).

Per table ("→ T": the user id there becomes the tombstone; "text": the id inside the
text, e.g. a mention, is rewritten to the tombstone):

==================  =========================================================================
workspace           nothing: it names no person
person              their row (the cached time zone) is deleted
program             created_by, budget_owner_id, signed_off_by → T (a sign-off stays one)
program_member      deleted where the program is not running; → T in running ones (the
                    role stays filled); added_by → T
criterion           nothing: it names no person
pod                 coach_id → T (the pod keeps its sessions; prompts to the tombstone fail
                    and the owners are alerted to name a new coach)
leader              user_id → T and, in running programs, left_on = today: nothing more is
                    planned about them; manager_id → NULL (the 360 goes without a manager)
direct_report       deleted: only planning reads it, no figure counts it
baseline            recorded_by → T; details, source: text
checkpoint_value    recorded_by → T; details, source: text
deviation           requested_by → T; reason: text
leader_pause        created_by → T; reason: text
agenda_item         in running programs, pending or skipped prompts to or about them are
                    deleted; every other row keeps its state: recipient → T; key, about: text
session_log         logged_by → T (held / not held still counts)
rating              rater_id, about_id → T, the score stays; decided, say_no: text
survey_response     respondent → T: the round's count of people stays
survey_answer       holds no respondent (anonymous throughout); leader_id naming them → T
survey_round        nothing: a count
adjustment          decided_by → T; note: text
processed_event     nothing: event ids and the team only
==================  =========================================================================

Messages already posted in Slack are Slack's: emcoach does not edit published results.

**Delete a program** (``/emcoach delete "<program>"``, owners, confirmed with a button):
everything of the program goes (storage/purge.py). Allowed once it is closed (its month-6
results published and the budget owner's summary recorded: bot/flows/close.py) or before
anything was published (not yet committed); refused while it runs, because its pre-commitment
promises results on a date.

The operator's ``emcoach purge --team T…`` deletes a workspace's data (bot/cli.py).
"""

from __future__ import annotations

import enum
import secrets
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.engine import Engine

from bot.domain.localtime import local_date
from bot.domain.program_rules import ProgramState, has_reached
from bot.domain.roles import Role
from bot.domain.timeline import Timeline
from storage.db import session_scope
from storage.models import Program
from storage.programs import get_program, has_role, team_programs
from storage.purge import Forgotten, delete_program, forget_person

TOMBSTONE_PREFIX = "U_FORGOTTEN_"
# The agenda is still sending: the program's people must keep their rows' counts.
RUNNING = frozenset({ProgramState.COMMITTING, ProgramState.COMMITTED, ProgramState.MIDPOINT_DONE})


def new_tombstone() -> str:
    return TOMBSTONE_PREFIX + secrets.token_hex(6).upper()


def forget_me(engine: Engine, *, team_id: str, user_id: str, now: datetime) -> Forgotten:
    """Forget ``user_id`` in ``team_id`` (see the table above), in one transaction."""
    with session_scope(engine) as session:
        programs = team_programs(session, team_id=team_id)
        running = [p.id for p in programs if p.id is not None and p.status in RUNNING]
        today: date = now.date()
        if programs:
            today = local_date(now, programs[0].timezone)
        return forget_person(
            session,
            team_id=team_id,
            user_id=user_id,
            tombstone=new_tombstone(),
            running=running,
            today=today,
        )


class Deletion(enum.StrEnum):
    NOT_FOUND = "not_found"
    NOT_OWNER = "not_owner"
    RUNNING = "running"
    DELETED = "deleted"


@dataclass(frozen=True, slots=True)
class DeleteOutcome:
    answer: Deletion
    program_name: str = ""
    evaluation: date | None = None  # when a running program's results are due
    rows: int = 0
    closing: bool = False  # evaluated, and closes on the clock's next tick


def deletable(status: ProgramState) -> bool:
    """Closed, or nothing published yet. An evaluated program is closing (its budget owner's
    summary is recorded on the clock's next tick): it waits that moment, so the summary of
    what was signed off is never lost to a delete."""
    return status is ProgramState.CLOSED or not has_reached(status, ProgramState.COMMITTING)


def delete_owned_program(
    engine: Engine, *, team_id: str, user_id: str, program_id: int
) -> DeleteOutcome:
    """An owner's confirmed "delete": re-checked here, since the button may be old."""
    with session_scope(engine) as session:
        program = get_program(session, team_id=team_id, program_id=program_id)
        if program is None or program.id is None:
            return DeleteOutcome(answer=Deletion.NOT_FOUND)
        name = program.name
        if not has_role(session, program_id=program.id, user_id=user_id, role=Role.OWNER):
            return DeleteOutcome(answer=Deletion.NOT_OWNER, program_name=name)
        if not deletable(program.status):
            return DeleteOutcome(
                answer=Deletion.RUNNING,
                program_name=name,
                evaluation=evaluation_of(program),
                closing=program.status is ProgramState.EVALUATED,
            )
        counts = delete_program(session, program_id=program.id)
    return DeleteOutcome(answer=Deletion.DELETED, program_name=name, rows=sum(counts.values()))


def evaluation_of(program: Program) -> date | None:
    if program.kickoff_date is None:
        return None
    return Timeline(kickoff=program.kickoff_date, months=program.months).evaluation
