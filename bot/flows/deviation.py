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

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from bot.domain.cadence import AgendaState
from bot.domain.program_rules import ProgramField
from bot.flows.commit import Publish
from storage.db import session_scope
from storage.deviations import (
    deviation_of_request,
    discard_refused,
    record_deviation,
    standing_deviation,
)
from storage.models import AgendaRow, Program

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


def request_deviation(
    engine: Engine,
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
        with session_scope(engine) as session:
            program = session.get(Program, program_id)
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
        with session_scope(engine) as session:
            deviation_of_request(session, program_id=program_id, request_key=request_key)
        return DeviationOutcome(posting=Posting.ALREADY, channel_id=channel)
    assert row_id is not None
    return _posted(engine, publish, row_id=row_id, channel=channel)


def _posted(engine: Engine, publish: Publish, *, row_id: int, channel: str) -> DeviationOutcome:
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
        with session_scope(engine) as session:
            discard_refused(session, agenda_id=row_id)
        return DeviationOutcome(posting=Posting.REFUSED, channel_id=channel, error=row.last_error)
    return DeviationOutcome(posting=Posting.POSTING, channel_id=channel)
