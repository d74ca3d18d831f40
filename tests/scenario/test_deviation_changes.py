"""Every locked item walks its deviation path over signed HTTP: the deviation is posted, the
change is made with the command the deviation's answer names, and a follow-up saying old → new
is posted once in the channel."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from sqlmodel import select

from bot.blocks.baseline import BASELINE_LEADER_VIEW
from bot.blocks.criteria import CRITERIA_PICK, CRITERIA_VIEW
from bot.blocks.setup import SETUP_KICKOFF, SETUP_MONTHS, SETUP_THRESHOLD
from bot.domain.cadence import AgendaKind, AgendaState
from bot.engine.dispatch import Dispatcher
from bot.engine.render import render
from bot.sim.standin import Timeout
from storage.db import session_scope
from storage.models import AgendaRow, Leader, Program
from tests.support.live import LiveApp
from tests.support.programs import LeaderSpec, PodSpec, make_program
from tests.support.public_posts import GIVE_UP_SECONDS, clock_ticks, world

OWNER = "U0OWNER"
CHANNEL = "C0ENG"
REASON = "The situation changed after kickoff, see the thread."


def _committed(live: LiveApp) -> int:
    return make_program(
        live.services.engine,
        criteria=("lead_time", "report_retention"),
        signed_off=True,
        pods=(PodSpec(leaders=[LeaderSpec("U0LEAD1")]),),
        baselines=True,
        committed=True,
    )


def _answer(live: LiveApp, text: str) -> str:
    before = len(live.slack.responses())
    assert live.sender.command(text, user_id=OWNER).status == 200
    live.slack.wait_for(lambda: len(live.slack.responses()) > before)
    return str(live.slack.responses()[-1]["text"])


def _tick(live: LiveApp) -> None:
    Dispatcher(
        engine=live.services.engine,
        client=live.services.client,
        clock=live.clock,
        render=render,
        worker="test-clock",
    ).tick()


def _setup_view(live: LiveApp) -> dict[str, Any]:
    before = len(live.slack.calls_to("views.open"))
    assert live.sender.command('setup "Pilot"', user_id=OWNER).status == 200
    live.slack.wait_for(lambda: len(live.slack.calls_to("views.open")) > before)
    view: dict[str, Any] = live.slack.calls_to("views.open")[-1].args["view"]
    return view


def _submit(live: LiveApp, callback_id: str, metadata: str, values: dict[str, Any]) -> Any:
    result = live.sender.view_submission(
        user_id=OWNER, callback_id=callback_id, values=values, private_metadata=metadata
    )
    assert result.status == 200
    answer = result.json() if result.body else {}
    assert answer.get("response_action") != "errors", answer
    return answer


def _setup_values(
    *, kickoff: str = "2027-02-01", months: str = "6", threshold: str = "3"
) -> dict[str, Any]:
    return {
        SETUP_KICKOFF: {SETUP_KICKOFF: {"type": "datepicker", "selected_date": kickoff}},
        SETUP_MONTHS: {SETUP_MONTHS: {"type": "number_input", "value": months}},
        SETUP_THRESHOLD: {SETUP_THRESHOLD: {"type": "number_input", "value": threshold}},
    }


def _change_criteria(live: LiveApp, program_id: int) -> None:
    picked = [{"value": "deploy_frequency"}, {"value": "report_retention"}]
    values = {CRITERIA_PICK: {CRITERIA_PICK: {"type": "checkboxes", "selected_options": picked}}}
    _submit(live, CRITERIA_VIEW, json.dumps({"program": program_id}), values)


def _change_baseline(live: LiveApp, program_id: int) -> None:
    with session_scope(live.services.engine) as session:
        leader = session.exec(select(Leader).where(Leader.program_id == program_id)).one()
        leader_id = leader.id
    values = {
        "baseline_value_lead_time": {
            "baseline_value_lead_time": {"type": "number_input", "value": "52.5"}
        }
    }
    metadata = json.dumps({"program": program_id, "leader": leader_id})
    _submit(live, BASELINE_LEADER_VIEW, metadata, values)


def _change_threshold(live: LiveApp, _program_id: int) -> None:
    view = _setup_view(live)
    assert SETUP_THRESHOLD in json.dumps(view["blocks"])
    _submit(live, view["callback_id"], view["private_metadata"], _setup_values(threshold="5"))


def _change_dates(live: LiveApp, _program_id: int) -> None:
    view = _setup_view(live)
    _submit(
        live, view["callback_id"], view["private_metadata"], _setup_values(kickoff="2027-02-08")
    )


CASES: dict[str, tuple[Callable[[LiveApp, int], None], str, list[str]]] = {
    "criteria": (
        _change_criteria,
        "/emcoach criteria",
        ["Success criteria: Lead Time, Report Retention → Deployment Frequency, Report Retention"],
    ),
    "baselines": (
        _change_baseline,
        "/emcoach baseline",
        ["Lead Time baseline for <@U0LEAD1>: 40 h → 52.5 h"],
    ),
    "threshold": (
        _change_threshold,
        "/emcoach setup",
        ["Anonymity threshold: 3 people → 5 people"],
    ),
    "dates": (
        _change_dates,
        "/emcoach setup",
        [
            "Kickoff: Mon 1 Feb 2027 → Mon 8 Feb 2027",
            "Month-3 checkpoint: Mon 3 May 2027 → Mon 10 May 2027",
            "Month-6 evaluation: Mon 2 Aug 2027 → Mon 9 Aug 2027",
        ],
    ),
}


@pytest.mark.parametrize("word", list(CASES))
def test_a_deviation_then_its_change_posts_old_to_new_once(live: LiveApp, word: str) -> None:
    change, command, lines = CASES[word]
    program_id = _committed(live)
    answer = _answer(live, f"deviation {word} {REASON}")
    assert f"`{command}`" in answer, "the answer names the command that makes the change"
    assert len(live.slack.messages(CHANNEL)) == 1  # the deviation itself

    change(live, program_id)
    for _ in range(2):
        _tick(live)
    posts = live.slack.messages(CHANNEL)
    assert len(posts) == 2, [post["text"] for post in posts]
    follow_up = posts[1]
    shown = json.dumps(follow_up["blocks"], ensure_ascii=False)
    assert "Deviation made in Pilot" in shown
    for line in lines:
        assert line in shown
        assert line in follow_up["text"] or re.sub(r"\s+", " ", line) in follow_up["text"]
    with session_scope(live.services.engine) as session:
        rows = session.exec(
            select(AgendaRow).where(
                AgendaRow.program_id == program_id,
                AgendaRow.kind == AgendaKind.DEVIATION_CHANGE.value,
            )
        ).all()
        assert [row.state for row in rows] == [AgendaState.SENT]
        assert follow_up["metadata"]["event_payload"]["agenda_id"] == rows[0].id


def test_the_threshold_changed_under_a_deviation_is_the_one_the_program_uses(
    live: LiveApp,
) -> None:
    program_id = _committed(live)
    view = _setup_view(live)
    refused = live.sender.view_submission(
        user_id=OWNER,
        callback_id=view["callback_id"],
        values=_setup_values(threshold="5"),
        private_metadata=view["private_metadata"],
    ).json()
    assert refused["response_action"] == "errors"
    assert "/emcoach deviation anonymity_threshold" in refused["errors"][SETUP_THRESHOLD]
    _answer(live, f"deviation threshold {REASON}")
    too_low = live.sender.view_submission(
        user_id=OWNER,
        callback_id=view["callback_id"],
        values=_setup_values(threshold="2"),
        private_metadata=view["private_metadata"],
    ).json()
    assert "at least 3 people" in too_low["errors"][SETUP_THRESHOLD]
    _change_threshold(live, program_id)
    with session_scope(live.services.engine) as session:
        program = session.get(Program, program_id)
        assert program is not None and program.anonymity_threshold == 5


def test_a_follow_up_whose_answer_is_lost_is_posted_once() -> None:
    with world(slack_timeout=GIVE_UP_SECONDS) as live:
        make_program(
            live.services.engine,
            criteria=("lead_time", "report_retention"),
            signed_off=True,
            pods=(PodSpec(leaders=[LeaderSpec("U0LEAD1")]),),
            baselines=True,
            committed=True,
        )
        _answer(live, f"deviation threshold {REASON}")
        view = _setup_view(live)
        live.slack.inject("chat.postMessage", Timeout(seconds=2, applied=True), times=3)
        _submit(live, view["callback_id"], view["private_metadata"], _setup_values(threshold="4"))
        clock_ticks(live, ticks=8)
        follow_ups = [
            post
            for post in live.slack.messages(CHANNEL)
            if "Deviation made in Pilot" in json.dumps(post["blocks"])
        ]
        assert len(follow_ups) == 1
