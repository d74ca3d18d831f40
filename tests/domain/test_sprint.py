from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.sprint import (
    WEEKS,
    StepState,
    default_kickoff,
    due_date,
    leader_time_per_month,
    next_action,
    sprint_checklist,
    weeks_needing_nudge,
)

SETUP = date(2027, 3, 1)  # a Monday
DONE, DUE, OVERDUE = StepState.DONE, StepState.DUE, StepState.OVERDUE


def test_the_four_weeks() -> None:
    assert [(w.week, w.title, w.subcommand) for w in WEEKS] == [
        (1, "Define success criteria", "criteria"),
        (2, "Decide internal vs. external", "coach"),
        (3, "Structure the cohort", "pod"),
        (4, "Set the measurement plan", "baseline"),
    ]
    assert all(w.what_to_do.endswith(".") for w in WEEKS)


@pytest.mark.parametrize(
    ("week", "due"),
    [(1, date(2027, 3, 8)), (2, date(2027, 3, 15)), (3, date(2027, 3, 22)), (4, date(2027, 3, 29))],
)
def test_due_date_is_the_end_of_week_k(week: int, due: date) -> None:
    assert due_date(SETUP, week) == due


@pytest.mark.parametrize("week", [0, 5, -1])
def test_impossible_week_is_a_bug(week: int) -> None:
    with pytest.raises(ValueError, match="sprint week must be 1–4"):
        due_date(SETUP, week)
    with pytest.raises(ValueError, match="sprint week must be 1–4"):
        sprint_checklist(SETUP, today=SETUP, done={week})


@pytest.mark.parametrize(
    ("today", "done", "states"),
    [
        (date(2027, 3, 1), set(), [DUE, DUE, DUE, DUE]),
        (date(2027, 3, 8), set(), [DUE, DUE, DUE, DUE]),  # due today is not late
        (date(2027, 3, 9), set(), [OVERDUE, DUE, DUE, DUE]),
        (date(2027, 3, 9), {1}, [DONE, DUE, DUE, DUE]),
        (date(2027, 3, 23), {1, 3}, [DONE, OVERDUE, DONE, DUE]),
        (date(2027, 4, 30), set(), [OVERDUE, OVERDUE, OVERDUE, OVERDUE]),
        (date(2027, 4, 30), {1, 2, 3, 4}, [DONE, DONE, DONE, DONE]),
        (date(2027, 2, 1), {4}, [DUE, DUE, DUE, DONE]),  # before the setup date
    ],
)
def test_checklist_states(today: date, done: set[int], states: list[StepState]) -> None:
    checklist = sprint_checklist(SETUP, today=today, done=done)
    assert [step.state for step in checklist] == states
    assert [step.step for step in checklist] == list(WEEKS)
    assert [step.due for step in checklist] == [due_date(SETUP, w) for w in (1, 2, 3, 4)]


@pytest.mark.parametrize(
    ("today", "done", "week"),
    [
        (date(2027, 3, 1), set(), 1),
        (date(2027, 3, 20), {1}, 2),
        (date(2027, 3, 20), {1, 3}, 2),
        (date(2027, 3, 20), {1, 2, 3}, 4),
        (date(2027, 3, 20), {1, 2, 3, 4}, None),
    ],
)
def test_next_action_is_the_earliest_open_step(
    today: date, done: set[int], week: int | None
) -> None:
    step = next_action(SETUP, today=today, done=done)
    assert (step.step.week if step else None) == week


@pytest.mark.parametrize(
    ("today", "done", "weeks"),
    [
        (date(2027, 3, 7), set(), []),
        (date(2027, 3, 8), set(), [1]),  # the end of week 1
        (date(2027, 3, 8), {1}, []),
        (date(2027, 3, 16), {1}, [2]),
        (date(2027, 3, 16), set(), [1, 2]),  # a missed nudge is sent late, not never
        (date(2027, 4, 30), {2}, [1, 3, 4]),
    ],
)
def test_weeks_needing_nudge(today: date, done: set[int], weeks: list[int]) -> None:
    assert weeks_needing_nudge(SETUP, today=today, done=done) == weeks


@given(
    st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 1, 1)),
    st.integers(min_value=-10, max_value=60),
    st.sets(st.integers(min_value=1, max_value=4)),
)
def test_checklist_invariants(setup: date, offset: int, done: set[int]) -> None:
    today = setup + timedelta(days=offset)
    checklist = sprint_checklist(setup, today=today, done=done)
    for step in checklist:
        assert (step.state is DONE) == (step.step.week in done)
        if step.state is OVERDUE:
            assert step.due < today
    nudges = weeks_needing_nudge(setup, today=today, done=done)
    assert set(nudges).isdisjoint(done)
    assert all(due_date(setup, week) <= today for week in nudges)
    upcoming = next_action(setup, today=today, done=done)
    if upcoming is None:
        assert done == {1, 2, 3, 4}
    else:
        assert upcoming.step.week == min({1, 2, 3, 4} - done)


def test_leader_time_per_month() -> None:
    time = leader_time_per_month()
    assert time.weekly_one_on_ones == 195  # 45 min × 52/12 weeks
    assert time.pod_session == 90
    assert time.quarterly_360 == 20  # assumed 60 min, once every 3 months
    assert time.total_minutes == 305
    assert time.total_hours == Fraction(61, 12)
    assert time.sentence == (
        "About 5.1 hours a month per leader: 3 h 15 min of weekly 1:1s, 1 h 30 min for the "
        "monthly pod session and 20 min for the quarterly 360 (assuming it takes 60 minutes; "
        "the framework gives no length)."
    )


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2027, 1, 4), date(2027, 2, 1)),  # Monday: four weeks on is a Monday
        (date(2027, 1, 7), date(2027, 2, 8)),  # Thursday: the Monday after the sprint
        (date(2027, 1, 10), date(2027, 2, 8)),  # Sunday
    ],
)
def test_default_kickoff_is_the_monday_after_the_sprint(today: date, expected: date) -> None:
    assert default_kickoff(today) == expected
