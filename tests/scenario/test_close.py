"""Issue 11 point 6 over signed HTTP: after the month-6 post is confirmed, the program closes;
the budget owner gets the one-page summary in a DM and each other owner under their month-6
preview — exactly once, even when Slack's answer to the send is lost; status says closed;
the cadence stops."""

from __future__ import annotations

import json
from typing import Any

from bot.domain.cadence import AgendaKind, AgendaState
from bot.domain.program_rules import ProgramState
from bot.sim.standin import ServerError
from handlers import jobs
from storage.closing import CADENCE_KINDS
from storage.db import session_scope
from storage.models import Program
from tests.support.finished import (
    CFO,
    CO_OWNER,
    OWNER,
    clock_ticks,
    rows,
    run_to_close,
    run_to_month_6,
    section_texts,
    world_after,
)
from tests.support.live import LiveApp
from tests.support.public_posts import answer


def _status(live: LiveApp, program_id: int) -> ProgramState:
    with session_scope(live.services.engine) as session:
        program = session.get(Program, program_id)
        assert program is not None
        return program.status


def _summaries(live: LiveApp, user: str) -> list[dict[str, Any]]:
    return [message for message in live.slack.messages(user) if "is closed" in str(message["text"])]


def test_the_program_closes_after_its_month_6_post_and_the_summary_goes_out_once() -> None:
    with world_after(run_to_month_6) as (live, finished):
        assert _status(live, finished.program_id) is ProgramState.EVALUATED
        # Every summary lands, but Slack's answers are lost: each is looked for before any
        # resend — the DMs in their history, the owner's copy in their preview's thread.
        live.slack.inject("chat.postMessage", ServerError(500, applied=True), times=3)
        clock_ticks(live, ticks=6)
        assert _status(live, finished.program_id) is ProgramState.CLOSED
        budget_owner = _summaries(live, CFO)
        co_owner = _summaries(live, CO_OWNER)
        owner = _summaries(live, OWNER)
        looked_in_thread = [
            call.args.get("ts") for call in live.slack.calls_to("conversations.replies")
        ]
        summary_rows = rows(live, finished.program_id, AgendaKind.CLOSING_SUMMARY) + rows(
            live, finished.program_id, AgendaKind.CLOSING_SUMMARY_OWNER
        )
    assert len(budget_owner) == 1, budget_owner
    assert len(owner) == 1 and len(co_owner) == 1
    assert {row.state for row in summary_rows} == {AgendaState.SENT}
    # Each was confirmed from Slack's side, not sent again.
    assert [row.attempts for row in summary_rows] == [2, 2, 2]
    assert finished.preview.ts in looked_in_thread
    assert len(summary_rows) == 3
    # The owner's copy is a reply under their month-6 preview, in their DM.
    assert owner[0].get("thread_ts") == finished.preview.ts
    assert not budget_owner[0].get("thread_ts")
    # The results are the month-6 post's, in its words: the same criterion sections.
    post = [text for text in section_texts(finished.month_6) if text.startswith("*1.")]
    page = section_texts(budget_owner[0])
    assert post and all(text in page for text in post)
    shown = "\n".join(page)
    assert "Change: −16.7%" in shown  # (30 → 18, 75 → 80): mean of −40% and +6.7%
    assert "Planned: $14,400–$27,000" in shown  # 3 leaders × 6 months × $800–$1,500
    assert "$200,000–$400,000" in shown
    assert "None was recorded after the month-3 checkpoint" in shown
    assert "None: the criteria, baselines, threshold and dates stayed as committed" in shown


def test_status_says_closed_and_what_owners_can_do_next() -> None:
    with world_after(run_to_close) as (live, finished):
        said = answer(live, lambda: live.sender.command("status", user_id=OWNER))
        delete = answer(live, lambda: live.sender.command("delete", user_id=OWNER))
    assert "Delete Pilot?" in delete and "export" in delete  # closed: deletable
    assert "The program is closed" in said
    assert "The program is running" not in said
    for command in ("export", "renew", "delete"):
        assert f"/emcoach {command}" in said
    assert finished.program_id


def test_no_cadence_prompt_goes_out_after_close() -> None:
    with world_after(run_to_close) as (live, finished):
        before = len(live.slack.calls_to("chat.postMessage"))
        clock_ticks(live, ticks=3)
        after = len(live.slack.calls_to("chat.postMessage"))
        pending = [
            row
            for kind in CADENCE_KINDS
            for row in rows(live, finished.program_id, kind)
            if row.state is AgendaState.PENDING
        ]
        # Re-planning a closed program adds nothing.
        assert jobs.replan_running(services=live.services) == 0
    assert pending == []
    assert after == before, json.dumps([c.args for c in live.slack.calls[-3:]], default=str)
