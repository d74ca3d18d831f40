"""The program's calendar: kickoff, checkpoints and end, in whole months as the seed counts them.

The seed: "a 6-month execution phase"; re-measure "at month 3 (mid-program adjustment point) and
month 6 (program evaluation)". Months are calendar months from the kickoff date; a kickoff on the
31st lands on the last day of shorter months rather than spilling into the next one.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

MIN_EXECUTION_MONTHS = 6
MIDPOINT_MONTH = 3


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
        """The month-3 checkpoint: mid-program adjustment."""
        return add_months(self.kickoff, MIDPOINT_MONTH)

    @property
    def evaluation(self) -> date:
        """The final checkpoint (month 6 for a standard program): program evaluation."""
        return add_months(self.kickoff, self.months)

    @property
    def end(self) -> date:
        """The first day after the execution phase; nothing is planned on or after it except
        the evaluation's publication itself."""
        return self.evaluation
