"""/emcoach deviation: post a public reason first, then allow one change to a locked field.

The order is the point: the channel learns of the change before it happens, so the post goes
out first and the deviation is recorded only with the post's channel and ts. If Slack refuses
the post, nothing is recorded and the owner learns how to let the bot into the channel.
"""

from __future__ import annotations

from slack_bolt import App
from slack_sdk.errors import SlackApiError

from bot.blocks.deviation import (
    MAX_REASON_CHARS,
    build_deviation_not_posted,
    build_deviation_post,
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
from bot.services import Services
from bot.slack_names import COMMAND
from handlers.commit import CHANNEL_ERRORS
from handlers.programs import Chosen, choose_program
from handlers.router import Invocation, Router, Subcommand
from storage.db import session_scope
from storage.deviations import record_deviation


def _first_word(text: str) -> tuple[str, str, str]:
    parts = text.split(maxsplit=1)
    return (parts[0] if parts else "", " ", parts[1] if len(parts) > 1 else "")


def post_deviation(invocation: Invocation) -> Reply:
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
        if program.status is ProgramState.CLOSED:
            return Reply(text=str(refusal))
        return build_reason_refused(message=str(refusal), field=field)
    if deviation is None:
        return build_nothing_locked(program_name=program.name, field=field)
    if len(deviation.reason) > MAX_REASON_CHARS:
        return build_reason_too_long(length=len(deviation.reason))
    # Committed programs always have the channel their pre-commitment went to.
    channel = program.commitment_channel_id or program.publish_channel_id
    assert channel is not None
    post = build_deviation_post(
        program_name=program.name,
        field=field,
        reason=deviation.reason,
        requested_by=invocation.user_id,
    )
    try:
        posted = invocation.client.chat_postMessage(
            channel=channel, text=post.text, blocks=post.blocks, unfurl_links=False
        )
    except SlackApiError as error:
        code = error.response.get("error")
        if code in CHANNEL_ERRORS:
            retry = f"{COMMAND} deviation {invocation.args.strip()}"
            return build_deviation_not_posted(channel_id=channel, error=str(code), retry=retry)
        raise
    with session_scope(invocation.services.engine) as session:
        record_deviation(
            session,
            program_id=program.id,
            field=field,
            reason=deviation.reason,
            requested_by=invocation.user_id,
            now=invocation.services.clock.now(),
            channel_id=str(posted["channel"]),
            ts=str(posted["ts"]),
        )
    return build_deviation_recorded(program_name=program.name, field=field, channel_id=channel)


def register(app: App, services: Services, router: Router) -> None:
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
            run=post_deviation,
        )
    )
