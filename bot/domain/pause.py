"""Pause, resume and leave without data: whom a command names, the dates typed, and which
pauses and leavings the program's dates allow. The sentences are in ``bot.blocks.pause``."""

from __future__ import annotations

import enum
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from bot.domain.args import ArgumentError, UserRef, parse_date, tokenize, users
from bot.domain.args.tokens import Token, Word
from bot.domain.timeline import Timeline

REASON_MAX = 255  # LeaderPause.reason's column
# The longest date people type: "1st of March 2027", "in 2 weeks", "March 1, 2027".
_DATE_WORDS_MAX = 4
# ``pause me until …``: the person typing is the leader.
SELF = "me"


@dataclass(frozen=True, slots=True)
class Target:
    """Whom a command is about: the leader, an optional program name typed before them, and
    the words after them (dates and a reason, read once the program's "today" is known)."""

    leader_id: str
    program_name: str | None
    rest: tuple[str, ...]


def split_target(args: str, *, caller_id: str, command: str) -> Target:
    """``[program] @leader|me rest…``; raises ``ArgumentError`` without exactly one person.
    ``command`` is the whole usage line, shown with the error."""
    tokens = tokenize(args)
    mentioned = users(tokens)
    if not mentioned:
        at = next(
            (
                i
                for i, token in enumerate(tokens)
                if isinstance(token, Word) and token.text.lower() == SELF
            ),
            None,
        )
        if at is not None:
            return _target(tokens, at=at, leader_id=caller_id)
    if len(mentioned) != 1:
        problem = (
            f"Name the leader (or `{SELF}` for yourself)"
            if not mentioned
            else "Name one leader at a time"
        )
        raise ArgumentError(
            f"{problem}, picked from Slack's list as you type @: `{command}`.",
            example="@lena",
        )
    at = next(i for i, token in enumerate(tokens) if isinstance(token, UserRef))
    return _target(tokens, at=at, leader_id=mentioned[0].id)


def _target(tokens: Sequence[Token], *, at: int, leader_id: str) -> Target:
    before = _words(tokens[:at])
    return Target(
        leader_id=leader_id,
        program_name=" ".join(before) or None,
        rest=tuple(_words(tokens[at + 1 :])),
    )


def _words(tokens: Sequence[Token]) -> list[str]:
    return [token.text for token in tokens if isinstance(token, Word)]


@dataclass(frozen=True, slots=True)
class Dated:
    dates: dict[str, date]  # keyword ("from", "until", "on") → the date typed after it
    reason: str | None


def read_dates(
    words: Sequence[str],
    *,
    today: date,
    keywords: Collection[str],
    implied: str | None = None,
) -> Dated:
    """Leading ``keyword DATE`` pairs, then a free-text reason.

    A date right after the person without a keyword stands for ``implied`` ("until" is
    optional in ``pause @lena 2027-03-14``). Dates may be several words ("14 March 2027"), so
    the longest run of words that reads as a date wins.
    """
    rest = list(words)
    dates: dict[str, date] = {}
    while rest:
        keyword = rest[0].lower()
        if keyword in keywords and keyword not in dates:
            day, used = _leading_date(rest[1:], today=today, after=keyword)
            dates[keyword] = day
            rest = rest[1 + used :]
        elif implied is not None and not dates:
            try:
                day, used = _leading_date(rest, today=today, after=implied)
            except ArgumentError:
                break
            dates[implied] = day
            rest = rest[used:]
        else:
            break
    reason = " ".join(rest).strip() or None
    if reason is not None and len(reason) > REASON_MAX:
        raise ArgumentError(
            f"Keep the reason under {REASON_MAX} characters — a few words are enough.",
            example="parental leave",
        )
    return Dated(dates=dates, reason=reason)


def _leading_date(words: Sequence[str], *, today: date, after: str) -> tuple[date, int]:
    if not words:
        raise ArgumentError(
            f"I need a date after “{after}” — use YYYY-MM-DD, like 2027-03-14.",
            example="2027-03-14",
        )
    first_error: ArgumentError | None = None
    for count in range(min(_DATE_WORDS_MAX, len(words)), 0, -1):
        try:
            return parse_date(" ".join(words[:count]), today=today), count
        except ArgumentError as error:
            first_error = error  # the last tried is the shortest: its message is the clearest
    assert first_error is not None
    raise first_error


def last_day(*, kickoff: date | None, months: int) -> date | None:
    """The program's last day, or None before it has a kickoff date."""
    if kickoff is None:
        return None
    return Timeline(kickoff=kickoff, months=months).end - timedelta(days=1)


class PauseProblem(enum.Enum):
    NO_END = "no_end"
    STARTS_IN_PAST = "starts_in_past"
    ENDS_BEFORE_START = "ends_before_start"
    AFTER_PROGRAM = "after_program"
    LEFT = "left"


def pause_problem(
    *, last: date | None, left_on: date | None, start: date, end: date | None, today: date
) -> PauseProblem | None:
    """Why a pause from ``start`` to ``end`` cannot be stored; None if it can. ``last`` is the
    program's last day, ``left_on`` the leader's if they left."""
    if end is None:
        return PauseProblem.NO_END
    if start < today:
        return PauseProblem.STARTS_IN_PAST
    if end < start:
        return PauseProblem.ENDS_BEFORE_START
    if last is not None and end > last:
        return PauseProblem.AFTER_PROGRAM
    if left_on is not None and start > left_on:
        return PauseProblem.LEFT
    return None


class LeaveProblem(enum.Enum):
    ALREADY_LEFT = "already_left"
    NOT_RUNNING = "not_running"
    AFTER_PROGRAM = "after_program"


def leave_problem(
    *, running: bool, last: date | None, left_on: date | None, day: date
) -> LeaveProblem | None:
    if left_on is not None:
        return LeaveProblem.ALREADY_LEFT
    if not running:
        return LeaveProblem.NOT_RUNNING
    if last is not None and day > last:
        return LeaveProblem.AFTER_PROGRAM
    return None
