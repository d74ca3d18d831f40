"""/emcoach setup listeners: the setup modal opened and saved (bot/flows/setup.py); the
budget owner's heads-up is sent after the save commits."""

from __future__ import annotations

from functools import partial
from typing import Any, Final

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.blocks.reply import Reply, program_id_from_metadata
from bot.blocks.setup import (
    SETUP_VIEW,
    build_budget_owner_heads_up,
    build_heads_up_not_delivered,
    build_setup_done,
    build_setup_modal,
    build_setup_not_yours,
    build_setup_notice,
    form_from_state,
)
from bot.domain.roles import Audience
from bot.flows.setup import NotYours, Refused, save_setup, setup_modal
from bot.flows.work import unit_of_work
from bot.services import Services
from bot.slack.delivery import post
from bot.slack.directory import SlackDirectory
from handlers.router import Invocation, Router, Subcommand

# The modal must open within the trigger's 3 seconds, so the owner's Slack time zone is asked
# once, briefly and without retries; if Slack is slow the modal opens with UTC preselected.
USERS_INFO_TIMEOUT_SECONDS: Final = 2


def open_setup(invocation: Invocation) -> Reply | None:
    quick = WebClient(
        token=invocation.client.token,
        base_url=invocation.client.base_url,
        timeout=USERS_INFO_TIMEOUT_SECONDS,
        retry_handlers=[],
    )
    modal = setup_modal(
        unit_of_work(invocation.services.engine),
        SlackDirectory(quick),
        team_id=invocation.team_id,
        user_id=invocation.user_id,
        args=invocation.args,
        channel_id=invocation.channel_id,
        now=invocation.services.clock.now(),
    )
    if isinstance(modal, NotYours):
        return build_setup_not_yours(modal.program_name, modal.owners)
    view = build_setup_modal(
        modal.form,
        program_id=modal.program_id,
        committed_on=modal.committed_on,
        default_zone=modal.default_zone,
    )
    invocation.client.views_open(trigger_id=invocation.trigger_id, view=view)
    return None


def on_submit(
    ack: Ack,
    view: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    *,
    services: Services,
) -> None:
    form = form_from_state(view["state"]["values"])
    user_id, team_id = context.user_id or "", context.team_id or ""
    outcome = save_setup(
        unit_of_work(services.engine),
        form,
        program_id=program_id_from_metadata(view.get("private_metadata", "")),
        team_id=team_id,
        user_id=user_id,
        now=services.clock.now(),
    )
    if isinstance(outcome, dict):
        ack(response_action="errors", errors=outcome)
        return
    if isinstance(outcome, Refused | NotYours):
        text = (
            outcome.text
            if isinstance(outcome, Refused)
            else build_setup_not_yours(outcome.program_name, outcome.owners).text
        )
        ack(response_action="update", view=build_setup_notice(text))
        return
    saved = outcome.form
    tell = outcome.tell_budget_owner and saved.budget_owner_id not in (None, user_id)
    ack(
        response_action="update",
        view=build_setup_done(
            saved,
            created=outcome.created,
            changed=outcome.changed,
            owner_id=user_id,
            budget_owner_told=tell,
        ),
    )
    if tell and saved.budget_owner_id and saved.name:
        _heads_up(
            client, budget_owner_id=saved.budget_owner_id, program_name=saved.name, owner_id=user_id
        )


def _heads_up(client: WebClient, *, budget_owner_id: str, program_name: str, owner_id: str) -> None:
    message = build_budget_owner_heads_up(program_name=program_name, owner_id=owner_id)
    # The program exists either way; the sign-off request itself will reach them later.
    if post(client, budget_owner_id, message, what="budget owner heads-up") is not None:
        # The modal said they are being told: the owner learns they were not.
        told = build_heads_up_not_delivered(
            program_name=program_name, budget_owner_id=budget_owner_id
        )
        post(client, owner_id, told, what="undelivered heads-up notice")


def register(app: App, services: Services, router: Router) -> None:
    """Adds the subcommand to ``router`` and its actions and views to ``app``."""
    router.add(
        Subcommand(
            name="setup",
            usage="setup [program]",
            summary="create a program (you become its owner), or change one you own",
            audience=Audience.EVERYONE,
            run=open_setup,
        )
    )
    app.view(SETUP_VIEW)(partial(on_submit, services=services))
