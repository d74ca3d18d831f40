"""What a prompt is built from: the agenda row's context, plus richer data for a few kinds.

Plain frozen dataclasses the engine fills from storage; nothing here reads the database or
the time. ``PromptContext.data`` carries the kind's extra input so one ``build_prompt`` call
serves every row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from bot.blocks.commit import Commitment
from bot.domain.analysis import Change, LockedFigure, Pooled, Stage, judge
from bot.domain.cadence import AgendaKind
from bot.domain.cost import CostEstimate, MoneyRange
from bot.domain.metrics import (
    ChangeKind,
    Direction,
    Instrument,
    MetricDefinition,
    MetricId,
    Verdict,
    change,
    dora_band,
    verdict,
)
from bot.domain.program_rules import ANONYMITY_THRESHOLD, ChangeLine, ProgramField


@dataclass(frozen=True, slots=True, kw_only=True)
class LeaderWeek:
    """One leader's week, as the coach's digest reports it."""

    leader_id: str
    held: int = 0
    not_held: int = 0
    not_logged: int = 0  # 1:1s whose log prompt the coach has not answered yet
    skipped: int = 0  # sessions inside a pause
    missed: int = 0  # prompts about them dropped because emcoach was offline too long
    failed: int = 0  # prompts about them Slack refused for good (the owners were told)
    paused_until: date | None = None
    # What the leader told emcoach (named, for their coach): latest ratings on the 1–5 scale,
    # and this week's decisions and "say no" answers, as they typed them (escape to show).
    one_on_one_rating: int | None = None
    pod_rating: int | None = None
    decided: tuple[str, ...] = ()
    say_no: tuple[str, ...] = ()

    @property
    def needs_attention(self) -> bool:
        return bool(self.not_logged or self.missed or self.failed)


@dataclass(frozen=True, slots=True, kw_only=True)
class DigestData:
    """The coach's week. ``survey_non_responders`` is a count across the coach's leaders and
    never a list: who has not answered an anonymous survey is nobody else's business."""

    leaders: tuple[LeaderWeek, ...]
    survey_non_responders: int | None = None  # None: no survey open this week


@dataclass(frozen=True, slots=True, kw_only=True)
class CriterionResult:
    """One criterion at a checkpoint, pooled over the cohort (see ``criterion_result``)."""

    name: str
    unit: str
    direction: Direction
    change_kind: ChangeKind
    baseline: Decimal | None
    now: Decimal | None
    change: Decimal | None  # None when there is nothing to compare (or from a zero baseline)
    expected: str | None  # the seed's range as it words it; None: the seed publishes none
    verdict: Verdict
    data_points: int  # leaders with a value, or survey responses for an anonymous survey
    anonymous: bool = False  # an anonymous survey aggregate: hidden below the threshold
    baseline_band: str | None = None  # DORA band names, for DORA metrics
    now_band: str | None = None
    missing_for: tuple[str, ...] = ()  # leaders (user ids) without both values
    metric_id: MetricId | None = None  # prints each value with its unit (bot.domain.units)
    # The pre-registered analysis (bot.domain.analysis); defaults keep older callers working.
    baseline_n: int | None = None  # the locked baseline's n (leaders, or people in the round)
    now_n: int | None = None  # leaders with a value now (leader-level criteria)
    instrument: str | None = None  # bot.domain.analysis.Instrument value
    spread: tuple[Decimal, Decimal] | None = None  # lowest and highest per-leader change
    interim: bool = False  # month 3: a direction, not a verdict against the 6-month range
    too_few: bool = False  # fewer than TREND_MINIMUM leaders measured

    @property
    def by_pod(self) -> bool:
        """Measured per pod (the company's own survey): counts and missing are pods."""
        return self.instrument == Instrument.COMPANY_SURVEY.value

    @property
    def counted(self) -> str:
        """What ``data_points`` counts: "leader", "pod" or "response"."""
        if self.anonymous:
            return "response"
        return "pod" if self.by_pod else "leader"


def analysed_result(
    metric: MetricDefinition,
    *,
    locked: LockedFigure,
    now: Decimal | None,
    now_n: int | None,
    measured: Change,
    stage: Stage,
) -> CriterionResult:
    """A ``CriterionResult`` from the pre-registered analysis: the locked baseline, the change
    by the locked rule, its verdict for the stage (direction at month 3)."""
    baseline = locked.figure
    return CriterionResult(
        name=metric.short_name,
        unit=metric.unit,
        direction=metric.direction,
        change_kind=metric.change_kind,
        baseline=baseline,
        now=now,
        change=measured.change,
        expected=None if metric.expected is None else metric.expected.seed_text,
        verdict=judge(metric, measured.change, stage=stage),
        data_points=measured.n,
        # The company's survey arrives as each pod's result, already pooled by the company:
        # no one's answer is in it, and its n counts pods.
        anonymous=locked.instrument is Instrument.EMCOACH_SURVEY,
        baseline_band=None if baseline is None else dora_band(metric.id, baseline),
        now_band=None if now is None else dora_band(metric.id, now),
        missing_for=measured.missing,
        metric_id=metric.id,
        baseline_n=locked.n,
        now_n=now_n,
        instrument=locked.instrument.value,
        spread=measured.spread,
        interim=stage is Stage.INTERIM,
        too_few=measured.too_few,
    )


def criterion_result(
    metric: MetricDefinition,
    *,
    baseline: Decimal | None,
    now: Decimal | None,
    data_points: int,
    missing_for: tuple[str, ...] = (),
) -> CriterionResult:
    """A ``CriterionResult`` whose change, verdict and bands come from the domain's rules,
    so the engine cannot word a result differently from how ``metrics`` judges it."""
    delta = None if baseline is None or now is None else change(metric, baseline, now)
    return CriterionResult(
        name=metric.short_name,
        unit=metric.unit,
        direction=metric.direction,
        change_kind=metric.change_kind,
        baseline=baseline,
        now=now,
        change=delta,
        expected=None if metric.expected is None else metric.expected.seed_text,
        verdict=verdict(metric, baseline, now),
        data_points=data_points,
        anonymous=metric.anonymous_survey,
        baseline_band=None if baseline is None else dora_band(metric.id, baseline),
        now_band=None if now is None else dora_band(metric.id, now),
        missing_for=missing_for,
        metric_id=metric.id,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class TrackedBesides:
    """What a checkpoint reports besides the criteria, pooled over the cohort; a figure from
    fewer than ``threshold`` ratings has no mean (see ``analysis.pooled_scores``)."""

    self_efficacy: Pooled  # 360: leaders on their own confidence as managers
    manager_rating: Pooled  # 360: the leaders' managers on their effectiveness
    coach_rating: Pooled  # 360: the coaches on what they have seen
    one_on_one_rating: Pooled  # "This 1:1 was useful."
    pod_rating: Pooled  # "This pod session was useful."
    held: int  # 1:1s the coach logged as held
    not_held: int
    not_logged: int
    skipped: int  # 1:1s inside a leader's pause
    threshold: int


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckpointData:
    """A checkpoint's results. The date is the row's ``occasion`` and lateness its
    ``late_by``: one source for each, whichever kind is built."""

    month: int  # months after kickoff: 3, 6, or the program's midpoint and last month
    final: bool  # the evaluation that closes the program
    channel_id: str  # where the results are published
    criteria: tuple[CriterionResult, ...]
    definitions_hash: str  # SHA-256 of the definitions locked at commit
    anonymity_threshold: int = ANONYMITY_THRESHOLD  # locked at commit
    signed_off_by: str | None = None  # the budget owner who signed off the criteria
    self_approved: bool = False  # ...while being an owner of the program: said in every post
    tracked: TrackedBesides | None = None  # 360s, attendance, session ratings


@dataclass(frozen=True, slots=True, kw_only=True)
class SurveyData:
    anonymity_threshold: int = ANONYMITY_THRESHOLD
    reminder: int = 1  # SURVEY_REMINDER only: the first (after 24 h) or the second (72 h)


@dataclass(frozen=True, slots=True, kw_only=True)
class SetupNudge:
    week: int  # the setup sprint week, 1–4
    due: date  # the last day of that week; overdue when before the row's occasion (today)


@dataclass(frozen=True, slots=True, kw_only=True)
class OwnerAlert:
    """A prompt Slack refused for good: whom it was for, what it was, Slack's error code."""

    recipient_id: str  # a user id, or the channel id of a checkpoint post
    kind: AgendaKind
    error: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CommitmentRecord:
    """The locked record under the pre-commitment (bot.domain.record)."""

    record_json: str  # canonical JSON, one line
    definition_lines: tuple[str, ...]  # one canonical frozen definition a line
    record_hash: str
    definitions_hash: str
    thread_ts: str  # the pre-commitment post's ts


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviationPostData:
    """A deviation as its public post shows it."""

    field: ProgramField
    reason: str
    requested_by: str


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviationChangeData:
    """What a deviation changed once the change was made: the follow-up to its post."""

    field: ProgramField
    reason: str
    changes: tuple[ChangeLine, ...]
    announced_on: date | None = None  # the day the deviation was posted


@dataclass(frozen=True, slots=True, kw_only=True)
class SummaryAdjustment:
    """A month-3 decision as the closing summary shows it."""

    label: str  # e.g. "change the cadence" (bot.blocks.adjust.Decision.label)
    note: str  # as the owner typed it (escape to show)
    decided_by: str
    decided_on: date


@dataclass(frozen=True, slots=True, kw_only=True)
class SummaryDeviation:
    """A deviation as the closing summary shows it: what was announced, why, old → new."""

    announced_on: date
    field: ProgramField
    reason: str  # as typed (escape to show)
    changes: tuple[ChangeLine, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class SummaryData:
    """The one-page summary at the end of a program (bot/flows/close.py): the month-6
    results exactly as the post printed them, the cost, the month-3 decision, the deviations."""

    results: CheckpointData
    kickoff: date
    evaluation: date
    leaders: int  # leaders in the cohort, those who left included
    planned: CostEstimate | None  # the model's range for the cohort; None: no model recorded
    leader_months: Decimal  # coached, leaders who left counted until they left
    spent: MoneyRange | None  # leader_months at the model's rates
    adjustments: tuple[SummaryAdjustment, ...]
    deviations: tuple[SummaryDeviation, ...]
    thread_ts: str | None = None  # an owner's copy: the month-6 preview it answers


PromptData = (
    SummaryData
    | DigestData
    | CheckpointData
    | SurveyData
    | SetupNudge
    | OwnerAlert
    | Commitment
    | DeviationPostData
    | DeviationChangeData
    | CommitmentRecord
)


@dataclass(frozen=True, slots=True, kw_only=True)
class PromptContext:
    kind: AgendaKind
    program_name: str
    recipient_id: str  # user id, or the channel id for CHECKPOINT_PUBLISH
    about_id: str  # the leader's user id, or the pod name, or the program
    occasion: date  # session date, quarter end, checkpoint date, digest Friday, or today
    row_id: int  # the agenda row; buttons carry it in their value
    starts_local: str | None = None  # session start in the recipient's zone
    coach_id: str | None = None
    late_by: timedelta | None = None  # set when sent after downtime
    data: PromptData | None = None
