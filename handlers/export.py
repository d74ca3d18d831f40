"""/emcoach export, and the owner's App Home export button: the record as a zip of CSV files,
uploaded to the owner's DM once the unit of work that built it has ended."""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.blocks.export import (
    EXPORT_ACTION,
    build_export_failed,
    build_export_gone,
    build_export_not_committed,
    build_export_not_owner,
    build_export_sent,
    export_comment,
)
from bot.blocks.picker import build_program_choice
from bot.blocks.reply import Reply
from bot.domain.roles import Audience
from bot.flows.export import ExportAnswer, ExportOutcome, export_program
from bot.flows.programs import NotChosen, ProgramAsk, choose_alone
from bot.flows.work import unit_of_work
from bot.services import Services
from bot.slack.delivery import attempt, post
from bot.slack.payload import team_of
from handlers.router import Invocation, Router, Subcommand


def run_export(invocation: Invocation) -> Reply | None:
    ask = ProgramAsk.of(invocation)
    chosen = choose_alone(unit_of_work(invocation.services.engine), ask)
    if isinstance(chosen, NotChosen):
        return build_program_choice(
            roles=chosen.roles, candidates=chosen.candidates, subcommand="export", args=ask.args
        )
    assert chosen.program.id is not None
    reply, _ = export_to_dm(
        invocation.services,
        invocation.client,
        team_id=invocation.team_id,
        user_id=invocation.user_id,
        program_id=chosen.program.id,
    )
    return reply


def export_to_dm(
    services: Services, client: WebClient, *, team_id: str, user_id: str, program_id: int
) -> tuple[Reply, bool]:
    """Build the export (one unit of work), then upload it with no transaction open; the
    answer for the person and whether the zip is in their DM."""
    outcome = export_program(
        services.engine,
        team_id=team_id,
        user_id=user_id,
        program_id=program_id,
        now=services.clock.now(),
    )
    if outcome.answer is not ExportAnswer.READY or outcome.archive is None:
        return _refusal(outcome), False
    archive = outcome.archive

    def upload() -> None:
        opened = client.conversations_open(users=user_id)
        client.files_upload_v2(
            channel=str(opened["channel"]["id"]),
            file=archive.content,
            filename=archive.filename,
            title=archive.filename,
            initial_comment=export_comment(outcome.program_name, files=archive.files),
        )

    failed = attempt(upload, what=f"export of program {program_id}")
    if failed is not None:
        return build_export_failed(failed.reason), False
    return build_export_sent(outcome.program_name, filename=archive.filename), True


def _refusal(outcome: ExportOutcome) -> Reply:
    match outcome.answer:
        case ExportAnswer.NOT_OWNER:
            return build_export_not_owner(outcome.program_name)
        case ExportAnswer.NOT_COMMITTED:
            return build_export_not_committed(outcome.program_name)
    return build_export_gone()


def on_home_export(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, *, services: Services
) -> None:
    """The App Home button: a Home tab has no thread to answer in, so the answer is a DM —
    the zip itself, or what to do instead."""
    ack()
    user_id = str((body.get("user") or {}).get("id") or "")
    try:
        program_id = int(action.get("value") or "")
    except ValueError:
        reply, delivered = build_export_gone(), False
    else:
        reply, delivered = export_to_dm(
            services, client, team_id=team_of(body), user_id=user_id, program_id=program_id
        )
    if delivered:
        return  # the file in the DM says what it is
    post(client, user_id, reply, what="export answer")


def register(app: App, services: Services, router: Router) -> None:
    router.add(
        Subcommand(
            name="export",
            usage="export [program]",
            summary="the program's record as CSV files, in a DM (owners)",
            audience=Audience.OWNERS,
            run=run_export,
        )
    )
    app.action(EXPORT_ACTION)(partial(on_home_export, services=services))
