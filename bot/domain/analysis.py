"""The pre-registered analysis: how checkpoint values become a change, and what it is called.

PRODUCT "The analysis is pre-registered": the rule is published at commit and never changes.

* A leader-level criterion (DORA, retention): the change is the mean over leaders of each
  leader's own change from their own baseline; leaders without both values are named as
  missing, never guessed. The baseline figure printed (pooled over the cohort, with n) is the
  one locked at commit: it never moves when a leader has no value later.
* A survey criterion: the round's mean against the baseline round's mean, both from the same
  instrument — emcoach's anonymous survey, or the company's own engineering survey, never one
  against the other.
* Month 3 answers "is this working?" by direction only; the seed's 6-month ranges judge
  month 6 alone. Every change comes with its n and, for leader-level criteria, the spread of
  the per-leader changes; fewer than ``TREND_MINIMUM`` leaders measured is too few to read as a
  trend.

Pure: no database, no Slack, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Final

from bot.domain.metrics import Direction, Instrument, MetricDefinition, Verdict, change

__all__ = [
    "TREND_MINIMUM",
    "Change",
    "Instrument",
    "LockedFigure",
    "Pooled",
    "Stage",
    "baseline_round_gap",
    "default_instrument",
    "gain",
    "is_survey",
    "judge",
    "leader_change",
    "locked_leader_figure",
    "pooled",
    "pooled_scores",
    "rule_text",
    "survey_change",
]

# Fewer leaders measured than this and a change is too thin to read as a trend (issue #10).
TREND_MINIMUM: Final = 3
# Locked figures keep the database's four places; posts round them for reading.
_LOCKED_PLACES: Final = Decimal("0.0001")


def default_instrument(metric: MetricDefinition) -> Instrument:
    """The instrument ``metric`` carries (the catalog's, or the one chosen with the criteria)."""
    return metric.instrument


def is_survey(instrument: Instrument) -> bool:
    return instrument is not Instrument.LEADER_VALUES


def rule_text(instrument: Instrument) -> str:
    """The pre-registered rule, as the pre-commitment and every results post word it."""
    if instrument is Instrument.EMCOACH_SURVEY:
        return (
            "the checkpoint round's mean against the baseline round's mean, on this one "
            "instrument; n is the number of people who answered"
        )
    if instrument is Instrument.COMPANY_SURVEY:
        return (
            "the mean over pods of each pod's own change from its baseline value, both from the "
            "company's survey and never against another instrument; pods without both values "
            "are named as missing"
        )
    return (
        "the mean over leaders of each leader's own change from their own baseline; leaders "
        "without both values are named as missing"
    )


def pooled(values: Iterable[Decimal]) -> Decimal | None:
    """The cohort's mean, to the database's four places; None with nothing to pool."""
    items = list(values)
    if not items:
        return None
    return (sum(items, Decimal(0)) / len(items)).quantize(_LOCKED_PLACES)


@dataclass(frozen=True, slots=True)
class LockedFigure:
    """A criterion's baseline as locked at commit: pooled over the cohort, with its n."""

    metric_id: str
    figure: Decimal | None  # None: an anonymous round below the threshold (commit refuses it)
    n: int  # leaders with a baseline, or people who answered the baseline round
    instrument: Instrument


def locked_leader_figure(
    metric: MetricDefinition, baselines: Mapping[str, Decimal], instrument: Instrument
) -> LockedFigure:
    """The pooled baseline of every leader with one: the figure every later post prints."""
    return LockedFigure(
        metric_id=metric.id.value,
        figure=pooled(baselines.values()),
        n=len(baselines),
        instrument=instrument,
    )


class Stage(StrEnum):
    """Month 3 asks about direction; the evaluation is judged against the seed's range."""

    INTERIM = "interim"
    EVALUATION = "evaluation"


@dataclass(frozen=True, slots=True)
class Change:
    """A criterion's change at a checkpoint, with what it rests on."""

    change: Decimal | None  # None: no data (or only relative changes from a zero baseline)
    n: int  # leaders with both values (or people who answered the round)
    spread: tuple[Decimal, Decimal] | None  # lowest and highest per-leader change
    missing: tuple[str, ...]  # leaders without both values, by id
    per_leader: bool  # False for a survey: a round's mean, no per-leader figures

    @property
    def too_few(self) -> bool:
        """Leader-level, measured on fewer than ``TREND_MINIMUM`` leaders."""
        return self.per_leader and self.change is not None and self.n < TREND_MINIMUM


def leader_change(
    metric: MetricDefinition,
    *,
    baselines: Mapping[str, Decimal],
    values: Mapping[str, Decimal],
    leaders: Sequence[str],
) -> Change:
    """The mean over ``leaders`` of each one's own change; those without both values (or with
    no relative change, from a zero baseline) are missing."""
    changes: list[Decimal] = []
    missing: list[str] = []
    for leader in leaders:
        base, now = baselines.get(leader), values.get(leader)
        delta = None if base is None or now is None else change(metric, base, now)
        if delta is None:
            missing.append(leader)
        else:
            changes.append(delta)
    if not changes:
        return Change(change=None, n=0, spread=None, missing=tuple(missing), per_leader=True)
    low, high = min(changes), max(changes)
    # Decimal division rounds in the 28th digit; a mean never lies outside its own spread.
    mean = min(max(sum(changes, Decimal(0)) / len(changes), low), high)
    return Change(
        change=mean,
        n=len(changes),
        spread=(low, high),
        missing=tuple(missing),
        per_leader=True,
    )


def survey_change(
    metric: MetricDefinition, *, baseline: Decimal | None, now: Decimal | None, people: int
) -> Change:
    """The round's mean against the baseline round's mean; ``now`` is None when the round did
    not reach the anonymity threshold, and then there is no change to show. ``n`` is the people
    who answered the round, whether or not there is a change."""
    delta = None if baseline is None or now is None else change(metric, baseline, now)
    return Change(
        change=delta,
        n=people,
        spread=None,
        missing=(),
        per_leader=False,
    )


def gain(metric: MetricDefinition, delta: Decimal) -> Decimal:
    """The change as an improvement: positive means better whichever way the metric points."""
    return delta if metric.direction is Direction.HIGHER_IS_BETTER else -delta


def judge(metric: MetricDefinition, delta: Decimal | None, *, stage: Stage) -> Verdict:
    """Month 3: the direction (expected way, no change, wrong way, no data). Month 6: against
    the seed's 6-month range (better, within, short, worse than baseline, no data)."""
    if delta is None:
        return Verdict.NO_DATA
    better = gain(metric, delta)
    if stage is Stage.INTERIM:
        if better > 0:
            return Verdict.MOVING_EXPECTED_WAY
        return Verdict.NO_CHANGE if better == 0 else Verdict.MOVING_WRONG_WAY
    if better < 0:
        return Verdict.WORSE_THAN_BASELINE
    if better == 0:
        return Verdict.UNCHANGED
    if metric.expected is None:
        return Verdict.IMPROVED_NO_RANGE
    if better > metric.expected.most:
        return Verdict.BETTER_THAN_EXPECTED
    if better >= metric.expected.least:
        return Verdict.WITHIN_EXPECTED
    return Verdict.SHORT_OF_EXPECTED


@dataclass(frozen=True, slots=True)
class Pooled:
    """A figure pooled over people for a public post: ``mean`` is None below ``threshold``
    ratings, so no public post ever shows one person's figure."""

    mean: Decimal | None
    n: int


def pooled_scores(scores: Sequence[int], *, threshold: int) -> Pooled:
    """The mean of 1–5 ratings to two places, shown only from ``threshold`` ratings up."""
    if len(scores) < threshold or not scores:
        return Pooled(mean=None, n=len(scores))
    mean = (Decimal(sum(scores)) / len(scores)).quantize(Decimal("0.01"))
    return Pooled(mean=mean, n=len(scores))


def baseline_round_gap(*, sent: bool, people: int, threshold: int) -> str | None:
    """What commit still needs from emcoach's baseline survey round, as a "Still missing:"
    phrase; None once at least ``threshold`` people have answered."""
    if not sent:
        return (
            "emcoach's baseline survey of the direct reports (send it from `/emcoach baseline`: "
            "“Baseline survey”)"
        )
    if people >= threshold:
        return None
    more = threshold - people
    answers = "answer" if more == 1 else "answers"
    return (
        f"{more} more {answers} to emcoach's baseline survey ({people} of the {threshold} "
        "people needed so far; a smaller group's figure is never shown)"
    )
