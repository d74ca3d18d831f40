"""/emcoach check listeners: the questionnaire and its verdict (bot/flows/check.py)."""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.blocks.check import (
    CHECK_VIEW,
    build_check_modal,
    build_check_result,
    conditions_from_state,
)
from bot.blocks.reply import Reply, program_id_from_metadata
from bot.domain.roles import Audience
from bot.flows.check import check_form, record_check
from bot.flows.work import unit_of_work
from bot.services import Services
from handlers.router import Invocation, Router, Subcommand


def open_check(invocation: Invocation) -> Reply | None:
    form = check_form(
        unit_of_work(invocation.services.engine),
        team_id=invocation.team_id,
        user_id=invocation.user_id,
    )
    view = build_check_modal(
        program_id=form.program_id, program_name=form.program_name, checked=form.checked
    )
    invocation.client.views_open(trigger_id=invocation.trigger_id, view=view)
    return None


def on_submit(ack: Ack, view: dict[str, Any], context: BoltContext, *, services: Services) -> None:
    result = record_check(
        unit_of_work(services.engine),
        team_id=context.team_id or "",
        user_id=context.user_id or "",
        program_id=program_id_from_metadata(view.get("private_metadata", "")),
        conditions=conditions_from_state(view["state"]["values"]),
    )
    ack(
        response_action="update",
        view=build_check_result(
            result.assessment, saved_on=result.saved_on, override=result.override
        ),
    )


def register(app: App, services: Services, router: Router) -> None:
    """Adds the subcommand to ``router`` and its actions and views to ``app``."""
    router.add(
        Subcommand(
            name="check",
            usage="check",
            summary="five questions: does your company need a mentoring program yet?",
            audience=Audience.EVERYONE,
            run=open_check,
        )
    )
    app.view(CHECK_VIEW)(partial(on_submit, services=services))
