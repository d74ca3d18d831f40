from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.timeline import Timeline, add_months


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
    assert timeline.midpoint == date(2027, 4, 4)
    assert timeline.evaluation == date(2027, 7, 4)
