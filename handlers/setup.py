"""/emcoach setup: create a program in a modal, or change the setup of one you own.

Anyone may start a program and becomes its owner. `/emcoach setup "Name"` on a program the
caller owns opens the same modal prefilled; once committed only the dates are offered, and
they change only after a deviation was posted (bot.flows.locks).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import Any, Final, TypeAlias

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.blocks.owner import build_not_owner
from bot.blocks.refusals import build_not_part_of
from bot.blocks.reply import Reply, program_id_from_metadata
from bot.blocks.setup import (
    SETUP_BUDGET_OWNER,
    SETUP_CHANNEL,
    SETUP_KICKOFF,
    SETUP_MODEL,
    SETUP_MONTHS,
    SETUP_NAME,
    SETUP_THRESHOLD,
    SETUP_TIMEZONE,
    SETUP_VIEW,
    SetupForm,
    build_budget_owner_heads_up,
    build_setup_done,
    build_setup_modal,
    build_setup_notice,
    form_from_state,
)
from bot.domain.cost import CostModel
from bot.domain.errors import DomainError
from bot.domain.localtime import UnknownTimezoneError, format_day, get_zone, local_date
from bot.domain.program_rules import (
    MIN_EXECUTION_MONTHS,
    ChangeLine,
    ProgramField,
    ProgramState,
    check_kickoff,
    check_length,
    check_threshold,
    has_reached,
)
from bot.domain.roles import Audience, Role
from bot.domain.sprint import default_kickoff
from bot.domain.timeline import Timeline
from bot.engine.people import zones_for
from bot.flows.locks import change_permit, changed_under
from bot.services import Services
from bot.slack_names import COMMAND
from handlers.programs import is_member
from handlers.router import Invocation, Router, Subcommand
from storage.agenda import mark_agenda_stale
from storage.db import session_scope
from storage.models import Program
from storage.programs import find_program, get_program, has_role, members
from storage.setup import ProgramSetup, create_program, name_taken, update_program

logger = logging.getLogger("emcoach.setup")

# The modal must open within the trigger's 3 seconds, so the owner's Slack time zone is asked
# once, briefly and without retries; if Slack is slow the modal opens with UTC preselected.
USERS_INFO_TIMEOUT_SECONDS: Final = 2
FALLBACK_ZONE: Final = "UTC"
# choose_program reads names in quotes, and mrkdwn reads < and > as links and mentions.
_FORBIDDEN_IN_NAMES: Final = frozenset('"“”„<>')
_QUOTES: Final = '"“”„'


# --- opening the modal ---------------------------------------------------------------------


def form_of(program: Program) -> SetupForm:
    return SetupForm(
        name=program.name,
        channel_id=program.publish_channel_id,
        kickoff=program.kickoff_date,
        months=program.months,
        timezone=program.timezone,
        budget_owner_id=program.budget_owner_id,
        model=program.coaching_model,
        anonymity_threshold=program.anonymity_threshold,
    )


def committed_on(program: Program) -> date | None:
    """The local day of commit, or None while the program is a draft."""
    if not has_reached(program.status, ProgramState.COMMITTED):
        return None
    return local_date(program.committed_at or program.created_at, program.timezone)


def owner_zone(invocation: Invocation, *, now: datetime) -> str:
    """The caller's Slack time zone (cached in Person), or UTC when Slack doesn't say quickly."""
    quick = WebClient(
        token=invocation.client.token,
        base_url=invocation.client.base_url,
        timeout=USERS_INFO_TIMEOUT_SECONDS,
        retry_handlers=[],
    )
    try:
        with session_scope(invocation.services.engine) as session:
            zones = zones_for(
                session,
                quick,
                team_id=invocation.team_id,
                user_ids=[invocation.user_id],
                now=now,
            )
    except (SlackClientError, OSError) as error:
        logger.warning("no time zone for %s: %s", invocation.user_id, error)
        return FALLBACK_ZONE
    zone = zones.get(invocation.user_id, FALLBACK_ZONE)
    try:
        get_zone(zone)
    except UnknownTimezoneError:
        return FALLBACK_ZONE
    return zone


def open_setup(invocation: Invocation) -> Reply | None:
    name = invocation.args.strip().strip(_QUOTES).strip() or None
    now = invocation.services.clock.now()
    view: dict[str, Any] | None = None
    if name is not None:
        with session_scope(invocation.services.engine) as session:
            program = find_program(session, team_id=invocation.team_id, name=name)
            if program is not None:
                assert program.id is not None
                if not has_role(
                    session, program_id=program.id, user_id=invocation.user_id, role=Role.OWNER
                ):
                    return _name_belongs_to_others(
                        session, program, team_id=invocation.team_id, user_id=invocation.user_id
                    )
                view = build_setup_modal(
                    form_of(program), program_id=program.id, committed_on=committed_on(program)
                )
    if view is None:
        zone = owner_zone(invocation, now=now)
        channel = invocation.channel_id if invocation.channel_id.startswith("C") else None
        form = SetupForm(
            name=name,
            channel_id=channel,
            # A kickoff on the Monday after the four-week setup sprint, as the framework runs it.
            kickoff=default_kickoff(local_date(now, zone)),
            months=MIN_EXECUTION_MONTHS,
            timezone=zone,
        )
        view = build_setup_modal(form, program_id=None, default_zone=zone)
    invocation.client.views_open(trigger_id=invocation.trigger_id, view=view)
    return None


def _name_belongs_to_others(
    session: Session, program: Program, *, team_id: str, user_id: str
) -> Reply:
    """Who to ask, for someone with a role in the program; for anyone else, no names."""
    assert program.id is not None
    if not is_member(session, team_id=team_id, program_id=program.id, user_id=user_id):
        return build_not_part_of(program.name)
    return build_not_owner(
        program.name,
        members(session, program_id=program.id, role=Role.OWNER),
        instead=f"To start a program of your own, run `{COMMAND} setup` and give it another name.",
    )


# --- saving it -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Saved:
    form: SetupForm
    created: bool
    changed: bool
    tell_budget_owner: bool


@dataclass(frozen=True, slots=True)
class Refused:
    text: str


Outcome: TypeAlias = Saved | Refused | dict[str, str]


def _date_errors(
    kickoff: date | None, months: int | None, *, zone: str, now: datetime
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if kickoff is None:
        errors[SETUP_KICKOFF] = "Pick the kickoff date."
    else:
        try:
            check_kickoff(kickoff, today=local_date(now, zone))
        except DomainError as refusal:
            errors[SETUP_KICKOFF] = str(refusal)
    if months is None:
        errors[SETUP_MONTHS] = f"Enter the length in whole months, e.g. {MIN_EXECUTION_MONTHS}."
    else:
        try:
            check_length(months)
        except DomainError as refusal:
            errors[SETUP_MONTHS] = str(refusal)
    return errors


def validate(form: SetupForm, *, now: datetime) -> ProgramSetup | dict[str, str]:
    """The form as a complete setup, or the inline error for each field that needs one."""
    errors: dict[str, str] = {}
    if not form.name:
        errors[SETUP_NAME] = "Give the program a name, e.g. “Pilot 2027”."
    elif _FORBIDDEN_IN_NAMES & set(form.name):
        errors[SETUP_NAME] = "Leave out quotation marks and < >: commands use quotes to name it."
    if not form.channel_id:
        errors[SETUP_CHANNEL] = "Pick the public channel the results will be posted in."
    zone = form.timezone or ""
    try:
        get_zone(zone)
    except UnknownTimezoneError as unknown:
        errors[SETUP_TIMEZONE] = str(unknown)
        zone = FALLBACK_ZONE
    if not form.budget_owner_id:
        errors[SETUP_BUDGET_OWNER] = "Pick the person who signs off the success criteria."
    if form.model not in {model.value for model in CostModel}:
        errors[SETUP_MODEL] = (
            f"Pick one of the four coaching models (`{COMMAND} cost` compares them)."
        )
    errors |= _date_errors(form.kickoff, form.months, zone=zone, now=now)
    name, channel, budget_owner, model = (
        form.name,
        form.channel_id,
        form.budget_owner_id,
        form.model,
    )
    if errors or not (name and channel and budget_owner and model and form.kickoff and form.months):
        return errors
    return ProgramSetup(
        name=name,
        publish_channel_id=channel,
        kickoff=form.kickoff,
        months=form.months,
        timezone=zone,
        budget_owner_id=budget_owner,
        coaching_model=model,
    )


def _taken(name: str) -> dict[str, str]:
    return {SETUP_NAME: f"There's already a program called “{name}” here. Pick another name."}


def _create(
    session: Session, form: SetupForm, *, team_id: str, user_id: str, now: datetime
) -> Outcome:
    setup = validate(form, now=now)
    if isinstance(setup, dict):
        return setup
    if name_taken(session, team_id=team_id, name=setup.name):
        return _taken(setup.name)
    program = create_program(session, team_id=team_id, setup=setup, created_by=user_id, now=now)
    return Saved(form=form_of(program), created=True, changed=True, tell_budget_owner=True)


def _change_draft(
    session: Session, program: Program, form: SetupForm, *, user_id: str, now: datetime
) -> Outcome:
    assert program.id is not None
    setup = validate(form, now=now)
    if isinstance(setup, dict):
        return setup
    if name_taken(session, team_id=program.team_id, name=setup.name, except_program_id=program.id):
        return _taken(setup.name)
    before = form_of(program)
    told = update_program(session, program, setup=setup, changed_by=user_id, now=now)
    after = form_of(program)
    return Saved(form=after, created=False, changed=after != before, tell_budget_owner=told)


def _change_locked(
    session: Session, program: Program, form: SetupForm, *, now: datetime
) -> Outcome:
    """After commit: only the dates and the anonymity threshold, only when they differ, each
    only through its own deviation, whose follow-up post then says old → new."""
    before = form_of(program)
    dates_changed = (form.kickoff, form.months) != (program.kickoff_date, program.months)
    threshold_changed = form.anonymity_threshold not in (None, program.anonymity_threshold)
    if not dates_changed and not threshold_changed:
        return Saved(form=before, created=False, changed=False, tell_budget_owner=False)
    errors: dict[str, str] = {}
    if dates_changed:
        errors |= _date_errors(form.kickoff, form.months, zone=program.timezone, now=now)
        if form.kickoff == program.kickoff_date:
            errors.pop(SETUP_KICKOFF, None)  # an unchanged kickoff may lie in the past by now
    if threshold_changed and form.anonymity_threshold is not None:
        try:
            check_threshold(form.anonymity_threshold)
        except DomainError as refusal:
            errors[SETUP_THRESHOLD] = str(refusal)
    if errors:
        return errors
    if dates_changed:
        block = SETUP_KICKOFF if form.kickoff != program.kickoff_date else SETUP_MONTHS
        if error := _change_dates(session, program, form, now=now):
            return {block: error}
    if threshold_changed and form.anonymity_threshold is not None:
        permit = change_permit(session, program, ProgramField.ANONYMITY_THRESHOLD, now=now)
        if permit.refusal is not None:
            return {SETUP_THRESHOLD: permit.refusal}
        old = program.anonymity_threshold
        program.anonymity_threshold = form.anonymity_threshold
        session.add(program)
        line = ChangeLine(
            "Anonymity threshold", f"{old} people", f"{form.anonymity_threshold} people"
        )
        changed_under(session, program, permit, [line], now=now)
    session.flush()
    return Saved(form=form_of(program), created=False, changed=True, tell_budget_owner=False)


def _change_dates(
    session: Session, program: Program, form: SetupForm, *, now: datetime
) -> str | None:
    """The new kickoff and length under a deviation (None), or why not."""
    permit = change_permit(session, program, ProgramField.DATES, now=now)
    if permit.refusal is not None:
        return permit.refusal
    if form.kickoff is None or form.months is None or program.kickoff_date is None:
        return "Pick the kickoff date."
    old = Timeline(kickoff=program.kickoff_date, months=program.months)
    new = Timeline(kickoff=form.kickoff, months=form.months)
    program.kickoff_date, program.months = form.kickoff, form.months
    session.add(program)
    mark_agenda_stale(session, program)  # the checkpoints and the cadence move with them
    lines = [
        ChangeLine(what, format_day(before), format_day(after))
        for what, before, after in (
            ("Kickoff", old.kickoff, new.kickoff),
            ("Month-3 checkpoint", old.midpoint, new.midpoint),
            (f"Month-{new.months} evaluation", old.evaluation, new.evaluation),
        )
        if before != after
    ]
    changed_under(session, program, permit, lines, now=now)
    return None


def _save(
    session: Session,
    form: SetupForm,
    *,
    program_id: int | None,
    team_id: str,
    user_id: str,
    now: datetime,
) -> Outcome:
    if program_id is None:
        return _create(session, form, team_id=team_id, user_id=user_id, now=now)
    program = get_program(session, team_id=team_id, program_id=program_id)
    if program is None:
        return Refused(f"That program no longer exists. Start a new one with `{COMMAND} setup`.")
    if not has_role(session, program_id=program_id, user_id=user_id, role=Role.OWNER):
        refusal = _name_belongs_to_others(session, program, team_id=team_id, user_id=user_id)
        return Refused(refusal.text)
    if committed_on(program) is not None:
        return _change_locked(session, program, form, now=now)
    return _change_draft(session, program, form, user_id=user_id, now=now)


def on_submit(
    ack: Ack,
    view: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    *,
    services: Services,
) -> None:
    form = form_from_state(view["state"]["values"])
    user_id, team_id = context.user_id or "", context.team_id or ""
    try:
        with session_scope(services.engine) as session:
            outcome = _save(
                session,
                form,
                program_id=program_id_from_metadata(view.get("private_metadata", "")),
                team_id=team_id,
                user_id=user_id,
                now=services.clock.now(),
            )
    except IntegrityError:
        # Two people saved the same name at the same moment; the database kept one.
        outcome = _taken(form.name or "")
    if isinstance(outcome, dict):
        ack(response_action="errors", errors=outcome)
        return
    if isinstance(outcome, Refused):
        ack(response_action="update", view=build_setup_notice(outcome.text))
        return
    saved = outcome.form
    tell = outcome.tell_budget_owner and saved.budget_owner_id not in (None, user_id)
    ack(
        response_action="update",
        view=build_setup_done(
            saved,
            created=outcome.created,
            changed=outcome.changed,
            owner_id=user_id,
            budget_owner_told=tell,
        ),
    )
    if tell and saved.budget_owner_id and saved.name:
        _heads_up(
            client, budget_owner_id=saved.budget_owner_id, program_name=saved.name, owner_id=user_id
        )


def _heads_up(client: WebClient, *, budget_owner_id: str, program_name: str, owner_id: str) -> None:
    message = build_budget_owner_heads_up(program_name=program_name, owner_id=owner_id)
    try:
        client.chat_postMessage(channel=budget_owner_id, text=message.text, blocks=message.blocks)
    except SlackApiError as error:
        # The program exists either way; the sign-off request itself will reach them later.
        logger.warning(
            "heads-up to budget owner %s failed: %s", budget_owner_id, error.response.get("error")
        )


def register(app: App, services: Services, router: Router) -> None:
    """Adds the subcommand to ``router`` and its actions and views to ``app``."""
    router.add(
        Subcommand(
            name="setup",
            usage="setup [program]",
            summary="create a program (you become its owner), or change one you own",
            audience=Audience.EVERYONE,
            run=open_setup,
        )
    )
    app.view(SETUP_VIEW)(partial(on_submit, services=services))
