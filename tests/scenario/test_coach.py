"""/emcoach coach over signed HTTP: questions, recommendation, and the recorded decision."""

from __future__ import annotations

import json
from typing import Any

from bot.blocks.coach import (
    COACH_DECISION_ACTION,
    COACH_DECISION_BLOCK,
    COACH_DECISION_VIEW,
    COACH_HEADCOUNT_ACTION,
    COACH_HEADCOUNT_BLOCK,
    COACH_SENIOR_ACTION,
    COACH_SENIOR_BLOCK,
    COACH_VIEW,
)
from bot.blocks.reply import program_metadata
from storage.db import session_scope
from storage.models import Program
from storage.setup_state import pods_of, sprint_weeks_done
from tests.support.live import START, LiveApp
from tests.support.programs import LeaderSpec, PodSpec, make_program

OWNER = "U0OWNER"
CFO = "U0CFO"
STRANGER = "U0STRANGER"


def _open(live: LiveApp, typed: str = "coach") -> dict[str, Any]:
    assert live.sender.command(typed, user_id=OWNER).status == 200
    live.slack.wait_for(lambda: bool(live.slack.calls_to("views.open")))
    view: dict[str, Any] = live.slack.calls_to("views.open")[-1].args["view"]
    return view


def _questions(
    live: LiveApp, metadata: str, *, headcount: str, senior: str | None, user_id: str = OWNER
) -> dict[str, Any]:
    values = {
        COACH_HEADCOUNT_BLOCK: {
            COACH_HEADCOUNT_ACTION: {"type": "number_input", "value": headcount}
        },
        COACH_SENIOR_BLOCK: {
            COACH_SENIOR_ACTION: {
                "type": "radio_buttons",
                "selected_option": {"value": senior} if senior else None,
            }
        },
    }
    result = live.sender.view_submission(
        user_id=user_id, callback_id=COACH_VIEW, values=values, private_metadata=metadata
    )
    assert result.status == 200
    answer: dict[str, Any] = result.json()
    return answer


def _decide(
    live: LiveApp, metadata: str, decision: str | None, *, user_id: str = OWNER
) -> dict[str, Any]:
    values = {
        COACH_DECISION_BLOCK: {
            COACH_DECISION_ACTION: {
                "type": "radio_buttons",
                "selected_option": {"value": decision} if decision else None,
            }
        }
    }
    result = live.sender.view_submission(
        user_id=user_id, callback_id=COACH_DECISION_VIEW, values=values, private_metadata=metadata
    )
    assert result.status == 200
    answer: dict[str, Any] = result.json()
    return answer


def _shown(answer: dict[str, Any]) -> str:
    return json.dumps(answer["view"]["blocks"], ensure_ascii=False)


def _program(live: LiveApp, program_id: int) -> Program:
    with session_scope(live.services.engine) as session:
        program = session.get(Program, program_id)
        assert program is not None
        return program


def test_owner_gets_a_recommendation_and_records_the_decision(live: LiveApp) -> None:
    program_id = make_program(live.services.engine)
    view = _open(live)
    assert json.loads(view["private_metadata"]) == {"program_id": program_id}
    assert "5+ years of experience AND the capacity to mentor" in json.dumps(view["blocks"])

    answer = _questions(live, view["private_metadata"], headcount="20", senior="no")
    assert answer["response_action"] == "update"
    recommendation = answer["view"]
    shown = _shown(answer)
    assert "Go with an external coach for this cycle." in shown
    assert "Most SMBs under 30 engineers go external for the first cycle" in shown
    assert "Internal mentoring: $0 cash, ~$60,000 of your senior EM's time" in shown
    assert "Priced for 4 leaders (one full pod)" in shown
    decision_block = next(
        block for block in recommendation["blocks"] if block.get("block_id") == COACH_DECISION_BLOCK
    )
    assert decision_block["element"]["initial_option"]["value"] == "external"

    done = _decide(live, recommendation["private_metadata"], "external")
    assert done["response_action"] == "update"
    assert "Week 2 of the setup sprint is done" in _shown(done)
    assert "/emcoach pod" in _shown(done)
    program = _program(live, program_id)
    assert program.coach_decision == "external"
    assert program.coach_decided_at == START
    with session_scope(live.services.engine) as session:
        assert 2 in sprint_weeks_done(session, _program(live, program_id))


def test_the_leaders_in_the_pods_are_what_gets_priced(live: LiveApp) -> None:
    make_program(
        live.services.engine,
        pods=(PodSpec(leaders=[LeaderSpec("U0LEAD1"), LeaderSpec("U0LEAD2")]),),
    )
    view = _open(live)
    shown = _shown(_questions(live, view["private_metadata"], headcount="80", senior="yes"))
    assert "Internal mentoring fits your team." in shown
    assert "Priced for the 2 leader(s) in your pods." in shown
    assert "~$30,000 of your senior EM's time" in shown


def test_non_owner_is_refused_politely_and_told_what_to_do(live: LiveApp) -> None:
    make_program(live.services.engine)
    result = live.sender.command("coach", user_id=STRANGER)
    text = result.json()["text"]
    assert "`/emcoach coach` is for a program's owners" in text
    assert "/emcoach help" in text
    assert not live.slack.calls_to("views.open")


def test_budget_owner_cannot_record_through_a_forged_submission(live: LiveApp) -> None:
    program_id = make_program(live.services.engine)
    metadata = program_metadata(program_id)
    for answer in (
        _questions(live, metadata, headcount="20", senior="no", user_id=CFO),
        _decide(live, metadata, "internal", user_id=CFO),
    ):
        assert answer["response_action"] == "update"
        assert "Only this program's owners can decide on its coach" in _shown(answer)
        assert "/emcoach owner add @you" in _shown(answer)
    assert _program(live, program_id).coach_decision is None


def test_questions_answer_inline_errors(live: LiveApp) -> None:
    metadata = program_metadata(make_program(live.services.engine))
    answer = _questions(live, metadata, headcount="0", senior=None)
    assert answer["response_action"] == "errors"
    assert "too low for engineering headcount" in answer["errors"][COACH_HEADCOUNT_BLOCK]
    assert answer["errors"][COACH_SENIOR_BLOCK] == "Answer yes or no."
    missing = _decide(live, metadata, None)
    assert missing["response_action"] == "errors"
    assert COACH_DECISION_BLOCK in missing["errors"]


def test_after_commit_the_decision_changes_but_the_pods_keep_their_coach(live: LiveApp) -> None:
    program_id = make_program(
        live.services.engine,
        criteria=("lead_time", "one_on_one_quality"),
        signed_off=True,
        pods=(PodSpec(),),
        baselines=True,
        committed=True,
    )
    metadata = program_metadata(program_id)
    _decide(live, metadata, "external")
    answer = _decide(live, metadata, "internal")
    shown = _shown(answer)
    assert "Changed *Pilot* from an external coach to an internal mentor." in shown
    assert "The pods keep their coaches" in shown
    assert "`/emcoach pod`" in shown
    assert _program(live, program_id).coach_decision == "internal"
    with session_scope(live.services.engine) as session:
        assert [pod.coach_id for pod in pods_of(session, program_id=program_id)] == ["U0COACH"]


def test_a_named_program_among_several_is_the_one_asked_about(live: LiveApp) -> None:
    make_program(live.services.engine, name="Alpha")
    beta = make_program(live.services.engine, name="Beta")
    view = _open(live, "coach beta")
    assert json.loads(view["private_metadata"]) == {"program_id": beta}
    assert "*Beta*" in json.dumps(view["blocks"])
