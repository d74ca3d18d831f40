"""Whom a pause names (``me`` is the person typing) and which pauses a program's dates allow."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.args import ArgumentError
from bot.domain.pause import (
    LeaveProblem,
    PauseProblem,
    Target,
    last_day,
    leave_problem,
    pause_problem,
    split_target,
)

TODAY = date(2027, 1, 4)
LAST = date(2027, 7, 31)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("me until 2027-02-14", Target("U0ME", None, ("until", "2027-02-14"))),
        ("ME", Target("U0ME", None, ())),
        ('"Second wave" me 2027-02-14 ski', Target("U0ME", "Second wave", ("2027-02-14", "ski"))),
        ("<@U0LEAD1> until me", Target("U0LEAD1", None, ("until", "me"))),
    ],
)
def test_me_is_the_person_typing_unless_someone_is_named(typed: str, expected: Target) -> None:
    assert split_target(typed, caller_id="U0ME", command="/emcoach pause me") == expected


def test_no_one_named_asks_for_the_leader_or_me() -> None:
    with pytest.raises(ArgumentError, match=r"Name the leader \(or `me` for yourself\)"):
        split_target("until 2027-02-14", caller_id="U0ME", command="/emcoach pause me")


@pytest.mark.parametrize(
    ("start", "end", "left_on", "expected"),
    [
        (TODAY, None, None, PauseProblem.NO_END),
        (date(2027, 1, 3), date(2027, 2, 1), None, PauseProblem.STARTS_IN_PAST),
        (TODAY, date(2027, 1, 3), None, PauseProblem.ENDS_BEFORE_START),
        (TODAY, date(2027, 8, 1), None, PauseProblem.AFTER_PROGRAM),
        (date(2027, 3, 2), date(2027, 3, 9), date(2027, 3, 1), PauseProblem.LEFT),
        (TODAY, LAST, None, None),
        (TODAY, TODAY, None, None),
    ],
)
def test_the_pause_rules(
    start: date, end: date | None, left_on: date | None, expected: PauseProblem | None
) -> None:
    found = pause_problem(last=LAST, left_on=left_on, start=start, end=end, today=TODAY)
    assert found is expected


def test_the_leave_rules_and_the_last_day() -> None:
    assert last_day(kickoff=date(2027, 2, 1), months=6) == LAST
    assert last_day(kickoff=None, months=6) is None
    assert leave_problem(running=True, last=LAST, left_on=TODAY, day=TODAY) is (
        LeaveProblem.ALREADY_LEFT
    )
    assert leave_problem(running=False, last=LAST, left_on=None, day=TODAY) is (
        LeaveProblem.NOT_RUNNING
    )
    assert leave_problem(running=True, last=LAST, left_on=None, day=date(2027, 8, 1)) is (
        LeaveProblem.AFTER_PROGRAM
    )
    assert leave_problem(running=True, last=LAST, left_on=None, day=LAST) is None
