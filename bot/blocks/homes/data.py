"""What one person's App Home shows, as plain data: one part per role they hold in a program.

The flow (bot/flows/home.py) fills only what the person may see (PRODUCT "Privacy"): a leader's
part holds their own answers only, a coach's only their pods, nobody's holds a survey answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from bot.blocks.status import SprintStatus
from bot.domain.cost import MoneyRange
from bot.domain.program_rules import ProgramState


@dataclass(frozen=True, slots=True, kw_only=True)
class ProgramHeading:
    program_id: int
    name: str
    state: ProgramState
    kickoff: date | None
    months: int
    checkpoints: tuple[date, ...] = ()  # month 3 and the evaluation, once there is a kickoff


@dataclass(frozen=True, slots=True, kw_only=True)
class PodHealth:
    pod_name: str
    held: int
    not_held: int
    skipped: int
    not_logged: int


@dataclass(frozen=True, slots=True, kw_only=True)
class SurveyRate:
    occasion: date
    asked: int
    answered: int


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviationLine:
    on: date
    field: str
    reason: str  # as typed: the builder escapes it


@dataclass(frozen=True, slots=True, kw_only=True)
class Publication:
    occasion: date
    month: int
    channel_id: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class OwnerPart:
    program: ProgramHeading
    sprint: SprintStatus | None  # while being set up
    pods: tuple[PodHealth, ...] = ()
    surveys: tuple[SurveyRate, ...] = ()
    threshold: int = 3
    next_checkpoint: date | None = None
    next_checkpoint_month: int | None = None
    missing: tuple[str, ...] = ()  # what the next checkpoint still lacks
    deviations: tuple[DeviationLine, ...] = ()
    published: tuple[Publication, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class CostSoFar:
    model_label: str
    leaders: int
    months: int
    months_elapsed: int
    planned: MoneyRange  # cash plus opportunity cost over the whole program
    so_far: MoneyRange
    departure: MoneyRange
    departure_why: str
    break_even: str  # the sentence


@dataclass(frozen=True, slots=True, kw_only=True)
class BudgetPart:
    program: ProgramHeading
    criteria: tuple[str, ...]  # names, as catalogued
    signoff_requested: date | None
    signed_off: date | None
    self_approved: bool
    cost: CostSoFar | None
    published: tuple[Publication, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class CoachSession:
    start: datetime
    what: str  # "1:1" or "pod"
    with_id: str | None  # the leader of a 1:1
    pod_name: str | None
    state: str  # "coming up", "held", "not held", "not logged yet", "skipped (paused)"


@dataclass(frozen=True, slots=True, kw_only=True)
class CoachPart:
    program: ProgramHeading
    pods: tuple[tuple[str, tuple[str, ...]], ...]  # (pod name, leader ids)
    week: tuple[date, date]
    sessions: tuple[CoachSession, ...] = ()
    not_logged: tuple[tuple[str, date], ...] = ()  # (leader, session day) the coach owes a log
    not_rated: tuple[tuple[str, date], ...] = ()  # (leader, session day) without a rating
    paused: tuple[tuple[str, date, date], ...] = ()  # (leader, from, until)


@dataclass(frozen=True, slots=True, kw_only=True)
class RatingPoint:
    occasion: date
    what: str  # "1:1", "pod session", "360 (self-efficacy)"
    score: int


@dataclass(frozen=True, slots=True, kw_only=True)
class LoggedAnswer:
    occasion: date
    decided: str | None  # as typed: the builder escapes it
    say_no: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class ThreeSixtyStatus:
    occasion: date
    sent: bool
    answered: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class LeaderPart:
    program: ProgramHeading
    coach_id: str | None
    pod_name: str
    next_one_on_one: datetime | None = None
    next_pod_session: datetime | None = None
    ratings: tuple[RatingPoint, ...] = ()
    answers: tuple[LoggedAnswer, ...] = ()
    three_sixty: tuple[ThreeSixtyStatus, ...] = ()
    paused: tuple[date, date] | None = None  # the pause covering today
    pause_planned: tuple[date, date] | None = None  # else the next one, if any


@dataclass(frozen=True, slots=True, kw_only=True)
class ManagedLeader:
    leader_id: str
    three_sixty: tuple[ThreeSixtyStatus, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ManagerPart:
    program: ProgramHeading
    leaders: tuple[ManagedLeader, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Home:
    user_id: str
    zone: str  # the reader's: every time is shown in it
    now: datetime
    owner: tuple[OwnerPart, ...] = ()
    budget: tuple[BudgetPart, ...] = ()
    coach: tuple[CoachPart, ...] = ()
    leader: tuple[LeaderPart, ...] = ()
    manager: tuple[ManagerPart, ...] = ()
    commands: tuple[str, ...] = field(default=())  # help lines the person may use

    @property
    def in_a_program(self) -> bool:
        return bool(self.owner or self.budget or self.coach or self.leader or self.manager)
