"""Deviations: the only way to change what the public pre-commitment locked.

A deviation and its post's agenda row are recorded together, before anything is sent; the
deviation allows its one change only once the engine has the post in the channel.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, delete, exists, or_
from sqlmodel import Session, col, select

from bot.domain.cadence import AgendaKind, AgendaState
from bot.domain.program_rules import ChangeLine, ProgramField
from storage.agenda import record_post
from storage.models import AgendaRow, Deviation, Program


def record_deviation(
    session: Session,
    *,
    program: Program,
    channel_id: str,
    field: ProgramField,
    reason: str,
    requested_by: str,
    request_key: str | None,
    now: datetime,
) -> tuple[Deviation, AgendaRow]:
    """Record a deviation and its post, due now. Raises IntegrityError when this request
    (``request_key``) was recorded before: a retry, a replay or a double click."""
    assert program.id is not None
    deviation = Deviation(
        program_id=program.id,
        field=field.value,
        reason=reason,
        requested_by=requested_by,
        created_at=now,
        request_key=request_key,
    )
    session.add(deviation)
    session.flush()
    row = record_post(
        session,
        program=program,
        key=f"deviation:{deviation.id}",
        kind=AgendaKind.DEVIATION_POST.value,
        recipient=channel_id,
        about=str(deviation.id),
        now=now,
    )
    deviation.agenda_id = row.id
    session.add(deviation)
    session.flush()
    return deviation, row


def _post_in(states: tuple[AgendaState, ...]) -> ColumnElement[bool]:
    return exists().where(
        col(AgendaRow.id) == col(Deviation.agenda_id), col(AgendaRow.state).in_(states)
    )


# Posted: a row from before posts were agenda rows carries its ts; a newer one has its row sent.
_POSTED = or_(col(Deviation.ts).is_not(None), _post_in((AgendaState.SENT,)))
# Not refused: posted, or still on its way.
_STANDING = or_(
    col(Deviation.ts).is_not(None),
    _post_in((AgendaState.PENDING, AgendaState.SENDING, AgendaState.SENT)),
)


def standing_deviation(
    session: Session, *, program_id: int, field: ProgramField, reason: str
) -> Deviation | None:
    """An unused deviation of ``field`` with this very reason, posted or on its way: asking
    again (a double submit, a retry by hand) finds it instead of posting a second one."""
    statement = select(Deviation).where(
        Deviation.program_id == program_id,
        Deviation.field == field.value,
        Deviation.reason == reason,
        col(Deviation.used_at).is_(None),
        _STANDING,
    )
    return session.exec(statement).first()


def discard_refused(session: Session, *, agenda_id: int) -> None:
    """Slack refused the deviation's post for good: it was never public, so it is not kept."""
    row = session.get(AgendaRow, agenda_id)
    if row is not None and row.state is AgendaState.FAILED:
        session.exec(delete(Deviation).where(col(Deviation.agenda_id) == agenda_id))
        session.delete(row)


def deviation_of_request(session: Session, *, program_id: int, request_key: str) -> Deviation:
    statement = select(Deviation).where(
        Deviation.program_id == program_id, Deviation.request_key == request_key
    )
    return session.exec(statement).one()


def take_unused_deviation(
    session: Session, *, program_id: int, field: ProgramField, now: datetime
) -> Deviation | None:
    """The oldest posted, not yet used deviation for ``field``, marked used; None if none."""
    statement = (
        select(Deviation)
        .where(
            Deviation.program_id == program_id,
            Deviation.field == field.value,
            col(Deviation.used_at).is_(None),
            _POSTED,
        )
        .order_by(col(Deviation.id))
    )
    deviation = session.exec(statement).first()
    if deviation is not None:
        deviation.used_at = now
        session.add(deviation)
        session.flush()
    return deviation


def record_deviation_change(
    session: Session,
    *,
    program: Program,
    deviation: Deviation,
    changes: Sequence[ChangeLine],
    now: datetime,
) -> AgendaRow | None:
    """What the change ``deviation`` allowed did (old → new), and its follow-up post in the
    deviation's channel, recorded due now in the change's own unit of work: the engine sends
    it once. None when nothing changed (the follow-up would have nothing to say) or when it
    is recorded already."""
    assert deviation.id is not None
    if not changes or deviation.change_json is not None:
        return None
    deviation.change_json = json.dumps(
        [{"what": line.what, "old": line.old, "new": line.new} for line in changes]
    )
    session.add(deviation)
    post = session.get(AgendaRow, deviation.agenda_id) if deviation.agenda_id else None
    channel = (
        (post.channel_id or post.recipient if post else None)
        or deviation.channel_id
        or program.commitment_channel_id
        or program.publish_channel_id
    )
    assert channel
    return record_post(
        session,
        program=program,
        key=f"deviation_change:{deviation.id}",
        kind=AgendaKind.DEVIATION_CHANGE.value,
        recipient=channel,
        about=str(deviation.id),
        now=now,
    )


def changes_of(deviation: Deviation) -> tuple[ChangeLine, ...]:
    """The old → new values recorded for ``deviation`` (none before its change)."""
    if not deviation.change_json:
        return ()
    return tuple(
        ChangeLine(what=str(item["what"]), old=str(item["old"]), new=str(item["new"]))
        for item in json.loads(deviation.change_json)
    )


def deviation_post_of(session: Session, deviation: Deviation) -> AgendaRow | None:
    return session.get(AgendaRow, deviation.agenda_id) if deviation.agenda_id else None


def deviations_of(session: Session, *, program_id: int) -> list[Deviation]:
    statement = (
        select(Deviation).where(Deviation.program_id == program_id).order_by(col(Deviation.id))
    )
    return list(session.exec(statement).all())


def deviation_by_id(session: Session, *, deviation_id: int) -> Deviation | None:
    return session.get(Deviation, deviation_id)
