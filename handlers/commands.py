"""The /emcoach slash command: parse who is asking, then hand over to the router."""

from __future__ import annotations

from functools import partial

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.services import Services
from bot.slack_names import COMMAND
from handlers.router import Invocation, Router, lookup_roles


def on_emcoach(
    ack: Ack,
    command: dict[str, str],
    respond: Respond,
    client: WebClient,
    *,
    services: Services,
    router: Router,
) -> None:
    team_id = command.get("team_id", "")
    user_id = command.get("user_id", "")
    invocation = Invocation(
        team_id=team_id,
        user_id=user_id,
        channel_id=command.get("channel_id", ""),
        trigger_id=command.get("trigger_id", ""),
        args=command.get("text", ""),
        roles=lookup_roles(services, team_id=team_id, user_id=user_id),
        respond=respond,
        client=client,
        services=services,
    )
    router.dispatch(ack=ack, invocation=invocation)


def register(app: App, services: Services, router: Router) -> None:
    app.command(COMMAND)(partial(on_emcoach, services=services, router=router))
