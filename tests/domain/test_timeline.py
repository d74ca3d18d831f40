from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.timeline import Timeline, add_months, next_business_day, next_monday


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2027, 1, 15), 3, date(2027, 4, 15)),
        (date(2027, 1, 31), 1, date(2027, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2027, 8, 31), 6, date(2028, 2, 29)),
        (date(2027, 11, 30), 3, date(2028, 2, 29)),
        (date(2027, 12, 1), 1, date(2028, 1, 1)),
        (date(2027, 3, 31), -1, date(2027, 2, 28)),
    ],
)
def test_add_months_clamps_to_month_end(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)), st.integers(0, 36))
def test_add_months_moves_exactly_n_calendar_months(start: date, months: int) -> None:
    moved = add_months(start, months)
    assert (moved.year * 12 + moved.month) - (start.year * 12 + start.month) == months
    assert moved.day <= start.day


def test_timeline_checkpoints() -> None:
    timeline = Timeline(kickoff=date(2027, 1, 4), months=6)
    # Sun 4 April and Sun 4 July: published on the Monday after.
    assert timeline.midpoint == date(2027, 4, 5)
    assert timeline.evaluation == date(2027, 7, 5)
    assert timeline.end == date(2027, 7, 4)  # six calendar months of execution


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2027, 5, 1), date(2027, 5, 3)),  # Saturday -> Monday
        (date(2027, 8, 1), date(2027, 8, 2)),  # Sunday -> Monday
        (date(2027, 6, 4), date(2027, 6, 4)),  # Friday stays
    ],
)
def test_next_business_day(day: date, expected: date) -> None:
    assert next_business_day(day) == expected


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)), st.integers(6, 24))
def test_checkpoints_are_business_days_at_most_two_days_late(start: date, months: int) -> None:
    timeline = Timeline(kickoff=start, months=months)
    for checkpoint, month in ((timeline.midpoint, 3), (timeline.evaluation, months)):
        assert checkpoint.weekday() < 5
        assert 0 <= (checkpoint - add_months(start, month)).days <= 2


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)))
def test_next_monday(day: date) -> None:
    monday = next_monday(day)
    assert monday.weekday() == 0 and 0 <= (monday - day).days < 7
