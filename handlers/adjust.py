"""/emcoach adjust listener: record how to go on after the month-3 results
(bot/flows/adjust.py), then tell the program's other owners and coaches by DM."""

from __future__ import annotations

from slack_bolt import App
from slack_sdk import WebClient

from bot.blocks.adjust import build_adjust_notice, build_adjust_recorded, build_adjust_usage
from bot.blocks.picker import build_program_choice
from bot.blocks.reply import Reply
from bot.domain.roles import Audience
from bot.flows.adjust import (
    Recorded,
    Refused,
    Usage,
    adjust,
)
from bot.flows.programs import NotChosen, ProgramAsk
from bot.flows.work import unit_of_work
from bot.services import Services
from bot.slack.delivery import post
from handlers.router import Invocation, Router, Subcommand


def run_adjust(invocation: Invocation) -> Reply:
    ask = ProgramAsk.of(invocation)
    outcome = adjust(
        unit_of_work(invocation.services.engine), ask=ask, now=invocation.services.clock.now()
    )
    match outcome:
        case NotChosen(roles, candidates):
            return build_program_choice(
                roles=roles, candidates=candidates, subcommand="adjust", args=ask.args
            )
        case Refused(text):
            return Reply(text=text)
        case Usage():
            return build_adjust_usage(
                program_name=outcome.program_name,
                published_on=outcome.published_on,
                latest=outcome.latest,
                problem=outcome.problem,
            )
    assert isinstance(outcome, Recorded)
    # The workspace's own token (Bolt's per-request client).
    told, not_told = _tell_others(invocation.client, outcome)
    return build_adjust_recorded(
        program_name=outcome.program_name,
        decided=outcome.decided,
        replaced=outcome.replaced,
        evaluation=outcome.evaluation,
        by_owner=outcome.by_owner,
        told=told,
        not_told=not_told,
    )


def _tell_others(client: WebClient, recorded: Recorded) -> tuple[list[str], list[str]]:
    """DM each other owner and coach; (told, not told)."""
    told: list[str] = []
    not_told: list[str] = []
    for user_id, is_owner in recorded.others.items():
        message = build_adjust_notice(
            program_name=recorded.program_name,
            decided=recorded.decided,
            evaluation=recorded.evaluation,
            by_owner=is_owner,
        )
        if post(client, user_id, message, what="adjustment notice") is None:
            told.append(user_id)
        else:
            not_told.append(user_id)
    return told, not_told


def register(app: App, services: Services, router: Router) -> None:
    """Adds the subcommand to ``router``; it has no buttons or modals of its own."""
    router.add(
        Subcommand(
            name="adjust",
            usage="adjust [program] continue|cadence|coach <note>",
            summary="after the month-3 results: record whether to continue, change the cadence "
            "or change the coach, and why",
            # Owners and coaches: the router has no audience for both, so anyone in a program
            # gets through and choose_program keeps to programs they own or coach.
            audience=Audience.PARTICIPANTS,
            help_audience=Audience.OVERSEERS,
            run=run_adjust,
        )
    )
