"""/emcoach commit listeners: preview the public pre-commitment, then post it and lock the
program (the use case is bot/flows/commit.py)."""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.blocks.commit import (
    COMMIT_BUTTON_OUTDATED,
    COMMIT_CANCEL,
    COMMIT_CONFIRM,
    NOT_POSTED,
    ONLY_OWNERS_COMMIT,
    PROGRAM_GONE,
    already_committed_text,
    build_commit_missing,
    build_commit_posting,
    build_commit_preview,
    build_commit_refused,
    build_committed,
    build_not_in_channel,
)
from bot.blocks.picker import build_program_choice
from bot.blocks.reply import Reply
from bot.domain.roles import Audience
from bot.flows.commit import Answer, CommitOutcome, Publish, confirm_commit, preview_commit
from bot.flows.programs import NotChosen, ProgramAsk
from bot.flows.work import unit_of_work
from bot.services import Services
from bot.slack.payload import team_of
from handlers.router import Invocation, Router, Subcommand

# Errors after which the post can succeed once the owner fixes the channel.
CHANNEL_ERRORS = {"not_in_channel", "channel_not_found", "is_archived"}


def preview(invocation: Invocation) -> Reply | None:
    ask = ProgramAsk.of(invocation)
    shown = preview_commit(unit_of_work(invocation.services.engine), ask=ask)
    if isinstance(shown, NotChosen):
        return build_program_choice(
            roles=shown.roles, candidates=shown.candidates, subcommand="commit", args=ask.args
        )
    match shown.answer:
        case Answer.IN_PROGRESS:
            return build_commit_posting(shown.program_name, shown.channel_id)
        case Answer.ALREADY:
            return Reply(text=already_committed_text(shown.program_name, shown.channel_id))
        case Answer.MISSING:
            return build_commit_missing(shown.program_name, shown.missing)
    assert shown.commitment is not None
    return build_commit_preview(shown.commitment, program_id=shown.program_id)


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
    try:
        program_id = int(action.get("value") or "")
    except ValueError:
        respond(text=COMMIT_BUTTON_OUTDATED)
        return
    outcome = confirm_commit(
        services.engine,
        client,
        publish=publish,
        team_id=team_of(body),
        user_id=(body.get("user") or {}).get("id", ""),
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
            return Reply(text=PROGRAM_GONE), True
        case Answer.NOT_OWNER:
            return Reply(text=ONLY_OWNERS_COMMIT), False
        case Answer.MISSING:
            return build_commit_missing(name, outcome.missing), True
        case Answer.ALREADY:
            return Reply(text=already_committed_text(name, channel)), True
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
    respond(text=NOT_POSTED, replace_original=True)


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
