"""/emcoach commit: preview the public pre-commitment, then post it and lock the program."""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.blocks.commit import (
    COMMIT_CANCEL,
    COMMIT_CONFIRM,
    build_commit_missing,
    build_commit_posting,
    build_commit_preview,
    build_commit_refused,
    build_committed,
    build_not_in_channel,
)
from bot.blocks.reply import Reply
from bot.domain.mrkdwn import channel_mention, plain
from bot.domain.program_rules import ProgramState
from bot.domain.roles import Audience
from bot.engine.commitment import commitment_of
from bot.flows.commit import Answer, CommitOutcome, Publish, confirm_commit
from bot.services import Services
from bot.slack_names import COMMAND
from handlers.programs import Chosen, choose_program
from handlers.router import Invocation, Router, Subcommand
from storage.db import session_scope
from storage.setup_state import setup_state

# Errors after which the post can succeed once the owner fixes the channel.
CHANNEL_ERRORS = {"not_in_channel", "channel_not_found", "is_archived"}


def preview(invocation: Invocation) -> Reply | None:
    chosen = choose_program(invocation, subcommand="commit")
    if not isinstance(chosen, Chosen):
        return chosen
    with session_scope(invocation.services.engine) as session:
        program = chosen.program
        channel = program.commitment_channel_id or program.publish_channel_id or ""
        if program.status is ProgramState.COMMITTING:
            return build_commit_posting(program.name, channel)
        if program.committed_at is not None:
            return Reply(text=_already_committed(program.name, channel))
        state = setup_state(session, program)
        if state.missing:
            return build_commit_missing(program.name, state.missing)
        assert program.id is not None
        return build_commit_preview(commitment_of(session, program), program_id=program.id)


def _already_committed(name: str, channel_id: str) -> str:
    return (
        f"*{plain(name)}* is already committed: the pre-commitment is in "
        f"{channel_mention(channel_id)}. To change a locked part, post a deviation with "
        f"`{COMMAND} deviation <what> <reason>`."
    )


def on_confirm(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    client: WebClient,
    *,
    services: Services,
    publish: Publish,
) -> None:
    ack()
    user = body.get("user") or {}
    try:
        program_id = int(action.get("value") or "")
    except ValueError:
        respond(text=f"That button is out of date. Run `{COMMAND} commit` again.")
        return
    outcome = confirm_commit(
        services.engine,
        client,
        publish=publish,
        team_id=(body.get("team") or {}).get("id") or user.get("team_id", ""),
        user_id=user.get("id", ""),
        program_id=program_id,
        now=services.clock.now(),
    )
    reply, replace_original = _reply(outcome)
    respond(**reply.as_ephemeral(), replace_original=replace_original)


def _reply(outcome: CommitOutcome) -> tuple[Reply, bool]:
    """What the owner reads, and whether it replaces the preview with its buttons."""
    name, channel = outcome.program_name, outcome.channel_id or ""
    match outcome.answer:
        case Answer.NOT_FOUND:
            return Reply(text="That program no longer exists."), True
        case Answer.NOT_OWNER:
            return Reply(text="Only the program's owners can commit it."), False
        case Answer.MISSING:
            return build_commit_missing(name, outcome.missing), True
        case Answer.ALREADY:
            return Reply(text=_already_committed(name, channel)), True
        case Answer.IN_PROGRESS | Answer.POSTING:
            return build_commit_posting(name, channel), True
        case Answer.REFUSED if outcome.error in CHANNEL_ERRORS:
            return build_not_in_channel(channel, error=outcome.error or ""), False
        case Answer.REFUSED:
            return build_commit_refused(name, channel, error=outcome.error), False
    assert outcome.commitment is not None
    return build_committed(outcome.commitment), True


def on_cancel(ack: Ack, respond: Respond) -> None:
    ack()
    respond(
        text=f"Not posted. Run `{COMMAND} commit` again when you're ready.", replace_original=True
    )


def register(app: App, services: Services, router: Router, *, publish: Publish) -> None:
    router.add(
        Subcommand(
            name="commit",
            usage="commit [program]",
            summary="preview and post the public pre-commitment; locks criteria and dates",
            audience=Audience.OWNERS,
            run=preview,
        )
    )
    app.action(COMMIT_CONFIRM)(partial(on_confirm, services=services, publish=publish))
    app.action(COMMIT_CANCEL)(on_cancel)
