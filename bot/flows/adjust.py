"""/emcoach adjust: after the month-3 results, the owners and coaches record how to go on.

PRODUCT "Checkpoints": continue, change the cadence or change the coach, with a note. The
decision is taken with the published results in hand, so it is refused before the month-3 post
has gone out and after the final one. Recording it changes no slot or coach by itself: the
reply says which `/emcoach pod` command does, and the program's other owners and coaches are
told in a DM (by the listener, after this unit of work), since the decision is theirs too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from bot.blocks.adjust import (
    Decided,
    Decision,
    Evaluation,
    not_running_text,
    nothing_left_text,
    results_not_yet_text,
)
from bot.domain.args import split_subcommand
from bot.domain.args.errors import typed
from bot.domain.errors import DomainError
from bot.domain.localtime import local_date
from bot.domain.roles import Role
from bot.flows.checkpoints import checkpoints_of, published_text
from bot.flows.programs import Chosen, NotChosen, ProgramAsk, choose_program
from storage.adjustments import adjustments_of, record_adjustment
from storage.models import Adjustment
from storage.programs import has_role, members
from storage.uow import UnitOfWork

# The decision is the owners' and the coaches' together (PRODUCT "Checkpoints").
DECIDERS: Final = frozenset({Role.OWNER, Role.COACH})
# A note is what the next reader has to go on; ten characters rule out "ok" or "fine", and a
# thousand keep it inside one Slack section with room for the rest of the message.
MIN_NOTE_CHARS: Final = 10
MAX_NOTE_CHARS: Final = 1000


class AdjustmentError(DomainError):
    pass


def parse_adjustment(args: str) -> tuple[Decision, str]:
    """(decision, note) from ``cadence Move the pod session…``; the error says what to type."""
    word, note = split_subcommand(args)
    choices = ", ".join(f"`{decision.value}`" for decision in Decision)
    try:
        decision = Decision(word)
    except ValueError:
        raise AdjustmentError(f"{typed(word)} isn't a decision: start with {choices}.") from None
    note = note.strip()
    if len(note) < MIN_NOTE_CHARS:
        raise AdjustmentError(
            f"Add a note of at least {MIN_NOTE_CHARS} characters after `{decision.value}` "
            "saying why, so whoever reads the decision later knows what was agreed."
        )
    if len(note) > MAX_NOTE_CHARS:
        raise AdjustmentError(
            f"Keep the note to {MAX_NOTE_CHARS} characters; yours has {len(note)}. Link to a "
            "longer write-up if there is one."
        )
    return decision, note


@dataclass(frozen=True, slots=True)
class Refused:
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Usage:
    """How to record the decision; ``problem`` says what was wrong with the one typed."""

    program_name: str
    published_on: date
    latest: Decided | None
    problem: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Recorded:
    program_name: str
    decided: Decided
    replaced: Decided | None
    evaluation: Evaluation
    by_owner: bool
    others: dict[str, bool]  # whom to tell (user id → is an owner), after the commit


def adjust(
    uow: UnitOfWork, *, ask: ProgramAsk, now: datetime
) -> NotChosen | Refused | Usage | Recorded:
    with uow as session:
        chosen = choose_program(session, ask, roles=DECIDERS)
        if not isinstance(chosen, Chosen):
            return chosen
        program = chosen.program
        if program.committed_at is None or program.kickoff_date is None or program.id is None:
            return Refused(not_running_text(program.name))
        owner = has_role(session, program_id=program.id, user_id=ask.user_id, role=Role.OWNER)
        checkpoints = checkpoints_of(session, program, now=now)
        midpoint, final = checkpoints.midpoint, checkpoints.final
        if midpoint.published_at is None:
            return Refused(
                results_not_yet_text(
                    program.name,
                    midpoint=midpoint.occasion,
                    overdue=checkpoints.today > midpoint.occasion,
                    owner=owner,
                )
            )
        if final.published_at is not None:
            published = published_text(checkpoints, final, zone=program.timezone)
            return Refused(nothing_left_text(published, program.name))
        earlier = adjustments_of(session, program_id=program.id)
        latest = _decided(earlier[-1], zone=program.timezone) if earlier else None
        usage = Usage(
            program_name=program.name,
            published_on=local_date(midpoint.published_at, program.timezone),
            latest=latest,
            problem=None,
        )
        if not chosen.args.strip():
            return usage
        try:
            decision, note = parse_adjustment(chosen.args)
        except AdjustmentError as error:
            return Usage(
                program_name=usage.program_name,
                published_on=usage.published_on,
                latest=latest,
                problem=str(error),
            )
        row = record_adjustment(
            session,
            program_id=program.id,
            decision=decision.value,
            note=note,
            decided_by=ask.user_id,
            now=now,
        )
        owners = members(session, program_id=program.id, role=Role.OWNER)
        coaches = members(session, program_id=program.id, role=Role.COACH)
        return Recorded(
            program_name=program.name,
            decided=_decided(row, zone=program.timezone),
            replaced=latest,
            evaluation=Evaluation(month=final.month, occasion=final.occasion),
            by_owner=owner,
            others={user: user in owners for user in [*owners, *coaches] if user != ask.user_id},
        )


def _decided(row: Adjustment, *, zone: str) -> Decided:
    return Decided(
        decision=Decision(row.decision),
        note=row.note,
        decided_by=row.decided_by,
        decided_on=local_date(row.decided_at, zone),
    )
