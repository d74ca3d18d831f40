"""/emcoach baseline: week 4, where each leader starts on each criterion.

Per leader, one value per non-survey criterion (retention from two counts); per pod, the
anonymous 1:1-quality figure, from a survey the company already ran (emcoach's own baseline
survey belongs to the survey feature, which is not there yet). Baselines lock at commit:
every change asks `handlers.locks.change_refusal` first.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any, Protocol

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.blocks.baseline import (
    BASELINE_FORM,
    BASELINE_LEADER,
    BASELINE_LEADER_VIEW,
    BASELINE_SOURCE,
    BASELINE_SURVEY,
    BASELINE_SURVEY_VIEW,
    CHOICE_RAN,
    CHOICE_RUN,
    SURVEY_CHOICE,
    SURVEY_SOURCE,
    SURVEY_VALUE,
    Entry,
    LeaderEntries,
    PodEntries,
    ValueForm,
    build_baselines,
    build_leader_baseline_modal,
    build_survey_baseline_modal,
    describe_value,
    retention_details,
)
from bot.blocks.pod import ViewState
from bot.blocks.reply import Reply, build_notice_modal
from bot.domain.analysis import Instrument
from bot.domain.args import escape_mrkdwn
from bot.domain.metrics import MetricDefinition, MetricId, MetricValueError, check_value, get_metric
from bot.domain.program_rules import ProgramField
from bot.domain.roles import Audience
from bot.services import Services
from bot.slack_names import COMMAND
from handlers.locks import baseline_change_lines, change_permit, change_refusal, changed_under
from handlers.programs import (
    Chosen,
    choose_program,
    clicked_program,
    owned_program,
    refuse_click,
    team_of,
)
from handlers.router import Invocation, Router, Subcommand
from storage.baseline_round import choose_instrument, send_baseline_round
from storage.baselines import baselines_of, save_baseline
from storage.db import session_scope
from storage.models import Leader, Pod, Program
from storage.pods import find_pod, get_leader, get_pod
from storage.setup_state import criteria_of, leaders_of, metrics_of, pods_of, setup_state
from storage.survey_rounds import respondents

# Numeric(14, 4): ten digits before the point. Nothing real comes near it; a paste error might.
_LARGEST = Decimal(10) ** 10
_FOUR_PLACES = Decimal("0.0001")
_HUNDREDTH = Decimal("0.01")
DEFAULT_SOURCE = "entered by an owner in Slack"
_MISSING_SHOWN = 8


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


def _round_note(session: Session, program: Program) -> str:
    """How far emcoach's baseline round is: a count of people, never a figure."""
    assert program.id is not None and program.kickoff_date is not None
    people = respondents(session, program_id=program.id, occasion=program.kickoff_date)
    needed = program.anonymity_threshold
    return (
        f"emcoach's baseline survey (program-wide): {people} "
        f"{'person has' if people == 1 else 'people have'} answered; the figure is locked at "
        f"commit, which needs at least {needed}"
    )


def cohort_entries(
    session: Session,
    program: Program,
    *,
    by_leader: Mapping[tuple[int, str], Recorded],
    by_pod: Mapping[tuple[int, str], Recorded] | None,
) -> list[PodEntries]:
    """Every pod, its leaders, and each criterion's value or None: ``by_leader`` and
    ``by_pod`` are keyed by (leader or pod id, metric id). ``by_pod`` None leaves the
    anonymous-survey criteria out (they are not entered by hand at a checkpoint)."""
    assert program.id is not None
    metrics = metrics_of(session, program_id=program.id)
    personal = [metric for metric in metrics if not metric.anonymous_survey]
    on_emcoach_survey = {
        row.metric_id
        for row in criteria_of(session, program_id=program.id)
        if row.instrument == Instrument.EMCOACH_SURVEY.value
    }
    round_note = _round_note(session, program) if on_emcoach_survey else None
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
        surveys = (
            tuple(
                Entry(metric=m, survey_round=round_note)
                if m.id.value in on_emcoach_survey
                else _entry(m, by_pod.get((pod.id, m.id.value)))
                for m in metrics
                if m.anonymous_survey
            )
            if by_pod is not None
            else ()
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


# --- /emcoach baseline --------------------------------------------------------------------------


def run_baseline(invocation: Invocation) -> Reply:
    chosen = choose_program(invocation, subcommand="baseline")
    if not isinstance(chosen, Chosen):
        return chosen
    program = chosen.program
    assert program.id is not None
    with session_scope(invocation.services.engine) as session:
        if not metrics_of(session, program_id=program.id):
            return Reply(
                text=f"*{escape_mrkdwn(program.name)}* has no success criteria yet, so there is "
                f"nothing to baseline. Choose 2–3 with `{COMMAND} criteria` first."
            )
        pods = pod_entries(session, program)
        if not any(pod.leaders or pod.surveys for pod in pods):
            return Reply(
                text=f"*{escape_mrkdwn(program.name)}* has no pods or leaders yet. Add them with "
                f"`{COMMAND} pod`, then come back to `{COMMAND} baseline`."
            )
        shown = only_pod(session, program, pods, name=chosen.args, subcommand="baseline")
        if isinstance(shown, Reply):
            return shown
    locked = peek_refusal(invocation.services.engine, program, now=invocation.services.clock.now())
    return build_baselines(program_name=program.name, pods=shown, locked=locked)


def only_pod(
    session: Session, program: Program, pods: list[PodEntries], *, name: str, subcommand: str
) -> list[PodEntries] | Reply:
    """``pods``, or only the one named (what's left of the arguments), or what to type."""
    if not name.strip():
        return pods
    assert program.id is not None
    pod = find_pod(session, program_id=program.id, name=name.strip(' "“”'))
    if pod is None:
        names = ", ".join(escape_mrkdwn(entry.name) for entry in pods)
        return Reply(
            text=f"There's no pod called “{escape_mrkdwn(name.strip())}” in "
            f"*{escape_mrkdwn(program.name)}*. Its pods: {names}. Type `{COMMAND} {subcommand}` "
            "to see them all."
        )
    return [entry for entry in pods if entry.pod_id == pod.id]


# --- buttons ----------------------------------------------------------------------------------


_NOT_OWNER = (
    "Only the program's owners can enter baselines. Ask an owner to add you with "
    f"`{COMMAND} owner add @you`."
)


@dataclass(frozen=True, slots=True)
class _Clicked:
    program: Program
    view: dict[str, Any]


def _open_checked(
    *,
    services: Services,
    body: dict[str, Any],
    client: WebClient,
    respond: Respond,
    clicked: _Clicked | None,
) -> None:
    """Open the modal unless the person may not, or the baselines are locked."""
    if clicked is None:
        refuse_click(respond, _NOT_OWNER)
        return
    refusal = peek_refusal(services.engine, clicked.program, now=services.clock.now())
    if refusal:
        refuse_click(respond, refusal)
        return
    client.views_open(trigger_id=body["trigger_id"], view=clicked.view)


def open_leader_form(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    *,
    services: Services,
) -> None:
    ack()
    clicked = None
    with session_scope(services.engine) as session:
        leader = session.get(Leader, int(action["value"]))
        program = clicked_program(session, body, program_id=leader.program_id if leader else None)
        if leader is not None and program is not None and program.id is not None:
            pod, entries = find_leader_entries(pod_entries(session, program), leader)
            view = build_leader_baseline_modal(
                program_id=program.id, pod_name=pod.name, leader=entries
            )
            clicked = _Clicked(program, view)
    _open_checked(services=services, body=body, client=client, respond=respond, clicked=clicked)


def open_survey_form(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    *,
    services: Services,
) -> None:
    ack()
    target = json.loads(action["value"])
    clicked = None
    with session_scope(services.engine) as session:
        pod = session.get(Pod, int(target["pod"]))
        program = clicked_program(session, body, program_id=pod.program_id if pod else None)
        if pod is not None and program is not None and program.id is not None:
            entries = next(
                entry for entry in pod_entries(session, program) if entry.pod_id == pod.id
            )
            survey = next(s for s in entries.surveys if s.metric.id.value == target["metric"])
            view = build_survey_baseline_modal(
                program_id=program.id, pod_id=entries.pod_id, pod_name=pod.name, entry=survey
            )
            clicked = _Clicked(program, view)
    _open_checked(services=services, body=body, client=client, respond=respond, clicked=clicked)


# --- modals submitted -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EnteredValue:
    metric: MetricDefinition
    value: Decimal
    details: str | None = None


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


def saved_lines(saved: Sequence[EnteredValue]) -> str:
    """One line per saved value, with its unit, DORA band and counts."""
    return "\n".join(
        f"• {value.metric.short_name}: "
        + describe_value(Entry(metric=value.metric, value=value.value, details=value.details))
        for value in saved
    )


def _saved_text(
    session: Session, program: Program, *, who: str, saved: Sequence[EnteredValue], source: str
) -> str:
    lines = saved_lines(saved)
    missing = setup_state(session, program).missing
    if missing:
        shown = "; ".join(missing[:_MISSING_SHOWN])
        more = f" and {len(missing) - _MISSING_SHOWN} more" if len(missing) > _MISSING_SHOWN else ""
        after = f"Still missing before commit: {shown}{more}. `{COMMAND} baseline` shows all."
    else:
        after = f"Nothing is missing: preview the pre-commitment with `{COMMAND} commit`."
    return f"Saved for {who} (source: {escape_mrkdwn(source)}):\n{lines}\n{after}"


def _store(
    session: Session,
    program: Program,
    saved: Sequence[EnteredValue],
    *,
    leader_id: int | None = None,
    pod_id: int | None = None,
    source: str,
    by: str,
    now: datetime,
) -> None:
    assert program.id is not None
    for value in saved:
        save_baseline(
            session,
            program_id=program.id,
            metric_id=value.metric.id.value,
            leader_id=leader_id,
            pod_id=pod_id,
            value=value.value,
            details=value.details,
            source=source,
            recorded_by=by,
            now=now,
        )


def notice(ack: Ack, title: str, text: str) -> None:
    """Replace the submitted modal with what happened and what to do next."""
    ack(response_action="update", view=build_notice_modal(title=title, text=text))


def owned_leader(
    session: Session, body: dict[str, Any], meta: Mapping[str, Any]
) -> tuple[Program, Leader] | None:
    """The program and leader a per-leader form is about, when the person submitting it
    owns that program (checked anew: the form may have been open for a while)."""
    program = owned_program(
        session, team_id=team_of(body), program_id=int(meta["program"]), user_id=body["user"]["id"]
    )
    if program is None or program.id is None:
        return None
    leader = get_leader(session, program_id=program.id, leader_id=int(meta["leader"]))
    if leader is None or leader.id is None:
        return None
    return program, leader


def leader_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], *, services: Services
) -> None:
    meta = json.loads(view["private_metadata"])
    user_id, now = body["user"]["id"], services.clock.now()
    state = ViewState(view["state"]["values"])
    with session_scope(services.engine) as session:
        owned = owned_leader(session, body, meta)
        if owned is None:
            notice(ack, "Not saved", _NOT_OWNER)
            return
        program, leader = owned
        metrics = [
            m for m in metrics_of(session, program_id=leader.program_id) if not m.anonymous_survey
        ]
        if not metrics:
            notice(
                ack, "Not saved", f"Nothing to enter per leader. `{COMMAND} baseline` shows why."
            )
            return
        saved, errors = read_leader_form(state, metrics, form=BASELINE_FORM)
        if errors:
            ack(response_action="errors", errors=errors)
            return
        permit = change_permit(session, program, ProgramField.BASELINES, now=now)
        if permit.refusal:
            notice(ack, "Not saved", permit.refusal)
            return
        source = state.text(BASELINE_SOURCE) or DEFAULT_SOURCE
        assert program.id is not None
        changes = baseline_change_lines(
            session,
            program_id=program.id,
            who=f"<@{leader.user_id}>",
            values=[(value.metric, value.value) for value in saved],
            leader_id=leader.id,
        )
        _store(session, program, saved, leader_id=leader.id, source=source, by=user_id, now=now)
        changed_under(session, program, permit, changes, now=now)
        text = _saved_text(session, program, who=f"<@{leader.user_id}>", saved=saved, source=source)
    notice(ack, "Baselines saved", text)


def survey_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], *, services: Services
) -> None:
    meta = json.loads(view["private_metadata"])
    user_id, now = body["user"]["id"], services.clock.now()
    state = ViewState(view["state"]["values"])
    choice = state.option(SURVEY_CHOICE)
    if choice == CHOICE_RUN:
        _run_survey(ack, body, meta, services=services)
        return
    if choice != CHOICE_RAN:
        ack(
            response_action="errors",
            errors={SURVEY_CHOICE: "Choose where the baseline comes from."},
        )
        return
    metric = get_metric(str(meta["metric"]))
    errors: dict[str, str] = {}
    value = None
    try:
        value = parse_value(state.text(SURVEY_VALUE), metric)
    except MetricValueError as error:
        errors[SURVEY_VALUE] = str(error)
    source = state.text(SURVEY_SOURCE)
    if not source:
        errors[SURVEY_SOURCE] = "Say which survey the score comes from: its name, date and answers."
    if errors or value is None:
        ack(response_action="errors", errors=errors)
        return
    with session_scope(services.engine) as session:
        program = owned_program(
            session, team_id=team_of(body), program_id=int(meta["program"]), user_id=user_id
        )
        pod = (
            get_pod(session, program_id=program.id, pod_id=int(meta["pod"]))
            if program is not None and program.id is not None
            else None
        )
        if program is None or pod is None or pod.id is None:
            notice(ack, "Not saved", _NOT_OWNER)
            return
        permit = change_permit(session, program, ProgramField.BASELINES, now=now)
        if permit.refusal:
            notice(ack, "Not saved", permit.refusal)
            return
        saved = [EnteredValue(metric, value)]
        # One instrument per criterion: a value from the company's survey makes that survey
        # the instrument, at baseline and at every checkpoint.
        assert program.id is not None
        choose_instrument(
            session,
            program_id=program.id,
            metric_id=metric.id.value,
            instrument=Instrument.COMPANY_SURVEY,
        )
        changes = baseline_change_lines(
            session,
            program_id=program.id,
            who=f"pod {escape_mrkdwn(pod.name)}",
            values=[(metric, value)],
            pod_id=pod.id,
        )
        _store(session, program, saved, pod_id=pod.id, source=source, by=user_id, now=now)
        changed_under(session, program, permit, changes, now=now)
        text = _saved_text(
            session, program, who=f"pod {escape_mrkdwn(pod.name)}", saved=saved, source=source
        )
    notice(ack, "Baseline saved", text)


def _run_survey(
    ack: Ack, body: dict[str, Any], meta: dict[str, Any], *, services: Services
) -> None:
    """emcoach's own survey becomes the criterion's instrument, and its baseline round goes
    to every direct report now — before commit, which waits for enough answers."""
    user_id, now = body["user"]["id"], services.clock.now()
    with session_scope(services.engine) as session:
        program = owned_program(
            session, team_id=team_of(body), program_id=int(meta["program"]), user_id=user_id
        )
        if program is None or program.id is None or program.kickoff_date is None:
            notice(ack, "Not sent", _NOT_OWNER)
            return
        refusal = change_refusal(session, program, ProgramField.BASELINES, now=now)
        if refusal:
            notice(ack, "Not sent", refusal)
            return
        choose_instrument(
            session,
            program_id=program.id,
            metric_id=str(meta["metric"]),
            instrument=Instrument.EMCOACH_SURVEY,
        )
        added = send_baseline_round(session, program=program, now=now)
        threshold = program.anonymity_threshold
    sent = (
        f"Sending it now to {added} direct report(s) of the program's leaders"
        if added
        else "It was already sent to every direct report"
    )
    notice(
        ack,
        "Baseline survey",
        f"{sent}: one anonymous statement each, with reminders to those who haven't answered. "
        f"The baseline is the round's mean once at least {threshold} people have answered; "
        f"`{COMMAND} commit` waits for that, then closes the round and locks the figure.",
    )


def register(app: App, services: Services, router: Router) -> None:
    """Adds the subcommand to ``router`` and its actions and views to ``app``."""
    router.add(
        Subcommand(
            name="baseline",
            usage="baseline [program] [pod]",
            summary="week 4: enter where each leader starts on each success criterion",
            audience=Audience.OWNERS,
            run=run_baseline,
        )
    )
    app.action(BASELINE_LEADER)(partial(open_leader_form, services=services))
    app.action(BASELINE_SURVEY)(partial(open_survey_form, services=services))
    app.view(BASELINE_LEADER_VIEW)(partial(leader_submitted, services=services))
    app.view(BASELINE_SURVEY_VIEW)(partial(survey_submitted, services=services))
