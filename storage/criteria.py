"""Writing a program's success criteria and the budget owner's sign-off of them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col

from bot.domain.metrics import MetricDefinition, definitions_hash, frozen_definitions_json
from bot.domain.program_rules import ProgramState
from storage.models import Criterion, Program
from storage.setup_state import criteria_of


def replace_criteria(
    session: Session, *, program: Program, metrics: Sequence[MetricDefinition]
) -> None:
    """Store ``metrics`` as the program's criteria and clear any sign-off of the old ones.

    Each row holds its own definition frozen as canonical JSON, so what was signed off can be
    read back exactly even after the catalog's wording changes.
    """
    assert program.id is not None
    for row in criteria_of(session, program_id=program.id):
        session.delete(row)
    # The old rows must be gone before the new ones meet the (program, metric) unique key.
    session.flush()
    for position, metric in enumerate(metrics):
        session.add(
            Criterion(
                program_id=program.id,
                metric_id=metric.id.value,
                position=position,
                definition_json=frozen_definitions_json([metric]),
                instrument=metric.instrument.value,
            )
        )
    program.criteria_hash = definitions_hash(metrics)
    program.signed_off_by = None
    program.signed_off_at = None
    session.add(program)
    session.flush()


def record_signoff(
    session: Session, *, program_id: int, criteria_hash: str, user_id: str, now: datetime
) -> bool:
    """Sign off exactly the criteria whose hash is ``criteria_hash``.

    One conditional UPDATE, so a click racing a change of the criteria (or a second click)
    cannot sign off something else: False when the hash no longer matches or the criteria
    are already signed off. A draft moves to "criteria signed off"; a later state stays.
    """
    signed = session.exec(
        update(Program)
        .where(
            col(Program.id) == program_id,
            col(Program.criteria_hash) == criteria_hash,
            col(Program.signed_off_at).is_(None),
        )
        .values(signed_off_by=user_id, signed_off_at=now)
    )
    if signed.rowcount != 1:
        return False
    session.exec(
        update(Program)
        .where(col(Program.id) == program_id, col(Program.status) == ProgramState.DRAFT)
        .values(status=ProgramState.CRITERIA_SIGNED_OFF)
    )
    return True
