"""/emcoach criteria: pick 2–3 success criteria and get the budget owner's sign-off.

The owner picks in a modal; saving freezes each definition and DMs the budget owner an
Approve / Request changes request. Only the budget owner's click counts, and only for the
criteria as they still are (the hash in the button must match the program's).
"""

from __future__ import annotations

import json
import logging
from functools import partial
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.blocks.criteria import (
    CRITERIA_APPROVE,
    CRITERIA_CHANGES_VIEW,
    CRITERIA_COMMENT,
    CRITERIA_INSTRUMENT,
    CRITERIA_PICK,
    CRITERIA_REQUEST_CHANGES,
    CRITERIA_VIEW,
    SignoffRef,
    SignoffRequest,
    approved_outcome,
    build_approved_notice,
    build_changes_modal,
    build_changes_notice,
    build_comment_not_delivered,
    build_criteria_modal,
    build_delivery_failed,
    build_signoff_request,
    changes_outcome,
    comment_of,
    comment_sent_text,
    no_budget_owner_text,
    picker_note,
    request_sent_text,
    selected_instrument,
    selected_metric_ids,
    unchanged_text,
    unpack_signoff,
)
from bot.blocks.picker import build_program_choice
from bot.blocks.reply import Reply
from bot.domain.metrics import CATALOG
from bot.domain.program_rules import MAX_CRITERIA, MIN_CRITERIA
from bot.domain.roles import Audience
from bot.flows.criteria import Field, Saved, save_criteria
from bot.flows.outcomes import Refused
from bot.flows.programs import NotChosen, ProgramAsk
from bot.flows.signoff import approve, changes_asked, changes_commented, criteria_picker
from bot.flows.work import unit_of_work
from bot.services import Services
from bot.slack.delivery import answer_click, post, post_each, update
from bot.slack.payload import team_of
from bot.slack.replies import notice, refuse_click
from bot.slack_names import COMMAND
from handlers.router import Invocation, Router, Subcommand

logger = logging.getLogger("emcoach.criteria")

_NOT_OWNER = (
    f"Only the program's owners can change its success criteria. Type `{COMMAND} help` to see "
    "what you can do."
)


def open_picker(invocation: Invocation) -> Reply | None:
    ask = ProgramAsk.of(invocation)
    engine = invocation.services.engine
    picker = criteria_picker(
        unit_of_work(engine), engine, ask=ask, now=invocation.services.clock.now()
    )
    if isinstance(picker, NotChosen):
        return build_program_choice(
            roles=picker.roles, candidates=picker.candidates, subcommand="criteria", args=ask.args
        )
    if isinstance(picker, Refused):
        return Reply(text=picker.text)
    view = build_criteria_modal(
        program_id=picker.program_id,
        program_name=picker.program_name,
        catalog=list(CATALOG.values()),
        selected=picker.selected,
        instrument=picker.instrument,
        note=picker_note(signed_off_by=picker.signed_off_by, committed=picker.committed),
    )
    invocation.client.views_open(trigger_id=invocation.trigger_id, view=view)
    return None


_FIELDS = {Field.PICK: CRITERIA_PICK, Field.INSTRUMENT: CRITERIA_INSTRUMENT}


def criteria_submitted(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    client: WebClient,
    *,
    services: Services,
) -> None:
    values = view["state"]["values"]
    user_id = body["user"]["id"]
    outcome = save_criteria(
        services.engine,
        team_id=team_of(body),
        program_id=int(json.loads(view["private_metadata"])["program"]),
        user_id=user_id,
        metric_ids=selected_metric_ids(values),
        instrument=selected_instrument(values),
        now=services.clock.now(),
    )
    if outcome.saved is Saved.INVALID:
        assert outcome.field is not None
        ack(response_action="errors", errors={_FIELDS[outcome.field]: outcome.message})
        return
    if outcome.saved is Saved.NOT_OWNER:
        notice(ack, "Not saved", _NOT_OWNER)
        return
    if outcome.saved is Saved.REFUSED:
        notice(ack, "Not saved", outcome.message)
        return
    if outcome.saved is Saved.UNCHANGED:
        assert outcome.signed_off_by is not None
        text = unchanged_text(
            program_name=outcome.program_name, signed_off_by=outcome.signed_off_by
        )
        notice(ack, "Nothing changed", text)
        return
    if outcome.budget_owner is None:
        text = no_budget_owner_text(program_name=outcome.program_name, names=outcome.names)
    else:
        text = request_sent_text(
            program_name=outcome.program_name,
            names=outcome.names,
            budget_owner_id=outcome.budget_owner,
            resent=not outcome.changed,
        )
    # Acknowledge before calling Slack: the modal must answer within 3 seconds.
    notice(ack, "Criteria saved", text)
    if outcome.request is not None and outcome.budget_owner is not None:
        _send_request(
            client, request=outcome.request, budget_owner=outcome.budget_owner, owner=user_id
        )


def _send_request(
    client: WebClient, *, request: SignoffRequest, budget_owner: str, owner: str
) -> None:
    failed = post(client, budget_owner, build_signoff_request(request), what="sign-off request")
    if failed is None:
        return
    # The owner was told it was sent: the criteria are saved, and saving the same set again
    # resends the request.
    told = build_delivery_failed(
        program_name=request.program_name,
        budget_owner_id=budget_owner,
        error=failed.reason if failed.refused else None,
    )
    post(client, owner, told, what="undelivered sign-off request notice")


# --- the budget owner's buttons -------------------------------------------------------------


def _message_of(body: dict[str, Any]) -> tuple[str, str]:
    """The clicked message's conversation id and ts (chat.update wants the D… id)."""
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id", "")
    ts = container.get("message_ts") or (body.get("message") or {}).get("ts", "")
    return str(channel), str(ts)


def _ref_of(action: dict[str, Any], respond: Respond) -> SignoffRef | None:
    try:
        return unpack_signoff(action.get("value") or "")
    except ValueError:
        respond(text=f"That button is out of date. Type `{COMMAND} help` to start again.")
        return None


def on_approve(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    client: WebClient,
    *,
    services: Services,
) -> None:
    ack()
    ref = _ref_of(action, respond)
    if ref is None:
        return
    user_id = body["user"]["id"]
    now = services.clock.now()
    approved = approve(services.engine, team_id=team_of(body), user_id=user_id, ref=ref, now=now)
    if isinstance(approved, Refused):
        refuse_click(respond, approved.text)
        return
    # The approval is committed: from here on, Slack failing only changes what is said.
    request, owners, timezone = approved.request, approved.owners, approved.timezone
    outcome = approved_outcome(at=now, timezone=timezone, criteria_hash=ref.criteria_hash)
    channel, ts = _message_of(body)
    shown = _show_answer(client, channel, ts, request, outcome)
    told = build_approved_notice(
        program_name=request.program_name,
        approved_by=user_id,
        at=now,
        timezone=timezone,
        criteria_hash=ref.criteria_hash,
    )
    not_told = post_each(client, owners, told, what="approval notice")
    if not_told:
        outcome = approved_outcome(
            at=now, timezone=timezone, criteria_hash=ref.criteria_hash, not_told=not_told
        )
        shown = shown and _show_answer(client, channel, ts, request, outcome)
    if not shown:
        # The request still shows its buttons: the click's own answer says it counted.
        answer_click(respond, outcome, what="approval answer")


def _show_answer(
    client: WebClient, channel: str, ts: str, request: SignoffRequest, outcome: str
) -> bool:
    """The budget owner's request shows ``outcome`` in place of its buttons; False when Slack
    did not take the update (or there is no message to update)."""
    if not (channel and ts):
        return False
    updated = build_signoff_request(request, outcome=outcome)
    return update(client, channel, ts, updated, what="sign-off request") is None


def on_request_changes(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    client: WebClient,
    *,
    services: Services,
) -> None:
    ack()
    ref = _ref_of(action, respond)
    if ref is None:
        return
    name = changes_asked(
        services.engine, team_id=team_of(body), user_id=body["user"]["id"], ref=ref
    )
    if isinstance(name, Refused):
        refuse_click(respond, name.text)
        return
    channel, ts = _message_of(body)
    located = SignoffRef(
        program_id=ref.program_id,
        criteria_hash=ref.criteria_hash,
        requested_by=ref.requested_by,
        channel=channel,
        ts=ts,
    )
    view = build_changes_modal(ref=located, program_name=name)
    client.views_open(trigger_id=body["trigger_id"], view=view)


def changes_submitted(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    client: WebClient,
    *,
    services: Services,
) -> None:
    comment = comment_of(view["state"]["values"])
    if not comment:
        ack(
            response_action="errors",
            errors={CRITERIA_COMMENT: "Say what should change, so the owners know what to do."},
        )
        return
    ref = unpack_signoff(view["private_metadata"])
    user_id = body["user"]["id"]
    now = services.clock.now()
    answered = changes_commented(services.engine, team_id=team_of(body), user_id=user_id, ref=ref)
    if isinstance(answered, Refused):
        notice(ack, "Not sent", answered.text)
        return
    request, owners, timezone = answered.request, answered.owners, answered.timezone
    notice(ack, "Comment sent", comment_sent_text(program_name=request.program_name, owners=owners))
    told = build_changes_notice(
        program_name=request.program_name, budget_owner_id=user_id, comment=comment
    )
    # Each owner on their own: the comment is stored nowhere else, so one owner's DM failing
    # must not keep it from the others.
    not_reached = post_each(client, owners, told, what="requested changes")
    outcome = changes_outcome(at=now, timezone=timezone, comment=comment, not_reached=not_reached)
    shown = _show_answer(client, ref.channel, ref.ts, request, outcome)
    if not_reached and not shown:
        # "Comment sent" was wrong for some owners: the comment goes back to its writer.
        left = build_comment_not_delivered(
            program_name=request.program_name, not_reached=not_reached, comment=comment
        )
        returned = post(client, user_id, left, what="undelivered comment") is None
        if not returned and len(not_reached) == len(owners):
            # Nowhere in Slack and stored nowhere: the operator's log is all that is left.
            logger.error(
                "a requested-changes comment on program %s reached no owner and could not be "
                "returned to its writer %s",
                ref.program_id,
                user_id,
            )


def register(app: App, services: Services, router: Router) -> None:
    """Adds the subcommand to ``router`` and its actions and views to ``app``."""
    router.add(
        Subcommand(
            name="criteria",
            usage="criteria [program]",
            summary=(
                f"week 1: pick {MIN_CRITERIA}–{MAX_CRITERIA} success criteria and send them to "
                "the budget owner for sign-off"
            ),
            audience=Audience.OWNERS,
            run=open_picker,
        )
    )
    app.action(CRITERIA_APPROVE)(partial(on_approve, services=services))
    app.action(CRITERIA_REQUEST_CHANGES)(partial(on_request_changes, services=services))
    app.view(CRITERIA_VIEW)(partial(criteria_submitted, services=services))
    app.view(CRITERIA_CHANGES_VIEW)(partial(changes_submitted, services=services))
