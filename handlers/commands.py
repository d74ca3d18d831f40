"""The /emcoach slash command: parse who is asking, then hand over to the router."""

from __future__ import annotations

import json
import re
from functools import partial
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks.validation import build_out_of_date_button
from bot.flows.work import DatabaseUnavailable
from bot.services import Services
from bot.slack_names import ACTION_PICK_PROGRAM, COMMAND
from handlers.router import Invocation, Router, StartRoleLookup, lookup_roles
from handlers.unavailable import DATABASE_APOLOGY


def on_emcoach(
    ack: Ack,
    command: dict[str, str],
    respond: Respond,
    client: WebClient,
    context: BoltContext,
    *,
    services: Services,
    router: Router,
) -> None:
    team_id = command.get("team_id", "")
    user_id = command.get("user_id", "")
    try:
        roles = lookup_roles(services, team_id=team_id, user_id=user_id, context=context)
    except DatabaseUnavailable:
        ack(text=DATABASE_APOLOGY, response_type="ephemeral")
        return
    invocation = Invocation(
        team_id=team_id,
        user_id=user_id,
        channel_id=command.get("channel_id", ""),
        trigger_id=command.get("trigger_id", ""),
        args=command.get("text", ""),
        roles=roles,
        respond=respond,
        client=client,
        services=services,
    )
    router.dispatch(ack=ack, invocation=invocation)


def on_pick_program(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    client: WebClient,
    *,
    services: Services,
    router: Router,
) -> None:
    """A click on "which program?": run the original subcommand for the chosen program."""
    ack()
    try:
        choice = json.loads(action.get("value") or "")
        subcommand, args, program_id = (
            str(choice["sub"]),
            str(choice["args"]),
            int(choice["program"]),
        )
    except (ValueError, KeyError, TypeError):
        respond(**build_out_of_date_button().as_ephemeral(), replace_original=False)
        return
    user = body.get("user") or {}
    team_id = (body.get("team") or {}).get("id") or user.get("team_id", "")
    user_id = user.get("id", "")
    invocation = Invocation(
        team_id=team_id,
        user_id=user_id,
        channel_id=(body.get("channel") or {}).get("id", ""),
        trigger_id=body.get("trigger_id", ""),
        args=args,
        roles=lookup_roles(services, team_id=team_id, user_id=user_id),
        respond=respond,
        client=client,
        services=services,
        program_id=program_id,
    )
    router.run_acknowledged(name=subcommand, invocation=invocation)


def register(app: App, services: Services, router: Router) -> None:
    app.use(StartRoleLookup(services))
    app.command(COMMAND)(partial(on_emcoach, services=services, router=router))
    app.action(re.compile(f"^{ACTION_PICK_PROGRAM}:"))(
        partial(on_pick_program, services=services, router=router)
    )
