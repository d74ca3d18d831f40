"""Every kind of agenda row of a real planned program renders as a valid message."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from slack_sdk import WebClient
from sqlalchemy.engine import Engine

from bot.clock import FixedClock
from bot.domain.cadence import AgendaKind, AgendaState
from bot.domain.program_rules import ChangeLine, ProgramField
from bot.engine.nudges import plan_setup_nudges
from bot.engine.planning import replan_program
from bot.engine.render import render
from bot.sim.standin import SlackStandIn
from storage.agenda import Wanted, add_once, rows_of
from storage.batch import load_batch
from storage.db import session_scope
from storage.deviations import record_deviation, record_deviation_change
from storage.models import Program
from tests.support.blockkit import assert_valid_message
from tests.support.programs import LeaderSpec, PodSpec, make_program


def test_every_planned_kind_renders_valid_block_kit(
    engine: Engine, slack: SlackStandIn, clock: FixedClock
) -> None:
    program_id = make_program(
        engine,
        kickoff=date(2027, 3, 1),
        criteria=("lead_time", "one_on_one_quality", "report_retention"),
        signed_off=True,
        baselines=True,
        committed=True,
        pods=(PodSpec(leaders=[LeaderSpec("U0LEAD1"), LeaderSpec("U0LEAD2", at=time(9, 0))]),),
    )
    draft_id = make_program(engine, name="Draft", kickoff=date(2027, 6, 1))
    now = datetime(2027, 2, 20, tzinfo=UTC)
    client = WebClient(token="xoxb-render", base_url=slack.api_url)
    replan_program(engine, client, program_id=program_id, now=now)
    with session_scope(engine) as session:
        program = session.get(Program, program_id)
        assert program is not None
        # The public record: the pre-commitment, its copy for the budget owner, a deviation.
        for key, kind, recipient in (
            ("commitment:post", AgendaKind.COMMITMENT_POST, "C0ENG"),
            ("commitment:copy", AgendaKind.COMMITMENT_COPY, "U0CFO"),
            ("commitment:record", AgendaKind.COMMITMENT_RECORD, "C0ENG"),
        ):
            add_once(
                session,
                program_id=program_id,
                row=Wanted(
                    key=key,
                    kind=kind.value,
                    recipient=recipient,
                    about=str(program_id),
                    occasion=now.date(),
                    due_at=now,
                    state=AgendaState.PENDING,
                ),
            )
        deviation, _ = record_deviation(
            session,
            program=program,
            channel_id="C0ENG",
            field=ProgramField.DATES,
            reason="The coach starts a week later.",
            requested_by="U0OWNER",
            request_key="trigger-1",
            now=now,
        )
        record_deviation_change(
            session,
            program=program,
            deviation=deviation,
            changes=[ChangeLine("Kickoff", "Mon 1 Mar 2027", "Mon 8 Mar 2027")],
            now=now,
        )
        add_once(
            session,
            program_id=program_id,
            row=Wanted(
                key="owner_alert:account_inactive:U0LEAD2:U0OWNER",
                kind=AgendaKind.OWNER_ALERT.value,
                recipient="U0OWNER",
                about="U0LEAD2|account_inactive|one_on_one_pre",
                occasion=now.date(),
                due_at=now,
                state=AgendaState.PENDING,
            ),
        )
        assert plan_setup_nudges(session, now=now) > 0
    rendered: set[str] = set()
    with session_scope(engine) as session:
        for pid in (program_id, draft_id):
            program = session.get(Program, pid)
            assert program is not None
            for row in rows_of(session, program_id=pid, states=[AgendaState.PENDING]):
                if row.kind in rendered:
                    continue
                reply = render(session, row, load_batch(session, [row]), row.due_at)
                assert_valid_message({"text": reply.text, "blocks": reply.blocks})
                rendered.add(row.kind)
    # Planned only after a survey is sent, after a results post is sent (its chart), and when
    # the program closes (the summary: tests/scenario/test_close.py renders and sends it).
    sent_by_engine = {
        AgendaKind.SURVEY_REMINDER.value,
        AgendaKind.CHECKPOINT_CHART.value,
        AgendaKind.CLOSING_SUMMARY.value,
        AgendaKind.CLOSING_SUMMARY_OWNER.value,
    }
    assert rendered == {kind.value for kind in AgendaKind} - sent_by_engine


def test_a_late_prompt_says_so(engine: Engine, slack: SlackStandIn, clock: FixedClock) -> None:
    program_id = make_program(
        engine,
        kickoff=date(2027, 3, 1),
        criteria=("lead_time", "one_on_one_quality"),
        signed_off=True,
        baselines=True,
        committed=True,
        pods=(PodSpec(),),
    )
    client = WebClient(token="xoxb-render", base_url=slack.api_url)
    now = datetime(2027, 2, 20, tzinfo=UTC)
    replan_program(engine, client, program_id=program_id, now=now)
    with session_scope(engine) as session:
        row = next(
            row
            for row in rows_of(session, program_id=program_id)
            if row.kind == AgendaKind.ONE_ON_ONE_POST
        )
        on_time = render(session, row, load_batch(session, [row]), row.due_at)
        late = render(session, row, load_batch(session, [row]), row.due_at + timedelta(hours=5))
    assert "late" not in on_time.text.lower()
    assert "late" in late.text.lower()
