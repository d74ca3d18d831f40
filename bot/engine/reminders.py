"""Survey reminders: private DMs to direct reports who have not answered, at most two.

PRODUCT "Cadence while running": reminders go to non-responders only, after 24 h and 72 h,
never public. A reminder is an agenda row (kind SURVEY_REMINDER) under the key
``survey_reminder:{n}:{survey row id}`` (``storage.answers.reminder_key``): the key links it to
its survey, ``about`` keeps the leader's user id for the renderer.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Final

from sqlmodel import Session

from bot.domain.cadence import AgendaKind, AgendaState, grace_window
from bot.domain.program_rules import ProgramState
from storage.agenda import Wanted, add_once
from storage.answers import (
    reminder_key,
    reminders_of,
    round_closes_at,
    unanswered_sent_surveys,
)
from storage.programs import program_by_id

# After the survey was sent: the first reminder, then the second (and last).
REMINDER_DELAYS: Final = (timedelta(hours=24), timedelta(hours=72))
# Only surveys sent this recently are looked at: the second reminder is due 72 h after the
# survey, later only after downtime, and a reminder a week on would be noise. It also keeps
# the job's cost following this week's surveys, not every survey a program ever sent.
LOOKBACK: Final = timedelta(days=7)
_SURVEY_GRACE: Final = grace_window(AgendaKind.SURVEY) or timedelta(0)


def next_reminder_at(sent_at: datetime, earlier: Sequence[datetime]) -> datetime | None:
    """When the next reminder may go, given the due times of those already planned; None
    after the last. Spaced like the delays even when the first one went late (downtime), so
    two reminders never arrive together."""
    number = len(earlier)
    if number >= len(REMINDER_DELAYS):
        return None
    at = sent_at + REMINDER_DELAYS[number]
    if earlier:
        at = max(at, earlier[-1] + REMINDER_DELAYS[number] - REMINDER_DELAYS[number - 1])
    return at


def plan_survey_reminders(session: Session, *, now: datetime) -> int:
    """Add the reminders now due for unanswered surveys; returns how many were added.

    Keys make it idempotent: it can run every tick or after downtime. No reminder is planned
    once the round's checkpoint is (due to be) published, or for a closed program.
    """
    surveys = unanswered_sent_surveys(
        session,
        sent_from=now - LOOKBACK,
        sent_until=now - REMINDER_DELAYS[0],
        due_from=now - LOOKBACK - _SURVEY_GRACE,
    )
    closes: dict[tuple[int, date], datetime] = {}
    added = 0
    for survey in surveys:
        assert survey.id is not None
        assert survey.sent_at is not None
        program = program_by_id(session, program_id=survey.program_id)
        if program is None or program.status is ProgramState.CLOSED:
            continue
        earlier = reminders_of(session, survey)
        at = next_reminder_at(survey.sent_at, [row.due_at for row in earlier])
        if at is None or now < at:
            continue
        round_key = (survey.program_id, survey.occasion)
        if round_key not in closes:
            closes[round_key] = round_closes_at(session, survey=survey, program=program)
        if now >= closes[round_key]:
            continue
        added += add_once(
            session,
            program_id=survey.program_id,
            row=Wanted(
                key=reminder_key(len(earlier) + 1, survey.id),
                kind=AgendaKind.SURVEY_REMINDER.value,
                recipient=survey.recipient,
                about=survey.about,
                occasion=survey.occasion,
                due_at=now,
                state=AgendaState.PENDING,
            ),
        )
    return added
