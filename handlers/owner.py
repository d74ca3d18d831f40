"""/emcoach owner listener: add, remove and list a program's co-owners (bot/flows/owner.py);
new co-owners are welcomed by DM once the change is committed."""

from __future__ import annotations

from slack_bolt import App
from slack_sdk import WebClient

from bot.blocks.owner import (
    OWNER_USAGE,
    build_co_owner_welcome,
    build_last_owner,
    build_not_owner,
    build_owner_list,
    build_owner_usage,
    build_owners_added,
    build_owners_removed,
)
from bot.blocks.picker import build_program_choice
from bot.blocks.refusals import build_not_part_of
from bot.blocks.reply import Reply
from bot.domain.roles import Audience
from bot.flows.owner import (
    Added,
    LastOwner,
    Listed,
    NotOwner,
    NotPartOf,
    Removed,
    Usage,
    change_owners,
)
from bot.flows.programs import NotChosen, ProgramAsk
from bot.flows.work import unit_of_work
from bot.services import Services
from bot.slack.delivery import post
from handlers.router import Invocation, Router, Subcommand


def run_owner(invocation: Invocation) -> Reply | None:
    ask = ProgramAsk.of(invocation)
    outcome = change_owners(
        unit_of_work(invocation.services.engine), ask=ask, now=invocation.services.clock.now()
    )
    match outcome:
        case NotChosen(roles, candidates):
            return build_program_choice(
                roles=roles, candidates=candidates, subcommand="owner", args=ask.args
            )
        case Usage(message):
            return build_owner_usage(message)
        case NotPartOf(name):
            return build_not_part_of(name)
        case NotOwner(name, owners):
            return build_not_owner(name, owners)
        case LastOwner(name):
            return build_last_owner(name)
        case Listed():
            return build_owner_list(
                outcome.program_name, owners=outcome.owners, budget_owner=outcome.budget_owner
            )
        case Removed():
            return build_owners_removed(
                outcome.program_name,
                removed=outcome.removed,
                not_owners=outcome.not_owners,
                owners=outcome.owners,
            )
    assert isinstance(outcome, Added)
    not_told = [
        user_id
        for user_id in outcome.added
        if not _welcome(
            invocation.client,
            user_id=user_id,
            program_name=outcome.program_name,
            by=invocation.user_id,
        )
    ]
    return build_owners_added(
        outcome.program_name,
        added=outcome.added,
        already=outcome.already,
        not_told=not_told,
        owners=outcome.owners,
    )


def _welcome(client: WebClient, *, user_id: str, program_name: str, by: str) -> bool:
    """DM the new co-owner; False when Slack did not take it (the adder is asked to tell them)."""
    message = build_co_owner_welcome(program_name, added_by=by)
    return post(client, user_id, message, what="co-owner welcome") is None


def register(app: App, services: Services, router: Router) -> None:
    """Adds the subcommand to ``router``; it has no actions or views of its own."""
    router.add(
        Subcommand(
            name="owner",
            usage=OWNER_USAGE,
            summary="add or remove a program's co-owners, or list who they are",
            audience=Audience.OWNERS,
            run=run_owner,
        )
    )
