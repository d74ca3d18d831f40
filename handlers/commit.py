"""/emcoach commit: preview the public pre-commitment, then post it and lock the program."""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlmodel import Session, col, select

from bot.blocks.commit import (
    COMMIT_CANCEL,
    COMMIT_CONFIRM,
    COMMITMENT_EVENT,
    Commitment,
    build_commit_missing,
    build_commit_preview,
    build_commitment_blocks,
    build_committed,
    build_not_in_channel,
    commitment_text,
)
from bot.blocks.reply import Reply
from bot.domain.localtime import local_date
from bot.domain.roles import Audience, Role
from bot.domain.timeline import Timeline
from bot.engine.planning import replan
from bot.services import Services
from bot.slack_names import COMMAND
from handlers.programs import Chosen, choose_program
from handlers.router import Invocation, Router, Subcommand
from storage.commitments import claim_commit, record_commit, release_commit
from storage.db import session_scope
from storage.models import Baseline, Program
from storage.programs import get_program, has_role
from storage.setup_state import frozen_definitions, setup_state

logger = logging.getLogger("emcoach.commit")

# Errors after which the post can succeed once the owner fixes the channel.
CHANNEL_ERRORS = {"not_in_channel", "channel_not_found", "is_archived"}


def commitment_of(session: Session, program: Program) -> Commitment:
    """The pre-commitment as it stands; only called when setup_state says nothing is missing."""
    if not (
        program.id
        and program.kickoff_date
        and program.publish_channel_id
        and program.signed_off_at
        and program.signed_off_by
        and program.criteria_hash
    ):
        raise ValueError(f"program {program.id} is not ready to commit")
    state = setup_state(session, program)
    latest = session.exec(
        select(Baseline)
        .where(Baseline.program_id == program.id)
        .order_by(col(Baseline.recorded_at).desc())
    ).first()
    baseline_at = latest.recorded_at if latest else program.signed_off_at
    timeline = Timeline(kickoff=program.kickoff_date, months=program.months)
    return Commitment(
        program_name=program.name,
        criteria=frozen_definitions(session, program_id=program.id),
        criteria_hash=program.criteria_hash,
        signed_off_by=program.signed_off_by,
        signed_off_on=local_date(program.signed_off_at, program.timezone),
        baseline_date=local_date(baseline_at, program.timezone),
        kickoff=program.kickoff_date,
        midpoint=timeline.midpoint,
        evaluation=timeline.evaluation,
        anonymity_threshold=program.anonymity_threshold,
        publish_channel_id=program.publish_channel_id,
        pods=len(state.pods),
        leaders=sum(len(pod.leaders) for pod in state.pods),
    )


def preview(invocation: Invocation) -> Reply | None:
    chosen = choose_program(invocation, subcommand="commit")
    if not isinstance(chosen, Chosen):
        return chosen
    with session_scope(invocation.services.engine) as session:
        program = chosen.program
        if program.committed_at is not None:
            return Reply(text=_already_committed(program))
        state = setup_state(session, program)
        if state.missing:
            return build_commit_missing(program.name, state.missing)
        assert program.id is not None
        return build_commit_preview(commitment_of(session, program), program_id=program.id)


def _already_committed(program: Program) -> str:
    return (
        f"*{program.name}* is already committed: the pre-commitment is in "
        f"<#{program.commitment_channel_id or program.publish_channel_id}>. To change a locked "
        f"part, post a deviation with `{COMMAND} deviation <what> <reason>`."
    )


def on_confirm(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    client: WebClient,
    *,
    services: Services,
) -> None:
    ack()
    user_id = body["user"]["id"]
    team_id = (body.get("team") or {}).get("id") or body["user"].get("team_id", "")
    with session_scope(services.engine) as session:
        program = get_program(session, team_id=team_id, program_id=int(action["value"]))
        if program is None or program.id is None:
            respond(text="That program no longer exists.", replace_original=True)
            return
        if not has_role(session, program_id=program.id, user_id=user_id, role=Role.OWNER):
            respond(text="Only the program's owners can commit it.", replace_original=False)
            return
        state = setup_state(session, program)
        if state.missing:
            reply = build_commit_missing(program.name, state.missing)
            respond(**reply.as_ephemeral(), replace_original=True)
            return
        commitment = commitment_of(session, program)
        program_id, budget_owner = program.id, program.budget_owner_id
    if not claim_commit(services.engine, program_id=program_id, now=services.clock.now()):
        respond(text=_already_committed(program), replace_original=True)
        return
    try:
        posted = client.chat_postMessage(
            channel=commitment.publish_channel_id,
            text=commitment_text(commitment),
            blocks=build_commitment_blocks(commitment),
            metadata={"event_type": COMMITMENT_EVENT, "event_payload": {"program_id": program_id}},
            unfurl_links=False,
        )
    except SlackApiError as error:
        release_commit(services.engine, program_id=program_id)
        if error.response.get("error") in CHANNEL_ERRORS:
            reply = build_not_in_channel(commitment.publish_channel_id)
            respond(**reply.as_ephemeral(), replace_original=False)
            return
        raise
    record_commit(
        services.engine, program_id=program_id, channel_id=posted["channel"], ts=posted["ts"]
    )
    _send_to_budget_owner(client, budget_owner, commitment)
    respond(**build_committed(commitment).as_ephemeral(), replace_original=True)
    with session_scope(services.engine) as session:
        committed = session.get(Program, program_id)
        if committed is not None:
            # The whole six-month agenda, from here on owned by the database.
            replan(session, committed, client, now=services.clock.now())


def _send_to_budget_owner(client: WebClient, user_id: str | None, commitment: Commitment) -> None:
    """The seed: pre-commit "at least to the engineering team and to the budget owner"."""
    if not user_id:
        return
    try:
        client.chat_postMessage(
            channel=user_id,
            text="For your records — " + commitment_text(commitment),
            blocks=build_commitment_blocks(commitment),
        )
    except SlackApiError:
        # The public post is what binds the program; a failed DM must not undo it.
        logger.exception("could not send the pre-commitment to the budget owner %s", user_id)


def on_cancel(ack: Ack, respond: Respond) -> None:
    ack()
    respond(
        text=f"Not posted. Run `{COMMAND} commit` again when you're ready.", replace_original=True
    )


def register(app: App, services: Services, router: Router) -> None:
    router.add(
        Subcommand(
            name="commit",
            usage="commit [program]",
            summary="preview and post the public pre-commitment; locks criteria and dates",
            audience=Audience.OWNERS,
            run=preview,
        )
    )
    app.action(COMMIT_CONFIRM)(partial(on_confirm, services=services))
    app.action(COMMIT_CANCEL)(on_cancel)
