"""Export: an owner's copy of a program's record, as CSV files in one zip.

One unit of work reads everything and builds the zip's bytes; the handler uploads it to the
owner's DM afterwards, with no transaction open. The figures are the posts' own: the locked
plan and its hash (the record under the pre-commitment), the locked baselines, every value
entered, and each published checkpoint's results computed by the same code as its post (so a
file and a post cannot disagree). Anonymous surveys appear only as a closed round's pooled
figure from at least the locked threshold in people — never a count below it, never an open
round (a later figure could be differenced against it), never one answer.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.blocks.prompts.checkpoint import baseline_text, change_text, is_hidden, shown_verdict
from bot.blocks.prompts.checkpoint import uncertainty_text as points_text
from bot.blocks.prompts.data import CheckpointData
from bot.domain.analysis import Instrument, LockedFigure, rule_text
from bot.domain.export import Table, export_filename, neutralise, zip_bytes
from bot.domain.localtime import local_date
from bot.domain.metrics import get_metric
from bot.domain.program_rules import ProgramField, ProgramState, has_reached
from bot.domain.record import RECORD_FILE, VERIFY_COMMAND
from bot.domain.roles import Role
from bot.domain.survey_rounds import round_figure
from bot.domain.timeline import Timeline
from bot.domain.units import number_text, value_text
from bot.engine.commitment import baseline_figures, commitment_record
from bot.engine.results import checkpoint_data
from storage.closing import published
from storage.db import session_scope
from storage.deviations import changes_of, deviation_post_of, deviations_of
from storage.export import entered_values, one_on_ones
from storage.models import Program
from storage.programs import get_program, has_role
from storage.setup_state import frozen_definitions, instruments_of, metrics_of
from storage.survey_rounds import rounds_of, scores


class ExportAnswer(enum.StrEnum):
    NOT_FOUND = "not_found"
    NOT_OWNER = "not_owner"
    NOT_COMMITTED = "not_committed"  # nothing is locked yet: there is no record to export
    READY = "ready"


@dataclass(frozen=True, slots=True)
class Archive:
    filename: str
    content: bytes
    files: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ExportOutcome:
    answer: ExportAnswer
    program_name: str = ""
    archive: Archive | None = None


def export_program(
    engine: Engine, *, team_id: str, user_id: str, program_id: int, now: datetime
) -> ExportOutcome:
    """The zip for an owner of a committed program (running or closed)."""
    with session_scope(engine) as session:
        program = get_program(session, team_id=team_id, program_id=program_id)
        if program is None or program.id is None:
            return ExportOutcome(answer=ExportAnswer.NOT_FOUND)
        name = program.name
        if not has_role(session, program_id=program.id, user_id=user_id, role=Role.OWNER):
            return ExportOutcome(answer=ExportAnswer.NOT_OWNER, program_name=name)
        if not has_reached(program.status, ProgramState.COMMITTED) or not program.commitment_ts:
            return ExportOutcome(answer=ExportAnswer.NOT_COMMITTED, program_name=name)
        tables, texts = record_tables(session, program, now=now)
    content = zip_bytes(tables, texts=texts, at=now)
    files = tuple(table.filename for table in tables) + tuple(name for name, _ in texts)
    archive = Archive(filename=export_filename(name, on=now), content=content, files=files)
    return ExportOutcome(answer=ExportAnswer.READY, program_name=name, archive=archive)


def record_tables(
    session: Session, program: Program, *, now: datetime
) -> tuple[list[Table], list[tuple[str, str]]]:
    """The CSV tables and the plain text files of the zip."""
    assert program.id is not None and program.kickoff_date is not None
    timeline = Timeline(kickoff=program.kickoff_date, months=program.months)
    record = commitment_record(session, program)
    locked = {figure.metric_id: figure for figure in baseline_figures(session, program)}
    checkpoints = [
        checkpoint_data(session, program, occasion=occasion, now=now)
        for occasion in (timeline.midpoint, timeline.evaluation)
        if published(session, program_id=program.id, occasion=occasion) is not None
    ]
    tables = [
        _plan(program, timeline, record.record_hash),
        _criteria(session, program, locked),
        _baselines(session, program, locked),
        _checkpoint_values(session, program),
        _results(checkpoints, timeline),
        _surveys(session, program, timeline),
        _sessions(session, program),
        _deviations(session, program),
    ]
    texts = [
        (RECORD_FILE, "\n".join([record.record_json, *record.definition_lines]) + "\n"),
        ("README.txt", _readme(program, record.record_hash)),
    ]
    return tables, texts


def _day(instant: datetime | None, program: Program) -> str:
    return "" if instant is None else local_date(instant, program.timezone).isoformat()


def _plan(program: Program, timeline: Timeline, record_hash: str) -> Table:
    rows: list[tuple[object, ...]] = [
        ("program", program.name),
        ("status", program.status.value),
        ("kickoff", timeline.kickoff.isoformat()),
        ("month_3_checkpoint", timeline.midpoint.isoformat()),
        (f"month_{program.months}_evaluation", timeline.evaluation.isoformat()),
        ("time_zone", program.timezone),
        ("anonymity_threshold_people", program.anonymity_threshold),
        ("coaching_model", program.coaching_model or ""),
        ("coach_decision", program.coach_decision or ""),
        ("budget_owner", program.budget_owner_id or ""),
        ("criteria_signed_off_by", program.signed_off_by or ""),
        ("criteria_signed_off_on", _day(program.signed_off_at, program)),
        ("committed_on", _day(program.committed_at, program)),
        ("definitions_sha256", program.criteria_hash or ""),
        ("locked_record_sha256", record_hash),
        ("locked_record_file", RECORD_FILE),
    ]
    return Table("plan.csv", ("field", "value"), tuple(rows))


def _criteria(session: Session, program: Program, locked: dict[str, LockedFigure]) -> Table:
    assert program.id is not None
    instruments = instruments_of(session, program_id=program.id)
    rows = []
    for position, definition in enumerate(frozen_definitions(session, program_id=program.id), 1):
        metric_id = str(definition["id"])
        instrument = instruments.get(metric_id)
        expected = definition.get("expected") or {}
        rows.append(
            (
                position,
                metric_id,
                definition.get("name", ""),
                definition.get("unit", ""),
                definition.get("direction", ""),
                "" if instrument is None else instrument.value,
                "" if instrument is None else rule_text(instrument),
                expected.get("seed_text", "none published") if expected else "none published",
                definition.get("definition", ""),
            )
        )
    return Table(
        "criteria.csv",
        (
            "position",
            "metric_id",
            "criterion",
            "unit",
            "direction",
            "instrument",
            "analysis_rule",
            "expected_6_months",
            "definition",
        ),
        tuple(rows),
    )


def _shown(metric_id: str, value: Decimal | None) -> str:
    return "" if value is None else value_text(metric_id, value)


def _baselines(session: Session, program: Program, locked: dict[str, LockedFigure]) -> Table:
    """The locked pooled figures, then the values they were pooled from (leader-level values
    and company-survey pod values; emcoach's survey is in surveys.csv)."""
    assert program.id is not None
    threshold = program.anonymity_threshold
    rows: list[tuple[object, ...]] = []
    for metric in metrics_of(session, program_id=program.id):
        figure = locked.get(metric.id.value)
        if figure is None:
            continue
        hidden = figure.figure is None and figure.instrument is not Instrument.LEADER_VALUES
        rows.append(
            (
                metric.id.value,
                metric.short_name,
                "pooled, locked at commit",
                "cohort",
                "" if figure.figure is None else number_text(figure.figure),
                f"fewer than {threshold} responses"
                if hidden
                else _shown(metric.id.value, figure.figure),
                figure.n if not hidden else f"fewer than {threshold}",
                figure.instrument.value,
                "",
            )
        )
    by_instrument = {metric_id: figure.instrument for metric_id, figure in locked.items()}
    for value in entered_values(session, program_id=program.id):
        instrument = by_instrument.get(value.metric_id)
        wanted = "pod" if instrument is Instrument.COMPANY_SURVEY else "leader"
        if value.month != 0 or instrument is Instrument.EMCOACH_SURVEY or value.scope != wanted:
            continue
        rows.append(
            (
                value.metric_id,
                get_metric(value.metric_id).short_name,
                value.scope,
                value.who,
                number_text(value.value),
                _shown(value.metric_id, value.value),
                "",
                "" if instrument is None else instrument.value,
                value.source,
            )
        )
    return Table(
        "baselines.csv",
        ("metric_id", "criterion", "scope", "who", "value", "shown", "n", "instrument", "source"),
        tuple(rows),
    )


def _checkpoint_values(session: Session, program: Program) -> Table:
    assert program.id is not None
    rows = [
        (
            value.month,
            value.metric_id,
            get_metric(value.metric_id).short_name,
            value.who,
            number_text(value.value),
            _shown(value.metric_id, value.value),
            value.source,
            value.details or "",
            value.recorded_by,
            _day(value.recorded_at, program),
        )
        for value in entered_values(session, program_id=program.id)
        if value.month != 0
    ]
    return Table(
        "checkpoint_values.csv",
        (
            "month",
            "metric_id",
            "criterion",
            "leader",
            "value",
            "shown",
            "source",
            "details",
            "entered_by",
            "entered_on",
        ),
        tuple(rows),
    )


def _results(checkpoints: Sequence[CheckpointData], timeline: Timeline) -> Table:
    """Each published checkpoint's results in the words of its post."""
    rows: list[tuple[object, ...]] = []
    for checkpoint in checkpoints:
        day = timeline.evaluation if checkpoint.final else timeline.midpoint
        threshold = checkpoint.anonymity_threshold
        for result in checkpoint.criteria:
            hidden = is_hidden(result, threshold)
            now = (
                f"fewer than {threshold} responses"
                if hidden
                else "missing"
                if result.now is None or result.metric_id is None
                else value_text(result.metric_id, result.now)
            )
            rows.append(
                (
                    checkpoint.month,
                    day.isoformat(),
                    "" if result.metric_id is None else result.metric_id.value,
                    result.name,
                    baseline_text(result, threshold),
                    now,
                    f"fewer than {threshold} responses" if hidden else change_text(result),
                    result.expected or "none published",
                    shown_verdict(result, threshold).label,
                    points_text(result, threshold),
                    " ".join(result.missing_for),
                )
            )
    return Table(
        "results.csv",
        (
            "month",
            "checkpoint",
            "metric_id",
            "criterion",
            "baseline",
            "now",
            "change",
            "expected_6_months",
            "verdict",
            "based_on",
            "left_out",
        ),
        tuple(rows),
    )


def _surveys(session: Session, program: Program, timeline: Timeline) -> Table:
    """emcoach's anonymous survey, one pooled line a round: only a closed round's figure,
    only from at least the threshold in people."""
    assert program.id is not None
    threshold = program.anonymity_threshold
    instruments = instruments_of(session, program_id=program.id)
    rows: list[tuple[object, ...]] = []
    if Instrument.EMCOACH_SURVEY not in instruments.values():
        return Table("surveys.csv", _SURVEY_HEADER, ())
    rounds = {row.occasion: row for row in rounds_of(session, program_id=program.id)}
    for label, occasion in (
        ("baseline", timeline.kickoff),
        ("month 3", timeline.midpoint),
        (f"month {program.months}", timeline.evaluation),
    ):
        survey_round = rounds.get(occasion)
        if survey_round is None or survey_round.closed_at is None:
            rows.append((label, occasion.isoformat(), "open or not started", "", ""))
            continue
        people = survey_round.respondents or 0
        figure = round_figure(
            scores(session, program_id=program.id, occasion=occasion),
            people=people,
            threshold=threshold,
        )
        if figure.mean is None:
            rows.append(
                (
                    label,
                    occasion.isoformat(),
                    "closed",
                    f"fewer than {threshold}",
                    f"fewer than {threshold} responses",
                )
            )
        else:
            rows.append((label, occasion.isoformat(), "closed", people, figure.mean))
    return Table("surveys.csv", _SURVEY_HEADER, tuple(rows))


_SURVEY_HEADER = ("round", "round_date", "round_state", "people", "mean_of_5")


def _sessions(session: Session, program: Program) -> Table:
    """1:1s by pod and month, then the totals (the figures the results posts print)."""
    assert program.id is not None
    outcomes = ("held", "not held", "skipped", "not logged")
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for one in one_on_ones(session, program_id=program.id):
        for key in ((one.pod, f"{one.occasion:%Y-%m}"), ("all pods", "all months")):
            counts.setdefault(key, dict.fromkeys(outcomes, 0))[one.outcome] += 1
    counts.setdefault(("all pods", "all months"), dict.fromkeys(outcomes, 0))
    ordered = sorted(counts, key=lambda key: (key[0] == "all pods", key))
    rows = tuple(
        (pod, month, *(counts[(pod, month)][o] for o in outcomes)) for pod, month in ordered
    )
    return Table(
        "sessions.csv", ("pod", "month", "held", "not_held", "skipped", "not_logged"), rows
    )


def _deviations(session: Session, program: Program) -> Table:
    assert program.id is not None
    rows: list[tuple[object, ...]] = []
    for deviation in deviations_of(session, program_id=program.id):
        post = deviation_post_of(session, deviation)
        posted = deviation.ts is not None or (post is not None and post.state.value == "sent")
        state = "posted" if posted else post.state.value if post is not None else "unknown"
        common = (
            deviation.id,
            _day(deviation.created_at, program),
            ProgramField(deviation.field).phrase,
            deviation.reason,
            deviation.requested_by,
            state,
        )
        changes = changes_of(deviation)
        if not changes:
            rows.append((*common, "", "", ""))
        rows += [(*common, line.what, line.old, line.new) for line in changes]
    return Table(
        "deviations.csv",
        (
            "deviation",
            "announced_on",
            "what_changed",
            "reason",
            "requested_by",
            "post",
            "item",
            "old",
            "new",
        ),
        tuple(rows),
    )


def _readme(program: Program, record_hash: str) -> str:
    return "\n".join(
        [
            f"emcoach export of {neutralise(program.name)}",
            "",
            "plan.csv           the locked plan: dates, threshold, sign-off, hashes",
            "criteria.csv       each criterion's frozen definition, instrument and rule",
            "baselines.csv      the locked pooled baselines and the values they came from",
            "checkpoint_values.csv  values entered at each checkpoint, per leader",
            "results.csv        each published checkpoint's results, as its post words them",
            "surveys.csv        the anonymous survey, one pooled line per closed round",
            "sessions.csv       1:1s held / not held / skipped / not logged, by pod and month",
            "deviations.csv     every change to what was locked, old -> new",
            f"{RECORD_FILE}         the locked record; check its SHA-256 ({record_hash}) with:",
            f"    {VERIFY_COMMAND}",
            "",
            "Survey figures from fewer people than the anonymity threshold are never shown,",
            "and no file holds any one person's survey answer.",
            "Cells starting with = + - @ are prefixed with ' so no spreadsheet runs them.",
        ]
    )
