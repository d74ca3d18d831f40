"""The program's calendar: kickoff, checkpoints and end, in whole months as the seed counts them.

The seed: "a 6-month execution phase"; re-measure "at month 3 (mid-program adjustment point) and
month 6 (program evaluation)". Months are calendar months from the kickoff date; a kickoff on the
31st lands on the last day of shorter months rather than spilling into the next one. A checkpoint
that lands on a Saturday or Sunday moves to the next Monday: results are published (and read) on
a working day. The dates are local dates of the program's zone.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

MIN_EXECUTION_MONTHS = 6
MIDPOINT_MONTH = 3
_SATURDAY = 5
_ONE_DAY = timedelta(days=1)


def is_business_day(day: date) -> bool:
    """Monday to Friday (public holidays are not known to the program)."""
    return day.weekday() < _SATURDAY


def next_business_day(day: date) -> date:
    """``day`` itself when it is a business day, else the Monday after it."""
    while not is_business_day(day):
        day += _ONE_DAY
    return day


def previous_business_day(day: date) -> date:
    """``day`` itself when it is a business day, else the Friday before it."""
    while not is_business_day(day):
        day -= _ONE_DAY
    return day


def next_monday(day: date) -> date:
    """``day`` when it is a Monday, else the first Monday after it."""
    return day + timedelta(days=-day.weekday() % 7)


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole calendar months, clamped to the end of the target month."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last_day))


@dataclass(frozen=True, slots=True)
class Timeline:
    kickoff: date
    months: int

    @property
    def midpoint(self) -> date:
        """The month-3 checkpoint: mid-program adjustment, on a business day."""
        return next_business_day(add_months(self.kickoff, MIDPOINT_MONTH))

    @property
    def evaluation(self) -> date:
        """The final checkpoint (month 6 for a standard program): program evaluation, on a
        business day."""
        return next_business_day(add_months(self.kickoff, self.months))

    @property
    def end(self) -> date:
        """The first day after the execution phase (``months`` calendar months from kickoff);
        nothing is planned on or after it except the evaluation's publication itself, which
        is on this day or, when it is a weekend day, the Monday after."""
        return add_months(self.kickoff, self.months)

    def quarter_end(self, quarter: int) -> date:
        """The end of the ``quarter``-th quarter of execution, on a business day: month 3
        and month 6 are the checkpoints themselves."""
        return next_business_day(add_months(self.kickoff, 3 * quarter))
