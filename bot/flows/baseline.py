"""Week 4, baselines: where each leader starts on each criterion, on the criterion's instrument.

Per leader, one value per criterion entered by hand (retention from two counts). For 1:1
quality the instrument was chosen with the criteria and this step follows it, with no second
choice: on emcoach's survey, its baseline round goes to every direct report and the figure is
locked at commit from at least the anonymity threshold in people; on the company's own survey,
an owner enters each pod's result with its source. Baselines lock at commit: every change asks
``change_permit`` first. The per-leader form, its checks and its reading are shared with the
checkpoint values (``bot.flows.metrics``), so a value means the same at week 4 and month 6.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Protocol

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.blocks.baseline import (
    Entry,
    LeaderEntries,
    PodEntries,
    ValueForm,
    retention_details,
    round_note,
)
from bot.blocks.commit import locked_baseline_text
from bot.blocks.pod import ViewState
from bot.domain.analysis import LockedFigure
from bot.domain.metrics import (
    Instrument,
    MetricDefinition,
    MetricId,
    MetricValueError,
    check_value,
)
from bot.domain.mrkdwn import plain
from bot.domain.program_rules import ChangeLine, ProgramField
from bot.domain.roles import Role
from bot.engine.commitment import compute_locked
from bot.flows.locks import baseline_change_lines, change_permit, change_refusal, changed_under
from storage.baseline_round import baseline_round_sent, send_baseline_round
from storage.baselines import baselines_of, save_baseline
from storage.db import session_scope
from storage.locked_baselines import locked_figures, relock_figures
from storage.models import Leader, Program
from storage.pods import get_leader, get_pod
from storage.programs import get_program, has_role
from storage.setup_state import leaders_of, metrics_of, pods_of, setup_state
from storage.survey_rounds import respondents

# Numeric(14, 4): ten digits before the point. Nothing real comes near it; a paste error might.
_LARGEST = Decimal(10) ** 10
_FOUR_PLACES = Decimal("0.0001")
_HUNDREDTH = Decimal("0.01")
DEFAULT_SOURCE = "entered by an owner in Slack"


# --- pure rules -------------------------------------------------------------------------------


def retained_percent(*, reports_at_start: int, leavers: int) -> Decimal:
    """The share of the window's direct reports still at the company, in percent, to 0.01."""
    if reports_at_start < 1 or not 0 <= leavers <= reports_at_start:
        raise ValueError("need 1+ reports at the start and 0..that many leavers")
    kept = Decimal(reports_at_start - leavers) * 100 / Decimal(reports_at_start)
    return kept.quantize(_HUNDREDTH)


def parse_value(text: str, metric: MetricDefinition) -> Decimal:
    """A typed number the metric can take; ``MetricValueError`` says what to enter instead."""
    try:
        value = Decimal(text.strip().replace(" ", ""))
    except InvalidOperation:
        value = Decimal("NaN")
    if value.is_finite() and abs(value) >= _LARGEST:
        value = Decimal("NaN")
    check_value(metric, value)  # refuses NaN and anything outside the metric's range
    return value.quantize(_FOUR_PLACES)


def parse_count(text: str, *, name: str) -> int:
    try:
        count = int(text.strip())
    except ValueError:
        raise MetricValueError(f"Enter {name} as a whole number, like 8.") from None
    if count < 0:
        raise MetricValueError(f"Enter {name} as a whole number, 0 or more.")
    return count


@dataclass(frozen=True, slots=True)
class EnteredValue:
    metric: MetricDefinition
    value: Decimal
    details: str | None = None


def as_rows(values: Sequence[EnteredValue]) -> list[tuple[MetricDefinition, Decimal, str | None]]:
    """(metric, value, details) of each value, as the "saved" sentences list them."""
    return [(value.metric, value.value, value.details) for value in values]


def _retention_counts(start_text: str, leavers_text: str) -> tuple[int, int]:
    if not start_text or not leavers_text:
        raise MetricValueError("Enter both numbers: direct reports 12 months ago and leavers.")
    start = parse_count(start_text, name="the direct reports 12 months ago")
    leavers = parse_count(leavers_text, name="the leavers")
    if start < 1:
        raise MetricValueError(
            "With no direct reports 12 months ago there is no retention to measure; enter how "
            "many they had, or pick a different criterion."
        )
    if leavers > start:
        raise MetricValueError(f"At most {start} of the {start} can have left.")
    return start, leavers


def read_leader_form(
    state: ViewState, metrics: Sequence[MetricDefinition], *, form: ValueForm
) -> tuple[list[EnteredValue], dict[str, str]]:
    """The values typed in a per-leader form, and inline errors by block id (an empty form
    is an error too: Save with nothing in it is a slip, Cancel is the way out)."""
    values: list[EnteredValue] = []
    errors: dict[str, str] = {}
    for metric in metrics:
        if metric.id is MetricId.REPORT_RETENTION:
            start, leavers = state.text(form.retention_start), state.text(form.retention_leavers)
            if not start and not leavers:
                continue
            try:
                counts = _retention_counts(start, leavers)
            except MetricValueError as error:
                errors[form.retention_leavers if start else form.retention_start] = str(error)
                continue
            values.append(
                EnteredValue(
                    metric,
                    retained_percent(reports_at_start=counts[0], leavers=counts[1]),
                    retention_details(reports_at_start=counts[0], leavers=counts[1]),
                )
            )
            continue
        text = state.text(form.value_block_id(metric))
        if not text:
            continue
        try:
            values.append(EnteredValue(metric, parse_value(text, metric)))
        except MetricValueError as error:
            errors[form.value_block_id(metric)] = str(error)
    if not errors and not values and metrics:
        errors[form.first_block_id(metrics[0])] = "Enter at least one value, or press Cancel."
    return values, errors


# --- what is there ----------------------------------------------------------------------------


class Recorded(Protocol):
    """A stored value with where it came from: a baseline or a checkpoint value."""

    @property
    def value(self) -> Decimal: ...
    @property
    def details(self) -> str | None: ...
    @property
    def source(self) -> str: ...


def _entry(metric: MetricDefinition, row: Recorded | None) -> Entry:
    if row is None:
        return Entry(metric=metric)
    return Entry(metric=metric, value=row.value, details=row.details, source=row.source)


def round_people(session: Session, program: Program) -> int:
    """How many people have answered emcoach's baseline round so far (a count, no figure)."""
    assert program.id is not None
    if program.kickoff_date is None:
        return 0
    return respondents(session, program_id=program.id, occasion=program.kickoff_date)


def cohort_entries(
    session: Session,
    program: Program,
    *,
    by_leader: Mapping[tuple[int, str], Recorded],
    by_pod: Mapping[tuple[int, str], Recorded],
    rounds: bool,
) -> list[PodEntries]:
    """Every pod, its leaders, and each criterion's value or None: ``by_leader`` and
    ``by_pod`` are keyed by (leader or pod id, metric id). A criterion on the company's own
    survey is entered per pod; one on emcoach's survey shows how far its baseline round is
    when ``rounds`` (week 4), and is left out otherwise (its checkpoints are survey rounds,
    never entered by hand)."""
    assert program.id is not None
    metrics = metrics_of(session, program_id=program.id)
    personal = [metric for metric in metrics if metric.instrument is Instrument.LEADER_VALUES]
    note = None
    if rounds and any(metric.instrument is Instrument.EMCOACH_SURVEY for metric in metrics):
        note = round_note(
            people=round_people(session, program), threshold=program.anonymity_threshold
        )
    pods: list[PodEntries] = []
    for pod in pods_of(session, program_id=program.id):
        assert pod.id is not None
        leaders = tuple(
            LeaderEntries(
                leader_id=leader.id or 0,
                user_id=leader.user_id,
                entries=tuple(
                    _entry(m, by_leader.get((leader.id or 0, m.id.value))) for m in personal
                ),
            )
            for leader in leaders_of(session, pod_id=pod.id)
        )
        surveys = tuple(
            Entry(metric=m, survey_round=note)
            if m.instrument is Instrument.EMCOACH_SURVEY
            else _entry(m, by_pod.get((pod.id, m.id.value)))
            for m in metrics
            if m.instrument is Instrument.COMPANY_SURVEY
            or (m.instrument is Instrument.EMCOACH_SURVEY and rounds)
        )
        pods.append(
            PodEntries(
                pod_id=pod.id,
                name=pod.name,
                leaders=leaders if personal else (),
                surveys=surveys,
            )
        )
    return pods


def pod_entries(session: Session, program: Program) -> list[PodEntries]:
    """Every pod, its leaders, and each criterion's baseline or None."""
    assert program.id is not None
    rows = baselines_of(session, program_id=program.id)
    return cohort_entries(
        session,
        program,
        by_leader={(row.leader_id, row.metric_id): row for row in rows if row.leader_id},
        by_pod={(row.pod_id, row.metric_id): row for row in rows if row.pod_id},
        rounds=True,
    )


def find_leader_entries(
    pods: Sequence[PodEntries], leader: Leader
) -> tuple[PodEntries, LeaderEntries]:
    """The pod and entries of ``leader`` in ``pods`` (from ``cohort_entries``)."""
    pod = next(pod for pod in pods if pod.pod_id == leader.pod_id)
    return pod, next(entry for entry in pod.leaders if entry.leader_id == leader.id)


def peek_refusal(engine: Engine, program: Program, *, now: datetime) -> str | None:
    """Whether a baseline change would be refused now, without using up a deviation: the
    check runs in a transaction that is rolled back. For buttons, so nobody fills in a form
    that cannot be saved."""
    with Session(engine) as session:
        try:
            return change_refusal(session, program, ProgramField.BASELINES, now=now)
        finally:
            session.rollback()


def owned_leader(
    session: Session, *, team_id: str, user_id: str, program_id: int, leader_id: int
) -> tuple[Program, Leader] | None:
    """The program and leader a per-leader form is about, when ``user_id`` owns that program
    (checked anew: the form may have been open for a while)."""
    program = get_program(session, team_id=team_id, program_id=program_id)
    if program is None or program.id is None:
        return None
    if not has_role(session, program_id=program.id, user_id=user_id, role=Role.OWNER):
        return None
    leader = get_leader(session, program_id=program.id, leader_id=leader_id)
    if leader is None or leader.id is None:
        return None
    return program, leader


def missing_before_commit(session: Session, program: Program) -> tuple[str, ...]:
    return setup_state(session, program).missing


def relock(
    session: Session, program: Program, *, metric_ids: Sequence[str], now: datetime
) -> list[ChangeLine]:
    """After commit, in the unit of work of a change a deviation allowed: the locked
    baselines of ``metric_ids`` computed anew (on each criterion's instrument), those of
    criteria no longer chosen dropped; old → new for each. A program whose figures were never
    locked has nothing to relock."""
    assert program.id is not None
    locked = locked_figures(session, program_id=program.id)
    if not locked or program.committed_at is None:
        return []
    wanted = set(metric_ids)
    figures = [figure for figure in compute_locked(session, program) if figure.metric_id in wanted]
    metrics = metrics_of(session, program_id=program.id)
    relock_figures(
        session,
        program_id=program.id,
        figures=figures,
        criteria=[metric.id.value for metric in metrics],
        now=now,
    )
    names = {metric.id.value: metric.short_name for metric in metrics}
    threshold = program.anonymity_threshold

    def text(figure: LockedFigure | None) -> str:
        return "none" if figure is None else locked_baseline_text(figure, threshold=threshold)

    lines: list[ChangeLine] = []
    for figure in figures:
        before = locked.get(figure.metric_id)
        if before == figure:
            continue
        new = text(figure)
        if before is None or before.instrument is not figure.instrument:
            new += f" ({figure.instrument.label})"
        lines.append(ChangeLine(f"{names[figure.metric_id]} locked baseline", text(before), new))
    return lines


# --- a leader's baselines -----------------------------------------------------------------------


class LeaderSaved(enum.StrEnum):
    NOT_OWNER = "not_owner"  # or the leader is gone
    NOTHING = "nothing"  # no criterion is entered per leader
    INVALID = "invalid"  # ``errors``, by input id
    REFUSED = "refused"  # locked: ``message``
    SAVED = "saved"


@dataclass(frozen=True, slots=True, kw_only=True)
class LeaderOutcome:
    saved: LeaderSaved
    errors: Mapping[str, str] | None = None
    message: str = ""
    user_id: str = ""  # the leader's
    values: tuple[EnteredValue, ...] = ()
    source: str = ""
    missing: tuple[str, ...] = ()  # what commit still needs after the save


def leader_metrics(session: Session, *, program_id: int) -> list[MetricDefinition]:
    """The criteria whose values are entered per leader."""
    return [
        metric
        for metric in metrics_of(session, program_id=program_id)
        if metric.instrument is Instrument.LEADER_VALUES
    ]


def submit_leader_baselines(
    engine: Engine,
    *,
    team_id: str,
    user_id: str,
    program_id: int,
    leader_id: int,
    state: ViewState,
    form: ValueForm,
    now: datetime,
) -> LeaderOutcome:
    """A leader's baseline form, submitted: checked, saved if the baselines may change (after
    commit, under a posted deviation, with old → new and the locked figure recomputed)."""
    with session_scope(engine) as session:
        owned = owned_leader(
            session, team_id=team_id, user_id=user_id, program_id=program_id, leader_id=leader_id
        )
        if owned is None:
            return LeaderOutcome(saved=LeaderSaved.NOT_OWNER)
        program, leader = owned
        assert program.id is not None and leader.id is not None
        metrics = leader_metrics(session, program_id=program.id)
        if not metrics:
            return LeaderOutcome(saved=LeaderSaved.NOTHING)
        saved, errors = read_leader_form(state, metrics, form=form)
        if errors:
            return LeaderOutcome(saved=LeaderSaved.INVALID, errors=errors)
        permit = change_permit(session, program, ProgramField.BASELINES, now=now)
        if permit.refusal:
            return LeaderOutcome(saved=LeaderSaved.REFUSED, message=permit.refusal)
        source = state.text(form.source) or DEFAULT_SOURCE
        changes = baseline_change_lines(
            session,
            program_id=program.id,
            who=f"<@{leader.user_id}>",
            values=[(value.metric, value.value) for value in saved],
            leader_id=leader.id,
        )
        for value in saved:
            save_baseline(
                session,
                program_id=program.id,
                metric_id=value.metric.id.value,
                leader_id=leader.id,
                value=value.value,
                details=value.details,
                source=source,
                recorded_by=user_id,
                now=now,
            )
        changes += relock(session, program, metric_ids=[v.metric.id.value for v in saved], now=now)
        changed_under(session, program, permit, changes, now=now)
        return LeaderOutcome(
            saved=LeaderSaved.SAVED,
            user_id=leader.user_id,
            values=tuple(saved),
            source=source,
            missing=missing_before_commit(session, program),
        )


# --- the pod's survey baseline ------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class SurveyForm:
    """What the pod's survey button opens, on the criterion's locked instrument."""

    program_id: int
    pod_id: int
    pod_name: str
    entry: Entry
    asked: bool  # emcoach's baseline round was sent
    people: int  # who have answered it so far (a count, never a figure)
    threshold: int


def survey_form(
    session: Session, program: Program, *, pod_id: int, metric_id: str
) -> SurveyForm | None:
    """None when the pod or the criterion is gone."""
    assert program.id is not None
    entries = next(
        (entry for entry in pod_entries(session, program) if entry.pod_id == pod_id), None
    )
    survey = (
        next((s for s in entries.surveys if s.metric.id.value == metric_id), None)
        if entries
        else None
    )
    if entries is None or survey is None:
        return None
    return SurveyForm(
        program_id=program.id,
        pod_id=entries.pod_id,
        pod_name=entries.name,
        entry=survey,
        asked=baseline_round_sent(session, program=program),
        people=round_people(session, program),
        threshold=program.anonymity_threshold,
    )


class SurveyInput(enum.StrEnum):
    """The two fields of a company-survey result: at baseline and at each checkpoint."""

    VALUE = "value"
    SOURCE = "source"


def read_survey_result(
    value_text: str, source: str, metric: MetricDefinition
) -> tuple[Decimal | None, dict[SurveyInput, str]]:
    """A company survey's result and where it came from, as typed: (the value, or None with
    what to fix per field)."""
    errors: dict[SurveyInput, str] = {}
    value = None
    try:
        value = parse_value(value_text, metric)
    except MetricValueError as error:
        errors[SurveyInput.VALUE] = str(error)
    if not source:
        errors[SurveyInput.SOURCE] = (
            "Say which survey the result comes from: its name, date and answers."
        )
    return (None, errors) if errors else (value, errors)


class SurveySaved(enum.StrEnum):
    NOT_OWNER = "not_owner"  # or the pod or criterion is gone
    INVALID = "invalid"  # ``errors``
    REFUSED = "refused"  # locked: ``message``
    SENT = "sent"  # emcoach's baseline round: ``added`` people asked now
    SAVED = "saved"  # the company survey's result for the pod


@dataclass(frozen=True, slots=True, kw_only=True)
class SurveyOutcome:
    saved: SurveySaved
    message: str = ""
    errors: Mapping[SurveyInput, str] | None = None
    added: int = 0
    threshold: int = 0
    pod_name: str = ""
    value: EnteredValue | None = None
    source: str = ""
    missing: tuple[str, ...] = ()  # what commit still needs after the save


def _survey_metric(session: Session, program: Program, metric_id: str) -> MetricDefinition | None:
    assert program.id is not None
    return next(
        (m for m in metrics_of(session, program_id=program.id) if m.id.value == metric_id), None
    )


def submit_survey(
    engine: Engine,
    *,
    team_id: str,
    user_id: str,
    program_id: int,
    pod_id: int,
    metric_id: str,
    value_text: str,
    source: str,
    now: datetime,
) -> SurveyOutcome:
    """The pod's survey form, submitted: it follows the instrument locked with the criteria
    (emcoach's survey: send the baseline round; the company's: save the pod's result)."""
    with session_scope(engine) as session:
        program = get_program(session, team_id=team_id, program_id=program_id)
        if (
            program is None
            or program.id is None
            or not has_role(session, program_id=program.id, user_id=user_id, role=Role.OWNER)
        ):
            return SurveyOutcome(saved=SurveySaved.NOT_OWNER)
        metric = _survey_metric(session, program, metric_id)
        pod = get_pod(session, program_id=program.id, pod_id=pod_id)
        if metric is None or pod is None or pod.id is None:
            return SurveyOutcome(saved=SurveySaved.NOT_OWNER)
        if metric.instrument is Instrument.EMCOACH_SURVEY:
            refusal = change_refusal(session, program, ProgramField.BASELINES, now=now)
            if refusal:
                return SurveyOutcome(saved=SurveySaved.REFUSED, message=refusal)
            if program.kickoff_date is None:
                return SurveyOutcome(saved=SurveySaved.REFUSED, message=_NO_KICKOFF)
            added = send_baseline_round(session, program=program, now=now)
            return SurveyOutcome(
                saved=SurveySaved.SENT, added=added, threshold=program.anonymity_threshold
            )
        value, errors = read_survey_result(value_text, source, metric)
        if value is None:
            return SurveyOutcome(saved=SurveySaved.INVALID, errors=errors)
        permit = change_permit(session, program, ProgramField.BASELINES, now=now)
        if permit.refusal:
            return SurveyOutcome(saved=SurveySaved.REFUSED, message=permit.refusal)
        changes = baseline_change_lines(
            session,
            program_id=program.id,
            who=f"pod {plain(pod.name)}",
            values=[(metric, value)],
            pod_id=pod.id,
        )
        save_baseline(
            session,
            program_id=program.id,
            metric_id=metric.id.value,
            pod_id=pod.id,
            value=value,
            details=None,
            source=source,
            recorded_by=user_id,
            now=now,
        )
        changes += relock(session, program, metric_ids=[metric.id.value], now=now)
        changed_under(session, program, permit, changes, now=now)
        return SurveyOutcome(
            saved=SurveySaved.SAVED,
            pod_name=pod.name,
            value=EnteredValue(metric, value),
            source=source,
            missing=missing_before_commit(session, program),
        )


_NO_KICKOFF = (
    "The program has no kickoff date yet, and the baseline round belongs to it: set one with "
    "`/emcoach setup`, then send the survey."
)
