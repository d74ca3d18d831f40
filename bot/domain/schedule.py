"""What ``/emcoach schedule`` shows: whose prompts, over which span, one page at a time.

``schedule`` is the caller's own prompts, ``schedule all`` a whole program's (owners and
coaches), ``schedule @person`` one person's; ``week``, ``month`` and ``everything`` set the
span. Pure: the time comes in as ``now``.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.args import ArgumentError, tokenize
from bot.domain.args.errors import typed
from bot.domain.args.tokens import UserRef, Word

# Lines a page: with one section per day and a section split every ~3000 characters, a page
# stays far below Slack's 50 blocks a message (SLACK.md).
PAGE_SIZE = 30


class Scope(enum.StrEnum):
    MINE = "mine"
    PROGRAM = "all"  # a whole program: owners and coaches
    PERSON = "person"  # one person: themselves, or anyone to a program's owners and coaches


class Span(enum.StrEnum):
    FORTNIGHT = "fortnight"  # the default for one's own prompts
    WEEK = "week"
    MONTH = "month"
    EVERYTHING = "everything"  # the default for a whole program and for one person


SPAN_DAYS = {Span.FORTNIGHT: 14, Span.WEEK: 7, Span.MONTH: 30}
_SPAN_WORDS = {"week": Span.WEEK, "month": Span.MONTH, "everything": Span.EVERYTHING}


@dataclass(frozen=True, slots=True, kw_only=True)
class Query:
    scope: Scope
    span: Span
    person: str | None = None
    program_words: str = ""  # a program's name typed after the rest (``all``, ``@person``)


def parse_query(args: str) -> Query:
    """``[all] [week|month|everything] [@person] [program]``; raises ``ArgumentError`` for
    two people, or for words after one's own schedule that are none of these."""
    tokens = tokenize(args)
    people = [token.id for token in tokens if isinstance(token, UserRef)]
    if len(people) > 1:
        raise ArgumentError("Name one person at a time.", example="@lena")
    words = [token.text for token in tokens if isinstance(token, Word)]
    whole = bool(words) and words[0].lower() == "all"
    if whole:
        words = words[1:]
    span: Span | None = None
    if words and words[0].lower() in _SPAN_WORDS:
        span = _SPAN_WORDS[words.pop(0).lower()]
    if people:
        scope = Scope.PERSON
    elif whole:
        scope = Scope.PROGRAM
    else:
        scope = Scope.MINE
    if scope is Scope.MINE and words:
        raise ArgumentError(f"I don't know {typed(' '.join(words))} here.", example="week")
    default = Span.FORTNIGHT if scope is Scope.MINE else Span.EVERYTHING
    return Query(
        scope=scope,
        span=span or default,
        person=people[0] if scope is Scope.PERSON else None,
        program_words=" ".join(words),
    )


@dataclass(frozen=True, slots=True)
class Window:
    since: datetime
    until: datetime | None  # None: everything still planned
    to_kickoff: bool = False  # stretched to cover the first weeks of a program not started yet


def window(span: Span, *, now: datetime, starts: Iterable[datetime] = ()) -> Window:
    """From ``now`` over ``span``. ``starts`` are the kickoffs of programs that have not
    started yet: the default span then runs until its length after the first of them, so the
    reply right after commit shows the program's first weeks, not "nothing planned"."""
    days = SPAN_DAYS.get(span)
    if days is None:
        return Window(since=now, until=None)
    until = now + timedelta(days=days)
    upcoming = [start for start in starts if start > now]
    if span is Span.FORTNIGHT and upcoming:
        stretched = min(upcoming) + timedelta(days=days)
        if stretched > until:
            return Window(since=now, until=stretched, to_kickoff=True)
    return Window(since=now, until=until)


def pages(total: int) -> int:
    """How many pages ``total`` lines take (at least one: an empty page says so)."""
    return max(1, -(-total // PAGE_SIZE))


def clamp_page(page: int, total: int) -> int:
    """A page that exists: a button may be older than the list it pages through."""
    return min(max(page, 1), pages(total))
