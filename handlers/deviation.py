"""/emcoach deviation: post a public reason first, then allow one change to a locked field.

The order is the point: the channel learns of the change before it happens, so the change is
allowed only once the post is confirmed in the channel (bot/flows/deviation.py). If Slack
refuses the post, nothing may change and the owner learns how to let the bot into the channel.
"""

from __future__ import annotations

from functools import partial

from slack_bolt import App

from bot.blocks.deviation import (
    build_deviation_already,
    build_deviation_not_posted,
    build_deviation_posting,
    build_deviation_recorded,
    build_deviation_usage,
    build_nothing_locked,
    build_reason_refused,
    build_reason_too_long,
)
from bot.blocks.picker import build_program_choice
from bot.blocks.reply import Reply
from bot.domain.roles import Audience
from bot.flows.commit import Publish
from bot.flows.deviation import Asked, NotAsked, Posting, deviate
from bot.flows.programs import NotChosen, ProgramAsk
from bot.flows.work import unit_of_work
from bot.services import Services
from bot.slack_names import COMMAND
from handlers.router import Invocation, Router, Subcommand


def post_deviation(invocation: Invocation, *, publish: Publish) -> Reply:
    ask = ProgramAsk.of(invocation)
    asked = deviate(
        unit_of_work(invocation.services.engine),
        publish=publish,
        ask=ask,
        request_key=invocation.trigger_id or None,
        now=invocation.services.clock.now(),
    )
    if isinstance(asked, NotChosen):
        return build_program_choice(
            roles=asked.roles, candidates=asked.candidates, subcommand="deviation", args=ask.args
        )
    if isinstance(asked, NotAsked):
        return _not_asked(asked)
    name, field, channel = asked.program_name, asked.field, asked.outcome.channel_id
    match asked.outcome.posting:
        case Posting.POSTED:
            return build_deviation_recorded(program_name=name, field=field, channel_id=channel)
        case Posting.ALREADY:
            return build_deviation_already(program_name=name, field=field, channel_id=channel)
        case Posting.POSTING:
            return build_deviation_posting(program_name=name, field=field, channel_id=channel)
    retry = f"{COMMAND} deviation {invocation.args.strip()}"
    return build_deviation_not_posted(
        channel_id=channel, error=str(asked.outcome.error or ""), retry=retry
    )


def _not_asked(asked: NotAsked) -> Reply:
    match asked.answer:
        case Asked.USAGE:
            return build_deviation_usage(typed=asked.typed)
        case Asked.REFUSED:
            return Reply(text=asked.message)
        case Asked.TOO_LONG:
            return build_reason_too_long(length=asked.length)
    assert asked.field is not None
    if asked.answer is Asked.REASON_REFUSED:
        return build_reason_refused(message=asked.message, field=asked.field)
    return build_nothing_locked(program_name=asked.program_name, field=asked.field)


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
