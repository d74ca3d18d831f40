"""/emcoach status end to end: the sprint checklist, due and overdue steps, the next-step button."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from bot.domain.metrics import Instrument
from bot.domain.sprint import leader_time_per_month
from bot.slack_names import ACTION_PICK_PROGRAM
from storage.db import session_scope
from storage.models import Program
from tests.support.live import LiveApp
from tests.support.programs import PodSpec, make_program

OWNER = "U0OWNER"
CRITERIA = ("lead_time", "one_on_one_quality")


def _status(live: LiveApp, text: str = "status") -> dict[str, Any]:
    before = len(live.slack.responses())
    assert live.sender.command(text, user_id=OWNER).status == 200
    live.slack.wait_for(lambda: len(live.slack.responses()) > before)
    reply: dict[str, Any] = live.slack.responses()[-1]
    return reply


def _sections(reply: dict[str, Any]) -> list[str]:
    return [block["text"]["text"] for block in reply["blocks"] if block["type"] == "section"]


def _button(reply: dict[str, Any]) -> dict[str, Any]:
    [actions] = [block for block in reply["blocks"] if block["type"] == "actions"]
    [button] = actions["elements"]
    element: dict[str, Any] = button
    return element


def _decide_coach(live: LiveApp, program_id: int) -> None:
    with session_scope(live.services.engine) as session:
        program = session.get(Program, program_id)
        assert program is not None
        program.coach_decision = "external"
        session.add(program)


def test_a_fresh_program_has_four_steps_due_a_week_apart(live: LiveApp) -> None:
    program_id = make_program(live.services.engine, name="Pilot")
    reply = _status(live)
    sections = _sections(reply)
    # Set up on Monday 4 January 2027 (make_program's NOW).
    assert "*Week 1 — Define success criteria* · due Mon 11 Jan 2027" in sections[0]
    assert "*Week 2 — Decide internal vs. external* · due Mon 18 Jan 2027" in sections[1]
    assert "*Week 3 — Structure the cohort* · due Mon 25 Jan 2027" in sections[2]
    assert "*Week 4 — Set the measurement plan* · due Mon 1 Feb 2027" in sections[3]
    shown = json.dumps(reply["blocks"], ensure_ascii=False)
    assert "• budget-owner sign-off of the criteria" in shown
    assert "kickoff Mon 1 Feb 2027 · month 3 checkpoint Mon 3 May 2027" in shown
    assert "month 6 evaluation Mon 2 Aug 2027" in shown
    assert leader_time_per_month().sentence in shown
    assert "0 of 4 weeks done" in reply["text"]
    button = _button(reply)
    assert button["action_id"] == f"{ACTION_PICK_PROGRAM}:{program_id}"
    assert json.loads(button["value"]) == {"sub": "criteria", "args": "", "program": program_id}


def test_done_weeks_are_ticked_and_a_passed_week_is_overdue(live: LiveApp) -> None:
    make_program(
        live.services.engine,
        name="Pilot",
        criteria=CRITERIA,
        signed_off=True,
        pods=(PodSpec(),),
    )
    live.clock.advance(timedelta(days=15))  # Tuesday 19 January: week 2 ended yesterday
    reply = _status(live)
    sections = _sections(reply)
    assert ":white_check_mark: *Week 1 — Define success criteria* · done" in sections[0]
    assert ":warning: *Week 2 — Decide internal vs. external* · *overdue*" in sections[1]
    assert "(was due Mon 18 Jan 2027)" in sections[1]
    assert ":white_check_mark: *Week 3" in sections[2]
    assert ":hourglass_flowing_sand: *Week 4" in sections[3]
    assert "today is Tue 19 Jan 2027" in json.dumps(reply["blocks"])
    assert json.loads(_button(reply)["value"])["sub"] == "coach"
    assert "Next: week 2" in reply["text"]
    assert "overdue" in reply["text"]


def test_with_everything_in_place_the_button_opens_the_commit_preview(live: LiveApp) -> None:
    program_id = make_program(
        live.services.engine,
        name="Pilot",
        criteria=CRITERIA,
        signed_off=True,
        pods=(PodSpec(),),
        baselines=True,
        instrument=Instrument.COMPANY_SURVEY,  # its pod baseline is in: no round to wait for
    )
    _decide_coach(live, program_id)
    reply = _status(live)
    assert "*Ready to commit.*" in json.dumps(reply["blocks"])
    button = _button(reply)
    assert json.loads(button["value"])["sub"] == "commit"
    before = len(live.slack.responses())
    live.sender.block_action(user_id=OWNER, action_id=button["action_id"], value=button["value"])
    live.slack.wait_for(lambda: len(live.slack.responses()) > before)
    assert live.slack.responses()[-1]["text"].startswith("Preview of the pre-commitment")


def test_a_committed_program_has_nothing_left_to_do(live: LiveApp) -> None:
    program_id = make_program(
        live.services.engine,
        name="Pilot",
        criteria=CRITERIA,
        signed_off=True,
        pods=(PodSpec(),),
        baselines=True,
        committed=True,
    )
    _decide_coach(live, program_id)
    reply = _status(live, "status Pilot")
    shown = json.dumps(reply["blocks"], ensure_ascii=False)
    assert "All four weeks are done" in shown
    assert "*Committed* on Mon 4 Jan 2027" in shown
    assert not [block for block in reply["blocks"] if block["type"] == "actions"]
    assert "4 of 4 weeks done" in reply["text"]
