"""From an agenda row to its message: gather the row's context from storage, then build."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from sqlmodel import Session

from bot.blocks.prompts import (
    DeviationChangeData,
    DeviationPostData,
    OwnerAlert,
    PromptContext,
    PromptData,
    SetupNudge,
    SurveyData,
    build_prompt,
)
from bot.blocks.reply import FileUpload, Reply
from bot.domain.cadence import (
    ONE_ON_ONE_LENGTH,
    ONE_ON_ONE_PRE_LEAD,
    POD_SESSION_LENGTH,
    AgendaKind,
)
from bot.domain.localtime import format_local, local_date, to_instant
from bot.domain.program_rules import ProgramField
from bot.domain.sprint import due_date
from bot.engine.chart import results_chart
from bot.engine.commitment import commitment_of, commitment_record
from bot.engine.digest import digest_data
from bot.engine.results import checkpoint_data
from bot.flows.close import summary_of
from storage.agenda import row_by_id
from storage.answers import parse_reminder_key
from storage.batch import AgendaBatch
from storage.deviations import changes_of, deviation_by_id
from storage.models import AgendaRow, Program

# A prompt sent this much after its due time says it is late.
LATE_NOTICE = timedelta(minutes=15)

_LEADER_SESSION = {
    AgendaKind.ONE_ON_ONE_PRE: ONE_ON_ONE_PRE_LEAD,
    AgendaKind.ONE_ON_ONE_POST: -ONE_ON_ONE_LENGTH,
    AgendaKind.ONE_ON_ONE_LOG: -ONE_ON_ONE_LENGTH,
}
_ABOUT_A_LEADER = {
    *_LEADER_SESSION,
    AgendaKind.THREE_SIXTY,
    AgendaKind.SURVEY,
    AgendaKind.SURVEY_REMINDER,
}


def render(session: Session, row: AgendaRow, batch: AgendaBatch, now: datetime) -> Reply:
    """The row's message. ``batch`` holds what its kind names (loaded once per claimed batch);
    ``session`` serves the kinds that summarise a program (digest, checkpoint)."""
    assert row.id is not None
    program = batch.programs[row.program_id]
    kind = AgendaKind(row.kind)
    late = now - row.due_at
    context = PromptContext(
        kind=kind,
        program_name=program.name,
        recipient_id=row.recipient,
        about_id=row.about,
        occasion=row.occasion,
        row_id=row.id,
        late_by=late if late >= LATE_NOTICE else None,
    )
    zone = batch.zone(program, row.recipient)
    if kind in _ABOUT_A_LEADER:
        leader = batch.leader(row.program_id, row.about)
        pod = batch.pods.get(leader.pod_id) if leader is not None else None
        shift = _LEADER_SESSION.get(kind)
        context = replace(
            context,
            coach_id=pod.coach_id if pod else None,
            starts_local=format_local(row.due_at + shift, zone) if shift is not None else None,
            data=_survey_data(row, program, kind),
        )
    elif kind in (AgendaKind.POD_PRE, AgendaKind.POD_POST):
        pod = batch.pods.get(int(row.about))
        start = (
            row.due_at - POD_SESSION_LENGTH
            if kind is AgendaKind.POD_POST or pod is None or pod.session_time is None
            else to_instant(row.occasion, pod.session_time, program.timezone)
        )
        context = replace(
            context,
            about_id=pod.name if pod else row.about,
            coach_id=pod.coach_id if pod else None,
            starts_local=format_local(start, zone),
        )
    elif kind is AgendaKind.CHECKPOINT_CHART:
        return _with_chart(session, row, program, build_prompt(context), now)
    else:
        context = replace(context, data=_data(session, row, program, kind, now))
    return build_prompt(context)


def _with_chart(
    session: Session, row: AgendaRow, program: Program, words: Reply, now: datetime
) -> Reply:
    """The chart of the results post ``row.about`` names, into that post's thread."""
    publish = row_by_id(session, row_id=int(row.about))
    if publish is None or publish.ts is None:
        raise LookupError(f"agenda row {row.id}: results post {row.about} has no message")
    chart = results_chart(session, program, publish=publish, now=now)
    return replace(
        words,
        upload=FileUpload(
            content=chart.png,
            filename=chart.filename,
            title=chart.title,
            alt_text=chart.alt_text,
            thread_ts=publish.ts,
        ),
    )


def _data(
    session: Session, row: AgendaRow, program: Program, kind: AgendaKind, now: datetime
) -> PromptData | None:
    assert program.id is not None
    if kind is AgendaKind.COACH_DIGEST:
        return digest_data(
            session, program_id=program.id, coach_id=row.recipient, week_end=row.occasion
        )
    if kind in (AgendaKind.CHECKPOINT_PREVIEW, AgendaKind.CHECKPOINT_PUBLISH):
        return checkpoint_data(session, program, occasion=row.occasion, now=now)
    if kind is AgendaKind.SETUP_NUDGE:
        week = int(row.about)
        setup_date = local_date(program.created_at, program.timezone)
        return SetupNudge(week=week, due=due_date(setup_date, week))
    if kind in (AgendaKind.COMMITMENT_POST, AgendaKind.COMMITMENT_COPY):
        return commitment_of(session, program)
    if kind is AgendaKind.COMMITMENT_RECORD:
        return commitment_record(session, program)
    if kind is AgendaKind.DEVIATION_POST:
        deviation = deviation_by_id(session, deviation_id=int(row.about))
        if deviation is None:
            raise LookupError(f"agenda row {row.id}: deviation {row.about} is gone")
        return DeviationPostData(
            field=ProgramField(deviation.field),
            reason=deviation.reason,
            requested_by=deviation.requested_by,
        )
    if kind is AgendaKind.DEVIATION_CHANGE:
        deviation = deviation_by_id(session, deviation_id=int(row.about))
        if deviation is None:
            raise LookupError(f"agenda row {row.id}: deviation {row.about} is gone")
        return DeviationChangeData(
            field=ProgramField(deviation.field),
            reason=deviation.reason,
            changes=changes_of(deviation),
            announced_on=local_date(deviation.created_at, program.timezone),
        )
    if kind in (AgendaKind.CLOSING_SUMMARY, AgendaKind.CLOSING_SUMMARY_OWNER):
        return summary_of(session, program, row=row, now=now)
    if kind is AgendaKind.OWNER_ALERT:
        recipient, error, about_kind = row.about.split("|", 2)
        return OwnerAlert(recipient_id=recipient, kind=AgendaKind(about_kind), error=error)
    return None


def _survey_data(row: AgendaRow, program: Program, kind: AgendaKind) -> SurveyData | None:
    if kind is AgendaKind.SURVEY:
        return SurveyData(anonymity_threshold=program.anonymity_threshold)
    if kind is AgendaKind.SURVEY_REMINDER:
        reference = parse_reminder_key(row.key)
        return SurveyData(
            anonymity_threshold=program.anonymity_threshold,
            reminder=reference.number if reference else 1,
        )
    return None
