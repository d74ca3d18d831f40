"""/emcoach adjust: after the month-3 results, the owners and coaches record how to go on.

PRODUCT "Checkpoints": continue, change the cadence or change the coach, with a note. The
decision is taken with the published results in hand, so it is refused before the month-3 post
has gone out and after the final one. Recording it changes no slot or coach by itself: the
reply says which `/emcoach pod` command does, and the program's other owners and coaches are
told in a DM, since the decision is theirs too.
"""

from __future__ import annotations

import logging
from typing import Final

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.adjust import (
    Decided,
    Decision,
    Evaluation,
    build_adjust_notice,
    build_adjust_recorded,
    build_adjust_usage,
)
from bot.blocks.prompts.checkpoint import METRICS_COMMAND
from bot.blocks.reply import Reply
from bot.domain.args import escape_mrkdwn, split_subcommand
from bot.domain.args.errors import typed
from bot.domain.errors import DomainError
from bot.domain.localtime import format_day, local_date
from bot.domain.roles import Audience, Role
from bot.services import Services
from bot.slack_names import COMMAND
from handlers.metrics import Checkpoints, checkpoints_of, published_text
from handlers.programs import Chosen, choose_program
from handlers.router import Invocation, Router, Subcommand
from storage.adjustments import adjustments_of, record_adjustment
from storage.db import session_scope
from storage.models import Adjustment, Program
from storage.programs import has_role, members

logger = logging.getLogger(__name__)

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


def _decided(row: Adjustment, *, zone: str) -> Decided:
    return Decided(
        decision=Decision(row.decision),
        note=row.note,
        decided_by=row.decided_by,
        decided_on=local_date(row.decided_at, zone),
    )


def _not_yet(checkpoints: Checkpoints, program: Program, *, owner: bool) -> str:
    midpoint = checkpoints.midpoint
    day = format_day(midpoint.occasion)
    when = (
        f"were due on {day} and go out as soon as emcoach can post them"
        if checkpoints.today > midpoint.occasion
        else f"are published on {day}"
    )
    text = (
        f"The month-3 results of *{escape_mrkdwn(program.name)}* {when}. The adjustment is "
        f"decided after that, with the results in hand: type `{COMMAND} adjust` then."
    )
    if owner:
        text += f" Until then, `{METRICS_COMMAND}` shows which values are still missing."
    return text


def _tell_others(
    client: WebClient,
    people: dict[str, bool],
    *,
    program: Program,
    decided: Decided,
    evaluation: Evaluation,
) -> tuple[list[str], list[str]]:
    """DM each of ``people`` (user id → is an owner); (told, not told)."""
    told: list[str] = []
    not_told: list[str] = []
    for user_id, is_owner in people.items():
        message = build_adjust_notice(
            program_name=program.name, decided=decided, evaluation=evaluation, by_owner=is_owner
        )
        try:
            client.chat_postMessage(channel=user_id, text=message.text, blocks=message.blocks)
        except SlackApiError as error:
            logger.warning(
                "adjustment notice to %s failed: %s", user_id, error.response.get("error")
            )
            not_told.append(user_id)
        else:
            told.append(user_id)
    return told, not_told


def run_adjust(invocation: Invocation) -> Reply:
    chosen = choose_program(invocation, subcommand="adjust", roles=DECIDERS)
    if not isinstance(chosen, Chosen):
        return chosen
    program = chosen.program
    if program.committed_at is None or program.kickoff_date is None or program.id is None:
        return Reply(
            text=f"*{escape_mrkdwn(program.name)}* isn't running yet: the adjustment is decided "
            f"after its month-3 results. `{COMMAND} status` shows what's left before commit."
        )
    now = invocation.services.clock.now()
    with session_scope(invocation.services.engine) as session:
        owner = has_role(
            session, program_id=program.id, user_id=invocation.user_id, role=Role.OWNER
        )
        checkpoints = checkpoints_of(session, program, now=now)
        midpoint, final = checkpoints.midpoint, checkpoints.final
        if midpoint.published_at is None:
            return Reply(text=_not_yet(checkpoints, program, owner=owner))
        if final.published_at is not None:
            return Reply(
                text=f"{published_text(checkpoints, final, zone=program.timezone)} There's "
                f"nothing left to adjust in *{escape_mrkdwn(program.name)}*; the next cycle "
                f"starts with `{COMMAND} check`."
            )
        earlier = adjustments_of(session, program_id=program.id)
        latest = _decided(earlier[-1], zone=program.timezone) if earlier else None
        published_on = local_date(midpoint.published_at, program.timezone)
        if not chosen.args.strip():
            return build_adjust_usage(
                program_name=program.name, published_on=published_on, latest=latest, problem=None
            )
        try:
            decision, note = parse_adjustment(chosen.args)
        except AdjustmentError as error:
            return build_adjust_usage(
                program_name=program.name,
                published_on=published_on,
                latest=latest,
                problem=str(error),
            )
        row = record_adjustment(
            session,
            program_id=program.id,
            decision=decision.value,
            note=note,
            decided_by=invocation.user_id,
            now=now,
        )
        decided = _decided(row, zone=program.timezone)
        owners = members(session, program_id=program.id, role=Role.OWNER)
        coaches = members(session, program_id=program.id, role=Role.COACH)
    people = {user: user in owners for user in [*owners, *coaches] if user != invocation.user_id}
    evaluation = Evaluation(month=final.month, occasion=final.occasion)
    told, not_told = _tell_others(
        invocation.client,  # the workspace's own token (Bolt's per-request client)
        people,
        program=program,
        decided=decided,
        evaluation=evaluation,
    )
    return build_adjust_recorded(
        program_name=program.name,
        decided=decided,
        replaced=latest,
        evaluation=evaluation,
        by_owner=owner,
        told=told,
        not_told=not_told,
    )


def register(app: App, services: Services, router: Router) -> None:
    """Adds the subcommand to ``router``; it has no buttons or modals of its own."""
    router.add(
        Subcommand(
            name="adjust",
            usage="adjust [program] continue|cadence|coach <note>",
            summary="after the month-3 results: record whether to continue, change the cadence "
            "or change the coach, and why",
            # Owners and coaches: the router has no audience for both, so anyone in a program
            # gets through and choose_program keeps to programs they own or coach.
            audience=Audience.PARTICIPANTS,
            run=run_adjust,
        )
    )
