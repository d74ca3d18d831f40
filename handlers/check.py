"""/emcoach check: does this company need a mentoring program yet? Open to everyone.

The answers are stored on the person's draft program when they own one, with whether they
are going ahead against the advice (PRODUCT.md: "The owner may still continue (recorded)").
"""

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
from bot.domain.eligibility import EligibilityVerdict, assess
from bot.domain.roles import Audience
from bot.services import Services
from handlers.router import Invocation, Router, Subcommand
from storage.db import session_scope
from storage.eligibility import (
    latest_owned_draft,
    owned_draft,
    record_eligibility,
    stored_conditions,
)


def open_check(invocation: Invocation) -> Reply | None:
    with session_scope(invocation.services.engine) as session:
        draft = latest_owned_draft(session, team_id=invocation.team_id, user_id=invocation.user_id)
        view = build_check_modal(
            program_id=draft.id if draft else None,
            program_name=draft.name if draft else None,
            checked=stored_conditions(draft) if draft else frozenset(),
        )
    invocation.client.views_open(trigger_id=invocation.trigger_id, view=view)
    return None


def on_submit(ack: Ack, view: dict[str, Any], context: BoltContext, *, services: Services) -> None:
    conditions = conditions_from_state(view["state"]["values"])
    assessment = assess(conditions)
    override = assessment.verdict is not EligibilityVerdict.RECOMMENDED
    saved_on = None
    with session_scope(services.engine) as session:
        program = owned_draft(
            session,
            team_id=context.team_id or "",
            user_id=context.user_id or "",
            program_id=program_id_from_metadata(view.get("private_metadata", "")),
        )
        if program is not None:
            record_eligibility(session, program, conditions=conditions, override=override)
            saved_on = program.name
    ack(
        response_action="update",
        view=build_check_result(assessment, saved_on=saved_on, override=override),
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
