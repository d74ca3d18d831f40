"""/emcoach pause, resume and leave, and a leader's own pause from App Home: thin listeners.

The leader's time zone is asked of Slack before the flow's unit of work opens (no
transaction waits on Slack); the coach and owners are told after it commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.blocks.pause import (
    LEAVE_USAGE,
    PAUSE_USAGE,
    RESUME_USAGE,
    SELF_PAUSE_OPEN_ACTION,
    SELF_PAUSE_UNTIL,
    SELF_PAUSE_USAGE,
    SELF_PAUSE_VIEW,
    SELF_RESUME_ACTION,
    SELF_RESUME_USAGE,
    build_left,
    build_pause_notice,
    build_paused,
    build_refusal,
    build_resume_notice,
    build_resumed,
    build_self_pause_modal,
    command_line,
    parse_self_pause,
    pick_from_home_text,
)
from bot.blocks.picker import build_program_picker
from bot.blocks.reply import Reply, build_notice_modal, program_id_from_metadata
from bot.domain.args import ArgumentError
from bot.domain.pause import Target, split_target
from bot.domain.roles import Audience
from bot.engine.people import zones_of
from bot.flows import pause as flow
from bot.flows.outcomes import Pick, Refused
from bot.services import Services
from bot.slack.delivery import attempt, post, post_each
from handlers.router import HelpLine, Invocation, Router, Subcommand


def _ask(invocation: Invocation, *, usage: str, self_usage: str) -> flow.Ask | Reply:
    """What was typed, read: whom, where, the words after; or the refusal to show."""
    try:
        target = split_target(
            invocation.args, caller_id=invocation.user_id, command=command_line(usage)
        )
    except ArgumentError as error:
        return build_refusal(error.message)
    return flow.Ask(
        team_id=invocation.team_id,
        user_id=invocation.user_id,
        target=target,
        usage=self_usage if target.leader_id == invocation.user_id else usage,
        program_id=invocation.program_id,
    )


def _zones(services: Services, client: WebClient, ask: flow.Ask) -> dict[str, str]:
    now = services.clock.now()
    return zones_of(
        services.engine, client, team_id=ask.team_id, user_ids=[ask.target.leader_id], now=now
    )


def _tell(client: WebClient, people: Sequence[str], message: Reply) -> list[str]:
    """DMs after the unit of work committed, each on its own; those Slack did not take it for.
    The change stands either way."""
    return post_each(client, people, message, what="pause notice")


def _picker(invocation: Invocation, subcommand: str, pick: Pick) -> Reply:
    return build_program_picker(
        subcommand=subcommand, args=invocation.args, programs=list(pick.programs)
    )


def run_pause(invocation: Invocation) -> Reply:
    services = invocation.services
    ask = _ask(invocation, usage=PAUSE_USAGE, self_usage=SELF_PAUSE_USAGE)
    if isinstance(ask, Reply):
        return ask
    zones = _zones(services, invocation.client, ask)
    outcome = flow.pause(services.engine, ask, zones=zones, now=services.clock.now())
    if isinstance(outcome, Refused):
        return build_refusal(outcome.text)
    if isinstance(outcome, Pick):
        return _picker(invocation, "pause", outcome)
    not_told = _tell(invocation.client, outcome.tell, build_pause_notice(outcome.paused))
    return build_paused(outcome.paused, not_told=not_told)


def _resumed(outcome: flow.ResumeDone, client: WebClient) -> Reply:
    resumed = outcome.resumed
    if outcome.tell:
        notice = build_resume_notice(
            leader_id=resumed.leader_id,
            program_name=resumed.program_name,
            back=len(resumed.back),
        )
        _tell(client, outcome.tell, notice)
    return build_resumed(
        leader_id=resumed.leader_id,
        program_name=resumed.program_name,
        running=resumed.running,
        back=resumed.back,
        self_service=resumed.self_service,
    )


def run_resume(invocation: Invocation) -> Reply:
    services = invocation.services
    ask = _ask(invocation, usage=RESUME_USAGE, self_usage=SELF_RESUME_USAGE)
    if isinstance(ask, Reply):
        return ask
    zones = _zones(services, invocation.client, ask)
    outcome = flow.resume(services.engine, ask, zones=zones, now=services.clock.now())
    if isinstance(outcome, Refused):
        return build_refusal(outcome.text)
    if isinstance(outcome, Pick):
        return _picker(invocation, "resume", outcome)
    return _resumed(outcome, invocation.client)


def run_leave(invocation: Invocation) -> Reply:
    services = invocation.services
    ask = _ask(invocation, usage=LEAVE_USAGE, self_usage=LEAVE_USAGE)
    if isinstance(ask, Reply):
        return ask
    zones = _zones(services, invocation.client, ask)
    outcome = flow.leave(services.engine, ask, zones=zones, now=services.clock.now())
    if isinstance(outcome, Refused):
        return build_refusal(outcome.text)
    if isinstance(outcome, Pick):
        return _picker(invocation, "leave", outcome)
    return build_left(outcome.left)


# --- a leader's own pause from App Home ----------------------------------------------------


def _own(context: BoltContext, program_id: int | None, **fields: Any) -> flow.Ask:
    user_id = context.user_id or ""
    return flow.Ask(
        team_id=context.team_id or "",
        user_id=user_id,
        target=Target(leader_id=user_id, program_name=None, rest=()),
        usage=SELF_PAUSE_USAGE,
        program_id=program_id,
        **fields,
    )


def _program_of(action: dict[str, Any]) -> int | None:
    value = str(action.get("value") or "")
    return int(value) if value.isdigit() else None


def on_self_pause_open(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    *,
    services: Services,
) -> None:
    """The leader's "Pause" button: the modal asking until when, or why not."""
    ack()
    ask = _own(context, _program_of(action))
    zones = _zones(services, client, ask)
    found = flow.self_pause_form(services.engine, ask, zones=zones, now=services.clock.now())
    if isinstance(found, Refused):
        view = build_notice_modal(title="Can't pause", text=found.text)
    else:
        view = build_self_pause_modal(
            program_id=found.program_id, program_name=found.program_name, today=found.today
        )
    client.views_open(trigger_id=body["trigger_id"], view=view)


def on_self_pause_submit(
    ack: Ack,
    view: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    *,
    services: Services,
) -> None:
    picked = parse_self_pause(view["state"]["values"])
    if isinstance(picked, dict):
        ack(response_action="errors", errors=picked)
        return
    program_id = program_id_from_metadata(view.get("private_metadata") or "")
    ask = _own(context, program_id, until=picked.until, reason=picked.reason)
    zones = _zones(services, client, ask)
    outcome = flow.pause(services.engine, ask, zones=zones, now=services.clock.now())
    if isinstance(outcome, Refused):
        ack(response_action="errors", errors={SELF_PAUSE_UNTIL: outcome.text})
        return
    if isinstance(outcome, Pick):  # a button names one program: only a forged one can't
        ack(response_action="errors", errors={SELF_PAUSE_UNTIL: pick_from_home_text()})
        return
    ack(response_action="update", view=_modal("Paused", build_paused(outcome.paused)))
    not_told = _tell(client, outcome.tell, build_pause_notice(outcome.paused))
    if not_told:
        # The modal said they are told: the leader gets the pause again, saying who is not.
        corrected = build_paused(outcome.paused, not_told=not_told)
        post(client, ask.user_id, corrected, what="untold pause notice")


def on_self_resume(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    *,
    services: Services,
) -> None:
    """The leader's "Resume" button: the pause ends today; the answer in a modal."""
    ack()
    ask = _own(context, _program_of(action))
    zones = _zones(services, client, ask)
    outcome = flow.resume(services.engine, ask, zones=zones, now=services.clock.now())
    if isinstance(outcome, Refused):
        title, said = "Nothing resumed", outcome.text
    elif isinstance(outcome, Pick):
        title, said = "Nothing resumed", pick_from_home_text()
    else:
        title, said = "Resumed", _resumed(outcome, client).text
    view = build_notice_modal(title=title, text=said)
    opened = attempt(
        lambda: client.views_open(trigger_id=body["trigger_id"], view=view), what=title
    )
    if opened is not None:
        # The click's trigger lasts 3 s, and the zones, the resume and the notices may take
        # longer (or Slack did not answer): the answer goes to their DM instead.
        post(client, ask.user_id, Reply(text=said), what=f"{title} answer")


def _modal(title: str, reply: Reply) -> dict[str, Any]:
    return build_notice_modal(title=title, text=reply.text)


def register(app: App, services: Services, router: Router) -> None:
    """Adds pause, resume and leave to ``router``, and a leader's own pause buttons."""
    router.add(
        Subcommand(
            name="pause",
            usage=PAUSE_USAGE,
            summary="pause a leader for a vacation or leave; their sessions are skipped",
            audience=Audience.PARTICIPANTS,
            help_audience=Audience.OVERSEERS,
            more_help=(
                HelpLine(
                    usage=SELF_PAUSE_USAGE,
                    summary=(
                        "pause yourself for a vacation or leave; your sessions are skipped and "
                        "your coach and the owners are told"
                    ),
                    audience=Audience.LEADERS,
                ),
            ),
            run=run_pause,
        )
    )
    router.add(
        Subcommand(
            name="resume",
            usage=RESUME_USAGE,
            summary="end a leader's pause early; their sessions come back",
            audience=Audience.PARTICIPANTS,
            help_audience=Audience.OVERSEERS,
            more_help=(
                HelpLine(
                    usage=SELF_RESUME_USAGE,
                    summary="end your own pause early; your sessions come back",
                    audience=Audience.LEADERS,
                ),
            ),
            run=run_resume,
        )
    )
    router.add(
        Subcommand(
            name="leave",
            usage=LEAVE_USAGE,
            summary="a leader leaves the program; their history stays, the pod goes on",
            audience=Audience.OWNERS,
            run=run_leave,
        )
    )
    app.action(SELF_PAUSE_OPEN_ACTION)(partial(on_self_pause_open, services=services))
    app.action(SELF_RESUME_ACTION)(partial(on_self_resume, services=services))
    app.view(SELF_PAUSE_VIEW)(partial(on_self_pause_submit, services=services))
