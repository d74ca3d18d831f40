"""Losers of a race get the answer the winner's duplicate check would give (issue #8, item 9).

Twenty identical signed commands at once over HTTP, on each backend: the unique constraint
keeps one row, and every other request used to end in an unhandled IntegrityError ("something
went wrong").
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.blocks.criteria import CRITERIA_APPROVE, CRITERIA_PICK, CRITERIA_VIEW
from bot.sim.standin import SlackStandIn
from storage.db import session_scope
from storage.models import Program
from tests.scenario.conftest import PEOPLE
from tests.support.databases import BACKENDS, backend_engine
from tests.support.live import TEAM_ID, LiveApp, live_app
from tests.support.programs import make_program

OWNER = "U0OWNER"
CFO = "U0CFO"
CRITERIA = ("lead_time", "report_retention")
COACH = "U0COACH"
AT_ONCE = 20
APOLOGY = "something went wrong"


@pytest.fixture(params=BACKENDS)
def racing(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LiveApp]:
    with (
        SlackStandIn(team_id=TEAM_ID, users=PEOPLE) as slack,
        backend_engine(request.param, tmp_path, migrated=True) as engine,
    ):
        _program(engine)
        with live_app(slack, engine) as live:
            yield live


def _program(engine: Engine) -> None:
    make_program(engine, name="Pilot", owner=OWNER)


def _all_at_once(live: LiveApp, text: str) -> list[str]:
    """Send ``text`` AT_ONCE times concurrently; every answer, as the person saw it."""
    with ThreadPoolExecutor(max_workers=AT_ONCE) as pool:
        results = list(pool.map(lambda _: live.sender.command(text, user_id=OWNER), range(AT_ONCE)))
    assert [result.status for result in results] == [200] * AT_ONCE, results
    # Generous: twenty units of work queue for one database under a loaded test machine.
    live.slack.wait_for(lambda: len(live.slack.responses()) >= AT_ONCE, timeout=60)
    answers = [json.dumps(body, ensure_ascii=False) for body in live.slack.responses()]
    assert len(answers) == AT_ONCE, answers
    return answers


def test_adding_the_same_owner_twenty_times_at_once(racing: LiveApp) -> None:
    answers = _all_at_once(racing, f"owner add <@{COACH}>")
    assert not [answer for answer in answers if APOLOGY in answer]
    added = [answer for answer in answers if "already owned it" not in answer]
    assert len(added) == 1, added
    welcomes = racing.slack.calls_to("chat.postMessage")
    assert [call.args["channel"] for call in welcomes] == [COACH]


def test_adding_the_same_pod_twenty_times_at_once(racing: LiveApp) -> None:
    answers = _all_at_once(racing, "pod add Alpha")
    assert not [answer for answer in answers if APOLOGY in answer]
    created = [answer for answer in answers if "Created pod *Alpha*" in answer]
    assert len(created) == 1, answers
    # The others get what a later `pod add Alpha` gets.
    later = racing.sender.command("pod add Alpha", user_id=OWNER)
    assert later.status == 200
    racing.slack.wait_for(lambda: len(racing.slack.responses()) > AT_ONCE)
    duplicate = json.dumps(racing.slack.responses()[-1], ensure_ascii=False)
    assert sorted(set(answers) - set(created)) == [duplicate], answers


def test_adding_the_same_leader_twenty_times_at_once(racing: LiveApp) -> None:
    racing.sender.command("pod add Alpha", user_id=OWNER)
    racing.slack.wait_for(lambda: len(racing.slack.responses()) == 1)
    racing.slack.reset()
    answers = _all_at_once(racing, "pod Alpha leader <@U0LEAD2> manager <@U0LEAD1>")
    assert not [answer for answer in answers if APOLOGY in answer]


def test_approving_the_criteria_twenty_times_at_once(racing: LiveApp) -> None:
    """Double clicks on "Approve": one sign-off, and every other click hears "already approved"
    (it used to hear that the criteria "were changed")."""
    with session_scope(racing.services.engine) as session:
        program = session.exec(select(Program)).one()
        program_id = program.id
    picked = {"type": "checkboxes", "selected_options": [{"value": m} for m in CRITERIA]}
    racing.sender.view_submission(
        user_id=OWNER,
        callback_id=CRITERIA_VIEW,
        values={CRITERIA_PICK: {CRITERIA_PICK: picked}},
        private_metadata=json.dumps({"program": program_id}),
    )
    racing.slack.wait_for(lambda: bool(_approve_buttons(racing)))
    message, value = _approve_buttons(racing)[0]

    def click(_: int) -> int:
        return racing.sender.block_action(
            user_id=CFO,
            action_id=CRITERIA_APPROVE,
            value=value,
            container={"type": "message", "message_ts": message["ts"]},
            channel={"id": message["channel"]},
            message={"ts": message["ts"], "text": message["text"]},
        ).status

    with ThreadPoolExecutor(max_workers=AT_ONCE) as pool:
        assert list(pool.map(click, range(AT_ONCE))) == [200] * AT_ONCE
    racing.slack.wait_for(lambda: len(racing.slack.responses()) >= AT_ONCE - 1, timeout=60)
    refusals = [body["text"] for body in racing.slack.responses()]
    assert len(refusals) == AT_ONCE - 1, refusals
    assert all("You already approved these criteria" in text for text in refusals), refusals
    assert len(racing.slack.calls_to("chat.update")) == 1


def _approve_buttons(live: LiveApp) -> list[tuple[dict[str, Any], str]]:
    return [
        (message, element["value"])
        for message in live.slack.messages(CFO)
        for block in message.get("blocks", [])
        for element in block.get("elements", [])
        if element.get("action_id") == CRITERIA_APPROVE
    ]
