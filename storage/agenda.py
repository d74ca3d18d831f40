"""The agenda: every prompt of a running program is a row with its due instant and state.

Two clock processes may run these functions at once: claiming is one conditional UPDATE, so a
row is claimed by exactly one of them (Postgres also skips rows another claimer has locked).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Engine
from sqlmodel import Session, col
from sqlmodel import select as orm_select

from bot.domain.cadence import AgendaItem, AgendaKind, AgendaState, SkippedSession
from bot.domain.localtime import local_date
from storage.db import session_scope
from storage.models import AgendaRow, Program, Workspace
from storage.types import UTCDateTime

_TABLE = AgendaRow.__table__  # type: ignore[attr-defined]
_PROGRAM = Program.__table__  # type: ignore[attr-defined]
_WORKSPACE = Workspace.__table__  # type: ignore[attr-defined]
# A row of a workspace emcoach was removed from is never claimed, so no Slack call is even
# tried until a reinstall. Correlated, so it costs two primary-key lookups per due row and
# nothing when nothing is due (the idle tick).
_IN_STOPPED_WORKSPACE = (
    select(1)
    .select_from(_PROGRAM.join(_WORKSPACE, _WORKSPACE.c.team_id == _PROGRAM.c.team_id))
    .where(_PROGRAM.c.id == _TABLE.c.program_id, _WORKSPACE.c.uninstalled_at.is_not(None))
    .exists()
)
_REPLANNABLE = (AgendaState.PENDING, AgendaState.SKIPPED)


@dataclass(frozen=True, slots=True)
class Wanted:
    """A row the plan wants: a prompt to send (pending) or a paused session (skipped)."""

    key: str
    kind: str
    recipient: str
    about: str
    occasion: date
    due_at: datetime
    state: AgendaState


def wanted_rows(items: Iterable[AgendaItem], skipped: Iterable[SkippedSession]) -> list[Wanted]:
    rows = [
        Wanted(
            key=item.key,
            kind=item.kind.value,
            recipient=item.recipient,
            about=item.about,
            occasion=item.occasion,
            due_at=item.due,
            state=AgendaState.PENDING,
        )
        for item in items
    ]
    rows += [
        Wanted(
            key=session.key,
            kind=session.kind.value,
            recipient=session.leader_id,
            about=session.leader_id,
            occasion=session.occasion,
            due_at=session.start,
            state=AgendaState.SKIPPED,
        )
        for session in skipped
    ]
    return rows


@dataclass(frozen=True, slots=True)
class PlanChange:
    added: int
    moved: int
    removed: int


def apply_plan(
    session: Session, *, program_id: int, wanted: Sequence[Wanted], now: datetime
) -> PlanChange:
    """Make the program's future rows match ``wanted``; the past is never rewritten.

    New keys are inserted, future pending rows follow a moved slot, and future pending or
    skipped rows the plan no longer wants (a leader left, a pause ended) are removed.
    """
    existing = {
        row.key: row
        for row in session.exec(orm_select(AgendaRow).where(AgendaRow.program_id == program_id))
    }
    by_key = {row.key: row for row in wanted}
    new = [
        {
            "program_id": program_id,
            "key": row.key,
            "kind": row.kind,
            "recipient": row.recipient,
            "about": row.about,
            "occasion": row.occasion,
            "due_at": row.due_at,
            "state": row.state.value,
            "attempts": 0,
        }
        for key, row in by_key.items()
        if key not in existing
    ]
    connection = session.connection()
    if new:
        connection.execute(insert(_TABLE), new)
    moved = 0
    for key, row in existing.items():
        target = by_key.get(key)
        if row.state not in _REPLANNABLE or row.due_at <= now:
            continue
        if target is not None and (target.due_at != row.due_at or target.state != row.state):
            row.due_at, row.state = target.due_at, target.state
            session.add(row)
            moved += 1
    stale = [
        row.id
        for key, row in existing.items()
        if key not in by_key and row.state in _REPLANNABLE and row.due_at > now
    ]
    if stale:
        connection.execute(delete(_TABLE).where(_TABLE.c.id.in_(stale)))
    session.flush()
    return PlanChange(added=len(new), moved=moved, removed=len(stale))


def due_teams(engine: Engine, *, now: datetime) -> dict[str, int]:
    """How many pending rows are due now in each workspace (uninstalled ones left out): the
    dispatcher's turns. One grouped read; nothing due costs an empty index range."""
    statement = (
        select(_PROGRAM.c.team_id, func.count())
        .select_from(
            _TABLE.join(_PROGRAM, _PROGRAM.c.id == _TABLE.c.program_id).join(
                _WORKSPACE, _WORKSPACE.c.team_id == _PROGRAM.c.team_id
            )
        )
        .where(*_due(now), _WORKSPACE.c.uninstalled_at.is_(None))
        .group_by(_PROGRAM.c.team_id)
    )
    with engine.connect() as connection:
        return {str(team): int(count) for team, count in connection.execute(statement)}


def claim_due(
    engine: Engine, *, now: datetime, worker: str, limit: int, team_id: str | None = None
) -> list[AgendaRow]:
    """Atomically move up to ``limit`` due pending rows (oldest first; of workspace
    ``team_id`` only, when given) to ``sending`` for ``worker``; rows of an uninstalled
    workspace stay pending (held) until it is reinstalled."""
    with session_scope(engine) as session:
        claimed = _claim_in(session, _due_rows(now, limit, team_id), now=now, worker=worker)
    return sorted(claimed, key=lambda row: (row.due_at, row.id or 0))


def claim_shares(
    engine: Engine, *, now: datetime, worker: str, shares: Mapping[str | None, int]
) -> dict[str | None, list[AgendaRow]]:
    """``claim_due`` for several workspaces at once, up to ``shares[team]`` rows each, in one
    transaction (a commit costs more than a claim); the rows claimed, by workspace. The key
    None means any workspace (the cheaper query, when only one has rows due)."""
    with session_scope(engine) as session:
        return {
            team_id: _claim_in(session, _due_rows(now, share, team_id), now=now, worker=worker)
            for team_id, share in shares.items()
        }


def _due_rows(now: datetime, limit: int, team_id: str | None) -> Select[Any]:
    due = select(_TABLE.c.id).where(*_due(now), ~_IN_STOPPED_WORKSPACE)
    if team_id is not None:
        programs = select(_PROGRAM.c.id).where(_PROGRAM.c.team_id == team_id)
        due = due.where(_TABLE.c.program_id.in_(programs))
    return due.order_by(_TABLE.c.due_at, _TABLE.c.id).limit(limit)


def _due(now: datetime) -> tuple[ColumnElement[bool], ...]:
    return (
        _TABLE.c.state == AgendaState.PENDING.value,
        _TABLE.c.due_at <= now,
        or_(_TABLE.c.not_before.is_(None), _TABLE.c.not_before <= now),
    )


def claim_rows(
    engine: Engine, *, row_ids: Sequence[int], now: datetime, worker: str
) -> list[AgendaRow]:
    """Claim these pending rows now, due or not yet (a post the person is waiting for);
    rows another worker has claimed meanwhile are left to it."""
    if not row_ids:
        return []
    chosen = select(_TABLE.c.id).where(
        _TABLE.c.id.in_(list(row_ids)), _TABLE.c.state == AgendaState.PENDING.value
    )
    return _claim(engine, chosen, now=now, worker=worker)


def _claim(engine: Engine, ids: Select[Any], *, now: datetime, worker: str) -> list[AgendaRow]:
    """Move the pending rows ``ids`` selects to ``sending`` for ``worker`` in one UPDATE."""
    with session_scope(engine) as session:
        claimed = _claim_in(session, ids, now=now, worker=worker)
    return sorted(claimed, key=lambda row: (row.due_at, row.id or 0))


def _claim_in(session: Session, ids: Select[Any], *, now: datetime, worker: str) -> list[AgendaRow]:
    if session.get_bind().dialect.name == "postgresql":
        ids = ids.with_for_update(skip_locked=True)
    # A CTE, not "id IN (subquery)": Postgres may re-run an IN subquery with LIMIT and
    # FOR UPDATE per row and claim more than ``limit`` rows.
    batch = ids.cte("due_batch")
    return list(
        session.scalars(
            update(AgendaRow)
            .where(
                col(AgendaRow.id) == batch.c.id,
                col(AgendaRow.state) == AgendaState.PENDING.value,
            )
            .values(
                state=AgendaState.SENDING.value,
                claimed_by=worker,
                claimed_at=now,
                first_claimed_at=func.coalesce(
                    col(AgendaRow.first_claimed_at), bindparam("b_now", now, type_=UTCDateTime())
                ),
                attempts=col(AgendaRow.attempts) + 1,
            )
            .returning(AgendaRow),  # the claimed rows themselves: no second query
            execution_options={"synchronize_session": False},
        ).all()
    )


def _finish(engine: Engine, row_id: int, worker: str, **values: Any) -> bool:
    """Update a row this worker is sending; False if someone else owns it now."""
    with engine.begin() as connection:
        result = connection.execute(
            update(_TABLE)
            .where(
                _TABLE.c.id == row_id,
                _TABLE.c.state == AgendaState.SENDING.value,
                _TABLE.c.claimed_by == worker,
            )
            .values(**values)
        )
        return result.rowcount == 1


@dataclass(frozen=True, slots=True)
class Posted:
    """Where Slack put a row's message."""

    row_id: int
    channel_id: str
    ts: str


# Built once: it runs for every prompt sent (benchmarks/dispatch.py measured the per-call
# statement building at a third of this call's cost).
_MARK_SENT = (
    update(_TABLE)
    .where(
        _TABLE.c.id == bindparam("b_row_id"),
        _TABLE.c.state == AgendaState.SENDING.value,
        _TABLE.c.claimed_by == bindparam("b_worker"),
    )
    .values(
        state=AgendaState.SENT.value,
        channel_id=bindparam("b_channel_id"),
        ts=bindparam("b_ts"),
        sent_at=bindparam("b_sent_at", type_=UTCDateTime()),
        last_error=None,
    )
)


def mark_sent(engine: Engine, *, posted: Sequence[Posted], worker: str, now: datetime) -> int:
    """Record messages Slack accepted, in one transaction; rows another worker owns by now
    are left alone. Returns how many rows were marked."""
    if not posted:
        return 0
    with engine.begin() as connection:
        result = connection.execute(
            _MARK_SENT,
            [
                {
                    "b_row_id": item.row_id,
                    "b_worker": worker,
                    "b_channel_id": item.channel_id,
                    "b_ts": item.ts,
                    "b_sent_at": now,
                }
                for item in posted
            ],
        )
        return result.rowcount


def mark_final(
    engine: Engine, *, row_id: int, worker: str, state: AgendaState, error: str | None
) -> bool:
    """``missed`` (too late) or ``failed`` (Slack refused for good)."""
    return _finish(engine, row_id, worker, state=state.value, last_error=error)


def retry_later(
    engine: Engine, *, row_id: int, worker: str, error: str, not_before: datetime
) -> bool:
    return _finish(
        engine,
        row_id,
        worker,
        state=AgendaState.PENDING.value,
        last_error=error,
        not_before=not_before,
        claimed_by=None,
    )


def rate_limited(engine: Engine, *, row_id: int, worker: str, not_before: datetime) -> bool:
    """Slack answered 429, which posts nothing: pending again from ``not_before``, and the
    claim's attempt given back (a workspace's rate limit is not the row's failure)."""
    return _finish(
        engine,
        row_id,
        worker,
        state=AgendaState.PENDING.value,
        last_error="ratelimited",
        not_before=not_before,
        claimed_by=None,
        attempts=_TABLE.c.attempts - 1,  # the claim added one
    )


def release_for_check(
    engine: Engine, *, row_id: int, worker: str, error: str, not_before: datetime
) -> bool:
    """The send may or may not have reached Slack (timeout, 5xx): keep the row ``sending``,
    unowned, so reconciliation checks the channel's history before anything is resent."""
    return _finish(engine, row_id, worker, claimed_by=None, last_error=error, not_before=not_before)


def requeue(engine: Engine, *, row_id: int, worker: str) -> bool:
    """Reconciliation found no trace of the message: send it again."""
    return _finish(
        engine, row_id, worker, state=AgendaState.PENDING.value, claimed_by=None, not_before=None
    )


def stale_sending(
    engine: Engine, *, now: datetime, claimed_before: datetime, limit: int
) -> list[AgendaRow]:
    """``sending`` rows whose outcome is unknown: released after an ambiguous error and due
    for a check, or left behind by a worker that died before recording the outcome."""
    released = and_(
        col(AgendaRow.claimed_by).is_(None),
        or_(col(AgendaRow.not_before).is_(None), col(AgendaRow.not_before) <= now),
    )
    statement = (
        orm_select(AgendaRow)
        .where(
            AgendaRow.state == AgendaState.SENDING,
            or_(released, col(AgendaRow.claimed_at) < claimed_before),
            ~_IN_STOPPED_WORKSPACE,
        )
        .order_by(col(AgendaRow.claimed_at))
        .limit(limit)
    )
    with session_scope(engine) as session:
        return list(session.exec(statement))


def reclaim(
    engine: Engine, *, row_id: int, previous_worker: str | None, worker: str, now: datetime
) -> bool:
    """Take over a stale ``sending`` row (for reconciliation) from the worker that left it;
    each check counts as an attempt, so a row nobody can confirm fails in the end."""
    owner = (
        _TABLE.c.claimed_by == previous_worker
        if previous_worker is not None
        else _TABLE.c.claimed_by.is_(None)
    )
    with engine.begin() as connection:
        result = connection.execute(
            update(_TABLE)
            .where(_TABLE.c.id == row_id, _TABLE.c.state == AgendaState.SENDING.value, owner)
            .values(claimed_by=worker, claimed_at=now, attempts=_TABLE.c.attempts + 1)
        )
        return result.rowcount == 1


def rows_of(
    session: Session, *, program_id: int, states: Iterable[AgendaState] | None = None
) -> list[AgendaRow]:
    statement = orm_select(AgendaRow).where(AgendaRow.program_id == program_id)
    if states is not None:
        statement = statement.where(col(AgendaRow.state).in_(list(states)))
    return list(session.exec(statement.order_by(col(AgendaRow.due_at), col(AgendaRow.id))))


def thread_of(session: Session, row: AgendaRow) -> tuple[str, str] | None:
    """The (channel, ts) of the message whose thread ``row``'s message goes into: the locked
    record under the pre-commitment, the chart under a results post, an owner's closing
    summary under their month-6 preview; None for a top-level
    message. Reconciliation looks for such a reply in that thread, not the channel's history."""
    if row.kind == AgendaKind.CHECKPOINT_CHART.value or (
        row.kind == AgendaKind.CLOSING_SUMMARY_OWNER.value and row.about.isdigit()
    ):
        # A chart under its results post; a closing summary under the owner's month-6 preview.
        parent = session.get(AgendaRow, int(row.about))
        if parent is not None and parent.channel_id and parent.ts:
            return parent.channel_id, parent.ts
    if row.kind == AgendaKind.COMMITMENT_RECORD.value:
        program = session.get(Program, row.program_id)
        if program is not None and program.commitment_channel_id and program.commitment_ts:
            return program.commitment_channel_id, program.commitment_ts
    return None


def rows_by_id(session: Session, *, row_ids: Sequence[int]) -> list[AgendaRow]:
    statement = orm_select(AgendaRow).where(col(AgendaRow.id).in_(list(row_ids)))
    return list(session.exec(statement.order_by(col(AgendaRow.id))))


def add_once(session: Session, *, program_id: int, row: Wanted) -> bool:
    """Insert ``row`` unless its key exists (e.g. an owner alert already raised)."""
    exists = session.exec(
        orm_select(AgendaRow.id).where(AgendaRow.program_id == program_id, AgendaRow.key == row.key)
    ).first()
    if exists is not None:
        return False
    session.add(
        AgendaRow(
            program_id=program_id,
            key=row.key,
            kind=row.kind,
            recipient=row.recipient,
            about=row.about,
            occasion=row.occasion,
            due_at=row.due_at,
            state=row.state,
        )
    )
    session.flush()
    return True


def record_post(
    session: Session,
    *,
    program: Program,
    key: str,
    kind: str,
    recipient: str,
    about: str,
    now: datetime,
) -> AgendaRow:
    """A post recorded as due now, before anything is sent: the engine sends it once (its id
    in the message's metadata) and reconciles it when Slack's answer is lost."""
    assert program.id is not None
    row = AgendaRow(
        program_id=program.id,
        key=key,
        kind=kind,
        recipient=recipient,
        about=about,
        occasion=local_date(now, program.timezone),
        due_at=now,
        state=AgendaState.PENDING,
    )
    session.add(row)
    session.flush()
    return row


def mark_agenda_stale(session: Session, program: Program) -> None:
    """After commit, a change to the cohort or a slot re-plans the agenda on the next tick;
    before commit there is no agenda yet."""
    if program.committed_at is not None and not program.agenda_stale:
        program.agenda_stale = True
        session.add(program)


def stale_programs(session: Session) -> list[Program]:
    return list(session.exec(orm_select(Program).where(col(Program.agenda_stale).is_(True))))


def clear_agenda_stale(session: Session, program: Program) -> None:
    """The agenda was just re-planned from the program's rows."""
    if program.agenda_stale:
        program.agenda_stale = False
        session.add(program)


def rows_between(session: Session, *, program_id: int, start: date, end: date) -> list[AgendaRow]:
    """The program's agenda rows whose occasion is from ``start`` to ``end``, both included."""
    return list(
        session.exec(
            orm_select(AgendaRow).where(
                AgendaRow.program_id == program_id,
                col(AgendaRow.occasion) >= start,
                col(AgendaRow.occasion) <= end,
            )
        ).all()
    )


def rows_until(session: Session, *, program_id: int, until: date) -> list[AgendaRow]:
    """Every agenda row of the program whose occasion is on or before ``until``."""
    statement = orm_select(AgendaRow).where(
        AgendaRow.program_id == program_id, col(AgendaRow.occasion) <= until
    )
    return list(session.exec(statement))


def row_by_id(session: Session, *, row_id: int) -> AgendaRow | None:
    """The agenda row, whichever program it is in (a button's value names only the row)."""
    return session.get(AgendaRow, row_id)
