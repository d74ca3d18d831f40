"""/emcoach adjust end to end: the month-3 decision, only once the results are out, recorded
with its note and told to the program's other owners and coaches."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlmodel import col, select

from bot.blocks.adjust import Decision
from bot.domain.cadence import AgendaKind, AgendaState
from bot.flows.adjust import MAX_NOTE_CHARS, AdjustmentError, parse_adjustment
from bot.sim.standin import SlackError
from handlers import adjust
from storage.db import session_scope
from storage.models import Adjustment, AgendaRow
from tests.support.live import LiveApp
from tests.support.programs import LeaderSpec, PodSpec, make_program

OWNER = "U0OWNER"
COACH = "U0COACH"
LEADER = "U0LEAD1"
STRANGER = "U0STRANGER"
MIDPOINT = date(2027, 5, 3)
FINAL = date(2027, 8, 2)
AFTER_MIDPOINT = datetime(2027, 5, 4, 9, 0, tzinfo=UTC)
CADENCE = "cadence Move the pod session to the second Tuesday, after planning."


@pytest.fixture
def app(live: LiveApp) -> LiveApp:
    if "adjust" not in live.router.names():  # until the lead wires it into FLOWS
        adjust.register(live.app, live.services, live.router)
    return live


def _program(live: LiveApp, *, committed: bool = True, published: tuple[date, ...] = ()) -> int:
    program_id = make_program(
        live.services.engine,
        criteria=("lead_time", "one_on_one_quality"),
        pods=(PodSpec(leaders=[LeaderSpec(LEADER)]),),
        kickoff=date(2027, 2, 1),
        signed_off=committed,
        baselines=committed,
        committed=committed,
    )
    with session_scope(live.services.engine) as session:
        for occasion in published:
            sent_at = datetime.combine(occasion, datetime.min.time(), tzinfo=UTC)
            session.add(
                AgendaRow(
                    program_id=program_id,
                    key=f"checkpoint_publish:{occasion}",
                    kind=AgendaKind.CHECKPOINT_PUBLISH,
                    recipient="C0ENG",
                    about=str(program_id),
                    occasion=occasion,
                    due_at=sent_at,
                    state=AgendaState.SENT,
                    sent_at=sent_at,
                )
            )
    live.clock.set(AFTER_MIDPOINT)
    return program_id


def _say(live: LiveApp, text: str, *, user_id: str = OWNER) -> dict[str, Any]:
    before = len(live.slack.responses())
    result = live.sender.command(text, user_id=user_id)
    assert result.status == 200
    if result.body:  # refused by the router inside the acknowledgement
        answer: dict[str, Any] = result.json()
        return answer
    live.slack.wait_for(lambda: len(live.slack.responses()) > before)
    return live.slack.responses()[-1]


def _shown(reply: dict[str, Any]) -> str:
    return reply["text"] + json.dumps(reply.get("blocks", []), ensure_ascii=False)


def _decisions(live: LiveApp) -> list[Adjustment]:
    with session_scope(live.services.engine) as session:
        return list(session.exec(select(Adjustment).order_by(col(Adjustment.id))))


def _dms(live: LiveApp, user_id: str) -> list[dict[str, Any]]:
    return [
        call.args
        for call in live.slack.calls_to("chat.postMessage")
        if call.args["channel"] == user_id
    ]


# --- refusals --------------------------------------------------------------------------------


def test_before_commit_there_is_nothing_to_adjust(app: LiveApp) -> None:
    _program(app, committed=False)
    assert "isn't running yet" in _say(app, f"adjust {CADENCE}")["text"]
    assert not _decisions(app)


def test_before_the_month_3_post_the_decision_waits_for_the_results(app: LiveApp) -> None:
    _program(app)
    text = _say(app, f"adjust {CADENCE}")["text"]
    assert "were due on Mon 3 May 2027" in text
    assert "`/emcoach metrics`" in text, "owners are sent to the missing values"
    assert "`/emcoach metrics`" not in _say(app, f"adjust {CADENCE}", user_id=COACH)["text"]
    assert not _decisions(app)


@pytest.mark.parametrize(
    ("person", "says"),
    [(STRANGER, "is for people taking part in a program"), (LEADER, "a coach or an owner")],
)
def test_only_owners_and_coaches_decide(app: LiveApp, person: str, says: str) -> None:
    _program(app, published=(MIDPOINT,))
    assert says in _say(app, f"adjust {CADENCE}", user_id=person)["text"]
    assert not _decisions(app)


def test_after_the_final_post_nothing_is_left_to_adjust(app: LiveApp) -> None:
    _program(app, published=(MIDPOINT, FINAL))
    text = _say(app, f"adjust {CADENCE}")["text"]
    assert "The month-6 results were published on Mon 2 Aug 2027" in text
    assert "nothing left to adjust" in text
    assert not _decisions(app)


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "Record the month-3 decision"),
        ("pivot Let's try something else entirely.", "“pivot” isn't a decision"),
        ("coach meh", "at least 10 characters"),
    ],
)
def test_a_bare_or_mistyped_decision_shows_how_to_record_one(
    app: LiveApp, typed: str, says: str
) -> None:
    _program(app, published=(MIDPOINT,))
    reply = _say(app, f"adjust {typed}")
    assert says in reply["text"]
    assert "/emcoach adjust continue" in _shown(reply)
    assert "published on Mon 3 May 2027" in _shown(reply)
    assert not _decisions(app)


# --- recording -------------------------------------------------------------------------------


def test_the_owner_records_a_decision_and_the_coach_is_told(app: LiveApp) -> None:
    program_id = _program(app, published=(MIDPOINT,))
    reply = _shown(_say(app, f"adjust Pilot {CADENCE}"))
    assert "*change the cadence*" in reply
    assert "Move the pod session to the second Tuesday" in reply
    assert "`/emcoach pod` changes a leader's 1:1 slot" in reply
    assert "month-6 evaluation on Mon 2 Aug 2027" in reply
    assert "I've let <@U0COACH> know" in reply
    [row] = _decisions(app)
    assert (row.program_id, row.decision, row.decided_by) == (program_id, "cadence", OWNER)
    assert row.note == CADENCE.removeprefix("cadence ")
    assert row.decided_at == AFTER_MIDPOINT
    [dm] = _dms(app, COACH)
    assert "change the cadence" in dm["text"]
    assert "An owner makes the change" in json.dumps(dm["blocks"])
    assert not _dms(app, OWNER), "the person deciding needs no DM about it"


def test_a_later_decision_by_the_coach_replaces_the_first(app: LiveApp) -> None:
    _program(app, published=(MIDPOINT,))
    _say(app, "adjust continue Ratings are up and every 1:1 is happening.")
    reply = _shown(_say(app, "adjust coach Lena wants a coach with platform depth.", user_id=COACH))
    assert "It replaces the earlier decision: *continue as planned*" in reply
    assert "An owner makes the change: `/emcoach pod <pod> coach @new-coach`" in reply
    assert [row.decision for row in _decisions(app)] == ["continue", "coach"]
    [dm] = _dms(app, OWNER)
    assert "change the coach" in dm["text"]
    assert "Decided so far: *change the coach*" in _shown(_say(app, "adjust"))


def test_a_decision_is_kept_when_the_coach_cannot_be_messaged(app: LiveApp) -> None:
    _program(app, published=(MIDPOINT,))
    app.slack.inject("chat.postMessage", SlackError("user_not_found"))
    reply = _shown(_say(app, "adjust continue Ratings are up and every 1:1 is happening."))
    assert "I couldn't message <@U0COACH>; please tell them yourself" in reply
    assert [row.decision for row in _decisions(app)] == ["continue"]


# --- parsing ---------------------------------------------------------------------------------


@pytest.mark.parametrize("decision", list(Decision))
def test_each_decision_parses_with_its_note(decision: Decision) -> None:
    assert parse_adjustment(f"  {decision.value.upper()}   keep going as agreed  ") == (
        decision,
        "keep going as agreed",
    )


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "isn't a decision"),
        ("stop now please everyone", "“stop” isn't a decision"),
        ("continue", "at least 10 characters"),
        ("continue " + "x" * (MAX_NOTE_CHARS + 1), f"Keep the note to {MAX_NOTE_CHARS}"),
    ],
)
def test_what_is_not_a_decision(typed: str, says: str) -> None:
    with pytest.raises(AdjustmentError, match=says):
        parse_adjustment(typed)
