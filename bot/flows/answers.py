"""The prompts' buttons answered: the coach's held / not-held log, and a rating, 360 or
survey answer submitted from the answer modal. Each checks the clicked row is the person's to
answer (``bot.flows.rating.find_target``) and records the answer in one unit of work; the
listener then updates the prompts answered, with no transaction open.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.blocks.answers import (
    CORRECTABLE,
    Answer,
    AnswerForm,
    already_answered_text,
    already_logged_text,
    saved_text,
)
from bot.domain.cadence import AgendaKind
from bot.domain.localtime import local_date
from bot.flows.outcomes import Refused
from bot.flows.rating import Target, answer_form, changeable_until, find_target, round_closed
from storage.answers import (
    log_session,
    record_rating,
    record_survey_answer,
    reminders_of,
    round_surveys,
    session_log,
)
from storage.db import session_scope
from storage.models import AgendaRow
from storage.survey_rounds import RoundClosedError


@dataclass(frozen=True, slots=True, kw_only=True)
class PromptAt:
    """Where a prompt was sent (its message is updated once answered)."""

    channel_id: str
    ts: str


def _at(row: AgendaRow) -> PromptAt | None:
    return PromptAt(channel_id=row.channel_id, ts=row.ts) if row.channel_id and row.ts else None


@dataclass(frozen=True, slots=True, kw_only=True)
class Logged:
    """The coach's log recorded: the prompt, to show what was logged."""

    row_id: int
    leader_id: str
    occasion: date
    prompt: PromptAt | None


def log_held(
    engine: Engine,
    *,
    team_id: str,
    row_id: int | None,
    user_id: str,
    held: bool,
    kinds: Collection[AgendaKind],
    now: datetime,
) -> Logged | Refused:
    """The coach's held / not-held; a change of mind is allowed, the same answer twice is not."""
    zone = "UTC"  # the program's, once known: days are shown in program time
    try:
        with session_scope(engine) as session:
            target = find_target(
                session,
                team_id=team_id,
                row_id=row_id,
                user_id=user_id,
                kinds=kinds,
                now=now,
                once=False,
            )
            if isinstance(target, str):
                return Refused(target)
            assert target.row.id is not None
            zone = target.program.timezone
            earlier = session_log(session, agenda_id=target.row.id)
            if earlier is not None and earlier.held == held:
                logged = local_date(earlier.logged_at, zone)
                return Refused(already_logged_text(held=held, logged=logged))
            log_session(session, row=target.row, held=held, user_id=user_id, now=now)
            row = target.row
    except IntegrityError:
        # Two clicks at once: the first one's log stands.
        return Refused(already_logged_text(held=held, logged=local_date(now, zone)))
    assert row.id is not None
    return Logged(row_id=row.id, leader_id=row.about, occasion=row.occasion, prompt=_at(row))


@dataclass(frozen=True, slots=True, kw_only=True)
class OpenForm:
    """What an answer button opens: the modal for the row."""

    row_id: int
    form: AnswerForm


def open_form(
    engine: Engine,
    *,
    team_id: str,
    row_id: int | None,
    user_id: str,
    kinds: Collection[AgendaKind],
    now: datetime,
) -> OpenForm | Refused:
    with session_scope(engine) as session:
        target = find_target(
            session,
            team_id=team_id,
            row_id=row_id,
            user_id=user_id,
            kinds=kinds,
            now=now,
            once=True,
        )
        if isinstance(target, str):
            return Refused(target)
        assert target.row.id is not None
        return OpenForm(row_id=target.row.id, form=answer_form(session, target))


@dataclass(frozen=True, slots=True, kw_only=True)
class Saved:
    """An answer recorded: what the modal says, and the prompts it answered (each replaced
    with the answered message)."""

    kind: AgendaKind
    text: str
    row_id: int
    occasion: date
    answered: date
    changeable_until: date | None
    prompts: tuple[PromptAt, ...]


def _save(
    session: Session, target: Target, answer: Answer, *, user_id: str, now: datetime
) -> Saved:
    row, program, kind = target.answered, target.program, target.kind
    today = local_date(now, program.timezone)
    if kind is AgendaKind.SURVEY:
        # Named nowhere: the answer row gets the leader and the round, never the person.
        record_survey_answer(session, survey=row, score=answer.score, responded_on=today)
        # The person's other surveys this round (a second leader) close with this answer.
        prompts = [
            prompt
            for asked in round_surveys(session, row)
            for prompt in (asked, *reminders_of(session, asked))
        ]
    else:
        record_rating(
            session,
            row=row,
            rater_id=user_id,
            score=answer.score,
            decided=answer.decided,
            say_no=answer.say_no,
            now=now,
        )
        prompts = [row]
    until = changeable_until(now, program.timezone) if kind in CORRECTABLE else None
    text = saved_text(
        kind=kind,
        form=answer_form(session, target),
        answer=answer,
        threshold=program.anonymity_threshold,
        changeable_until=until,
    )
    assert row.id is not None
    return Saved(
        kind=kind,
        text=text,
        row_id=row.id,
        occasion=row.occasion,
        answered=today,
        changeable_until=until,
        prompts=tuple(at for at in map(_at, prompts) if at is not None),
    )


def save_answer(
    engine: Engine,
    *,
    team_id: str,
    row_id: int | None,
    user_id: str,
    answer: Answer,
    kinds: Collection[AgendaKind],
    now: datetime,
) -> Saved | Refused:
    """A rating, 360 or survey answer from the modal; counted once."""
    zone = "UTC"  # the program's, once known
    target: Target | str = ""
    try:
        with session_scope(engine) as session:
            target = find_target(
                session,
                team_id=team_id,
                row_id=row_id,
                user_id=user_id,
                kinds=kinds,
                now=now,
                once=True,
            )
            if isinstance(target, str):
                return Refused(target)
            zone = target.program.timezone
            return _save(session, target, answer, user_id=user_id, now=now)
    except RoundClosedError as closed:
        # The round closed between the click and the submit (its results were taken).
        assert not isinstance(target, str)
        return Refused(round_closed(target.program, target.answered, closed.closed_at))
    except IntegrityError:
        # The same prompt answered twice at once (two open modals): the first answer counts.
        return Refused(already_answered_text(answered=local_date(now, zone)))
