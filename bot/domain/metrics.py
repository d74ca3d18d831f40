"""The catalog of success criteria, their frozen form, DORA bands and checkpoint verdicts.

Seed, "Week 1 — Define success criteria": 2–3 outcome metrics from three families (team-level
DORA movement, 1:1 quality scores, 12-month rolling retention of direct reports); seed,
"Expected Outcomes": the published 6-month ranges. PRODUCT "Metrics catalog" fixes the ids.

Values are ``Decimal`` so that a change of exactly −25% or +0.5 points lands on the boundary
the seed publishes instead of a float's neighbour of it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType
from typing import Final

from bot.domain.errors import DomainError
from bot.domain.program_rules import (
    ANONYMITY_THRESHOLD,
    MAX_CRITERIA,
    MIN_CRITERIA,
    WEEKS_PER_MONTH,
)

# DORA bands: Accelerate State of DevOps Report 2024, software delivery performance clusters.
DORA_REPORT_YEAR: Final = 2024
# The 1:1-quality survey's one statement. Seed, "What Coached EMs Actually Get": "A 1:1
# framework that produces decisions instead of status".
ONE_ON_ONE_STATEMENT: Final = "My 1:1s with my manager produce decisions, not just status updates."

_HUNDRED: Final = Decimal(100)
_HOURS_PER_DAY: Final = Fraction(24)
_HOURS_PER_WEEK: Final = 7 * _HOURS_PER_DAY
_HOURS_PER_MONTH: Final = WEEKS_PER_MONTH * _HOURS_PER_WEEK  # 728 h with 52/12 weeks a month


class SelectionError(DomainError):
    pass


class MetricValueError(DomainError):
    pass


class MetricId(StrEnum):
    LEAD_TIME = "lead_time"
    CHANGE_FAILURE_RATE = "change_failure_rate"
    DEPLOY_FREQUENCY = "deploy_frequency"
    ONE_ON_ONE_QUALITY = "one_on_one_quality"
    REPORT_RETENTION = "report_retention"


class Instrument(StrEnum):
    """Where a criterion's values come from; chosen with the criteria, part of each frozen
    definition (so of the hash the budget owner signs off) and locked with them."""

    LEADER_VALUES = "leader_values"  # the owner enters each leader's value (DORA, retention)
    EMCOACH_SURVEY = "emcoach_survey"  # emcoach's anonymous survey of the direct reports
    COMPANY_SURVEY = "company_survey"  # the company's own engineering survey, entered

    @property
    def words(self) -> str:
        return _INSTRUMENT_WORDS[self]

    @property
    def label(self) -> str:
        """The short name: "emcoach's anonymous survey"."""
        return _INSTRUMENT_LABELS[self]


_INSTRUMENT_WORDS: Final = {
    Instrument.LEADER_VALUES: "values the owner enters for each leader from the data source",
    Instrument.EMCOACH_SURVEY: (
        "emcoach's anonymous survey of the direct reports (baseline round before the program, "
        "month 3, month 6: same statement, same people)"
    ),
    Instrument.COMPANY_SURVEY: (
        "the company's own engineering survey (its result for each pod, entered at baseline "
        "and at each checkpoint)"
    ),
}


_INSTRUMENT_LABELS: Final = {
    Instrument.LEADER_VALUES: "values entered per leader",
    Instrument.EMCOACH_SURVEY: "emcoach's anonymous survey",
    Instrument.COMPANY_SURVEY: "the company's own engineering survey",
}


class Direction(StrEnum):
    LOWER_IS_BETTER = "lower_is_better"
    HIGHER_IS_BETTER = "higher_is_better"


class ChangeKind(StrEnum):
    """How a change between baseline and checkpoint is expressed for a metric."""

    RELATIVE_PERCENT = "relative_percent"  # (now − baseline) / baseline × 100
    POINTS = "points"  # now − baseline, on the metric's own scale
    PERCENTAGE_POINTS = "percentage_points"  # now − baseline, both in percent


@dataclass(frozen=True, slots=True)
class ExpectedRange:
    """The seed's 6-month average improvement, as improvement in the metric's ``ChangeKind``
    (positive means better whichever way the metric points), plus the seed's own wording."""

    least: Decimal
    most: Decimal
    seed_text: str


@dataclass(frozen=True, slots=True)
class DoraBand:
    """One performance band. Bands are listed from the smallest metric value upward; a value
    belongs to the first band whose ``limit`` it is below (or at, when ``inclusive``)."""

    name: str
    limit: Fraction | None
    inclusive: bool
    report_wording: str

    def holds(self, value: Decimal) -> bool:
        if self.limit is None:
            return True
        return value <= self.limit if self.inclusive else value < self.limit


@dataclass(frozen=True, slots=True)
class MetricDefinition:
    id: MetricId
    name: str
    short_name: str
    definition: str
    unit: str
    direction: Direction
    change_kind: ChangeKind
    data_source: str
    expected: ExpectedRange | None
    is_dora: bool
    dora_report_year: int | None
    dora_bands: tuple[DoraBand, ...]
    anonymous_survey: bool
    minimum: Decimal
    maximum: Decimal | None
    # Where the values come from (``instrument_options`` lists the choices; ``on_instrument``
    # gives the definition as measured on another one).
    instrument: Instrument = Instrument.LEADER_VALUES

    def to_dict(self) -> dict[str, object]:
        """Plain JSON-ready data; numbers as exact strings so the hash never depends on how a
        float happens to print."""
        return {
            "id": self.id.value,
            "name": self.name,
            "short_name": self.short_name,
            "definition": self.definition,
            "unit": self.unit,
            "direction": self.direction.value,
            "change_kind": self.change_kind.value,
            "data_source": self.data_source,
            "expected": None
            if self.expected is None
            else {
                "least": str(self.expected.least),
                "most": str(self.expected.most),
                "seed_text": self.expected.seed_text,
            },
            "is_dora": self.is_dora,
            "dora_report_year": self.dora_report_year,
            "dora_bands": [
                {
                    "name": band.name,
                    "limit": None if band.limit is None else str(band.limit),
                    "inclusive": band.inclusive,
                    "report_wording": band.report_wording,
                }
                for band in self.dora_bands
            ],
            "anonymous_survey": self.anonymous_survey,
            "minimum": str(self.minimum),
            "maximum": None if self.maximum is None else str(self.maximum),
            "instrument": self.instrument.value,
        }


# 2024 report, "change lead time": Elite "less than one day", High "between one day and one
# week", Medium "between one week and one month", Low "between one month and six months".
# "Less than one day" keeps exactly 24 h out of Elite; a value on a shared boundary (one week,
# one month) goes to the better band; anything slower than six months is still Low.
_LEAD_TIME_BANDS: Final = (
    DoraBand("Elite", _HOURS_PER_DAY, inclusive=False, report_wording="less than one day"),
    DoraBand("High", _HOURS_PER_WEEK, inclusive=True, report_wording="one day to one week"),
    DoraBand("Medium", _HOURS_PER_MONTH, inclusive=True, report_wording="one week to one month"),
    DoraBand("Low", None, inclusive=True, report_wording="one month to six months"),
)
# 2024 report, "deployment frequency": Elite "on demand (multiple deploys per day)", High
# "between once per day and once per week", Medium "between once per week and once per month",
# Low "between once per month and once every six months". In deploys per week: once a day = 7
# (High, since Elite means more than one a day), once a week = 1, once a month = 12/52.
_DEPLOY_FREQUENCY_BANDS: Final = (
    DoraBand(
        "Low", 1 / WEEKS_PER_MONTH, inclusive=False, report_wording="less than once per month"
    ),
    DoraBand("Medium", Fraction(1), inclusive=False, report_wording="once per month to weekly"),
    DoraBand("High", Fraction(7), inclusive=True, report_wording="once per week to daily"),
    DoraBand("Elite", None, inclusive=True, report_wording="on demand, several a day"),
)
# 2024 report, "change failure rate": the clusters' typical values are Elite 5%, High 20%,
# Medium 10%, Low 40%. They are not thresholds, and Medium sits below High because the
# clusters are formed on all four metrics together. Banded alone, a rate goes to the cluster
# whose typical value is nearest (limits at the midpoints 7.5%, 15%, 30%; a tie goes to the
# better band). So 12% reads Medium and 20% reads High, as the report's table does.
_CHANGE_FAILURE_RATE_BANDS: Final = (
    DoraBand("Elite", Fraction(15, 2), inclusive=True, report_wording="typically 5%"),
    DoraBand("Medium", Fraction(15), inclusive=False, report_wording="typically 10%"),
    DoraBand("High", Fraction(30), inclusive=True, report_wording="typically 20%"),
    DoraBand("Low", None, inclusive=True, report_wording="typically 40%"),
)

_CATALOG_ORDER: Final = (
    MetricDefinition(
        id=MetricId.LEAD_TIME,
        name="Lead Time for Changes, under the coached EM's team",
        short_name="Lead Time",
        # 30 days: long enough for a small team to have a stable median, short enough that
        # the month-3 figure reflects month 3.
        definition=(
            "The median time, in hours, from a change's first commit to that change running "
            "in production, over all changes by the coached EM's team that reached production "
            "in the 30 days before the measurement date."
        ),
        unit="hours (median)",
        direction=Direction.LOWER_IS_BETTER,
        change_kind=ChangeKind.RELATIVE_PERCENT,
        data_source=(
            "Version control (first-commit times) and deployment records (times in "
            "production) for the repositories the coached EM's team owns."
        ),
        expected=ExpectedRange(Decimal(25), Decimal(40), seed_text="−25% to −40%"),
        is_dora=True,
        dora_report_year=DORA_REPORT_YEAR,
        dora_bands=_LEAD_TIME_BANDS,
        anonymous_survey=False,
        minimum=Decimal(0),
        maximum=None,
    ),
    MetricDefinition(
        id=MetricId.CHANGE_FAILURE_RATE,
        name="Change Failure Rate",
        short_name="Change Failure Rate",
        # 90 days: a small team deploys too rarely for a 30-day rate to mean much, and at
        # month 3 the window covers exactly the program so far.
        definition=(
            "The percentage of the coached EM's team's production deployments in the 90 days "
            "before the measurement date that caused a failure in production needing "
            "remediation (a rollback, hotfix or patch)."
        ),
        unit="% of deployments",
        direction=Direction.LOWER_IS_BETTER,
        change_kind=ChangeKind.PERCENTAGE_POINTS,
        data_source=(
            "Deployment records and the incident or rollback log for the services the coached "
            "EM's team owns."
        ),
        expected=None,
        is_dora=True,
        dora_report_year=DORA_REPORT_YEAR,
        dora_bands=_CHANGE_FAILURE_RATE_BANDS,
        anonymous_survey=False,
        minimum=Decimal(0),
        maximum=_HUNDRED,
    ),
    MetricDefinition(
        id=MetricId.DEPLOY_FREQUENCY,
        name="Deployment Frequency",
        short_name="Deployment Frequency",
        # 28 days = 4 whole weeks, so the weekly figure has no partial week in it.
        definition=(
            "The number of production deployments by the coached EM's team in the 28 days "
            "before the measurement date, divided by 4."
        ),
        unit="deploys per week",
        direction=Direction.HIGHER_IS_BETTER,
        change_kind=ChangeKind.RELATIVE_PERCENT,
        data_source=(
            "Deployment records (CI/CD pipeline) for the services the coached EM's team owns."
        ),
        expected=None,
        is_dora=True,
        dora_report_year=DORA_REPORT_YEAR,
        dora_bands=_DEPLOY_FREQUENCY_BANDS,
        anonymous_survey=False,
        minimum=Decimal(0),
        maximum=None,
    ),
    MetricDefinition(
        id=MetricId.ONE_ON_ONE_QUALITY,
        name="1:1 quality score from direct reports",
        short_name="1:1 Quality",
        definition=(
            "The mean answer of the coached EM's direct reports to the statement "
            f"“{ONE_ON_ONE_STATEMENT}” on a 5-point agree scale (1 = strongly disagree, "
            "5 = strongly agree), from the anonymous survey sent at baseline, month 3 and "
            f"month 6. A leader's own figure is shown only when at least {ANONYMITY_THRESHOLD} "
            "people answered; smaller groups count only toward their pod's figure."
        ),
        unit="mean of a 5-point agree scale",
        direction=Direction.HIGHER_IS_BETTER,
        change_kind=ChangeKind.POINTS,
        data_source="emcoach's anonymous survey of the coached EM's direct reports.",
        expected=ExpectedRange(Decimal("0.5"), Decimal("1.0"), seed_text="+0.5 to +1.0 points"),
        is_dora=False,
        dora_report_year=None,
        dora_bands=(),
        anonymous_survey=True,
        minimum=Decimal(1),
        maximum=Decimal(5),
        instrument=Instrument.EMCOACH_SURVEY,
    ),
    MetricDefinition(
        id=MetricId.REPORT_RETENTION,
        name="Retention of direct reports, 12-month rolling",
        short_name="Report Retention",
        definition=(
            "Of everyone who reported to the coached EM at any time in the 12 months before "
            "the measurement date, the percentage still employed at the company on that date; "
            "a move to another team counts as retained."
        ),
        unit="%",
        direction=Direction.HIGHER_IS_BETTER,
        change_kind=ChangeKind.PERCENTAGE_POINTS,
        data_source="HR records: reporting lines and leaving dates.",
        expected=ExpectedRange(Decimal(10), Decimal(15), seed_text="+10pp to +15pp"),
        is_dora=False,
        dora_report_year=None,
        dora_bands=(),
        anonymous_survey=False,
        minimum=Decimal(0),
        maximum=_HUNDRED,
    ),
)
CATALOG: Final[Mapping[str, MetricDefinition]] = MappingProxyType(
    {metric.id.value: metric for metric in _CATALOG_ORDER}
)


def get_metric(metric_id: str) -> MetricDefinition:
    try:
        return CATALOG[metric_id]
    except KeyError:
        names = ", ".join(metric.short_name for metric in _CATALOG_ORDER)
        raise SelectionError(
            f"There is no metric called “{metric_id}”. Pick from: {names}."
        ) from None


def instrument_options(metric: MetricDefinition) -> tuple[Instrument, ...]:
    """The instruments a criterion can be measured on: the owner chooses between emcoach's
    survey and the company's own for a survey criterion; the rest have one."""
    if metric.anonymous_survey:
        return (Instrument.EMCOACH_SURVEY, Instrument.COMPANY_SURVEY)
    return (metric.instrument,)


def on_instrument(metric: MetricDefinition, instrument: Instrument) -> MetricDefinition:
    """``metric`` as measured on ``instrument``: its definition and data source say where the
    values come from, so the frozen definition (and its hash) carries the choice."""
    if instrument not in instrument_options(metric):
        raise SelectionError(f"{metric.short_name} can't be measured on {instrument.words}.")
    if instrument is metric.instrument:
        return metric
    if metric.id is MetricId.ONE_ON_ONE_QUALITY and instrument is Instrument.COMPANY_SURVEY:
        return replace(
            metric,
            instrument=instrument,
            definition=(
                "The mean score of the coached EM's direct reports on the 1:1 question of the "
                "company's own engineering survey, on its 5-point scale, as the company's survey "
                "reports it for each pod at baseline, month 3 and month 6. The change is computed "
                "on this survey only, never against emcoach's own."
            ),
            data_source=(
                "The company's own engineering survey: an owner enters each pod's result, with "
                "the survey's name, date and number of answers, at baseline and at each checkpoint."
            ),
        )
    return replace(metric, instrument=instrument)


def choose_instruments(
    metrics: Iterable[MetricDefinition], instrument: Instrument | None
) -> tuple[MetricDefinition, ...]:
    """``metrics`` with the owner's ``instrument`` for the criterion that offers a choice;
    a refusal that says what to choose when one is picked without it."""
    chosen: list[MetricDefinition] = []
    for metric in metrics:
        options = instrument_options(metric)
        if len(options) > 1:
            if instrument is None:
                raise SelectionError(
                    f"Choose where {metric.short_name} comes from: emcoach's anonymous survey "
                    "or your company's own engineering survey. It is locked with the criteria."
                )
            chosen.append(on_instrument(metric, instrument))
        else:
            chosen.append(metric)
    return tuple(chosen)


def validate_selection(ids: Iterable[str]) -> tuple[MetricDefinition, ...]:
    """The chosen criteria in the order picked, or a refusal that says why."""
    chosen = tuple(get_metric(metric_id) for metric_id in ids)
    if len(set(chosen)) != len(chosen):
        raise SelectionError("Pick each metric only once.")
    if len(chosen) < MIN_CRITERIA:
        raise SelectionError(
            f"Pick at least {MIN_CRITERIA} success criteria, so one noisy number can't decide "
            "whether the program worked."
        )
    if len(chosen) > MAX_CRITERIA:
        raise SelectionError(
            f"Pick at most {MAX_CRITERIA} success criteria — the framework asks for "
            f"{MIN_CRITERIA}–{MAX_CRITERIA} outcome metrics, so each one gets real attention."
        )
    return chosen


def frozen_definitions_json(definitions: Iterable[MetricDefinition]) -> str:
    """Canonical JSON of the definitions: sorted by id and by key, no whitespace, non-ASCII
    kept as is. The pick order does not change it, so the same criteria always hash alike."""
    data = [metric.to_dict() for metric in sorted(definitions, key=lambda metric: metric.id)]
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def definitions_hash(definitions: Iterable[MetricDefinition]) -> str:
    """SHA-256 (hex) of the UTF-8 canonical JSON; published with every checkpoint."""
    return hashlib.sha256(frozen_definitions_json(definitions).encode("utf-8")).hexdigest()


def check_value(metric: MetricDefinition, value: Decimal) -> None:
    """Refuse a value the metric cannot take (a negative lead time, a 6 on a 5-point scale)."""
    within = value.is_finite() and value >= metric.minimum
    if metric.maximum is not None:
        within = within and value <= metric.maximum
    if within:
        return
    if metric.maximum is None:
        allowed = f"{metric.minimum} or more"
    else:
        allowed = f"from {metric.minimum} to {metric.maximum}"
    raise MetricValueError(
        f"{metric.short_name} is measured in {metric.unit}; enter a number {allowed}."
    )


def dora_band(metric_id: str, value: Decimal) -> str | None:
    """The 2024 DORA band (Elite/High/Medium/Low) of ``value``, or ``None`` for a non-DORA
    metric."""
    metric = get_metric(metric_id)
    if not metric.is_dora:
        return None
    check_value(metric, value)
    return next(band.name for band in metric.dora_bands if band.holds(value))


class Verdict(StrEnum):
    """A checkpoint's plain-words judgment of one criterion. The first three compare with the
    seed's published range; ``IMPROVED_NO_RANGE`` is for metrics the seed publishes no range
    for; ``UNCHANGED`` and ``WORSE_THAN_BASELINE`` apply to every metric."""

    BETTER_THAN_EXPECTED = "better_than_expected"
    WITHIN_EXPECTED = "within_expected"
    SHORT_OF_EXPECTED = "short_of_expected"
    IMPROVED_NO_RANGE = "improved_no_range"
    UNCHANGED = "unchanged"
    WORSE_THAN_BASELINE = "worse_than_baseline"
    NO_DATA = "no_data"
    # Month 3 answers "is this working?" by direction only (bot.domain.analysis.judge).
    MOVING_EXPECTED_WAY = "moving_expected_way"
    NO_CHANGE = "no_change"
    MOVING_WRONG_WAY = "moving_wrong_way"

    @property
    def label(self) -> str:
        return _VERDICT_LABELS[self]


_VERDICT_LABELS: Final = {
    Verdict.BETTER_THAN_EXPECTED: "better than the expected range",
    Verdict.WITHIN_EXPECTED: "within the expected range",
    Verdict.SHORT_OF_EXPECTED: "improved, but short of the expected range",
    Verdict.IMPROVED_NO_RANGE: "improved (no published range)",
    Verdict.UNCHANGED: "unchanged",
    Verdict.WORSE_THAN_BASELINE: "worse than baseline",
    Verdict.NO_DATA: "no data",
    Verdict.MOVING_EXPECTED_WAY: "moving the expected way",
    Verdict.NO_CHANGE: "no change",
    Verdict.MOVING_WRONG_WAY: "moving the wrong way",
}


def change(metric: MetricDefinition, baseline: Decimal, now: Decimal) -> Decimal | None:
    """The signed change from baseline to now in the metric's ``ChangeKind`` (as a results
    post shows it); ``None`` for a relative change from a zero baseline, which has none."""
    if metric.change_kind is ChangeKind.RELATIVE_PERCENT:
        if baseline == 0:
            return None
        return (now - baseline) / baseline * _HUNDRED
    return now - baseline


def verdict(metric: MetricDefinition, baseline: Decimal | None, now: Decimal | None) -> Verdict:
    """Judge the change from ``baseline`` to ``now`` against the seed's range."""
    if baseline is None or now is None:
        return Verdict.NO_DATA
    check_value(metric, baseline)
    check_value(metric, now)
    gain = now - baseline if metric.direction is Direction.HIGHER_IS_BETTER else baseline - now
    if gain < 0:
        return Verdict.WORSE_THAN_BASELINE
    if gain == 0:
        return Verdict.UNCHANGED
    if metric.expected is None:
        return Verdict.IMPROVED_NO_RANGE
    if metric.change_kind is ChangeKind.RELATIVE_PERCENT:
        if baseline == 0:
            # Any rise from zero is an unbounded relative gain (lower-is-better metrics
            # cannot gain from zero at all, so only a higher-is-better one reaches here).
            return Verdict.BETTER_THAN_EXPECTED
        gain = gain / baseline * _HUNDRED
    if gain > metric.expected.most:
        return Verdict.BETTER_THAN_EXPECTED
    if gain >= metric.expected.least:
        return Verdict.WITHIN_EXPECTED
    return Verdict.SHORT_OF_EXPECTED
