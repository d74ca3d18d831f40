"""/emcoach deviation: post a public reason first, then allow one change to a locked field.

The order is the point: the channel learns of the change before it happens, so the change is
allowed only once the post is confirmed in the channel (bot/flows/deviation.py). If Slack
refuses the post, nothing may change and the owner learns how to let the bot into the channel.
"""

from __future__ import annotations

from functools import partial

from slack_bolt import App

from bot.blocks.deviation import (
    MAX_REASON_CHARS,
    build_deviation_already,
    build_deviation_not_posted,
    build_deviation_posting,
    build_deviation_recorded,
    build_deviation_usage,
    build_nothing_locked,
    build_reason_refused,
    build_reason_too_long,
    parse_field,
)
from bot.blocks.reply import Reply
from bot.domain.program_rules import LockedFieldError, ProgramState, check_change
from bot.domain.roles import Audience
from bot.flows.commit import Publish
from bot.flows.deviation import Posting, request_deviation
from bot.services import Services
from bot.slack_names import COMMAND
from handlers.programs import Chosen, choose_program
from handlers.router import Invocation, Router, Subcommand


def _first_word(text: str) -> tuple[str, str, str]:
    parts = text.split(maxsplit=1)
    return (parts[0] if parts else "", " ", parts[1] if len(parts) > 1 else "")


def post_deviation(invocation: Invocation, *, publish: Publish) -> Reply:
    chosen = choose_program(invocation, subcommand="deviation")
    if not isinstance(chosen, Chosen):
        return chosen
    program = chosen.program
    assert program.id is not None
    word, _, reason = _first_word(chosen.args)
    field = parse_field(word)
    if field is None:
        return build_deviation_usage(typed=word)
    try:
        deviation = check_change(field, state=program.status, reason=reason)
    except LockedFieldError as refusal:
        if program.status in (ProgramState.CLOSED, ProgramState.COMMITTING):
            return Reply(text=str(refusal))
        return build_reason_refused(message=str(refusal), field=field)
    if deviation is None:
        return build_nothing_locked(program_name=program.name, field=field)
    if len(deviation.reason) > MAX_REASON_CHARS:
        return build_reason_too_long(length=len(deviation.reason))
    outcome = request_deviation(
        invocation.services.engine,
        publish=publish,
        program_id=program.id,
        field=field,
        reason=deviation.reason,
        requested_by=invocation.user_id,
        request_key=invocation.trigger_id or None,
        now=invocation.services.clock.now(),
    )
    channel = outcome.channel_id
    match outcome.posting:
        case Posting.POSTED:
            return build_deviation_recorded(
                program_name=program.name, field=field, channel_id=channel
            )
        case Posting.ALREADY:
            return build_deviation_already(
                program_name=program.name, field=field, channel_id=channel
            )
        case Posting.POSTING:
            return build_deviation_posting(
                program_name=program.name, field=field, channel_id=channel
            )
    retry = f"{COMMAND} deviation {invocation.args.strip()}"
    return build_deviation_not_posted(
        channel_id=channel, error=str(outcome.error or ""), retry=retry
    )


def register(app: App, services: Services, router: Router, *, publish: Publish) -> None:
    """Adds the subcommand to ``router`` and its actions and views to ``app``."""
    router.add(
        Subcommand(
            name="deviation",
            usage="deviation [program] <what> <reason>",
            summary=(
                "after commit: post why a locked part (criteria, baselines, threshold, dates) "
                "must change, which allows one change"
            ),
            audience=Audience.OWNERS,
            run=partial(post_deviation, publish=publish),
        )
    )
