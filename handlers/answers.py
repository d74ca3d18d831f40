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
    ANSWERS_CHANGE_RATING,
    ANSWERS_VIEW,
    CORRECTABLE,
    Answer,
    already_answered_text,
    already_logged_text,
    build_answer_modal,
    build_answered_message,
    build_logged_message,
    changed_text,
    is_change,
    not_saved_modal,
    parse_answer,
    row_of_metadata,
    saved_modal,
    saved_text,
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
from bot.flows import rating
from bot.flows.outcomes import Refused
from bot.flows.rating import Target, answer_form, changeable_until, find_target, round_closed
from bot.services import Services
from handlers.programs import team_of
from handlers.router import Router
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
    return _update_message(client, row.channel_id, row.ts, message)


def _update_message(client: WebClient, channel: str, ts: str, message: Reply) -> bool:
    try:
        client.chat_update(channel=channel, ts=ts, text=message.text, blocks=message.blocks)
    except SlackApiError as error:
        logger.warning("could not update the prompt %s in %s: %s", ts, channel, error)
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
        view = build_answer_modal(row_id=target.row.id, form=answer_form(session, target))
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
    until = changeable_until(now, program.timezone) if kind in CORRECTABLE else None
    text = saved_text(
        kind=kind,
        form=answer_form(session, target),
        answer=answer,
        threshold=program.anonymity_threshold,
        changeable_until=until,
    )
    assert row.id is not None
    message = build_answered_message(
        kind=kind, occasion=row.occasion, answered=today, row_id=row.id, changeable_until=until
    )
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
    metadata = view.get("private_metadata") or ""
    if is_change(metadata):
        _correct(
            ack, body, client, services=services, row_id=row_of_metadata(metadata), answer=answer
        )
        return
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
        text = round_closed(target.program, target.answered, closed.closed_at)
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


# --- correcting a session rating within its window -------------------------------------------


def on_change_rating(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    client: WebClient,
    *,
    services: Services,
) -> None:
    """ "Change rating" on an answered prompt: the rating modal with the earlier answer."""
    ack()
    found = rating.open_change(
        services.engine,
        team_id=team_of(body),
        user_id=body["user"]["id"],
        row_id=_row_id(action),
        now=services.clock.now(),
    )
    if isinstance(found, Refused):
        _refuse(respond, found.text)
        return
    view = build_answer_modal(row_id=found.row_id, form=found.form, previous=found.previous)
    client.views_open(trigger_id=body["trigger_id"], view=view)


def _correct(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    *,
    services: Services,
    row_id: int | None,
    answer: Answer,
) -> None:
    corrected = rating.correct(
        services.engine,
        team_id=team_of(body),
        user_id=body["user"]["id"],
        row_id=row_id,
        answer=answer,
        now=services.clock.now(),
    )
    if isinstance(corrected, Refused):
        ack(response_action="update", view=not_saved_modal(corrected.text))
        return
    text = changed_text(form=corrected.form, answer=corrected.answer)
    ack(response_action="update", view=saved_modal(kind=corrected.kind, text=text))
    message = build_answered_message(
        kind=corrected.kind,
        occasion=corrected.occasion,
        answered=corrected.rated_on,
        row_id=corrected.row_id,
        changeable_until=corrected.changeable_until,
        changed=corrected.changed_on,
    )
    if corrected.channel_id and corrected.ts:
        _update_message(client, corrected.channel_id, corrected.ts, message)


def register(app: App, services: Services, router: Router) -> None:
    """Listens to every prompt button and the answer modal; adds no subcommand."""
    del router  # the prompts' buttons need no /emcoach subcommand
    app.action(PROMPT_LOG_HELD)(partial(on_log, services=services, held=True))
    app.action(PROMPT_LOG_NOT_HELD)(partial(on_log, services=services, held=False))
    for action_id, kinds in _FORM_KINDS.items():
        app.action(action_id)(partial(on_open_form, services=services, kinds=kinds))
    app.view(ANSWERS_VIEW)(partial(on_submit, services=services))
    app.action(ANSWERS_CHANGE_RATING)(partial(on_change_rating, services=services))
