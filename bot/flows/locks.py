"""After commit, a locked field changes only through a deviation posted first in the channel.

Rules that need data, run inside the caller's unit of work (a flow's, or a listener's not yet
moved onto one)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlmodel import Session

from bot.blocks.deviation import post_deviation_first
from bot.domain.metrics import MetricDefinition
from bot.domain.program_rules import (
    ChangeLine,
    LockedFieldError,
    ProgramField,
    ProgramState,
    check_change,
)
from bot.domain.units import value_text
from storage.baselines import baselines_of
from storage.deviations import record_deviation_change, take_unused_deviation
from storage.models import Deviation, Program


@dataclass(frozen=True, slots=True)
class ChangePermit:
    """Whether a change may be made: ``refusal`` says why not; ``deviation`` is the posted
    deviation the change uses up (after commit), to which its old → new values are added."""

    refusal: str | None = None
    deviation: Deviation | None = None


def change_permit(
    session: Session, program: Program, field: ProgramField, *, now: datetime
) -> ChangePermit:
    """May ``field`` change now? After commit a posted, unused deviation for ``field``
    allows exactly one change and is used up by it (in the caller's unit of work, so a
    failed change leaves it unused); the caller then records what changed with
    ``record_deviation_change``, in the same unit of work."""
    assert program.id is not None
    try:
        check_change(field, state=program.status, reason=None)
    except LockedFieldError as refusal:
        if program.status is ProgramState.CLOSED:
            return ChangePermit(refusal=str(refusal))
        deviation = take_unused_deviation(session, program_id=program.id, field=field, now=now)
        if deviation is not None:
            return ChangePermit(deviation=deviation)
        return ChangePermit(refusal=post_deviation_first(str(refusal), field))
    return ChangePermit()


def change_refusal(
    session: Session, program: Program, field: ProgramField, *, now: datetime
) -> str | None:
    """None when ``field`` may change now; otherwise the sentence saying what to do instead
    (``change_permit`` without the deviation, for changes that report no old → new)."""
    return change_permit(session, program, field, now=now).refusal


def baseline_change_lines(
    session: Session,
    *,
    program_id: int,
    who: str,
    values: Sequence[tuple[MetricDefinition, Decimal]],
    leader_id: int | None = None,
    pod_id: int | None = None,
) -> list[ChangeLine]:
    """Old → new for baselines about to be saved for one leader or pod (``who``, mrkdwn);
    call it before saving. A value saved unchanged is no change."""
    old = {
        row.metric_id: row.value
        for row in baselines_of(session, program_id=program_id)
        if (row.leader_id == leader_id if leader_id is not None else row.pod_id == pod_id)
    }
    lines: list[ChangeLine] = []
    for metric, value in values:
        before = old.get(metric.id.value)
        if before == value:
            continue
        lines.append(
            ChangeLine(
                what=f"{metric.short_name} baseline for {who}",
                old="none" if before is None else value_text(metric.id, before),
                new=value_text(metric.id, value),
            )
        )
    return lines


def changed_under(
    session: Session,
    program: Program,
    permit: ChangePermit,
    changes: Sequence[ChangeLine],
    *,
    now: datetime,
) -> None:
    """After the change a deviation allowed: its old → new values, posted as a follow-up
    once (recorded here, sent by the engine)."""
    if permit.deviation is not None:
        record_deviation_change(
            session, program=program, deviation=permit.deviation, changes=changes, now=now
        )
