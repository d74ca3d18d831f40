"""The agenda on each database: plans applied as diffs, and claims that never overlap."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine

from bot.domain.cadence import AgendaState
from storage.agenda import (
    Posted,
    Wanted,
    apply_plan,
    claim_due,
    mark_final,
    mark_sent,
    reclaim,
    retry_later,
    rows_of,
    stale_sending,
)
from storage.db import session_scope
from tests.support.programs import make_program

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def _wanted(key: str, due: datetime, state: AgendaState = AgendaState.PENDING) -> Wanted:
    return Wanted(
        key=key,
        kind="one_on_one_pre",
        recipient="U1",
        about="U1",
        occasion=due.date(),
        due_at=due,
        state=state,
    )


def _apply(engine: Engine, program_id: int, wanted: list[Wanted], now: datetime = NOW) -> None:
    with session_scope(engine) as session:
        apply_plan(session, program_id=program_id, wanted=wanted, now=now)


def _states(engine: Engine, program_id: int) -> dict[str, tuple[AgendaState, datetime]]:
    with session_scope(engine) as session:
        return {row.key: (row.state, row.due_at) for row in rows_of(session, program_id=program_id)}


def test_plan_is_applied_as_a_diff_and_never_rewrites_the_past(engine: Engine) -> None:
    program_id = make_program(engine)
    past, soon, later = NOW - timedelta(hours=1), NOW + timedelta(hours=1), NOW + timedelta(days=7)
    _apply(engine, program_id, [_wanted("a", past), _wanted("b", soon), _wanted("c", later)])
    assert set(_states(engine, program_id)) == {"a", "b", "c"}

    moved = later + timedelta(hours=2)
    _apply(engine, program_id, [_wanted("b", soon), _wanted("c", moved, AgendaState.SKIPPED)])
    states = _states(engine, program_id)
    assert states["a"] == (AgendaState.PENDING, past), "past rows are never removed"
    assert states["b"] == (AgendaState.PENDING, soon)
    assert states["c"] == (AgendaState.SKIPPED, moved)

    _apply(engine, program_id, [_wanted("b", soon)])
    assert "c" not in _states(engine, program_id), "a future row the plan dropped is removed"

    _apply(engine, program_id, [_wanted("b", soon)])  # idempotent
    assert set(_states(engine, program_id)) == {"a", "b"}


def test_claims_move_due_rows_to_sending_once(engine: Engine) -> None:
    program_id = make_program(engine)
    _apply(
        engine,
        program_id,
        [_wanted(f"k{n}", NOW - timedelta(minutes=n)) for n in range(5)]
        + [_wanted("future", NOW + timedelta(minutes=1))],
    )
    first = claim_due(engine, now=NOW, worker="w1", limit=3)
    second = claim_due(engine, now=NOW, worker="w2", limit=10)
    assert [row.key for row in first] == ["k4", "k3", "k2"], "oldest due first"
    assert {row.key for row in second} == {"k1", "k0"}
    assert all(row.state is AgendaState.SENDING and row.attempts == 1 for row in first)
    assert claim_due(engine, now=NOW, worker="w3", limit=10) == []


def test_outcomes_belong_to_the_claiming_worker(engine: Engine) -> None:
    program_id = make_program(engine)
    _apply(engine, program_id, [_wanted("a", NOW), _wanted("b", NOW), _wanted("c", NOW)])
    a, b, c = claim_due(engine, now=NOW, worker="w1", limit=3)
    assert a.id is not None
    assert b.id is not None
    assert c.id is not None
    posted_a = [Posted(row_id=a.id, channel_id="D1", ts="1.1")]
    assert mark_sent(engine, posted=posted_a, worker="other", now=NOW) == 0
    assert mark_sent(engine, posted=posted_a, worker="w1", now=NOW) == 1
    assert mark_final(
        engine, row_id=b.id, worker="w1", state=AgendaState.FAILED, error="user_not_found"
    )
    later = NOW + timedelta(minutes=5)
    assert retry_later(engine, row_id=c.id, worker="w1", error="ratelimited", not_before=later)
    assert claim_due(engine, now=NOW, worker="w1", limit=5) == [], "backing off"
    again = claim_due(engine, now=later, worker="w1", limit=5)
    assert [row.key for row in again] == ["c"]
    assert again[0].attempts == 2
    states = _states(engine, program_id)
    assert states["a"][0] is AgendaState.SENT
    assert states["b"][0] is AgendaState.FAILED


def test_a_batch_of_sent_rows_is_recorded_at_once_for_its_worker_only(engine: Engine) -> None:
    program_id = make_program(engine)
    _apply(engine, program_id, [_wanted(f"k{n}", NOW) for n in range(6)])
    mine = claim_due(engine, now=NOW, worker="w1", limit=4)
    theirs = claim_due(engine, now=NOW, worker="w2", limit=2)
    posted = [
        Posted(row_id=row.id, channel_id=f"D{n}", ts=f"{n}.000100")
        for n, row in enumerate([*mine, *theirs])
        if row.id is not None
    ]
    assert mark_sent(engine, posted=posted, worker="w1", now=NOW) == 4
    assert mark_sent(engine, posted=[], worker="w1", now=NOW) == 0
    with session_scope(engine) as session:
        rows = {row.key: row for row in rows_of(session, program_id=program_id)}
    for n, row in enumerate(mine):
        stored = rows[row.key]
        assert (stored.state, stored.channel_id, stored.ts) == (
            AgendaState.SENT,
            f"D{n}",
            f"{n}.000100",
        )
        assert stored.sent_at == NOW
    assert all(rows[row.key].state is AgendaState.SENDING for row in theirs)
    assert all(rows[row.key].ts is None for row in theirs)


def test_stale_sending_rows_can_be_taken_over_once(engine: Engine) -> None:
    program_id = make_program(engine)
    _apply(engine, program_id, [_wanted("a", NOW)])
    (row,) = claim_due(engine, now=NOW, worker="dead", limit=1)
    assert row.id is not None
    assert stale_sending(engine, now=NOW, claimed_before=NOW, limit=10) == []
    (stale,) = stale_sending(engine, now=NOW, claimed_before=NOW + timedelta(minutes=5), limit=10)
    assert stale.id == row.id
    assert reclaim(engine, row_id=row.id, previous_worker="dead", worker="w2", now=NOW)
    assert not reclaim(engine, row_id=row.id, previous_worker="dead", worker="w3", now=NOW)


def test_concurrent_claimers_never_share_a_row(engine: Engine) -> None:
    """Eight claimers, each on its own connection and transaction, over one due batch."""
    program_id = make_program(engine)
    _apply(
        engine, program_id, [_wanted(f"k{n:03}", NOW - timedelta(seconds=n)) for n in range(200)]
    )
    claimed: list[list[int]] = []
    lock = threading.Lock()
    barrier = threading.Barrier(8)

    def claimer(worker: str) -> None:
        mine: list[int] = []
        barrier.wait()
        while batch := claim_due(engine, now=NOW, worker=worker, limit=7):
            mine.extend(row.id for row in batch if row.id is not None)
        with lock:
            claimed.append(mine)

    threads = [threading.Thread(target=claimer, args=(f"w{n}",)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = [row_id for mine in claimed for row_id in mine]
    assert len(every) == 200
    assert len(set(every)) == 200
    assert sum(1 for mine in claimed if mine) > 1, "the claimers really ran concurrently"
