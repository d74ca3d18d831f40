"""/emcoach forget-me and /emcoach delete over signed HTTP: asked first, done on the button,
refused with what to do instead (issue #12, item 4)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlmodel import select

from bot.blocks.forget import DELETE_CONFIRM, FORGET_CANCEL, FORGET_CONFIRM
from bot.domain.program_rules import ProgramState
from storage.db import session_scope
from storage.models import Person, Program, ProgramMember
from tests.support.live import TEAM_ID, LiveApp
from tests.support.programs import PodSpec, make_program

OWNER = "U0OWNER"
NOW = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)


def _last_response(live: LiveApp, after: int) -> dict[str, object]:
    live.slack.wait_for(lambda: len(live.slack.responses()) > after)
    return live.slack.responses()[-1]


def _buttons(body: dict[str, object]) -> set[str]:
    return {
        str(element["action_id"])
        for block in body.get("blocks") or []  # type: ignore[attr-defined]
        for element in block.get("elements", [])
    }


def _status(live: LiveApp, program_id: int, status: ProgramState) -> None:
    with session_scope(live.services.engine) as session:
        program = session.get(Program, program_id)
        assert program is not None
        program.status = status
        session.add(program)


def test_forget_me_asks_then_forgets_the_person(live: LiveApp) -> None:
    engine = live.services.engine
    running = make_program(engine, name="Running", committed=True, pods=(PodSpec(),))
    draft = make_program(engine, name="Draft", pods=(PodSpec(),))
    with session_scope(engine) as session:
        for user in ("U0LEAD1", "U0COACH"):
            session.add(Person(team_id=TEAM_ID, user_id=user, timezone="UTC", refreshed_at=NOW))

    asked = live.sender.command("forget-me", user_id="U0LEAD1").json()
    assert "cannot be undone" in json.dumps(asked)
    assert {FORGET_CONFIRM, FORGET_CANCEL} <= _buttons(asked)

    seen = len(live.slack.responses())
    live.sender.block_action(user_id="U0LEAD1", action_id=FORGET_CONFIRM, value="forget")
    assert "forgotten you" in str(_last_response(live, seen)["text"])
    with session_scope(engine) as session:
        assert session.get(Person, (TEAM_ID, "U0LEAD1")) is None
        assert session.get(Person, (TEAM_ID, "U0COACH")) is not None, "others untouched"
        members = session.exec(select(ProgramMember)).all()
        assert not [m for m in members if m.user_id == "U0LEAD1"]
        assert not [m for m in members if m.program_id == draft and m.role == "leader"]
        assert [m for m in members if m.program_id == running and m.role == "leader"]
        assert {m.user_id for m in members if m.role == "coach"} == {"U0COACH"}


def test_forget_me_cancelled_keeps_everything(live: LiveApp) -> None:
    make_program(live.services.engine, pods=(PodSpec(),))
    seen = len(live.slack.responses())
    live.sender.block_action(user_id="U0LEAD1", action_id=FORGET_CANCEL, value="keep")
    assert "Nothing was deleted" in str(_last_response(live, seen)["text"])
    with session_scope(live.services.engine) as session:
        assert [m for m in session.exec(select(ProgramMember)) if m.user_id == "U0LEAD1"]


def test_delete_refuses_a_running_program_and_says_when_it_can(live: LiveApp) -> None:
    program_id = make_program(live.services.engine, committed=True, pods=(PodSpec(),))
    seen = len(live.slack.responses())
    live.sender.command('delete "Pilot"', user_id=OWNER)
    text = str(_last_response(live, seen)["text"])
    assert "can't be deleted yet" in text and "once its evaluation is published" in text
    assert "it is closed" in text
    # A stale or forged button is refused the same way.
    seen = len(live.slack.responses())
    live.sender.block_action(user_id=OWNER, action_id=DELETE_CONFIRM, value=str(program_id))
    assert "can't be deleted yet" in str(_last_response(live, seen)["text"])
    with session_scope(live.services.engine) as session:
        assert session.get(Program, program_id) is not None


def test_an_evaluated_program_is_deleted_only_once_it_has_closed(live: LiveApp) -> None:
    """The budget owner's summary is recorded when the program closes: a delete in between
    would lose it, so it waits for the close (the clock's next tick)."""
    program_id = make_program(live.services.engine, committed=True, pods=(PodSpec(),))
    _status(live, program_id, ProgramState.EVALUATED)
    seen = len(live.slack.responses())
    live.sender.command('delete "Pilot"', user_id=OWNER)
    text = str(_last_response(live, seen)["text"])
    assert "is closing" in text and "can't be deleted yet" in text
    seen = len(live.slack.responses())
    live.sender.block_action(user_id=OWNER, action_id=DELETE_CONFIRM, value=str(program_id))
    assert "is closing" in str(_last_response(live, seen)["text"])
    with session_scope(live.services.engine) as session:
        assert session.get(Program, program_id) is not None


def test_an_owner_deletes_a_closed_program(live: LiveApp) -> None:
    program_id = make_program(live.services.engine, committed=True, pods=(PodSpec(),))
    other = make_program(live.services.engine, name="Next", pods=(PodSpec(),))
    _status(live, program_id, ProgramState.CLOSED)
    seen = len(live.slack.responses())
    live.sender.command('delete "Pilot"', user_id=OWNER)
    asked = _last_response(live, seen)
    assert DELETE_CONFIRM in _buttons(asked)
    assert "export" in json.dumps(asked)

    seen = len(live.slack.responses())
    live.sender.block_action(user_id="U0LEAD1", action_id=DELETE_CONFIRM, value=str(program_id))
    assert "Only the program's owners" in str(_last_response(live, seen)["text"])
    seen = len(live.slack.responses())
    live.sender.block_action(user_id=OWNER, action_id=DELETE_CONFIRM, value=str(program_id))
    assert "Deleted *Pilot*" in str(_last_response(live, seen)["text"])
    with session_scope(live.services.engine) as session:
        assert session.get(Program, program_id) is None
        assert session.get(Program, other) is not None
        assert not [m for m in session.exec(select(ProgramMember)) if m.program_id == program_id]
