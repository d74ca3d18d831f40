"""A leader pauses and resumes themselves over signed HTTP: by command and by the App Home
buttons; the coach and the owners are told; nobody else's pause can be touched this way."""

from __future__ import annotations

import json
import logging
from datetime import date
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.blocks.pause import (
    SELF_PAUSE_OPEN_ACTION,
    SELF_PAUSE_REASON,
    SELF_PAUSE_UNTIL,
    SELF_PAUSE_VIEW,
    SELF_RESUME_ACTION,
)
from bot.sim.standin import SlackStandIn
from bot.sim.standin.faults import SlackError, Timeout
from bot.slack_names import ACTION_PICK_PROGRAM
from storage.db import session_scope
from storage.models import LeaderPause
from tests.scenario.conftest import assert_all_block_kit_valid
from tests.support.engine import planned_program
from tests.support.live import LiveApp, failed_dms, live_app
from tests.support.logs import undelivered, unhandled
from tests.support.programs import LeaderSpec, PodSpec

OWNER = "U0OWNER"
COACH = "U0COACH"
LENA = "U0LEAD1"  # Europe/Warsaw; the clock is Mon 4 Jan 2027, 09:00 there
LEO = "U0LEAD2"
STRANGER = "U0STRANGER"
KICKOFF = date(2027, 2, 1)


def _program(live: LiveApp, *, name: str = "Pilot", committed: bool = True) -> int:
    return planned_program(
        live,
        name=name,
        pods=(PodSpec(leaders=[LeaderSpec(LENA), LeaderSpec(LEO)]),),
        committed=committed,
        kickoff=KICKOFF,
    )


def _reply(live: LiveApp, command: str, *, user_id: str) -> dict[str, Any]:
    before = len(live.slack.responses())
    assert live.sender.command(command, user_id=user_id).status == 200
    live.slack.wait_for(lambda: len(live.slack.responses()) > before)
    return live.slack.responses()[-1]


def _answer(live: LiveApp, command: str, *, user_id: str = LENA) -> str:
    return str(_reply(live, command, user_id=user_id)["text"])


def _pauses(live: LiveApp) -> list[LeaderPause]:
    with session_scope(live.services.engine) as session:
        return list(session.exec(select(LeaderPause)).all())


def _dms(live: LiveApp, user_id: str) -> list[str]:
    return [str(message["text"]) for message in live.slack.messages(user_id)]


def _settle(live: LiveApp) -> None:
    """Wait for the listeners still running after their ack (Bolt's thread pool)."""
    live.app.listener_runner.listener_executor.shutdown(wait=True)


def _opened(live: LiveApp, count: int) -> dict[str, Any]:
    live.slack.wait_for(lambda: len(live.slack.calls_to("views.open")) >= count)
    view: dict[str, Any] = live.slack.calls_to("views.open")[count - 1].args["view"]
    return view if isinstance(view, dict) else json.loads(view)


def _modal_text(view: dict[str, Any]) -> str:
    return " ".join(
        str(block["text"]["text"]) for block in view["blocks"] if block["type"] == "section"
    )


def _submit(live: LiveApp, view: dict[str, Any], *, until: str, reason: str = "") -> Any:
    values: dict[str, Any] = {
        SELF_PAUSE_UNTIL: {SELF_PAUSE_UNTIL: {"type": "datepicker", "selected_date": until}},
        SELF_PAUSE_REASON: {
            SELF_PAUSE_REASON: {"type": "plain_text_input", "value": reason or None}
        },
    }
    result = live.sender.view_submission(
        user_id=LENA,
        callback_id=SELF_PAUSE_VIEW,
        values=values,
        private_metadata=view["private_metadata"],
    )
    assert result.status == 200
    return result.json() if result.body else {}


# --- by command -------------------------------------------------------------------------------


def test_a_leader_pauses_themselves_and_the_coach_and_owners_are_told(live: LiveApp) -> None:
    _program(live)
    text = _answer(live, "pause me until 2027-02-14 ski & snow")

    assert "Paused you in *Pilot* from Mon 4 Jan 2027 to Sun 14 Feb 2027 (ski &amp; snow)" in text
    assert "2 weekly 1:1s and 1 pod session" in text
    assert "`/emcoach resume me`" in text
    [pause] = _pauses(live)
    assert (pause.start, pause.end, pause.created_by) == (date(2027, 1, 4), date(2027, 2, 14), LENA)
    live.slack.wait_for(lambda: bool(_dms(live, COACH) and _dms(live, OWNER)))
    for told in (COACH, OWNER):
        [dm] = _dms(live, told)
        assert "<@U0LEAD1> paused themselves in *Pilot* from Mon 4 Jan 2027 to Sun 14 Feb" in dm
        assert "(ski &amp; snow)" in dm
    assert _dms(live, LEO) == [] and _dms(live, LENA) == []


def test_a_leader_resumes_themselves_and_the_coach_and_owners_are_told(live: LiveApp) -> None:
    _program(live)
    _answer(live, "pause me from 2027-03-01 until 2027-03-07")
    live.slack.wait_for(lambda: len(_dms(live, OWNER)) == 1)
    text = _answer(live, "resume me")

    assert "Resumed you in *Pilot*" in text
    assert "1 weekly 1:1 and 1 pod session" in text
    assert _pauses(live) == []
    live.slack.wait_for(lambda: len(_dms(live, COACH)) == 2 and len(_dms(live, OWNER)) == 2)
    assert (
        "<@U0LEAD1> ended their pause in *Pilot* today: 2 upcoming sessions are back"
        in (_dms(live, COACH)[-1])
    )


def test_a_pause_by_an_owner_tells_nobody_else(live: LiveApp) -> None:
    _program(live)
    assert "Paused <@U0LEAD1>" in _answer(live, f"pause <@{LENA}> until 2027-02-14", user_id=OWNER)
    _settle(live)
    assert _dms(live, COACH) == [] and _dms(live, OWNER) == []


def test_a_leader_cannot_pause_or_resume_another_leader(live: LiveApp) -> None:
    _program(live)
    text = _answer(live, f"pause <@{LEO}|leo> until 2027-02-14")
    assert "can pause <@U0LEAD2>" in text
    assert "A leader pauses only themselves: `/emcoach pause me …`" in text
    assert _pauses(live) == []
    _answer(live, "pause me until 2027-02-14", user_id=LEO)
    assert "can resume <@U0LEAD2>" in _answer(live, f"resume <@{LEO}|leo>")
    assert len(_pauses(live)) == 1


def test_someone_who_leads_nowhere_is_told_so(live: LiveApp) -> None:
    _program(live)
    text = _answer(live, "pause me until 2027-02-14", user_id=COACH)
    assert "You aren't a leader in any program here" in text
    assert _pauses(live) == []


def test_the_owner_pause_rules_hold_for_a_leader_too(live: LiveApp) -> None:
    _program(live)
    text = _answer(live, "pause me until 2027-08-01")
    assert "*Pilot* ends after Sat 31 Jul 2027: pause until that day at the latest" in text
    assert "tell the program's owners" in text
    text = _answer(live, "pause me until 2027-13-01")
    assert "`/emcoach pause me [from DATE] until DATE [reason…]`" in text
    assert "Say until when" in _answer(live, "pause me for a while")
    assert _pauses(live) == []


def test_a_leader_in_two_programs_is_asked_which(live: LiveApp) -> None:
    _program(live)
    second = _program(live, name="Second wave")
    reply = _reply(live, "pause me until 2027-02-14", user_id=LENA)
    assert "which one is this for?" in reply["text"]
    assert _pauses(live) == []
    button = next(
        element
        for block in reply["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"] == f"{ACTION_PICK_PROGRAM}:{second}"
    )
    before = len(live.slack.responses())
    live.sender.block_action(user_id=LENA, action_id=button["action_id"], value=button["value"])
    live.slack.wait_for(lambda: len(live.slack.responses()) > before)
    assert "Paused you in *Second wave*" in live.slack.responses()[-1]["text"]
    [pause] = _pauses(live)
    assert pause.created_by == LENA


def test_help_shows_a_leader_how_to_pause_themselves(live: LiveApp) -> None:
    _program(live)
    shown = json.dumps(live.sender.command("help", user_id=LENA).json(), ensure_ascii=False)
    assert "pause me" in shown
    assert "resume me" in shown


# --- by the App Home buttons ------------------------------------------------------------------


def test_the_home_button_opens_a_modal_and_submitting_it_pauses(live: LiveApp) -> None:
    program_id = _program(live)
    live.sender.block_action(user_id=LENA, action_id=SELF_PAUSE_OPEN_ACTION, value=str(program_id))
    view = _opened(live, 1)
    assert view["callback_id"] == SELF_PAUSE_VIEW
    assert "*Pilot*" in _modal_text(view)
    answer = _submit(live, view, until="2027-02-14", reason="parental <!here> leave")

    assert answer["response_action"] == "update"
    assert "Paused you in *Pilot* from Mon 4 Jan 2027 to Sun 14 Feb 2027" in _modal_text(
        answer["view"]
    )
    [pause] = _pauses(live)
    assert (pause.end, pause.reason, pause.created_by) == (
        date(2027, 2, 14),
        "parental <!here> leave",
        LENA,
    )
    live.slack.wait_for(lambda: bool(_dms(live, COACH) and _dms(live, OWNER)))
    assert "&lt;!here&gt;" in _dms(live, OWNER)[0]
    assert "<!here>" not in _dms(live, OWNER)[0]


def test_a_date_the_rules_refuse_is_shown_on_the_date_in_the_modal(live: LiveApp) -> None:
    program_id = _program(live)
    live.sender.block_action(user_id=LENA, action_id=SELF_PAUSE_OPEN_ACTION, value=str(program_id))
    answer = _submit(live, _opened(live, 1), until="2027-01-03")
    assert answer["response_action"] == "errors"
    assert "would end (Sun 3 Jan 2027) before it starts" in answer["errors"][SELF_PAUSE_UNTIL]
    assert _pauses(live) == []


def test_the_home_buttons_refuse_someone_who_does_not_lead_there(live: LiveApp) -> None:
    program_id = _program(live)
    live.sender.block_action(user_id=OWNER, action_id=SELF_PAUSE_OPEN_ACTION, value=str(program_id))
    view = _opened(live, 1)
    assert "You aren't a leader in any program here" in _modal_text(view)
    live.sender.block_action(user_id=STRANGER, action_id=SELF_RESUME_ACTION, value=str(program_id))
    assert "You aren't a leader" in _modal_text(_opened(live, 2))
    assert _pauses(live) == []


def test_the_home_resume_button_ends_the_leaders_own_pause(live: LiveApp) -> None:
    program_id = _program(live)
    _answer(live, "pause me from 2027-03-01 until 2027-03-07")
    live.slack.wait_for(lambda: len(_dms(live, COACH)) == 1)
    live.sender.block_action(user_id=LENA, action_id=SELF_RESUME_ACTION, value=str(program_id))
    view = _opened(live, 1)
    assert "Resumed you in *Pilot*" in _modal_text(view)
    assert _pauses(live) == []
    live.slack.wait_for(lambda: len(_dms(live, COACH)) == 2)
    assert "ended their pause" in _dms(live, COACH)[-1]
    live.sender.block_action(user_id=LENA, action_id=SELF_RESUME_ACTION, value=str(program_id))
    assert "You have no current or upcoming pause in *Pilot*" in _modal_text(_opened(live, 2))


def test_a_home_resume_whose_modal_cannot_open_is_answered_by_dm(
    live: LiveApp, caplog: pytest.LogCaptureFixture
) -> None:
    """The click's trigger lasts 3 s; past it (slow zones, notices) views.open is refused. The
    resume stands and its answer reaches the leader's DM, not the error handler."""
    caplog.set_level(logging.WARNING)
    program_id = _program(live)
    _answer(live, "pause me from 2027-03-01 until 2027-03-07")
    live.slack.inject("views.open", SlackError("expired_trigger_id"))
    live.sender.block_action(user_id=LENA, action_id=SELF_RESUME_ACTION, value=str(program_id))
    live.slack.wait_for(lambda: any("Resumed you in *Pilot*" in dm for dm in _dms(live, LENA)))
    _settle(live)
    assert _pauses(live) == []
    assert unhandled(caplog.records) == []


# --- Slack not answering the DMs of a pause that is done ----------------------------------------


def test_a_pause_whose_notice_gets_no_answer_is_done_and_says_whom_to_tell(
    slack: SlackStandIn, scenario_engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    """The first DM to the coach or an owner times out: the pause stands, the next person is
    still told, and the leader's reply names whom they should tell instead of an apology."""
    caplog.set_level(logging.WARNING)
    with live_app(slack, scenario_engine, slack_timeout=0.6) as live:
        _program(live)
        live.slack.inject("chat.postMessage", Timeout(seconds=1.0, applied=True))
        text = _answer(live, "pause me until 2027-02-14")
        _settle(live)

        assert "Paused you in *Pilot* from Mon 4 Jan 2027 to Sun 14 Feb 2027" in text
        [missed] = failed_dms(live)
        [told] = {COACH, OWNER} - {missed}
        assert f"I couldn't send <@{missed}> a direct message; please let them know." in text
        assert "are told" not in text
        assert "<@U0LEAD1> paused themselves" in _dms(live, told)[0]
        assert len(_pauses(live)) == 1
        assert len(live.slack.responses()) == 1, "the reply, and no apology after it"
        assert_all_block_kit_valid(live)
    assert unhandled(caplog.records) == []
    assert f"pause notice to {missed} not delivered: TimeoutError" in undelivered(caplog.records)


def test_a_pause_from_the_home_whose_notice_gets_no_answer_is_corrected_by_dm(
    slack: SlackStandIn, scenario_engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    """The modal already said the coach and owners are told when a DM times out: the leader
    gets their pause by DM, naming whom to tell."""
    caplog.set_level(logging.WARNING)
    with live_app(slack, scenario_engine, slack_timeout=0.6) as live:
        program_id = _program(live)
        live.sender.block_action(
            user_id=LENA, action_id=SELF_PAUSE_OPEN_ACTION, value=str(program_id)
        )
        view = _opened(live, 1)
        live.slack.inject("chat.postMessage", Timeout(seconds=1.0, applied=False))
        answer = _submit(live, view, until="2027-02-14")
        _settle(live)

        assert "are told" in _modal_text(answer["view"])
        [missed] = failed_dms(live)
        [told] = {COACH, OWNER} - {missed}
        assert "<@U0LEAD1> paused themselves" in _dms(live, told)[0]
        [corrected] = _dms(live, LENA)
        assert "Paused you in *Pilot*" in corrected
        assert f"I couldn't send <@{missed}> a direct message; please let them know." in corrected
        assert len(_pauses(live)) == 1
        assert_all_block_kit_valid(live)
    assert unhandled(caplog.records) == []
