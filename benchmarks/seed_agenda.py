"""Deterministic programs and agenda rows for ``benchmarks/dispatch.py``, inserted fast.

Rows go in through bulk Core inserts (one ``executemany`` per table and chunk), not the ORM:
seeding 100,000 programs one ORM object at a time would take longer than everything measured.

Two kinds of program share one database:

* **full**: a committed program as the setup sprint leaves it (a pod, its coach, four leaders
  with a manager, slots and three direct reports each, members and cached time zones). Its
  agenda comes from the real planner, so the renderer finds every leader, pod and person a row
  names, exactly as in production.
* **bare**: only the program row and its future agenda. The idle tick reads nothing but the
  agenda, so at 100,000 programs these stand for the bulk of a big installation at a fraction
  of the seeding time.

Every program gets ``FUTURE_ROWS_PER_PROGRAM`` pending rows due after ``NOW``: a tick that
looked at programs or scanned the table would pay for them; one that follows the
``ix_agenda_state_due`` index does not.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Collection, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Table, insert, text
from sqlalchemy.engine import Connection, Engine
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers every table in SQLModel.metadata)
from bot.domain.cadence import (
    AgendaItem,
    AgendaKind,
    AgendaState,
    MonthlySlot,
    PlanLeader,
    PlanPod,
    PlanProgram,
    plan,
)
from bot.domain.program_rules import ProgramState
from bot.domain.roles import Role
from bot.domain.timeline import Timeline

NOW = datetime(2027, 6, 7, 9, 0, tzinfo=UTC)
"""The benchmark's instant: a Monday in month 5, so every kind of prompt (1:1s, pod sessions,
360s, surveys, digests, the month-3 checkpoint) has already been due once."""
KICKOFF = date(2027, 2, 1)
SETUP_DATE = date(2027, 1, 4)
MONTHS = 6
TEAM_ID = "T0BENCH"
LEADERS_PER_PROGRAM = 4
REPORTS_PER_LEADER = 3
FUTURE_ROWS_PER_PROGRAM = 20
CHUNK_PROGRAMS = 500
"""Programs per transaction: bounds the harness's own memory, which peak RSS would count."""
DUE_WITHIN = timedelta(minutes=10)
"""Due rows are spread over the last 10 minutes: inside every kind's grace window (the
shortest is 2 h) and under the 15-minute late notice, so each is sent, worded on time."""

_ZONES = (
    "Europe/Warsaw",
    "America/New_York",
    "Australia/Sydney",
    "Asia/Kolkata",
    "Pacific/Chatham",
    "UTC",
)
# Bare programs' rows in roughly the proportions a 4-leader plan has them: per week three
# prompts per leader's 1:1 and the coach's digest, monthly the pod session's pair.
_BARE_KINDS = (
    *(AgendaKind.ONE_ON_ONE_PRE, AgendaKind.ONE_ON_ONE_POST, AgendaKind.ONE_ON_ONE_LOG) * 4,
    AgendaKind.COACH_DIGEST,
    AgendaKind.POD_PRE,
    AgendaKind.POD_POST,
)
_EXECUTION_LEFT = datetime.combine(Timeline(kickoff=KICKOFF, months=MONTHS).end, time(0), UTC) - NOW


def _table(name: str) -> Table:
    return SQLModel.metadata.tables[name]


def _people(index: int) -> str:
    """The user-id prefix of program ``index``: nobody is in two programs."""
    return f"U{index:06d}"


def plan_program(index: int) -> PlanProgram:
    """Program ``index`` as the planner sees it: one pod, four leaders with three direct
    reports each, people spread over six zones (Chatham's +12:45 included)."""
    people = _people(index)
    zone_of: dict[str, str] = {}
    leaders = []
    for number in range(LEADERS_PER_PROGRAM):
        user_id = f"{people}L{number}"
        manager_id = f"{people}M{number % 2}"
        reports = tuple(f"{user_id}R{report}" for report in range(REPORTS_PER_LEADER))
        zone = _ZONES[(index + number) % len(_ZONES)]
        for person in (user_id, manager_id, *reports):
            zone_of.setdefault(person, zone)
        leaders.append(
            PlanLeader(
                user_id=user_id,
                timezone=None,  # from person_zones, as bot.engine.planning.plan_input does
                one_on_one_weekday=number % 5,
                one_on_one_time=time(9 + 2 * number, 30),
                manager_id=manager_id,
                report_ids=reports,
            )
        )
    timezone = _ZONES[index % len(_ZONES)]
    owner_id, coach_id = f"{people}O", f"{people}C"
    zone_of[owner_id] = timezone
    zone_of[coach_id] = _ZONES[(index + 2) % len(_ZONES)]
    pod = PlanPod(
        pod_id="pod",  # replaced by the stored pod's id once seeded
        coach_id=coach_id,
        coach_timezone=None,
        leaders=tuple(leaders),
        session=MonthlySlot(ordinal=2, weekday=1, at=time(15, 0)),
        session_timezone=timezone,
    )
    return PlanProgram(
        program_id=str(index),  # replaced by the stored program's id once seeded
        kickoff=KICKOFF,
        months=MONTHS,
        timezone=timezone,
        owner_ids=(owner_id,),
        setup_date=SETUP_DATE,
        publish_channel=f"C{index:08d}",
        pods=(pod,),
        person_zones=tuple(sorted(zone_of.items())),
    )


def prepare(engine: Engine) -> None:
    """The workspace every seeded program belongs to."""
    with engine.begin() as connection:
        connection.execute(
            insert(_table("workspace")),
            [{"team_id": TEAM_ID, "name": "Benchmark", "first_seen_at": NOW}],
        )


def seed_programs(engine: Engine, *, count: int, full: int) -> list[PlanProgram]:
    """Insert ``count`` committed programs, the first ``full`` of them complete, each with
    ``FUTURE_ROWS_PER_PROGRAM`` future pending rows; the plans of the full ones, with their
    stored ids, for ``seed_due``."""
    plans: list[PlanProgram] = []
    for start in range(0, count, CHUNK_PROGRAMS):
        indices = range(start, min(count, start + CHUNK_PROGRAMS))
        with engine.begin() as connection:
            program_ids = _insert_ids(connection, "program", [_program_row(i) for i in indices])
            rows: list[dict[str, Any]] = []
            for index, program_id in zip(indices, program_ids, strict=True):
                if index < full:
                    stored = _seed_structure(connection, plan_program(index), program_id)
                    plans.append(stored)
                    future = [item for item in plan(stored) if item.due > NOW]
                    future.sort(key=lambda item: item.due)
                    rows += [
                        _agenda_row(program_id, item, item.due)
                        for item in future[:FUTURE_ROWS_PER_PROGRAM]
                    ]
                else:
                    rows += _bare_future_rows(index, program_id)
            connection.execute(insert(_table("agenda_item")), rows)
    return plans


def seed_due(engine: Engine, plans: Sequence[PlanProgram], *, per_program: int) -> dict[str, int]:
    """Make ``per_program`` of each program's past prompts due again now, as if emcoach had
    been busy elsewhere: a random (seeded) sample, so the kinds come in the plan's own
    proportions. Returns how many of each kind."""
    rows: list[dict[str, Any]] = []
    kinds: dict[str, int] = {}
    offsets = _due_offsets()
    for stored in plans:
        past = [item for item in plan(stored) if item.due <= NOW]
        for item in random.Random(stored.program_id).sample(past, per_program):
            rows.append(_agenda_row(int(stored.program_id), item, NOW - next(offsets)))
            kinds[item.kind.value] = kinds.get(item.kind.value, 0) + 1
    with engine.begin() as connection:
        connection.execute(insert(_table("agenda_item")), rows)
    return kinds


def seed_due_kinds(
    engine: Engine, plans: Sequence[PlanProgram], *, kinds: Collection[AgendaKind]
) -> int:
    """Make every past prompt of ``kinds`` due again now (spread as ``seed_due`` spreads them),
    for benchmarks that answer prompts; how many rows."""
    offsets = _due_offsets()
    rows = [
        _agenda_row(int(stored.program_id), item, NOW - next(offsets))
        for stored in plans
        for item in plan(stored)
        if item.due <= NOW and item.kind in kinds
    ]
    with engine.begin() as connection:
        connection.execute(insert(_table("agenda_item")), rows)
    return len(rows)


def analyze(engine: Engine) -> None:
    """On Postgres, fresh planner statistics, as autovacuum gives a table that grew over months
    instead of seconds. Not on SQLite: emcoach never runs ANALYZE there, and its statistics
    would change the plans being measured (an index on ``state`` looks useless to SQLite once
    it has counted that nearly every row has the same state)."""
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))


def agenda_rows(engine: Engine) -> int:
    with engine.connect() as connection:
        count = connection.execute(text("SELECT count(*) FROM agenda_item")).scalar_one()
        return int(count)


def _due_offsets() -> Iterator[timedelta]:
    """1 s to ``DUE_WITHIN`` ago, stepping 7 s and wrapping around."""
    span = int(DUE_WITHIN.total_seconds())
    for number in itertools.count():
        yield timedelta(seconds=1 + number * 7 % span)


def _insert_ids(connection: Connection, table_name: str, rows: list[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` in one executemany and return their new ids in the same order."""
    table = _table(table_name)
    result = connection.execute(
        insert(table).returning(table.c.id, sort_by_parameter_order=True), rows
    )
    return [int(row_id) for row_id in result.scalars()]


def _program_row(index: int) -> dict[str, Any]:
    spec = plan_program(index)
    owner_id = spec.owner_ids[0]
    return {
        "team_id": TEAM_ID,
        "name": f"Program {index:06d}",
        "status": ProgramState.COMMITTED,
        "publish_channel_id": spec.publish_channel,
        "kickoff_date": KICKOFF,
        "months": MONTHS,
        "timezone": spec.timezone,
        "budget_owner_id": owner_id,
        "coaching_model": "external_pod",
        "created_by": owner_id,
        "created_at": datetime.combine(SETUP_DATE, time(9), UTC),
        "eligibility_override": False,
        "anonymity_threshold": 3,
        "committed_at": datetime.combine(SETUP_DATE + timedelta(days=21), time(9), UTC),
        "commitment_channel_id": spec.publish_channel,
        "commitment_ts": "1800000000.000100",
        "agenda_stale": False,
    }


def _seed_structure(connection: Connection, spec: PlanProgram, program_id: int) -> PlanProgram:
    """Pod, leaders, reports, members and cached zones of a full program; its plan input with
    the stored ids, so planned rows point at stored rows."""
    (pod_spec,) = spec.pods
    (pod_id,) = _insert_ids(
        connection,
        "pod",
        [
            {
                "program_id": program_id,
                "name": "Pod 1",
                "coach_id": pod_spec.coach_id,
                "session_ordinal": pod_spec.session.ordinal,
                "session_weekday": pod_spec.session.weekday,
                "session_time": pod_spec.session.at,
            }
        ],
    )
    added_at = datetime.combine(SETUP_DATE, time(10), UTC)
    leader_ids = _insert_ids(
        connection,
        "leader",
        [
            {
                "program_id": program_id,
                "pod_id": pod_id,
                "user_id": leader.user_id,
                "manager_id": leader.manager_id,
                "one_on_one_weekday": leader.one_on_one_weekday,
                "one_on_one_time": leader.one_on_one_time,
                "added_at": added_at,
            }
            for leader in pod_spec.leaders
        ],
    )
    connection.execute(
        insert(_table("direct_report")),
        [
            {"leader_id": leader_id, "user_id": report}
            for leader_id, leader in zip(leader_ids, pod_spec.leaders, strict=True)
            for report in leader.report_ids
        ],
    )
    roles = [
        *((owner, Role.OWNER) for owner in spec.owner_ids),
        (pod_spec.coach_id, Role.COACH),
        *((leader.user_id, Role.LEADER) for leader in pod_spec.leaders),
    ]
    connection.execute(
        insert(_table("program_member")),
        [
            {
                "program_id": program_id,
                "user_id": user_id,
                "role": role,
                "added_by": spec.owner_ids[0],
                "added_at": added_at,
            }
            for user_id, role in roles
        ],
    )
    connection.execute(
        insert(_table("person")),
        [
            {
                "team_id": TEAM_ID,
                "user_id": user_id,
                "timezone": zone,
                "deleted": False,
                "refreshed_at": NOW,
            }
            for user_id, zone in spec.person_zones
        ],
    )
    return replace(spec, program_id=str(program_id), pods=(replace(pod_spec, pod_id=str(pod_id)),))


def _agenda_row(program_id: int, item: AgendaItem, due: datetime) -> dict[str, Any]:
    return {
        "program_id": program_id,
        "key": item.key,
        "kind": item.kind.value,
        "recipient": item.recipient,
        "about": item.about,
        "occasion": item.occasion,
        "due_at": due,
        "state": AgendaState.PENDING,
        "attempts": 0,
    }


def _bare_future_rows(index: int, program_id: int) -> list[dict[str, Any]]:
    """Synthetic future rows, spread evenly over the rest of the program (programs offset by
    seconds so the due instants do not pile up on a few values)."""
    people = _people(index)
    step = _EXECUTION_LEFT / FUTURE_ROWS_PER_PROGRAM
    rows = []
    for number in range(FUTURE_ROWS_PER_PROGRAM):
        kind = _BARE_KINDS[number % len(_BARE_KINDS)]
        leader = f"{people}L{number % LEADERS_PER_PROGRAM}"
        recipient = f"{people}C" if kind is AgendaKind.ONE_ON_ONE_LOG else leader
        due = NOW + timedelta(hours=1, seconds=index % 3600) + step * number
        about = str(program_id) if kind is AgendaKind.COACH_DIGEST else leader
        item = AgendaItem(kind, recipient, due, about, due.date())
        rows.append(_agenda_row(program_id, item, due))
    return rows
