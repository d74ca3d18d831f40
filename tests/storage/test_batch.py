"""What the dispatcher reads once per claimed batch, for rendering every row in it."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.engine import Engine

from bot.domain.cadence import AgendaKind
from storage.agenda import claim_due
from storage.batch import load_batch
from storage.db import session_scope
from storage.models import Person, Program
from tests.support.agenda import seed_due
from tests.support.programs import LeaderSpec, PodSpec, make_program

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def _person(engine: Engine, team_id: str, user_id: str, zone: str | None) -> None:
    with session_scope(engine) as session:
        session.add(Person(team_id=team_id, user_id=user_id, timezone=zone, refreshed_at=NOW))


def test_a_batch_holds_its_programs_zones_leaders_and_pods(engine: Engine) -> None:
    warsaw = make_program(
        engine,
        name="Warsaw",
        pods=(PodSpec(name="Alpha", leaders=[LeaderSpec("U0LEAD1")]),),
    )
    sydney = make_program(
        engine,
        team_id="T0002",
        name="Sydney",
        timezone="Australia/Sydney",
        pods=(PodSpec(name="Beta", leaders=[LeaderSpec("U0LEAD1")]),),
    )
    elsewhere = make_program(engine, name="Not in the batch")
    _person(engine, "T0001", "U0LEAD1", "America/New_York")
    _person(engine, "T0002", "U0LEAD1", None)  # Slack gave no zone
    _person(engine, "T0001", "U0COACH", "Europe/London")  # not named by any row
    for program_id in (warsaw, sydney, elsewhere):
        seed_due(engine, program_id, count=2, now=NOW, recipients=("U0LEAD1",))
    rows = [
        row
        for row in claim_due(engine, now=NOW, worker="w", limit=10)
        if row.program_id in (warsaw, sydney)
    ]
    assert len(rows) == 4
    with session_scope(engine) as session:
        batch = load_batch(session, rows)
    assert set(batch.programs) == {warsaw, sydney}
    first, second = batch.programs[warsaw], batch.programs[sydney]
    assert batch.zone(first, "U0LEAD1") == "America/New_York", "the person's own zone"
    assert batch.zone(second, "U0LEAD1") == "Australia/Sydney", "no zone: the program's"
    assert batch.zone(first, "U0NOBODY") == "Europe/Warsaw"
    assert ("T0001", "U0COACH") not in batch.zones
    lead_in_warsaw, lead_in_sydney = (
        batch.leader(warsaw, "U0LEAD1"),
        batch.leader(sydney, "U0LEAD1"),
    )
    assert lead_in_warsaw is not None
    assert lead_in_sydney is not None
    assert batch.pods[lead_in_warsaw.pod_id].name == "Alpha"
    assert batch.pods[lead_in_sydney.pod_id].name == "Beta"
    assert batch.leader(elsewhere, "U0LEAD1") is None
    assert {pod.program_id for pod in batch.pods.values()} == {warsaw, sydney}


def test_a_program_deleted_after_the_claim_is_absent(engine: Engine) -> None:
    program_id = make_program(engine, pods=(PodSpec(),))
    seed_due(engine, program_id, count=1, now=NOW, recipients=("U0LEAD1",))
    rows = claim_due(engine, now=NOW, worker="w", limit=5)
    assert [row.kind for row in rows] == [AgendaKind.ONE_ON_ONE_POST.value]
    with session_scope(engine) as session:
        program = session.get(Program, program_id)
        session.delete(program)
    with session_scope(engine) as session:
        batch = load_batch(session, rows)
    assert batch.programs == {}
    assert batch.leaders == {}
    assert batch.pods == {}
