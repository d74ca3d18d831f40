"""/emcoach owner: add, remove and list a program's co-owners (only owners may)."""

from __future__ import annotations

import logging
from typing import Final

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

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
from bot.blocks.refusals import build_not_part_of
from bot.blocks.reply import Reply
from bot.domain.args import ArgumentError, Word, escape_mrkdwn, split_subcommand, tokenize, users
from bot.domain.roles import Audience, Role
from bot.services import Services
from handlers.programs import Chosen, choose_program, is_member
from handlers.router import Invocation, Router, Subcommand
from storage.db import session_scope
from storage.programs import add_member, find_program, has_role, members, remove_member

logger = logging.getLogger("emcoach.owner")

ADD: Final = "add"
REMOVE: Final = "remove"
LIST: Final = "list"
VERBS: Final = frozenset({ADD, REMOVE, LIST})


def run_owner(invocation: Invocation) -> Reply | None:
    refusal = _someone_elses_program(invocation)
    if refusal is not None:
        return refusal
    chosen = choose_program(invocation, subcommand="owner")
    if not isinstance(chosen, Chosen):
        return chosen
    verb, rest = split_subcommand(chosen.args)
    verb = verb or LIST
    if verb not in VERBS:
        return build_owner_usage(f"I don't know “{escape_mrkdwn(verb)}”.")
    try:
        people = [ref.id for ref in users(tokenize(rest))]
    except ArgumentError as error:
        return build_owner_usage(error.message)
    if verb == LIST:
        return _list(invocation, chosen)
    if not people:
        return build_owner_usage(f"Mention the person to {verb}.")
    if verb == ADD:
        return _add(invocation, chosen, people)
    return _remove(invocation, chosen, people)


def _someone_elses_program(invocation: Invocation) -> Reply | None:
    """A refusal naming the owners when the command names a program the caller doesn't own.

    choose_program only sees the caller's own programs, so without this the name would be
    read as an unknown word instead of getting the answer "ask these people".
    """
    if invocation.program_id is not None:
        return None
    tokens = tokenize(invocation.args)
    first = tokens[0] if tokens else None
    if not isinstance(first, Word) or first.text.lower() in VERBS:
        return None
    with session_scope(invocation.services.engine) as session:
        program = find_program(session, team_id=invocation.team_id, name=first.text)
        if program is None or program.id is None:
            return None
        if has_role(session, program_id=program.id, user_id=invocation.user_id, role=Role.OWNER):
            return None
        if not is_member(
            session, team_id=invocation.team_id, program_id=program.id, user_id=invocation.user_id
        ):
            return build_not_part_of(program.name)
        owners = members(session, program_id=program.id, role=Role.OWNER)
    return build_not_owner(program.name, owners)


def _list(invocation: Invocation, chosen: Chosen) -> Reply:
    program = chosen.program
    assert program.id is not None
    with session_scope(invocation.services.engine) as session:
        owners = members(session, program_id=program.id, role=Role.OWNER)
    return build_owner_list(program.name, owners=owners, budget_owner=program.budget_owner_id)


def _add(invocation: Invocation, chosen: Chosen, people: list[str]) -> Reply:
    program = chosen.program
    assert program.id is not None
    added: list[str] = []
    already: list[str] = []
    with session_scope(invocation.services.engine) as session:
        for user_id in people:
            is_new = add_member(
                session,
                program_id=program.id,
                user_id=user_id,
                role=Role.OWNER,
                added_by=invocation.user_id,
                now=invocation.services.clock.now(),
            )
            (added if is_new else already).append(user_id)
        owners = members(session, program_id=program.id, role=Role.OWNER)
    not_told = [
        user_id
        for user_id in added
        if not _welcome(
            invocation.client, user_id=user_id, program_name=program.name, by=invocation.user_id
        )
    ]
    return build_owners_added(
        program.name, added=added, already=already, not_told=not_told, owners=owners
    )


def _welcome(client: WebClient, *, user_id: str, program_name: str, by: str) -> bool:
    """DM the new co-owner; False when Slack refused (the adder is asked to tell them)."""
    message = build_co_owner_welcome(program_name, added_by=by)
    try:
        client.chat_postMessage(channel=user_id, text=message.text, blocks=message.blocks)
    except SlackApiError as error:
        logger.warning("welcome to co-owner %s failed: %s", user_id, error.response.get("error"))
        return False
    return True


def _remove(invocation: Invocation, chosen: Chosen, people: list[str]) -> Reply:
    program = chosen.program
    assert program.id is not None
    with session_scope(invocation.services.engine) as session:
        current = members(session, program_id=program.id, role=Role.OWNER)
        removed = [user_id for user_id in people if user_id in current]
        not_owners = [user_id for user_id in people if user_id not in current]
        if removed and len(current) <= len(removed):
            return build_last_owner(program.name)
        for user_id in removed:
            remove_member(session, program_id=program.id, user_id=user_id, role=Role.OWNER)
        owners = members(session, program_id=program.id, role=Role.OWNER)
    return build_owners_removed(program.name, removed=removed, not_owners=not_owners, owners=owners)


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
