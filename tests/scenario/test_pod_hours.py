"""Time-of-day sanity in the pod modals, over signed HTTP: a slot that falls before 07:00 or
after 21:00 for a coach in Sydney or a leader in Warsaw is named, with their local time, while
the owner fills the modal in (views.update), and in the reply to a typed change; saving stays
the owner's choice."""

from __future__ import annotations

import json
from datetime import time
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import select

from bot.blocks.pod import (
    LEADER_DAY,
    LEADER_GROUP,
    LEADER_MANAGER,
    LEADER_POD,
    LEADER_REPORTS,
    LEADER_TIME,
    LEADER_USER,
    NIGHT_NOTE,
    POD_ADD_LEADER,
    POD_COACH,
    POD_EDIT,
    POD_NAME,
    POD_SESSION_DAY,
    POD_SESSION_TIME,
    POD_SESSION_WEEK,
)
from bot.sim.demo.harness import live_app
from bot.sim.standin import SlackStandIn, StandInUser
from bot.sim.standin.faults import Timeout
from storage.db import session_scope
from storage.models import Leader, Pod
from tests.support.live import LiveApp
from tests.support.programs import LeaderSpec, PodSpec, make_program

OWNER = "U0OWNER"
LENA = "U0LEAD1"  # Europe/Warsaw, like the program
KOALA = "U0KOALA"  # a coach in Australia/Sydney: ten hours ahead of Warsaw in February


def _sydney_coach(live: LiveApp) -> None:
    live.slack.add_user(
        StandInUser(id=KOALA, name="kim", real_name="Kim Koala", tz="Australia/Sydney")
    )


def _opened(live: LiveApp, count: int = 1) -> dict[str, Any]:
    """The modal as Slack stored it (with its id and hash)."""
    live.slack.wait_for(lambda: len(live.slack.calls_to("views.open")) >= count)
    view: dict[str, Any] = live.slack.calls_to("views.open")[count - 1].response["view"]
    return view


def _change(
    live: LiveApp,
    view: dict[str, Any],
    values: dict[str, Any],
    *,
    action_id: str,
    redrawn: bool = True,
) -> dict[str, Any] | None:
    """The owner changes one input of ``view`` (a dispatch_action input); returns the modal
    as redrawn by views.update. ``redrawn`` False: the last step of a test, which waits for
    every listener to finish and returns None if the modal was left alone."""
    updates = len(live.slack.calls_to("views.update"))
    payload_view = {
        "id": view["id"],
        "hash": view["hash"],
        "type": "modal",
        "callback_id": view["callback_id"],
        "private_metadata": view["private_metadata"],
        "blocks": view["blocks"],
        "state": {"values": {block: {block: value} for block, value in values.items()}},
    }
    result = live.sender.block_action(
        user_id=OWNER,
        action_id=action_id,
        block_id=action_id,
        container={"type": "view", "view_id": view["id"]},
        view=payload_view,
    )
    assert result.status == 200
    if redrawn:
        live.slack.wait_for(lambda: len(live.slack.calls_to("views.update")) > updates)
    else:
        live.app.listener_runner.listener_executor.shutdown(wait=True)  # every listener ran
    calls = live.slack.calls_to("views.update")
    if len(calls) == updates:
        return None
    assert calls[-1].error is None
    redrawn: dict[str, Any] = calls[-1].response["view"]
    return redrawn


def _submit(live: LiveApp, view: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    result = live.sender.view_submission(
        user_id=OWNER,
        callback_id=view["callback_id"],
        values={block: {block: value} for block, value in values.items()},
        private_metadata=view["private_metadata"],
    )
    assert result.status == 200
    answer: dict[str, Any] = result.json()
    return answer


def _warning(view: dict[str, Any]) -> str | None:
    found = [block for block in view["blocks"] if block.get("block_id") == NIGHT_NOTE]
    return str(found[0]["text"]["text"]) if found else None


def _user(user_id: str | None) -> dict[str, Any]:
    return {"type": "users_select", "selected_user": user_id}


def _option(value: object) -> dict[str, Any]:
    return {
        "type": "static_select",
        "selected_option": {"text": {"type": "plain_text", "text": "x"}, "value": str(value)},
    }


def _time(value: str) -> dict[str, Any]:
    return {"type": "timepicker", "selected_time": value}


def _leader_values(pod_id: int | None, at: str) -> dict[str, Any]:
    return {
        LEADER_POD: _option(pod_id),
        LEADER_USER: _user(LENA),
        LEADER_MANAGER: _user("U0MAX"),
        LEADER_REPORTS: {"type": "multi_users_select", "selected_users": ["U0R1"]},
        LEADER_GROUP: {"type": "plain_text_input", "value": ""},
        LEADER_DAY: _option(1),  # Tuesday
        LEADER_TIME: _time(at),
    }


def test_a_one_on_one_at_night_for_the_sydney_coach_is_named_before_saving(
    live: LiveApp,
) -> None:
    _sydney_coach(live)
    program_id = make_program(live.services.engine, pods=(PodSpec(coach_id=KOALA, leaders=[]),))
    with session_scope(live.services.engine) as session:
        pod_id = session.exec(select(Pod.id)).one()
    live.sender.block_action(user_id=OWNER, action_id=POD_ADD_LEADER, value=str(program_id))
    view = _opened(live)
    assert view["title"]["text"] == "Add a leader"

    # Tuesday 14:00 in Warsaw is Wednesday 00:00 in Sydney.
    warned = _change(live, view, _leader_values(pod_id, "14:00"), action_id=LEADER_TIME)
    assert warned is not None
    warning = _warning(warned)
    assert warning is not None
    assert "The weekly 1:1 of <@U0LEAD1> starts at Wednesday 00:00 for <@U0KOALA>" in warning
    assert "(Australia/Sydney)" in warning
    assert "<@U0LEAD1>" not in warning.split("starts at")[1], "10:00 is daytime for Lena"
    assert warned["title"]["text"] == "Add a leader", "still the new leader's modal"
    assert json.loads(warned["private_metadata"]) == {"program": program_id, "leader": None}
    assert live.slack.calls_to("users.info"), "zones came from Slack"

    # Tuesday 10:00 in Warsaw is 20:00 in Sydney: the warning goes away.
    cleared = _change(live, warned, _leader_values(pod_id, "10:00"), action_id=LEADER_TIME)
    assert cleared is not None
    assert _warning(cleared) is None

    # The owner may keep a night-time slot deliberately: saving is not refused.
    answer = _submit(live, warned, _leader_values(pod_id, "14:00"))
    assert answer["response_action"] == "update"
    assert "Saved in pod *Alpha*" in json.dumps(answer["view"])
    with session_scope(live.services.engine) as session:
        leader = session.exec(select(Leader).where(Leader.user_id == LENA)).one()
        assert leader.one_on_one_time == time(14, 0)

    # A daytime slot in a modal that shows no warning: nothing to redraw.
    values = _leader_values(pod_id, "10:00")
    assert _change(live, cleared, values, action_id=LEADER_DAY, redrawn=False) is None


def test_a_pod_session_and_one_on_ones_at_night_for_a_new_coach_are_named(live: LiveApp) -> None:
    _sydney_coach(live)
    make_program(
        live.services.engine,
        pods=(PodSpec(leaders=[LeaderSpec(LENA, at=time(12, 0))]),),
    )
    with session_scope(live.services.engine) as session:
        pod_id = session.exec(select(Pod.id)).one()
    live.sender.block_action(user_id=OWNER, action_id=POD_EDIT, value=str(pod_id))
    view = _opened(live)
    values = {
        POD_NAME: {"type": "plain_text_input", "value": "Alpha"},
        POD_COACH: _user(KOALA),
        POD_SESSION_WEEK: _option(1),
        POD_SESSION_DAY: _option(1),
        POD_SESSION_TIME: _time("15:00"),
    }
    warned = _change(live, view, values, action_id=POD_COACH)
    assert warned is not None
    warning = _warning(warned)
    assert warning is not None
    # The first Tuesday of February 2027, 15:00 Warsaw: Wednesday 01:00 in Sydney.
    assert (
        "The monthly pod session starts at Wednesday 01:00 for <@U0KOALA> (Australia/Sydney)"
        in (warning)
    )
    # Lena's Tuesday 12:00 1:1 is 22:00 for her new coach.
    assert "The weekly 1:1 of <@U0LEAD1> starts at Tuesday 22:00 for <@U0KOALA>" in warning
    assert warned["title"]["text"] == "Edit pod"
    assert json.loads(warned["private_metadata"])["pod"] == pod_id

    # Back to the London coach (15:00 Warsaw is 14:00 in London): nothing to warn about.
    values[POD_COACH] = _user("U0COACH")
    cleared = _change(live, warned, values, action_id=POD_COACH)
    assert cleared is not None
    assert _warning(cleared) is None


def test_half_a_slot_is_not_checked_yet(live: LiveApp) -> None:
    _sydney_coach(live)
    make_program(live.services.engine, pods=(PodSpec(coach_id=KOALA, leaders=[]),))
    with session_scope(live.services.engine) as session:
        pod_id = session.exec(select(Pod.id)).one()
    live.sender.block_action(user_id=OWNER, action_id=POD_EDIT, value=str(pod_id))
    view = _opened(live)
    values = {
        POD_NAME: {"type": "plain_text_input", "value": "Alpha"},
        POD_SESSION_WEEK: _option(1),
    }
    assert _change(live, view, values, action_id=POD_SESSION_WEEK, redrawn=False) is None
    assert not live.slack.calls_to("users.info")


def _typed(live: LiveApp, text: str) -> str:
    """A typed /emcoach pod change, and the reply that reached the response_url."""
    before = len(live.slack.responses())
    assert live.sender.command(text, user_id=OWNER).status == 200
    live.slack.wait_for(lambda: len(live.slack.responses()) > before)
    return str(live.slack.responses()[-1]["text"])


def test_a_typed_change_that_saves_a_night_time_slot_says_so(live: LiveApp) -> None:
    """The typed form has no modal to warn in while it is filled in: the reply warns after
    saving, in the same words."""
    _sydney_coach(live)
    make_program(live.services.engine, pods=(PodSpec(leaders=[LeaderSpec(LENA)]),))

    # 15:00 Warsaw is 14:00 for the London coach: saved, no warning.
    daytime = _typed(live, "pod Alpha session first tuesday 15:00")
    assert "Saved" in daytime and "Outside" not in daytime

    # A Sydney coach: the first Tuesday's 15:00 in Warsaw is Wednesday 01:00 for them.
    reply = _typed(live, f"pod Alpha coach <@{KOALA}|kim>")
    assert "Outside 07:00–21:00 for someone" in reply
    assert "The monthly pod session starts at Wednesday 01:00 for <@U0KOALA>" in reply
    assert "Saved as typed. To move it, type `/emcoach pod` with the pod's `session`" in reply
    with session_scope(live.services.engine) as session:
        assert session.exec(select(Pod.coach_id)).one() == KOALA, "saved all the same"

    # Lena's 1:1 typed at Tuesday 14:00 Warsaw: Wednesday 00:00 for her coach in Sydney.
    reply = _typed(live, f"pod Alpha leader <@{LENA}> 1:1 tue 14:00")
    assert "The weekly 1:1 of <@U0LEAD1> starts at Wednesday 00:00 for <@U0KOALA>" in reply
    reply = _typed(live, f"pod Alpha leader <@{LENA}> 1:1 tue 10:00")
    assert "Outside" not in reply


def test_a_typed_change_is_saved_and_said_when_slack_does_not_answer_about_zones(
    slack: SlackStandIn, scenario_engine: Engine
) -> None:
    """users.info times out during the night check after the save: the reply is the save's,
    checked with the zones already known, not an error for a change that was made."""
    with live_app(slack, scenario_engine, slack_timeout=0.6) as live:
        _sydney_coach(live)
        make_program(live.services.engine, pods=(PodSpec(leaders=[LeaderSpec(LENA)]),))
        live.slack.inject("users.info", Timeout(seconds=1.0, applied=True), times=10)
        reply = _typed(live, f"pod Alpha coach <@{KOALA}|kim>")
        assert reply.startswith("Saved pod *Alpha*: coach <@U0KOALA>")
        with session_scope(live.services.engine) as session:
            assert session.exec(select(Pod.coach_id)).one() == KOALA


def test_a_typed_change_is_said_as_saved_when_the_night_check_meets_a_database_error(
    live: LiveApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check reads after the change committed: its error is logged, not an apology for a
    change that was made, nor a rerun that would find it already made."""

    def refused(*_args: object, **_kwargs: object) -> list[str]:
        raise OperationalError("SELECT …", {}, Exception("database is locked"))

    monkeypatch.setattr("bot.flows.pod_nights.stale_people", refused)
    make_program(live.services.engine, pods=(PodSpec(leaders=[LeaderSpec(LENA)]),))
    reply = _typed(live, "pod add Beta")
    assert reply.startswith("Created pod *Beta*"), reply
    with session_scope(live.services.engine) as session:
        assert sorted(session.exec(select(Pod.name))) == ["Alpha", "Beta"]
