"""/emcoach forget-me and /emcoach delete: each asks first, then acts on the button."""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.blocks.forget import (
    DELETE_CANCEL,
    DELETE_CONFIRM,
    FORGET_CANCEL,
    FORGET_CONFIRM,
    build_delete_confirm,
    build_delete_gone,
    build_delete_not_owner,
    build_delete_refused,
    build_deleted,
    build_forget_cancelled,
    build_forget_confirm,
    build_forgotten,
)
from bot.blocks.picker import build_program_choice
from bot.blocks.reply import Reply
from bot.domain.program_rules import ProgramState
from bot.domain.roles import Audience
from bot.engine.homes import publish_with
from bot.flows.forget import DeleteOutcome, Deletion, deletable, delete_owned_program, evaluation_of
from bot.flows.forget import forget_me as forget_person
from bot.flows.home import forgotten_home
from bot.flows.programs import NotChosen, ProgramAsk, choose_alone
from bot.flows.work import unit_of_work
from bot.services import Services
from bot.slack.payload import team_of
from bot.slack_names import COMMAND
from handlers.router import Invocation, Router, Subcommand


def ask_forget(_invocation: Invocation) -> Reply:
    return build_forget_confirm()


def ask_delete(invocation: Invocation) -> Reply | None:
    ask = ProgramAsk.of(invocation)
    chosen = choose_alone(unit_of_work(invocation.services.engine), ask)
    if isinstance(chosen, NotChosen):
        return build_program_choice(
            roles=chosen.roles, candidates=chosen.candidates, subcommand="delete", args=ask.args
        )
    program = chosen.program
    if not deletable(program.status):
        return build_delete_refused(
            program.name,
            evaluation=evaluation_of(program),
            closing=program.status is ProgramState.EVALUATED,
        )
    assert program.id is not None
    return build_delete_confirm(program.name, program_id=program.id)


def _who(body: dict[str, Any]) -> tuple[str, str]:
    return team_of(body), str((body.get("user") or {}).get("id", ""))


def on_forget_confirm(
    ack: Ack,
    body: dict[str, Any],
    respond: Respond,
    client: WebClient,
    *,
    services: Services,
    router: Router,
) -> None:
    ack()
    team_id, user_id = _who(body)
    now = services.clock.now()
    forgotten = forget_person(services.engine, team_id=team_id, user_id=user_id, now=now)
    reply = build_forgotten(
        memberships_removed=forgotten.memberships_removed,
        prompts_dropped=forgotten.prompts_dropped,
    )
    respond(**reply.as_ephemeral(), replace_original=True)
    if forgotten.had_home:  # it still shows their programs, ratings and decisions
        home = forgotten_home(user_id=user_id, now=now, commands_for=router.help_lines)
        publish_with(client)(user_id, home.view)


def on_forget_cancel(ack: Ack, respond: Respond) -> None:
    ack()
    respond(**build_forget_cancelled().as_ephemeral(), replace_original=True)


def on_delete_confirm(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, *, services: Services
) -> None:
    ack()
    try:
        program_id = int(action.get("value") or "")
    except ValueError:
        respond(text=f"That button is out of date. Run `{COMMAND} delete` again.")
        return
    team_id, user_id = _who(body)
    outcome = delete_owned_program(
        services.engine, team_id=team_id, user_id=user_id, program_id=program_id
    )
    reply, replace_original = _delete_reply(outcome)
    respond(**reply.as_ephemeral(), replace_original=replace_original)


def _delete_reply(outcome: DeleteOutcome) -> tuple[Reply, bool]:
    match outcome.answer:
        case Deletion.NOT_FOUND:
            return build_delete_gone(), True
        case Deletion.NOT_OWNER:
            return build_delete_not_owner(), False
        case Deletion.RUNNING:
            refused = build_delete_refused(
                outcome.program_name, evaluation=outcome.evaluation, closing=outcome.closing
            )
            return refused, True
    return build_deleted(outcome.program_name), True


def on_delete_cancel(ack: Ack, respond: Respond) -> None:
    ack()
    respond(
        text=f"Nothing was deleted. Run `{COMMAND} delete` again if you change your mind.",
        replace_original=True,
    )


def register(app: App, services: Services, router: Router) -> None:
    router.add(
        Subcommand(
            name="delete",
            usage='delete "<program>"',
            summary="delete a closed program and everything emcoach holds about it",
            audience=Audience.OWNERS,
            run=ask_delete,
        )
    )
    router.add(
        Subcommand(
            name="forget-me",
            usage="forget-me",
            summary="ask emcoach to forget you; published results stay as published",
            audience=Audience.EVERYONE,
            run=ask_forget,
            answers_in_ack=True,
        )
    )
    app.action(FORGET_CONFIRM)(partial(on_forget_confirm, services=services, router=router))
    app.action(FORGET_CANCEL)(on_forget_cancel)
    app.action(DELETE_CONFIRM)(partial(on_delete_confirm, services=services))
    app.action(DELETE_CANCEL)(on_delete_cancel)
