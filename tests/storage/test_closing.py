"""Closing a program on each database: once, only after the month-6 post is confirmed, with
the summary rows recorded in the same unit of work — even with two clocks at once."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.domain.cadence import AgendaKind, AgendaState
from bot.domain.program_rules import ProgramState
from bot.domain.roles import Role
from bot.flows.close import close_finished
from storage.db import session_scope
from storage.models import AgendaRow, Program
from storage.programs import add_member
from tests.support.programs import PodSpec, make_program

NOW = datetime(2027, 8, 2, 9, 0, tzinfo=UTC)
EVALUATION = date(2027, 8, 2)  # kickoff Mon 1 Feb 2027 + 6 months


def _row(program_id: int, kind: AgendaKind, recipient: str, state: AgendaState) -> AgendaRow:
    return AgendaRow(
        program_id=program_id,
        key=f"{kind.value}:{recipient}",
        kind=kind.value,
        recipient=recipient,
        about=str(program_id),
        occasion=EVALUATION,
        due_at=NOW,
        state=state,
        channel_id="D0OWNER" if state is AgendaState.SENT else None,
        ts="1785000000.000100" if state is AgendaState.SENT else None,
    )


def _evaluated(engine: Engine, *, published: bool = True) -> int:
    program_id = make_program(
        engine, criteria=("lead_time", "report_retention"), committed=True, pods=(PodSpec(),)
    )
    with session_scope(engine) as session:
        program = session.get(Program, program_id)
        assert program is not None
        program.status = ProgramState.EVALUATED
        add_member(
            session,
            program_id=program_id,
            user_id="U0OWNER2",
            role=Role.OWNER,
            added_by="U0OWNER",
            now=NOW,
        )
        state = AgendaState.SENT if published else AgendaState.SENDING
        session.add(_row(program_id, AgendaKind.CHECKPOINT_PUBLISH, "C0ENG", state))
        session.add(_row(program_id, AgendaKind.CHECKPOINT_PREVIEW, "U0OWNER", AgendaState.SENT))
        session.add(_row(program_id, AgendaKind.COACH_DIGEST, "U0COACH", AgendaState.PENDING))
    return program_id


def _state(engine: Engine, program_id: int) -> tuple[ProgramState, list[AgendaRow]]:
    with session_scope(engine) as session:
        program = session.get(Program, program_id)
        assert program is not None
        rows = list(session.exec(select(AgendaRow).where(AgendaRow.program_id == program_id)))
        return program.status, rows


def test_an_evaluated_program_closes_once_with_its_summary_rows(engine: Engine) -> None:
    program_id = _evaluated(engine)
    assert close_finished(engine, now=NOW) == 1
    assert close_finished(engine, now=NOW) == 0
    status, rows = _state(engine, program_id)
    assert status is ProgramState.CLOSED
    summaries = {
        (row.kind, row.recipient): row
        for row in rows
        if row.kind.startswith(AgendaKind.CLOSING_SUMMARY.value)
    }
    assert set(summaries) == {
        (AgendaKind.CLOSING_SUMMARY.value, "U0CFO"),
        (AgendaKind.CLOSING_SUMMARY_OWNER.value, "U0OWNER"),
        (AgendaKind.CLOSING_SUMMARY_OWNER.value, "U0OWNER2"),
    }
    (preview,) = [row for row in rows if row.kind == AgendaKind.CHECKPOINT_PREVIEW.value]
    # Under the owner's preview; the co-owner had none, so theirs is a plain DM.
    assert summaries[(AgendaKind.CLOSING_SUMMARY_OWNER.value, "U0OWNER")].about == str(preview.id)
    assert summaries[(AgendaKind.CLOSING_SUMMARY_OWNER.value, "U0OWNER2")].about == ""
    (digest,) = [row for row in rows if row.kind == AgendaKind.COACH_DIGEST.value]
    assert digest.state is AgendaState.MISSED and digest.last_error == "the program closed"


def test_a_program_whose_month_6_post_is_unconfirmed_stays_open(engine: Engine) -> None:
    program_id = _evaluated(engine, published=False)
    assert close_finished(engine, now=NOW) == 0
    status, rows = _state(engine, program_id)
    assert status is ProgramState.EVALUATED
    assert not [row for row in rows if row.kind.startswith("closing_summary")]


def test_two_clocks_closing_at_once_record_one_set_of_rows(engine: Engine) -> None:
    program_id = _evaluated(engine)
    closed: list[int] = []
    barrier = threading.Barrier(2)

    def clock() -> None:
        barrier.wait()
        closed.append(close_finished(engine, now=NOW))

    threads = [threading.Thread(target=clock) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    status, rows = _state(engine, program_id)
    assert status is ProgramState.CLOSED
    assert sum(closed) == 1
    assert len([row for row in rows if row.kind.startswith("closing_summary")]) == 3
