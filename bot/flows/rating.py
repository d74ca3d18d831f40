"""Answering a prompt's button, and correcting a session rating within its window.

A button's value is only the agenda row id; the row says whose it is, so only its recipient
may answer. A leader's 1:1 or pod-session rating may be corrected for
``bot.domain.rating.CORRECTION_WINDOW`` after it was first sent: the one rating row is
changed in place (one UPDATE that re-checks the window), so a correction never adds a second
rating, and everything that reads ratings (the coach's digest, the checkpoint results) reads
the corrected value.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.blocks.answers import (
    CORRECTABLE,
    Answer,
    AnswerForm,
    already_answered_round_text,
    already_answered_text,
    correction_closed_text,
    gone_text,
    not_rated_yet_text,
    not_yours_text,
    one_on_one_form,
    pod_form,
    round_closed_text,
    survey_form,
    three_sixty_form,
    three_sixty_rater,
)
from bot.domain.cadence import AgendaKind
from bot.domain.localtime import local_date
from bot.domain.rating import CORRECTION_WINDOW, correctable_until, may_correct
from bot.flows.outcomes import Refused
from storage.agenda import row_by_id
from storage.answers import (
    answered_on,
    answered_row,
    coach_of,
    correct_rating,
    rating_of,
    round_closes_at,
    survey_response_of,
)
from storage.db import session_scope
from storage.models import AgendaRow, Program, Rating
from storage.pods import pod_by_id
from storage.programs import get_program


@dataclass(frozen=True, slots=True)
class Target:
    """A row the person may answer: the clicked ``row``, and ``answered`` — the row the
    answer is recorded against (a reminder's survey; otherwise the row itself)."""

    row: AgendaRow
    answered: AgendaRow
    program: Program

    @property
    def kind(self) -> AgendaKind:
        return AgendaKind(self.answered.kind)


def find_target(
    session: Session,
    *,
    team_id: str,
    row_id: int | None,
    user_id: str,
    kinds: Collection[AgendaKind],
    now: datetime,
    once: bool,
) -> Target | str:
    """The row to answer, or why this person cannot answer it now (a refusal to show).

    ``once``: refuse a row already answered (ratings and surveys count once; the coach's log
    may be corrected).
    """
    row = row_by_id(session, row_id=row_id) if row_id is not None else None
    program = (
        None if row is None else get_program(session, team_id=team_id, program_id=row.program_id)
    )
    if row is None or program is None or row.kind not in {kind.value for kind in kinds}:
        return gone_text()
    if row.recipient != user_id:
        return not_yours_text()
    answered = answered_row(session, row)
    if answered is None:
        return gone_text()
    if answered.kind == AgendaKind.SURVEY.value:
        refusal = _survey_refusal(session, answered, program, now=now)
        if refusal is not None:
            return refusal
    if once:
        day = answered_on(session, row=answered, timezone=program.timezone)
        if day is not None:
            return already_answered_text(answered=day)
    return Target(row=row, answered=answered, program=program)


def _survey_refusal(
    session: Session, survey: AgendaRow, program: Program, *, now: datetime
) -> str | None:
    """Why the person cannot answer ``survey`` now: they answered this round already (this
    survey, or theirs about another leader: once a person a round), or the round closed."""
    response = survey_response_of(session, survey=survey)
    if response is not None and response.agenda_id == survey.id:
        return already_answered_text(answered=response.responded_on)
    if response is not None:
        return already_answered_round_text(answered=response.responded_on)
    closes = round_closes_at(session, survey=survey, program=program)
    return round_closed(program, survey, closes) if now >= closes else None


def round_closed(program: Program, survey: AgendaRow, closes: datetime) -> str:
    return round_closed_text(
        closed_on=local_date(closes, program.timezone),
        results_on=None if survey.occasion == program.kickoff_date else survey.occasion,
    )


def answer_form(session: Session, target: Target) -> AnswerForm:
    """The questions of the target's modal, with the names they mention."""
    row, program = target.answered, target.program
    assert program.id is not None
    kind = target.kind
    if kind is AgendaKind.ONE_ON_ONE_POST:
        coach = coach_of(session, program_id=program.id, leader_user_id=row.about)
        return one_on_one_form(coach_id=coach, day=row.occasion)
    if kind is AgendaKind.POD_POST:
        pod = pod_by_id(session, pod_id=int(row.about)) if row.about.isdigit() else None
        return pod_form(pod_name=pod.name if pod is not None else row.about, day=row.occasion)
    if kind is AgendaKind.THREE_SIXTY:
        coach = coach_of(session, program_id=program.id, leader_user_id=row.about)
        rater = three_sixty_rater(recipient_id=row.recipient, about_id=row.about, coach_id=coach)
        return three_sixty_form(rater=rater, leader_id=row.about)
    return survey_form(leader_id=row.about, threshold=program.anonymity_threshold)


def changeable_until(rated_at: datetime, timezone: str) -> date:
    """The last local day a rating sent at ``rated_at`` may be changed (what the prompt says)."""
    return local_date(correctable_until(rated_at), timezone)


# --- correcting a session rating ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChangeForm:
    row_id: int
    form: AnswerForm
    previous: Answer


@dataclass(frozen=True, slots=True, kw_only=True)
class Corrected:
    form: AnswerForm
    answer: Answer
    kind: AgendaKind
    occasion: date
    row_id: int
    rated_on: date
    changeable_until: date
    changed_on: date
    # The prompt to update with the changed answer, when Slack holds it.
    channel_id: str | None
    ts: str | None


def _rating(
    session: Session, *, team_id: str, user_id: str, row_id: int | None, now: datetime
) -> tuple[Target, Rating] | Refused:
    """The caller's own session rating of the row, while it may still be changed."""
    target = find_target(
        session,
        team_id=team_id,
        row_id=row_id,
        user_id=user_id,
        kinds=CORRECTABLE,
        now=now,
        once=False,
    )
    if isinstance(target, str):
        return Refused(target)
    assert target.answered.id is not None
    rating = rating_of(session, agenda_id=target.answered.id)
    if rating is None or rating.rater_id != user_id:
        return Refused(not_rated_yet_text())
    if not may_correct(rated_at=rating.rated_at, now=now):
        return Refused(_closed(session, target, rating))
    return target, rating


def _closed(session: Session, target: Target, rating: Rating) -> str:
    program, zone = target.program, target.program.timezone
    assert program.id is not None
    return correction_closed_text(
        rated_on=local_date(rating.rated_at, zone),
        closed_on=changeable_until(rating.rated_at, zone),
        coach_id=coach_of(session, program_id=program.id, leader_user_id=rating.rater_id),
    )


def open_change(
    engine: Engine, *, team_id: str, user_id: str, row_id: int | None, now: datetime
) -> ChangeForm | Refused:
    """The rating modal with the earlier answer chosen, or why it cannot be changed."""
    with session_scope(engine) as session:
        found = _rating(session, team_id=team_id, user_id=user_id, row_id=row_id, now=now)
        if isinstance(found, Refused):
            return found
        target, rating = found
        assert target.row.id is not None
        previous = Answer(score=rating.score, decided=rating.decided, say_no=rating.say_no)
        return ChangeForm(
            row_id=target.row.id, form=answer_form(session, target), previous=previous
        )


def correct(
    engine: Engine,
    *,
    team_id: str,
    user_id: str,
    row_id: int | None,
    answer: Answer,
    now: datetime,
) -> Corrected | Refused:
    """Save ``answer`` over the caller's rating of the row; refused past the window."""
    with session_scope(engine) as session:
        found = _rating(session, team_id=team_id, user_id=user_id, row_id=row_id, now=now)
        if isinstance(found, Refused):
            return found
        target, rating = found
        row, zone = target.answered, target.program.timezone
        assert row.id is not None
        changed = correct_rating(
            session,
            agenda_id=row.id,
            rater_id=user_id,
            score=answer.score,
            decided=answer.decided,
            say_no=answer.say_no,
            rated_since=now - CORRECTION_WINDOW,
        )
        if not changed:  # the window closed between the check and the change
            return Refused(_closed(session, target, rating))
        return Corrected(
            form=answer_form(session, target),
            answer=answer,
            kind=target.kind,
            occasion=row.occasion,
            row_id=row.id,
            rated_on=local_date(rating.rated_at, zone),
            changeable_until=changeable_until(rating.rated_at, zone),
            changed_on=local_date(now, zone),
            channel_id=row.channel_id,
            ts=row.ts,
        )
