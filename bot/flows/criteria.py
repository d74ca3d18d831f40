"""Week 1: the success criteria, each on its instrument, saved and sent for sign-off.

The instrument is chosen with the criteria (for 1:1 quality: emcoach's anonymous survey or the
company's own engineering survey) and is part of each frozen definition, so of the hash the
budget owner signs off. Saving a different choice is a change of the criteria: before commit
it clears the sign-off and asks again; after commit it needs a posted deviation, and the
follow-up says old → new. A criterion whose instrument changes after commit gets its locked
baseline from the new instrument (the change is never computed across two).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.blocks.criteria import SignoffRequest
from bot.domain.metrics import (
    Instrument,
    MetricDefinition,
    SelectionError,
    choose_instruments,
    definitions_hash,
    instrument_options,
    validate_selection,
)
from bot.domain.program_rules import ChangeLine, ProgramField
from bot.domain.roles import Role
from bot.flows.baseline import relock
from bot.flows.locks import change_permit, change_refusal, changed_under
from storage.criteria import replace_criteria
from storage.db import session_scope
from storage.models import Program
from storage.programs import get_program, has_role
from storage.setup_state import frozen_definitions, metrics_of, self_approved


class Field(enum.StrEnum):
    """Which input of the picker a refusal is about."""

    PICK = "pick"
    INSTRUMENT = "instrument"


class Saved(enum.StrEnum):
    INVALID = "invalid"  # the choice itself is refused: ``field`` and ``message``
    NOT_OWNER = "not_owner"
    REFUSED = "refused"  # locked: ``message`` says what to do instead
    UNCHANGED = "unchanged"  # the signed-off criteria, saved again
    SAVED = "saved"


@dataclass(frozen=True, slots=True, kw_only=True)
class CriteriaOutcome:
    saved: Saved
    field: Field | None = None
    message: str = ""
    program_name: str = ""
    names: tuple[str, ...] = ()
    signed_off_by: str | None = None
    budget_owner: str | None = None
    request: SignoffRequest | None = None  # to DM the budget owner, after the answer
    changed: bool = False  # False: the same unsigned criteria, so the request is resent


@dataclass(frozen=True, slots=True, kw_only=True)
class Picker:
    """What the picker opens with: the criteria and instrument as saved, or why not."""

    selected: tuple[str, ...] = ()
    instrument: Instrument | None = None
    refusal: str | None = None


def picker_of(engine: Engine, program: Program, *, now: datetime) -> Picker:
    """The lock check the submission will make, asked without using up a deviation (the
    person may still cancel the modal: the dry run's writes are rolled back), and the
    criteria as saved."""
    assert program.id is not None
    with Session(engine, expire_on_commit=False) as session:
        try:
            refusal = change_refusal(session, program, ProgramField.CRITERIA, now=now)
        finally:
            session.rollback()
    if refusal is not None:
        return Picker(refusal=refusal)
    with session_scope(engine) as session:
        metrics = metrics_of(session, program_id=program.id)
    chosen = next(
        (metric.instrument for metric in metrics if len(instrument_options(metric)) > 1), None
    )
    return Picker(selected=tuple(metric.id.value for metric in metrics), instrument=chosen)


def signoff_request(session: Session, program: Program, *, requested_by: str) -> SignoffRequest:
    """The request the budget owner answers: the frozen definitions and their hash."""
    assert program.id is not None
    assert program.criteria_hash is not None
    return SignoffRequest(
        program_id=program.id,
        program_name=program.name,
        criteria=frozen_definitions(session, program_id=program.id),
        criteria_hash=program.criteria_hash,
        requested_by=requested_by,
        self_approved=self_approved(session, program),
    )


def _choice(
    metric_ids: Sequence[str], instrument: str | None
) -> tuple[MetricDefinition, ...] | CriteriaOutcome:
    try:
        metrics = validate_selection(metric_ids)
    except SelectionError as error:
        return CriteriaOutcome(saved=Saved.INVALID, field=Field.PICK, message=str(error))
    try:
        return choose_instruments(metrics, Instrument(instrument) if instrument else None)
    except (SelectionError, ValueError) as error:
        return CriteriaOutcome(saved=Saved.INVALID, field=Field.INSTRUMENT, message=str(error))


def change_lines(
    old: Sequence[MetricDefinition], new: Sequence[MetricDefinition]
) -> list[ChangeLine]:
    """Old → new for a change of the criteria: the set, and each instrument that changed."""
    lines: list[ChangeLine] = []
    if [metric.id for metric in old] != [metric.id for metric in new]:
        lines.append(
            ChangeLine(
                "Success criteria",
                ", ".join(metric.short_name for metric in old),
                ", ".join(metric.short_name for metric in new),
            )
        )
    before = {metric.id: metric.instrument for metric in old}
    for metric in new:
        was = before.get(metric.id)
        if len(instrument_options(metric)) > 1 and was is not metric.instrument:
            lines.append(
                ChangeLine(
                    f"{metric.short_name} instrument",
                    "none" if was is None else was.label,
                    metric.instrument.label,
                )
            )
    return lines


def _relock(
    session: Session,
    program: Program,
    old: Sequence[MetricDefinition],
    new: Sequence[MetricDefinition],
    *,
    now: datetime,
) -> list[ChangeLine]:
    """After commit: a criterion that is new or on a new instrument gets its locked baseline
    from that instrument, and a dropped one loses its."""
    was = {metric.id: metric.instrument for metric in old}
    return relock(
        session,
        program,
        metric_ids=[m.id.value for m in new if was.get(m.id) is not m.instrument],
        now=now,
    )


def save_criteria(
    engine: Engine,
    *,
    team_id: str,
    program_id: int,
    user_id: str,
    metric_ids: Sequence[str],
    instrument: str | None,
    now: datetime,
) -> CriteriaOutcome:
    """An owner's submitted picker: the criteria and the instrument, saved if they may be."""
    chosen = _choice(metric_ids, instrument)
    if isinstance(chosen, CriteriaOutcome):
        return chosen
    names = tuple(metric.name for metric in chosen)
    with session_scope(engine) as session:
        program = get_program(session, team_id=team_id, program_id=program_id)
        if program is None or not has_role(
            session, program_id=program_id, user_id=user_id, role=Role.OWNER
        ):
            return CriteriaOutcome(saved=Saved.NOT_OWNER)
        changed = definitions_hash(chosen) != program.criteria_hash
        if changed:
            permit = change_permit(session, program, ProgramField.CRITERIA, now=now)
            if permit.refusal is not None:
                return CriteriaOutcome(
                    saved=Saved.REFUSED, message=permit.refusal, program_name=program.name
                )
            old = metrics_of(session, program_id=program_id)
            replace_criteria(session, program=program, metrics=chosen)
            changes = change_lines(old, chosen)
            if program.committed_at is not None:
                changes += _relock(session, program, old, chosen, now=now)
            changed_under(session, program, permit, changes, now=now)
        elif program.signed_off_by is not None:
            return CriteriaOutcome(
                saved=Saved.UNCHANGED,
                program_name=program.name,
                signed_off_by=program.signed_off_by,
            )
        request = None
        if program.budget_owner_id is not None:
            program.signoff_requested_at = now
            session.add(program)
            request = signoff_request(session, program, requested_by=user_id)
        return CriteriaOutcome(
            saved=Saved.SAVED,
            program_name=program.name,
            names=names,
            budget_owner=program.budget_owner_id,
            request=request,
            changed=changed,
        )
