"""The buttons in the cadence engine's prompts: log a 1:1, rate a session, answer a 360 or the
anonymous survey.

A button's value is only the agenda row id; the row says whose it is, so only its recipient
may answer, once. A change of mind on the coach's held / not-held log is allowed (the updated
message keeps one button to correct a misclick); ratings and survey answers count once — a
survey once a person a round, even for a report of two leaders, and only while the round is
open (it closes when its results are first taken, for the owners' preview).
"""

from __future__ import annotations

from functools import partial
from typing import Any, Final

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.blocks.answers import (
    ANSWERS_CHANGE_RATING,
    ANSWERS_VIEW,
    Answer,
    build_answer_modal,
    build_answered_message,
    build_logged_message,
    changed_text,
    is_change,
    not_saved_modal,
    parse_answer,
    row_of_metadata,
    saved_modal,
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
from bot.flows import rating
from bot.flows.answers import PromptAt, log_held, open_form, save_answer
from bot.flows.outcomes import Refused
from bot.services import Services
from bot.slack.delivery import answer_click, update
from bot.slack.payload import team_of
from bot.slack.replies import refuse_click
from handlers.router import Router

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


def _update(client: WebClient, prompt: PromptAt | None, message: Reply) -> bool:
    """Replace the prompt with ``message``; False when Slack would not.

    The answer is stored by then: a prompt that cannot be updated (deleted, or its DM gone)
    only keeps its button, and a click on it says it was answered.
    """
    if prompt is None:
        return False
    return _update_message(client, prompt.channel_id, prompt.ts, message)


def _update_message(client: WebClient, channel: str, ts: str, message: Reply) -> bool:
    return update(client, channel, ts, message, what="prompt") is None


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
    logged = log_held(
        services.engine,
        team_id=team_of(body),
        row_id=_row_id(action),
        user_id=body["user"]["id"],
        held=held,
        kinds=_LOG_KINDS,
        now=services.clock.now(),
    )
    if isinstance(logged, Refused):
        refuse_click(respond, logged.text)
        return
    message = build_logged_message(
        row_id=logged.row_id, leader_id=logged.leader_id, occasion=logged.occasion, held=held
    )
    if not _update(client, logged.prompt, message):
        # The log is stored: the click's own answer says so.
        answer_click(respond, message.text, what="logged session answer")


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
    opened = open_form(
        services.engine,
        team_id=team_of(body),
        row_id=_row_id(action),
        user_id=body["user"]["id"],
        kinds=kinds,
        now=services.clock.now(),
    )
    if isinstance(opened, Refused):
        refuse_click(respond, opened.text)
        return
    view = build_answer_modal(row_id=opened.row_id, form=opened.form)
    client.views_open(trigger_id=body["trigger_id"], view=view)


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
    metadata = view.get("private_metadata") or ""
    if is_change(metadata):
        _correct(
            ack, body, client, services=services, row_id=row_of_metadata(metadata), answer=answer
        )
        return
    saved = save_answer(
        services.engine,
        team_id=team_of(body),
        row_id=row_of_metadata(metadata),
        user_id=body["user"]["id"],
        answer=answer,
        kinds=_ANY_FORM,
        now=services.clock.now(),
    )
    if isinstance(saved, Refused):
        ack(response_action="update", view=not_saved_modal(saved.text))
        return
    ack(response_action="update", view=saved_modal(kind=saved.kind, text=saved.text))
    message = build_answered_message(
        kind=saved.kind,
        occasion=saved.occasion,
        answered=saved.answered,
        row_id=saved.row_id,
        changeable_until=saved.changeable_until,
    )
    for prompt in saved.prompts:
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
        refuse_click(respond, found.text)
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
