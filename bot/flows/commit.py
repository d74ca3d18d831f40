"""Commit: lock the program and publish its pre-commitment, as one recoverable step.

1. One unit of work re-checks the sprint, locks the program (``committing``) and records the
   post as an agenda row due now.
2. The row is sent at once through the cadence engine (claim, send with its id in metadata,
   record), with no transaction open.
3. Settling reads the row: sent, and the program is committed (the six-month agenda planned,
   the budget owner's copy queued); refused for good, and the program is committable again.
   An unknown outcome (timeout, 5xx, a database error after the post) stays ``committing``;
   every clock tick reconciles the row against the channel and settles it. Never posted twice,
   never stuck.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from slack_sdk import WebClient
from sqlalchemy.engine import Engine

from bot.blocks.commit import Commitment
from bot.domain.program_rules import ProgramState
from bot.domain.roles import Role
from bot.engine.commitment import commitment_of
from bot.engine.planning import replan_program
from bot.flows.programs import Chosen, NotChosen, ProgramAsk, choose_program
from storage.baseline_round import baseline_round_sent
from storage.commitments import (
    CommitState,
    Settled,
    begin_commit,
    committing_programs,
    copy_row_id,
    record_row_id,
    settle_commit,
)
from storage.db import session_scope
from storage.locked_baselines import lock_figures
from storage.models import AgendaRow
from storage.programs import get_program, has_role
from storage.setup_state import setup_state
from storage.survey_rounds import close_round
from storage.uow import UnitOfWork

logger = logging.getLogger("emcoach.commit")

# Send these agenda rows now; returns them as they stand afterwards (Dispatcher.send_now).
Publish = Callable[[Sequence[int]], list[AgendaRow]]


class Answer(enum.StrEnum):
    NOT_FOUND = "not_found"
    NOT_OWNER = "not_owner"
    MISSING = "missing"
    ALREADY = "already"  # committed before this request
    IN_PROGRESS = "in_progress"  # another request is posting it right now
    COMMITTED = "committed"
    POSTING = "posting"  # recorded and locked; Slack's answer is still being confirmed
    REFUSED = "refused"  # Slack refused the post for good: nothing locked
    READY = "ready"  # a preview: nothing missing, not committed yet


@dataclass(frozen=True, slots=True)
class CommitOutcome:
    answer: Answer
    program_name: str = ""
    channel_id: str | None = None
    missing: tuple[str, ...] = ()
    commitment: Commitment | None = None
    error: str | None = None


def confirm_commit(
    engine: Engine,
    client: WebClient,
    *,
    publish: Publish,
    team_id: str,
    user_id: str,
    program_id: int,
    now: datetime,
) -> CommitOutcome:
    """An owner's "post the pre-commitment" click, from check to settled state."""
    with session_scope(engine) as session:
        program = get_program(session, team_id=team_id, program_id=program_id)
        if program is None or program.id is None:
            return CommitOutcome(answer=Answer.NOT_FOUND)
        if not has_role(session, program_id=program.id, user_id=user_id, role=Role.OWNER):
            return CommitOutcome(answer=Answer.NOT_OWNER, program_name=program.name)
        name = program.name
        channel = program.commitment_channel_id or program.publish_channel_id
        if program.committed_at is not None:
            answer = Answer.ALREADY if program.commitment_ts else Answer.IN_PROGRESS
            return CommitOutcome(answer=answer, program_name=name, channel_id=channel)
        missing = setup_state(session, program).missing
        if missing:
            return CommitOutcome(answer=Answer.MISSING, program_name=name, missing=tuple(missing))
        if program.kickoff_date is not None and baseline_round_sent(session, program=program):
            # The baseline round sent before commit closes first: the figure locked is the
            # closed round's, to the answer.
            close_round(session, program_id=program.id, occasion=program.kickoff_date, now=now)
        commitment = commitment_of(session, program)
        row_id = begin_commit(session, program=program, now=now)
        if row_id is not None:
            # The figures the post prints, locked in the unit of work that locks the program.
            lock_figures(session, program_id=program.id, figures=commitment.baselines, now=now)
    if row_id is None:  # a concurrent click won the claim
        return CommitOutcome(answer=Answer.IN_PROGRESS, program_name=name, channel_id=channel)
    try:
        publish([row_id])
    except Exception:
        # E.g. the database failed while recording what Slack accepted: the row stays
        # ``sending`` and the clock reconciles it with the channel. The person is told so.
        logger.exception("pre-commitment of program %s: sending did not finish", program_id)
    state = settle(engine, client, program_id=program_id, now=now)
    if state.settled is Settled.COMMITTED:
        _send_copy(engine, publish, program_id=program_id)
    return _outcome(state, commitment)


def _send_copy(engine: Engine, publish: Publish, *, program_id: int) -> None:
    """The locked record and the budget owner's copy go out now too; if they can't, the clock
    sends them."""
    try:
        with session_scope(engine) as session:
            rows = [
                row_id
                for row_id in (
                    record_row_id(session, program_id=program_id),
                    copy_row_id(session, program_id=program_id),
                )
                if row_id is not None
            ]
        if rows:
            publish(rows)
    except Exception:
        logger.exception("program %s: the budget owner's copy is left to the clock", program_id)


def _outcome(state: CommitState, commitment: Commitment) -> CommitOutcome:
    common = {
        "program_name": commitment.program_name,
        "channel_id": commitment.publish_channel_id,
        "commitment": commitment,
        "error": state.error,
    }
    if state.settled is Settled.COMMITTED:
        return CommitOutcome(answer=Answer.COMMITTED, **common)  # type: ignore[arg-type]
    if state.settled is Settled.REVERTED:
        return CommitOutcome(answer=Answer.REFUSED, **common)  # type: ignore[arg-type]
    return CommitOutcome(answer=Answer.POSTING, **common)  # type: ignore[arg-type]


def settle(engine: Engine, client: WebClient, *, program_id: int, now: datetime) -> CommitState:
    """Settle one program's commit; once committed, plan its six months (Slack's zones are
    fetched with no transaction open). A failure to settle is left to the next clock tick."""
    try:
        with session_scope(engine) as session:
            state = settle_commit(session, program_id=program_id, now=now)
    except Exception:
        logger.exception("could not settle the commit of program %s yet", program_id)
        return CommitState(settled=Settled.POSTING)
    if state.settled is Settled.COMMITTED:
        try:
            replan_program(engine, client, program_id=program_id, now=now)
        except Exception:
            # Committed and marked stale: the clock's next re-plan tick plans it.
            logger.exception(
                "program %s committed; its agenda is planned on the next tick", program_id
            )
    return state


def settle_commits(engine: Engine, *, now: datetime) -> int:
    """Every clock tick: settle the commits whose post the engine has sent or given up on
    since. Planning follows through the program's stale mark. Returns how many settled."""
    with session_scope(engine) as session:
        committing = committing_programs(session)
    settled = 0
    for program_id in committing:
        with session_scope(engine) as session:
            state = settle_commit(session, program_id=program_id, now=now)
        settled += state.settled is not Settled.POSTING
    return settled


@dataclass(frozen=True, slots=True, kw_only=True)
class Preview:
    """What `/emcoach commit` shows before the owner confirms: the post as it will read, or
    why it can't be posted (``answer`` MISSING, ALREADY or IN_PROGRESS)."""

    answer: Answer
    program_id: int
    program_name: str
    channel_id: str
    missing: tuple[str, ...] = ()
    commitment: Commitment | None = None


def preview_commit(uow: UnitOfWork, *, ask: ProgramAsk) -> NotChosen | Preview:
    """The pre-commitment of the program ``ask`` is about, in one unit of work."""
    with uow as session:
        chosen = choose_program(session, ask)
        if not isinstance(chosen, Chosen):
            return chosen
        program = chosen.program
        assert program.id is not None
        missing: tuple[str, ...] = ()
        commitment = None
        if program.status is ProgramState.COMMITTING:
            answer = Answer.IN_PROGRESS
        elif program.committed_at is not None:
            answer = Answer.ALREADY
        else:
            missing = tuple(setup_state(session, program).missing)
            answer = Answer.MISSING if missing else Answer.READY
            if not missing:
                commitment = commitment_of(session, program)
        return Preview(
            answer=answer,
            program_id=program.id,
            program_name=program.name,
            channel_id=program.commitment_channel_id or program.publish_channel_id or "",
            missing=missing,
            commitment=commitment,
        )
