"""/emcoach schedule and its paging buttons: thin listeners over bot/flows/schedule.py.

The reader's time zone is asked of Slack before the flow's unit of work opens.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks.pause import build_refusal
from bot.blocks.picker import build_program_picker
from bot.blocks.reply import Reply
from bot.blocks.schedule import (
    SCHEDULE_PAGE_NEXT,
    SCHEDULE_PAGE_PREVIOUS,
    SCHEDULE_USAGE,
    build_schedule,
    out_of_date_text,
    read_page_value,
    unknown_words_text,
)
from bot.domain.args import ArgumentError
from bot.domain.roles import Audience
from bot.domain.schedule import Query, parse_query
from bot.engine.people import zones_of
from bot.flows import schedule as flow
from bot.flows.outcomes import Pick, Refused
from bot.services import Services
from handlers.router import Invocation, Router, Subcommand


def _show(services: Services, client: WebClient, ask: flow.Ask) -> flow.Outcome:
    now = services.clock.now()
    zones = zones_of(services.engine, client, team_id=ask.team_id, user_ids=[ask.user_id], now=now)
    return flow.show(services.engine, ask, zones=zones, now=now)


def run_schedule(invocation: Invocation) -> Reply:
    try:
        query = parse_query(invocation.args)
    except ArgumentError as error:
        return build_refusal(unknown_words_text(error.message))
    ask = flow.Ask(
        team_id=invocation.team_id,
        user_id=invocation.user_id,
        query=query,
        program_id=invocation.program_id,
    )
    outcome = _show(invocation.services, invocation.client, ask)
    if isinstance(outcome, Refused):
        return build_refusal(outcome.text)
    if isinstance(outcome, Pick):
        return build_program_picker(
            subcommand="schedule", args=invocation.args, programs=list(outcome.programs)
        )
    return build_schedule(outcome.schedule)


def on_page(
    ack: Ack,
    action: dict[str, Any],
    context: BoltContext,
    respond: Respond,
    client: WebClient,
    *,
    services: Services,
) -> None:
    """Previous / Next: the same list from the same instant, another page, in place."""
    ack()
    state = read_page_value(str(action.get("value") or ""))
    if state is None:
        respond(**build_refusal(out_of_date_text()).as_ephemeral(), replace_original=False)
        return
    ask = flow.Ask(
        team_id=context.team_id or "",
        user_id=context.user_id or "",
        query=Query(scope=state.scope, span=state.span, person=state.person),
        program_id=state.program_id,
        page=state.page,
        since=state.since,
    )
    outcome = _show(services, client, ask)
    if isinstance(outcome, flow.Shown):
        respond(**build_schedule(outcome.schedule).as_ephemeral(), replace_original=True)
        return
    text = outcome.text if isinstance(outcome, Refused) else out_of_date_text()
    respond(**build_refusal(text).as_ephemeral(), replace_original=False)


def register(app: App, services: Services, router: Router) -> None:
    """Adds the subcommand to ``router`` and listens to its paging buttons."""
    router.add(
        Subcommand(
            name="schedule",
            usage=SCHEDULE_USAGE,
            summary=(
                "your upcoming prompts in your time zone (`week`, `month`, `everything`; "
                "`all`: a whole program's, `@person`: one person's), a page at a time"
            ),
            audience=Audience.PARTICIPANTS,
            run=run_schedule,
        )
    )
    for action_id in (SCHEDULE_PAGE_PREVIOUS, SCHEDULE_PAGE_NEXT):
        app.action(action_id)(partial(on_page, services=services))
