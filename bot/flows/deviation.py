"""A deviation: one change to a locked part, allowed only after its reason is posted publicly.

The deviation and its post are recorded in one unit of work, then the post is sent through
the cadence engine: once per Slack request (a retry, replay or double click finds the first),
never lost or doubled when Slack's answer is (the clock reconciles it with the channel).
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from bot.blocks.deviation import MAX_REASON_CHARS, parse_field
from bot.domain.cadence import AgendaState
from bot.domain.program_rules import LockedFieldError, ProgramField, ProgramState, check_change
from bot.flows.commit import Publish
from bot.flows.programs import Chosen, NotChosen, ProgramAsk, choose_program
from storage.deviations import (
    deviation_of_request,
    discard_refused,
    record_deviation,
    standing_deviation,
)
from storage.models import AgendaRow
from storage.programs import program_by_id
from storage.uow import UnitOfWork

logger = logging.getLogger("emcoach.deviation")


class Posting(enum.StrEnum):
    POSTED = "posted"
    POSTING = "posting"  # recorded; Slack's answer is still being confirmed
    REFUSED = "refused"  # Slack refused the post for good: nothing may change
    ALREADY = "already"  # this very deviation was asked for before (and is posted or on its way)


@dataclass(frozen=True, slots=True)
class DeviationOutcome:
    posting: Posting
    channel_id: str
    error: str | None = None


class Asked(enum.StrEnum):
    """Why `/emcoach deviation` went no further than the check (nothing recorded)."""

    USAGE = "usage"  # no field named
    REFUSED = "refused"  # the program's state allows no deviation (closed, committing)
    REASON_REFUSED = "reason_refused"  # the reason is not one the rules accept
    NOTHING_LOCKED = "nothing_locked"  # before commit: change it directly
    TOO_LONG = "too_long"


@dataclass(frozen=True, slots=True, kw_only=True)
class NotAsked:
    answer: Asked
    program_name: str
    typed: str = ""
    field: ProgramField | None = None
    message: str = ""
    length: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class Asking:
    program_name: str
    field: ProgramField
    outcome: DeviationOutcome


def deviate(
    uow: UnitOfWork,
    *,
    publish: Publish,
    ask: ProgramAsk,
    request_key: str | None,
    now: datetime,
) -> NotChosen | NotAsked | Asking:
    """`/emcoach deviation [program] <what> <reason>`: checked by the domain's rules, then
    recorded and posted (``request_deviation``)."""
    with uow as session:
        chosen = choose_program(session, ask)
        if not isinstance(chosen, Chosen):
            return chosen
        program = chosen.program
        assert program.id is not None
        program_id, name, state = program.id, program.name, program.status
    word, _, reason = _first_word(chosen.args)
    field = parse_field(word)
    if field is None:
        return NotAsked(answer=Asked.USAGE, program_name=name, typed=word)
    try:
        deviation = check_change(field, state=state, reason=reason)
    except LockedFieldError as refusal:
        if state in (ProgramState.CLOSED, ProgramState.COMMITTING):
            return NotAsked(answer=Asked.REFUSED, program_name=name, message=str(refusal))
        return NotAsked(
            answer=Asked.REASON_REFUSED, program_name=name, message=str(refusal), field=field
        )
    if deviation is None:
        return NotAsked(answer=Asked.NOTHING_LOCKED, program_name=name, field=field)
    if len(deviation.reason) > MAX_REASON_CHARS:
        return NotAsked(answer=Asked.TOO_LONG, program_name=name, length=len(deviation.reason))
    outcome = request_deviation(
        uow,
        publish=publish,
        program_id=program_id,
        field=field,
        reason=deviation.reason,
        requested_by=ask.user_id,
        request_key=request_key,
        now=now,
    )
    return Asking(program_name=name, field=field, outcome=outcome)


def _first_word(text: str) -> tuple[str, str, str]:
    parts = text.split(maxsplit=1)
    return (parts[0] if parts else "", " ", parts[1] if len(parts) > 1 else "")


def request_deviation(
    uow: UnitOfWork,
    *,
    publish: Publish,
    program_id: int,
    field: ProgramField,
    reason: str,
    requested_by: str,
    request_key: str | None,
    now: datetime,
) -> DeviationOutcome:
    """Record and post a deviation whose reason the domain has accepted."""
    channel = ""
    try:
        with uow as session:
            program = program_by_id(session, program_id=program_id)
            assert program is not None
            # Committed programs always have the channel their pre-commitment went to.
            channel = program.commitment_channel_id or program.publish_channel_id or ""
            assert channel
            if standing_deviation(session, program_id=program_id, field=field, reason=reason):
                return DeviationOutcome(posting=Posting.ALREADY, channel_id=channel)
            _, row = record_deviation(
                session,
                program=program,
                channel_id=channel,
                field=field,
                reason=reason,
                requested_by=requested_by,
                request_key=request_key,
                now=now,
            )
            row_id = row.id
    except IntegrityError:
        if request_key is None:
            raise
        # The same request, recorded by a concurrent delivery of it a moment ago (raises if
        # the conflict was anything else).
        with uow as session:
            deviation_of_request(session, program_id=program_id, request_key=request_key)
        return DeviationOutcome(posting=Posting.ALREADY, channel_id=channel)
    assert row_id is not None
    return _posted(uow, publish, row_id=row_id, channel=channel)


def _posted(uow: UnitOfWork, publish: Publish, *, row_id: int, channel: str) -> DeviationOutcome:
    try:
        rows = publish([row_id])
    except Exception:
        logger.exception("deviation post (agenda row %s): sending did not finish", row_id)
        return DeviationOutcome(posting=Posting.POSTING, channel_id=channel)
    row: AgendaRow | None = rows[0] if rows else None
    if row is None:
        return DeviationOutcome(posting=Posting.POSTING, channel_id=channel)
    if row.state is AgendaState.SENT:
        return DeviationOutcome(posting=Posting.POSTED, channel_id=row.channel_id or channel)
    if row.state is AgendaState.FAILED:
        with uow as session:
            discard_refused(session, agenda_id=row_id)
        return DeviationOutcome(posting=Posting.REFUSED, channel_id=channel, error=row.last_error)
    return DeviationOutcome(posting=Posting.POSTING, channel_id=channel)
