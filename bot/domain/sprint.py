"""The four-week setup sprint: the checklist ``/emcoach status`` shows, and its nudges.

Seed, "The 6-Month Setup Framework": "We run program setup as a 4-week sprint", week 1 define
success criteria, week 2 decide internal vs. external, week 3 structure the cohort, week 4 set
the measurement plan. Week k is due at its end: the setup date plus 7·k days.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from fractions import Fraction
from typing import Final

from bot.domain.program_rules import (
    MIN_EXECUTION_MONTHS,
    MONTHLY_POD_SESSION_MINUTES,
    POD_MAX_LEADERS,
    QUARTERLY_360_MINUTES,
    WEEKLY_ONE_ON_ONE_MINUTES,
    WEEKS_PER_MONTH,
)
from bot.domain.timeline import next_monday

SPRINT_WEEKS: Final = 4
_DAYS_PER_WEEK: Final = 7
_MONTHS_PER_QUARTER: Final = 3


@dataclass(frozen=True, slots=True)
class SprintWeek:
    week: int
    title: str
    what_to_do: str
    subcommand: str  # the word after the slash command, e.g. "criteria" in "/emcoach criteria"


WEEKS: Final = (
    SprintWeek(
        week=1,
        title="Define success criteria",
        what_to_do=(
            "Pick 2–3 outcome metrics and get the budget owner's sign-off, before choosing a "
            "coach or a vendor."
        ),
        subcommand="criteria",
    ),
    SprintWeek(
        week=2,
        title="Decide internal vs. external",
        what_to_do=(
            "Choose an internal mentor (a senior EM with 5+ years and the capacity) or an "
            "external coach, and price the senior EM's time honestly."
        ),
        subcommand="coach",
    ),
    SprintWeek(
        week=3,
        title="Structure the cohort",
        what_to_do=(
            f"Form pods of at most {POD_MAX_LEADERS} leaders with a coach each, add each "
            "leader's manager and direct reports, set each leader's weekly 1:1 slot, and "
            f"commit to at least {MIN_EXECUTION_MONTHS} months."
        ),
        subcommand="pod",
    ),
    SprintWeek(
        week=4,
        title="Set the measurement plan",
        what_to_do=(
            "Enter the baselines, survey the direct reports, and pre-commit publicly to "
            "publishing the month-3 and month-6 results whatever they show."
        ),
        subcommand="baseline",
    ),
)


class StepState(StrEnum):
    DONE = "done"
    DUE = "due"  # not done, and its week has not ended before today
    OVERDUE = "overdue"  # not done, and its week ended before today


@dataclass(frozen=True, slots=True)
class SprintStep:
    step: SprintWeek
    due: date
    state: StepState


def due_date(setup_date: date, week: int) -> date:
    """The last day of sprint week ``week``: the setup date plus 7·week days."""
    _check_week(week)
    return setup_date + timedelta(days=_DAYS_PER_WEEK * week)


def default_kickoff(today: date) -> date:
    """The kickoff ``/emcoach setup`` offers: the first Monday once the four-week setup
    sprint is over, so the program starts at the beginning of a working week."""
    return next_monday(due_date(today, SPRINT_WEEKS))


def sprint_checklist(setup_date: date, *, today: date, done: Set[int]) -> list[SprintStep]:
    """All four steps with due date and state; ``done`` holds the finished week numbers."""
    for week in done:
        _check_week(week)
    steps: list[SprintStep] = []
    for step in WEEKS:
        due = due_date(setup_date, step.week)
        if step.week in done:
            state = StepState.DONE
        elif today > due:
            state = StepState.OVERDUE
        else:
            state = StepState.DUE
        steps.append(SprintStep(step=step, due=due, state=state))
    return steps


def next_action(setup_date: date, *, today: date, done: Set[int]) -> SprintStep | None:
    """The earliest step not done (overdue ones come first), or ``None`` when all are done.

    Weeks may be finished out of order; the earliest open one is still what to do next,
    because each step builds on the previous one.
    """
    checklist = sprint_checklist(setup_date, today=today, done=done)
    return next((step for step in checklist if step.state is not StepState.DONE), None)


def weeks_needing_nudge(setup_date: date, *, today: date, done: Set[int]) -> list[int]:
    """Weeks whose end has come (due on or before today) and whose step is not done.

    A week stays in the list until it is done, so a nudge missed while the bot was down is
    sent late rather than never; the caller records which weeks it has already nudged.
    """
    return [
        step.step.week
        for step in sprint_checklist(setup_date, today=today, done=done)
        if step.state is not StepState.DONE and step.due <= today
    ]


def _check_week(week: int) -> None:
    if not 1 <= week <= SPRINT_WEEKS:
        raise ValueError(f"sprint week must be 1–{SPRINT_WEEKS}, got {week}")


@dataclass(frozen=True, slots=True)
class LeaderTime:
    """Minutes a month the cadence asks of each leader."""

    weekly_one_on_ones: Fraction
    pod_session: Fraction
    quarterly_360: Fraction

    @property
    def total_minutes(self) -> Fraction:
        return self.weekly_one_on_ones + self.pod_session + self.quarterly_360

    @property
    def total_hours(self) -> Fraction:
        return self.total_minutes / 60

    @property
    def sentence(self) -> str:
        return (
            f"About {float(self.total_hours):.1f} hours a month per leader: "
            f"{_duration(self.weekly_one_on_ones)} of weekly 1:1s, "
            f"{_duration(self.pod_session)} for the monthly pod session and "
            f"{_duration(self.quarterly_360)} for the quarterly 360 (assuming it takes "
            f"{QUARTERLY_360_MINUTES} minutes; the framework gives no length)."
        )


def leader_time_per_month() -> LeaderTime:
    """Seed, week 3 cadence: weekly 1:1 (45 min), monthly pod session (90 min), quarterly 360
    (assumed 60 min), with 52/12 weeks a month: 195 + 90 + 20 = 305 minutes, about 5.1 hours.

    The seed sums this up as "roughly 3 hours per leader per month", which its own cadence
    exceeds (the weekly 1:1s alone are 3¼ hours), so we show the computed figure.
    """
    return LeaderTime(
        weekly_one_on_ones=WEEKLY_ONE_ON_ONE_MINUTES * WEEKS_PER_MONTH,
        pod_session=Fraction(MONTHLY_POD_SESSION_MINUTES),
        quarterly_360=Fraction(QUARTERLY_360_MINUTES, _MONTHS_PER_QUARTER),
    )


def _duration(minutes: Fraction) -> str:
    """``3 h 15 min``, ``1 h 30 min``, ``20 min``, rounded to the minute."""
    hours, rest = divmod(round(minutes), 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"
