"""After commit, a locked field changes only through a deviation posted first in the channel."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.domain.program_rules import LockedFieldError, ProgramField, ProgramState, check_change
from bot.slack_names import COMMAND
from storage.deviations import take_unused_deviation
from storage.models import Program


def change_refusal(
    session: Session, program: Program, field: ProgramField, *, now: datetime
) -> str | None:
    """None when ``field`` may change now; otherwise the sentence saying what to do instead.

    After commit a posted, unused deviation for ``field`` allows exactly one change and is
    used up by it (in the caller's unit of work, so a failed change leaves it unused).
    """
    assert program.id is not None
    try:
        check_change(field, state=program.status, reason=None)
    except LockedFieldError as refusal:
        if program.status is ProgramState.CLOSED:
            return str(refusal)
        if take_unused_deviation(session, program_id=program.id, field=field, now=now):
            return None
        return (
            f"{refusal} Post it with `{COMMAND} deviation {field.value} <reason>` first, then "
            "make this change again."
        )
    return None
