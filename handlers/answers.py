"""The buttons in the cadence engine's prompts: log a 1:1, rate a session, answer a 360 or the
anonymous survey.

A button's value is only the agenda row id; the row says whose it is, so only its recipient
may answer, once. A change of mind on the coach's held / not-held log is allowed (the updated
message keeps one button to correct a misclick); ratings and survey answers count once — a
survey once a person a round, even for a report of two leaders, and only while the round is
open (it closes when its results are first taken, for the owners' preview).
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any, Final

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.blocks.answers import (
    ANSWERS_VIEW,
    Answer,
    AnswerForm,
    already_answered_round_text,
    already_answered_text,
    already_logged_text,
    build_answer_modal,
    build_answered_message,
    build_logged_message,
    gone_text,
    not_saved_modal,
    not_yours_text,
    one_on_one_form,
    parse_answer,
    pod_form,
    round_closed_text,
    row_of_metadata,
    saved_modal,
    saved_text,
    survey_form,
    three_sixty_form,
    three_sixty_rater,
)
from bot.blocks.prompts.actions import (
    PROMPT_ANSWER_360,
    PROMPT_ANSWER_SURVEY,
    PROMPT_LOG_HELD,
    PROMPT_LOG_NOT_HELD,
    PROMPT_RATE_ONE_ON_ONE,
    PROMPT_RATE_POD,
)
from bot.blocks.reply import Reply
from bot.domain.cadence import AgendaKind
from bot.domain.localtime import local_date
from bot.services import Services
from handlers.programs import team_of
from handlers.router import Router
from storage.answers import (
    answered_on,
    answered_row,
    coach_of,
    log_session,
    record_rating,
    record_survey_answer,
    reminders_of,
    round_closes_at,
    round_surveys,
    session_log,
    survey_response_of,
)
from storage.db import session_scope
from storage.models import AgendaRow, Pod, Program
from storage.programs import get_program
from storage.survey_rounds import RoundClosedError

logger = logging.getLogger("emcoach.answers")

# Which rows each modal button answers; anything else is a stale or forged click.
_FORM_KINDS: Final = {
    PROMPT_RATE_ONE_ON_ONE: frozenset({AgendaKind.ONE_ON_ONE_POST}),
    PROMPT_RATE_POD: frozenset({AgendaKind.POD_POST}),
    PROMPT_ANSWER_360: frozenset({AgendaKind.THREE_SIXTY}),
    PROMPT_ANSWER_SURVEY: frozenset({AgendaKind.SURVEY, AgendaKind.SURVEY_REMINDER}),
}
_ANY_FORM: Final = frozenset(kind for kinds in _FORM_KINDS.values() for kind in kinds)
_LOG_KINDS: Final = frozenset({AgendaKind.ONE_ON_ONE_LOG})


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
    row = session.get(AgendaRow, row_id) if row_id is not None else None
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
    return _round_closed(program, survey, closes) if now >= closes else None


def _round_closed(program: Program, survey: AgendaRow, closes: datetime) -> str:
    return round_closed_text(
        closed_on=local_date(closes, program.timezone),
        results_on=None if survey.occasion == program.kickoff_date else survey.occasion,
    )


def _row_id(action: dict[str, Any]) -> int | None:
    value = str(action.get("value") or "")
    return int(value) if value.isdigit() else None


def _refuse(respond: Respond, text: str) -> None:
    respond(text=text, response_type="ephemeral", replace_original=False)


def _update(client: WebClient, row: AgendaRow, message: Reply) -> bool:
    """Replace the row's prompt with ``message``; False when Slack would not.

    The answer is stored by then: a prompt that cannot be updated (deleted, or its DM gone)
    only keeps its button, and a click on it says it was answered.
    """
    if not (row.channel_id and row.ts):
        return False
    try:
        client.chat_update(
            channel=row.channel_id, ts=row.ts, text=message.text, blocks=message.blocks
        )
    except SlackApiError as error:
        logger.warning("could not update the prompt of agenda row %s: %s", row.id, error)
        return False
    return True


# --- the coach's held / not held ------------------------------------------------------------


def on_log(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    client: WebClient,
    *,
    services: Services,
    held: bool,
) -> None:
    ack()
    user_id = body["user"]["id"]
    now = services.clock.now()
    zone = "UTC"  # the program's, once known: days are shown in program time
    try:
        with session_scope(services.engine) as session:
            target = find_target(
                session,
                team_id=team_of(body),
                row_id=_row_id(action),
                user_id=user_id,
                kinds=_LOG_KINDS,
                now=now,
                once=False,
            )
            if isinstance(target, str):
                _refuse(respond, target)
                return
            assert target.row.id is not None
            zone = target.program.timezone
            earlier = session_log(session, agenda_id=target.row.id)
            if earlier is not None and earlier.held == held:
                logged = local_date(earlier.logged_at, zone)
                _refuse(respond, already_logged_text(held=held, logged=logged))
                return
            log_session(session, row=target.row, held=held, user_id=user_id, now=now)
            row = target.row
    except IntegrityError:
        # Two clicks at once: the first one's log stands.
        _refuse(respond, already_logged_text(held=held, logged=local_date(now, zone)))
        return
    assert row.id is not None
    message = build_logged_message(
        row_id=row.id, leader_id=row.about, occasion=row.occasion, held=held
    )
    if not _update(client, row, message):
        _refuse(respond, message.text)


# --- the modals ---------------------------------------------------------------------------------


def _form(session: Session, target: Target) -> AnswerForm:
    row, program = target.answered, target.program
    assert program.id is not None
    kind = target.kind
    if kind is AgendaKind.ONE_ON_ONE_POST:
        coach = coach_of(session, program_id=program.id, leader_user_id=row.about)
        return one_on_one_form(coach_id=coach, day=row.occasion)
    if kind is AgendaKind.POD_POST:
        pod = session.get(Pod, int(row.about)) if row.about.isdigit() else None
        return pod_form(pod_name=pod.name if pod is not None else row.about, day=row.occasion)
    if kind is AgendaKind.THREE_SIXTY:
        coach = coach_of(session, program_id=program.id, leader_user_id=row.about)
        rater = three_sixty_rater(recipient_id=row.recipient, about_id=row.about, coach_id=coach)
        return three_sixty_form(rater=rater, leader_id=row.about)
    return survey_form(leader_id=row.about, threshold=program.anonymity_threshold)


def on_open_form(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    client: WebClient,
    *,
    services: Services,
    kinds: frozenset[AgendaKind],
) -> None:
    ack()
    with session_scope(services.engine) as session:
        target = find_target(
            session,
            team_id=team_of(body),
            row_id=_row_id(action),
            user_id=body["user"]["id"],
            kinds=kinds,
            now=services.clock.now(),
            once=True,
        )
        if isinstance(target, str):
            _refuse(respond, target)
            return
        assert target.row.id is not None
        view = build_answer_modal(row_id=target.row.id, form=_form(session, target))
    client.views_open(trigger_id=body["trigger_id"], view=view)


@dataclass(frozen=True, slots=True)
class _Saved:
    modal: dict[str, Any]
    prompts: list[tuple[AgendaRow, Reply]]  # the answered prompts and what replaces each


def _save(
    session: Session, target: Target, answer: Answer, *, user_id: str, now: datetime
) -> _Saved:
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
    text = saved_text(
        kind=kind, form=_form(session, target), answer=answer, threshold=program.anonymity_threshold
    )
    message = build_answered_message(kind=kind, occasion=row.occasion, answered=today)
    return _Saved(
        modal=saved_modal(kind=kind, text=text),
        prompts=[(prompt, message) for prompt in prompts if prompt.ts],
    )


def on_submit(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    client: WebClient,
    *,
    services: Services,
) -> None:
    answer = parse_answer(view["state"]["values"])
    if isinstance(answer, dict):
        ack(response_action="errors", errors=answer)
        return
    user_id = body["user"]["id"]
    now = services.clock.now()
    zone = "UTC"  # the program's, once known
    try:
        with session_scope(services.engine) as session:
            target = find_target(
                session,
                team_id=team_of(body),
                row_id=row_of_metadata(view.get("private_metadata") or ""),
                user_id=user_id,
                kinds=_ANY_FORM,
                now=now,
                once=True,
            )
            if isinstance(target, str):
                ack(response_action="update", view=not_saved_modal(target))
                return
            zone = target.program.timezone
            saved = _save(session, target, answer, user_id=user_id, now=now)
    except RoundClosedError as closed:
        # The round closed between the click and the submit (its results were taken).
        assert not isinstance(target, str)
        text = _round_closed(target.program, target.answered, closed.closed_at)
        ack(response_action="update", view=not_saved_modal(text))
        return
    except IntegrityError:
        # The same prompt answered twice at once (two open modals): the first answer counts.
        already = already_answered_text(answered=local_date(now, zone))
        ack(response_action="update", view=not_saved_modal(already))
        return
    ack(response_action="update", view=saved.modal)
    for prompt, message in saved.prompts:
        _update(client, prompt, message)


def register(app: App, services: Services, router: Router) -> None:
    """Listens to every prompt button and the answer modal; adds no subcommand."""
    del router  # the prompts' buttons need no /emcoach subcommand
    app.action(PROMPT_LOG_HELD)(partial(on_log, services=services, held=True))
    app.action(PROMPT_LOG_NOT_HELD)(partial(on_log, services=services, held=False))
    for action_id, kinds in _FORM_KINDS.items():
        app.action(action_id)(partial(on_open_form, services=services, kinds=kinds))
    app.view(ANSWERS_VIEW)(partial(on_submit, services=services))
