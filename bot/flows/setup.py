"""/emcoach setup: create a program, or change the setup of one you own.

Anyone may start a program and becomes its owner. `/emcoach setup "Name"` on a program the
caller owns opens the same modal prefilled; once committed only the dates and the anonymity
threshold are offered, and they change only after a deviation was posted (bot/flows/locks.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Final, TypeAlias

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.blocks.setup import (
    SETUP_BUDGET_OWNER,
    SETUP_CHANNEL,
    SETUP_KICKOFF,
    SETUP_MODEL,
    SETUP_MONTHS,
    SETUP_NAME,
    SETUP_THRESHOLD,
    SETUP_TIMEZONE,
    SetupForm,
    program_gone_text,
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
from bot.domain.roles import Role
from bot.domain.sprint import default_kickoff
from bot.domain.timeline import Timeline
from bot.engine.people import store_answers
from bot.flows.locks import change_permit, changed_under
from bot.slack.ports import Directory, SlackUnavailable
from bot.slack_names import COMMAND
from storage.agenda import mark_agenda_stale
from storage.models import Program
from storage.people import cached_zones, stale_people
from storage.programs import find_program, get_program, has_role, is_member, members
from storage.setup import (
    ProgramSetup,
    create_program,
    name_taken,
    set_dates,
    set_threshold,
    update_program,
)
from storage.uow import UnitOfWork

FALLBACK_ZONE: Final = "UTC"
# choose_program reads names in quotes, and mrkdwn reads < and > as links and mentions.
_FORBIDDEN_IN_NAMES: Final = frozenset('"“”„<>')
_QUOTES: Final = '"“”„'


# --- opening the modal ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class NotYours:
    """The program named is someone else's: ``owners`` to ask for people in it (None: the
    caller has no role in it, and learns no names)."""

    program_name: str
    owners: list[str] | None


@dataclass(frozen=True, slots=True, kw_only=True)
class SetupModal:
    form: SetupForm
    program_id: int | None  # None: a new program
    committed_on: date | None = None
    default_zone: str = FALLBACK_ZONE  # the zone the modal offers first


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


def setup_modal(
    uow: UnitOfWork,
    directory: Directory,
    *,
    team_id: str,
    user_id: str,
    args: str,
    channel_id: str,
    now: datetime,
) -> NotYours | SetupModal:
    """The modal for the program named in ``args`` (the caller's to change), or a new one
    prefilled with the caller's time zone, asked of Slack with no transaction open."""
    name = args.strip().strip(_QUOTES).strip() or None
    with uow as session:
        if name is not None:
            program = find_program(session, team_id=team_id, name=name)
            if program is not None:
                assert program.id is not None
                if not has_role(session, program_id=program.id, user_id=user_id, role=Role.OWNER):
                    return _not_yours(session, program, team_id=team_id, user_id=user_id)
                return SetupModal(
                    form=form_of(program),
                    program_id=program.id,
                    committed_on=committed_on(program),
                )
        stale = stale_people(session, team_id=team_id, user_ids=[user_id], now=now)
    zone = _owner_zone(uow, directory, team_id=team_id, user_id=user_id, stale=stale, now=now)
    form = SetupForm(
        name=name,
        channel_id=channel_id if channel_id.startswith("C") else None,
        # A kickoff on the Monday after the four-week setup sprint, as the framework runs it.
        kickoff=default_kickoff(local_date(now, zone)),
        months=MIN_EXECUTION_MONTHS,
        timezone=zone,
    )
    return SetupModal(form=form, program_id=None, default_zone=zone)


def _owner_zone(
    uow: UnitOfWork,
    directory: Directory,
    *,
    team_id: str,
    user_id: str,
    stale: list[str],
    now: datetime,
) -> str:
    """The caller's Slack time zone (cached in Person), or UTC when Slack doesn't say."""
    try:
        answers = directory.zones(stale) if stale else {}
    except SlackUnavailable:
        return FALLBACK_ZONE
    with uow as session:
        store_answers(session, team_id=team_id, answers=answers, now=now)
        zone = cached_zones(session, team_id=team_id, user_ids=[user_id]).get(
            user_id, FALLBACK_ZONE
        )
    try:
        get_zone(zone)
    except UnknownTimezoneError:
        return FALLBACK_ZONE
    return zone


def _not_yours(session: Session, program: Program, *, team_id: str, user_id: str) -> NotYours:
    """Who to ask, for someone with a role in the program; for anyone else, no names."""
    assert program.id is not None
    if not is_member(session, team_id=team_id, program_id=program.id, user_id=user_id):
        return NotYours(program_name=program.name, owners=None)
    owners = members(session, program_id=program.id, role=Role.OWNER)
    return NotYours(program_name=program.name, owners=owners)


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


Outcome: TypeAlias = Saved | Refused | NotYours | dict[str, str]


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
        old = set_threshold(session, program, threshold=form.anonymity_threshold)
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
    set_dates(session, program, kickoff=form.kickoff, months=form.months)
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
        return Refused(program_gone_text())
    if not has_role(session, program_id=program_id, user_id=user_id, role=Role.OWNER):
        return _not_yours(session, program, team_id=team_id, user_id=user_id)
    if committed_on(program) is not None:
        return _change_locked(session, program, form, now=now)
    return _change_draft(session, program, form, user_id=user_id, now=now)


def save_setup(
    uow: UnitOfWork,
    form: SetupForm,
    *,
    program_id: int | None,
    team_id: str,
    user_id: str,
    now: datetime,
) -> Outcome:
    """A submitted setup modal: saved, refused, or the inline errors by block id."""
    try:
        with uow as session:
            return _save(
                session, form, program_id=program_id, team_id=team_id, user_id=user_id, now=now
            )
    except IntegrityError:
        # Two people saved the same name at the same moment; the database kept one.
        return _taken(form.name or "")
