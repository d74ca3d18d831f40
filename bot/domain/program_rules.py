"""The program's hard rules: pod size, length, kickoff, lifecycle, what locks at commit.

Every number cites the seed (``seed/000_ccfde5fdbcfd8316.txt``). Each check raises a
``DomainError`` subclass whose message is the sentence the person sees.
"""

from __future__ import annotations

from collections.abc import Sequence, Set
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from fractions import Fraction
from typing import Final, Protocol

from bot.domain import timeline
from bot.domain.errors import DomainError
from bot.domain.mrkdwn import plain, user_mention

# Seed, "Week 3 — Structure the cohort": "Pod size of 4 leaders maximum."
POD_MAX_LEADERS: Final = 4
POD_SIZE_REASON: Final = (
    "Beyond 4, the peer-cohort dynamic breaks down — leaders stop sharing real challenges "
    "and revert to performance."
)
# Seed, week 3: "6-month minimum commitment." The value lives in timeline; named here too so
# every program rule can be read from one module.
MIN_EXECUTION_MONTHS: Final = timeline.MIN_EXECUTION_MONTHS
SHORT_PROGRAM_REASON: Final = (
    "Anything shorter doesn't show measurable outcomes; quarterly programs become workshops."
)
# Not in the seed: a cap that keeps one program to at most four 6-month cycles. The seed runs
# "a 6-month execution phase with quarterly re-evaluation"; past two years the criteria agreed
# in week 1 are stale, so the next stretch deserves its own setup sprint and fresh criteria.
MAX_EXECUTION_MONTHS: Final = 24
# Seed, "Week 1 — Define success criteria": "You need 2–3 outcome metrics".
MIN_CRITERIA: Final = 2
MAX_CRITERIA: Final = 3
# PRODUCT "Privacy": an aggregate of fewer than 3 answers is never shown; locked at commit.
ANONYMITY_THRESHOLD: Final = 3
# A deviation is posted publicly with its reason; ten characters rules out "fix" or "typo"
# while asking for no more than a short sentence.
MIN_DEVIATION_REASON_CHARS: Final = 10

# Seed, week 3, "Cadence we recommend": weekly 1:1 (45 minutes), monthly pod session
# (90 minutes), quarterly 360. The seed gives no length for the 360; we assume 60 minutes.
WEEKLY_ONE_ON_ONE_MINUTES: Final = 45
MONTHLY_POD_SESSION_MINUTES: Final = 90
QUARTERLY_360_MINUTES: Final = 60
# 52 weeks / 12 months, exact, so "per month" figures do not drift with rounding.
WEEKS_PER_MONTH: Final = Fraction(52, 12)


class PodFullError(DomainError):
    pass


class ProgramLengthError(DomainError):
    pass


class KickoffError(DomainError):
    pass


class LockedFieldError(DomainError):
    pass


def check_pod_can_add_leader(current_count: int) -> None:
    """Refuse a fifth leader; the seed's reason goes into the message."""
    if current_count < 0:
        raise ValueError(f"a pod cannot have {current_count} leaders")
    if current_count >= POD_MAX_LEADERS:
        raise PodFullError(
            f"This pod already has {POD_MAX_LEADERS} leaders, the maximum. {POD_SIZE_REASON} "
            "Start another pod for the next leader."
        )


def check_length(months: int) -> None:
    """Execution length in whole months: at least the seed's 6, at most our 24."""
    if months < MIN_EXECUTION_MONTHS:
        raise ProgramLengthError(
            f"A program runs for at least {MIN_EXECUTION_MONTHS} months. {SHORT_PROGRAM_REASON}"
        )
    if months > MAX_EXECUTION_MONTHS:
        raise ProgramLengthError(
            f"Plan at most {MAX_EXECUTION_MONTHS} months in one program; after that, publish the "
            "results and set up the next cycle with fresh criteria."
        )


class ThresholdError(DomainError):
    pass


# A threshold above this would hide every pod's survey figure (4 leaders' teams rarely top 50).
MAX_ANONYMITY_THRESHOLD: Final = 50


def check_threshold(threshold: int) -> None:
    """The anonymity threshold in people: never below PRODUCT's 3, which is what makes a
    survey figure anonymous at all."""
    if threshold < ANONYMITY_THRESHOLD:
        raise ThresholdError(
            f"The anonymity threshold is at least {ANONYMITY_THRESHOLD} people: with fewer, "
            "a figure can point at one person's answer."
        )
    if threshold > MAX_ANONYMITY_THRESHOLD:
        raise ThresholdError(
            f"Keep the anonymity threshold at {MAX_ANONYMITY_THRESHOLD} people or fewer, or no "
            "survey figure would ever be shown."
        )


def check_kickoff(kickoff: date, *, today: date) -> None:
    """A kickoff in the past would put checkpoints on dates nobody was told about."""
    if kickoff < today:
        raise KickoffError(
            f"The kickoff date {kickoff.day} {kickoff:%B %Y} is in the past. "
            "Pick today or a later date."
        )


class ProgramState(StrEnum):
    """PRODUCT "Lifecycle", in order; a program only moves forward."""

    DRAFT = "draft"
    CRITERIA_SIGNED_OFF = "criteria_signed_off"
    COHORT_READY = "cohort_ready"
    BASELINED = "baselined"
    # The pre-commitment is recorded and on its way to the channel; locked already, so the
    # post says what the program holds. Lasts seconds (or until Slack confirms the post).
    COMMITTING = "committing"
    COMMITTED = "committed"
    MIDPOINT_DONE = "midpoint_done"
    EVALUATED = "evaluated"
    CLOSED = "closed"


_ORDER: Final = {state: index for index, state in enumerate(ProgramState)}


def has_reached(state: ProgramState, milestone: ProgramState) -> bool:
    """True when ``state`` is ``milestone`` or any later state."""
    return _ORDER[state] >= _ORDER[milestone]


class ProgramField(StrEnum):
    """What an owner can change; the first four are the public pre-commitment."""

    CRITERIA = "criteria"
    BASELINES = "baselines"
    ANONYMITY_THRESHOLD = "anonymity_threshold"
    DATES = "dates"
    # Not locked: people leave, a coach may be changed after month 3 (PRODUCT "Checkpoints"),
    # 1:1 slots move. These never change what was promised in public.
    COHORT = "cohort"
    SCHEDULE = "schedule"

    @property
    def phrase(self) -> str:
        """How a sentence names the field: "the success criteria", "the dates"."""
        return _FIELD_PHRASES[self]


_FIELD_PHRASES: Final = {
    ProgramField.CRITERIA: "the success criteria",
    ProgramField.BASELINES: "the baselines",
    ProgramField.ANONYMITY_THRESHOLD: "the anonymity threshold",
    ProgramField.DATES: "the kickoff and checkpoint dates",
    ProgramField.COHORT: "the pods and their people",
    ProgramField.SCHEDULE: "the session times",
}


_LOCKED_AFTER_COMMIT: Final = frozenset(
    {
        ProgramField.CRITERIA,
        ProgramField.BASELINES,
        ProgramField.ANONYMITY_THRESHOLD,
        ProgramField.DATES,
    }
)


def locked_after_commit(field: ProgramField) -> bool:
    """Whether changing ``field`` after commit needs a public deviation."""
    return field in _LOCKED_AFTER_COMMIT


@dataclass(frozen=True, slots=True)
class Deviation:
    """A change to a locked field after commit; it is posted publicly with its reason."""

    field: ProgramField
    reason: str

    def __post_init__(self) -> None:
        reason = self.reason.strip()
        if len(reason) < MIN_DEVIATION_REASON_CHARS:
            raise LockedFieldError(
                f"Say in a sentence why {self.field.phrase} must change (at least "
                f"{MIN_DEVIATION_REASON_CHARS} characters); the reason is posted with the "
                "deviation."
            )
        object.__setattr__(self, "reason", reason)


@dataclass(frozen=True, slots=True)
class ChangeLine:
    """One thing a deviation changed, as mrkdwn the bot wrote (mentions, dates, figures):
    ``what`` went from ``old`` to ``new``."""

    what: str
    old: str
    new: str


def check_change(
    field: ProgramField, *, state: ProgramState, reason: str | None
) -> Deviation | None:
    """Decide how a change may happen: plainly (``None``) or only as a ``Deviation``.

    Before commit everything is a draft. After commit the pre-commitment's fields change only
    as a deviation with a reason; once closed, nothing changes, because the evaluation has
    been published against what was locked.
    """
    if state is ProgramState.CLOSED:
        raise LockedFieldError(
            "This program is closed and its results are published; start a new cycle instead."
        )
    if state is ProgramState.COMMITTING and locked_after_commit(field):
        raise LockedFieldError(
            f"The pre-commitment is being posted right now, so {field.phrase} are locked. "
            "Once it is in the channel, a change is possible as a deviation."
        )
    if not has_reached(state, ProgramState.COMMITTED) or not locked_after_commit(field):
        return None
    if reason is None or not reason.strip():
        raise LockedFieldError(
            f"Since commit, {field.phrase} can change only as a deviation: give a reason, and "
            "it will be posted in the program's channel."
        )
    return Deviation(field=field, reason=reason)


class Criterion(Protocol):
    """What commit readiness needs of a success criterion (``MetricDefinition`` fits)."""

    @property
    def id(self) -> str: ...

    @property
    def short_name(self) -> str: ...

    @property
    def anonymous_survey(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class LeaderSetup:
    user_id: str
    manager_id: str | None
    direct_report_count: int
    has_one_on_one_slot: bool


@dataclass(frozen=True, slots=True)
class PodSetup:
    """A pod as commit readiness sees it; ``name`` is unique within the program."""

    name: str
    coach_id: str | None
    leaders: tuple[LeaderSetup, ...]
    has_session_slot: bool = True  # the monthly 90-minute pod session's day and time


# Week 2 of the sprint ("Decide internal vs. external") has no data of its own to check, only
# the decision; the gap names the command that records it.
COACH_DECISION_GAP: Final = "the week-2 coach decision: run `/emcoach coach`"


def commit_readiness(
    *,
    criteria_signed_off: bool,
    coach_decided: bool,
    criteria: Sequence[Criterion],
    pods: Sequence[PodSetup],
    leader_baselines: Set[tuple[str, str]],
    pod_baselines: Set[tuple[str, str]],
    kickoff: date | None,
    publish_channel_id: str | None,
) -> list[str]:
    """Everything still missing before commit, as phrases that follow "Still missing:".

    ``leader_baselines`` holds ``(leader user id, criterion id)`` pairs that have a value;
    ``pod_baselines`` holds ``(pod name, criterion id)`` pairs for anonymous survey criteria,
    which are baselined per pod because one leader's handful of answers may not reach the
    anonymity threshold. An empty list means the program can commit: every week of the setup
    sprint is done (1: criteria signed off; 2: the coach decision; 3: the cohort; 4: the
    baselines and the dates).
    """
    missing: list[str] = []
    if not MIN_CRITERIA <= len(criteria) <= MAX_CRITERIA:
        missing.append(f"{MIN_CRITERIA}–{MAX_CRITERIA} success criteria (you have {len(criteria)})")
    if not criteria_signed_off:
        missing.append("budget-owner sign-off of the criteria")
    if not coach_decided:
        missing.append(COACH_DECISION_GAP)
    if kickoff is None:
        missing.append("a kickoff date")
    if publish_channel_id is None:
        missing.append("a channel to publish the results in")
    missing.extend(cohort_gaps(pods))
    for pod in pods:
        missing.extend(_baseline_gaps(pod, criteria, leader_baselines, pod_baselines))
    return missing


def cohort_gaps(pods: Sequence[PodSetup]) -> list[str]:
    """What week 3 ("Structure the cohort") still lacks: pods, coaches, people and slots."""
    if not pods:
        return ["at least one pod"]
    return [gap for pod in pods for gap in _pod_gaps(pod)]


def _pod_gaps(pod: PodSetup) -> list[str]:
    # Gaps are mrkdwn with mentions; the names people typed go in escaped.
    name = plain(pod.name)
    gaps: list[str] = []
    if pod.coach_id is None:
        gaps.append(f"a coach for pod “{name}”")
    if not pod.has_session_slot:
        gaps.append(f"a monthly session slot for pod “{name}”")
    if not pod.leaders:
        gaps.append(f"at least one leader in pod “{name}”")
    if len(pod.leaders) > POD_MAX_LEADERS:
        gaps.append(
            f"at most {POD_MAX_LEADERS} leaders in pod “{name}” (it has {len(pod.leaders)})"
        )
    for leader in pod.leaders:
        who = user_mention(leader.user_id)
        if leader.manager_id is None:
            gaps.append(f"the manager of {who}")
        if leader.direct_report_count < 1:
            gaps.append(f"the direct reports of {who}")
        if not leader.has_one_on_one_slot:
            gaps.append(f"a weekly 1:1 slot for {who}")
    return gaps


def _baseline_gaps(
    pod: PodSetup,
    criteria: Sequence[Criterion],
    leader_baselines: Set[tuple[str, str]],
    pod_baselines: Set[tuple[str, str]],
) -> list[str]:
    gaps: list[str] = []
    for criterion in criteria:
        if criterion.anonymous_survey:
            if (pod.name, criterion.id) not in pod_baselines:
                gaps.append(f"{criterion.short_name} baseline for pod “{plain(pod.name)}”")
            continue
        gaps.extend(
            f"{criterion.short_name} baseline for {user_mention(leader.user_id)}"
            for leader in pod.leaders
            if (leader.user_id, criterion.id) not in leader_baselines
        )
    return gaps
