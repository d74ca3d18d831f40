"""/emcoach check over signed HTTP: the modal, the verdict, and the answers on the draft."""

from __future__ import annotations

import json
from typing import Any

from bot.blocks.check import CHECK_VIEW
from bot.blocks.reply import program_metadata
from bot.domain.eligibility import Condition
from storage.db import session_scope
from storage.models import Program
from tests.support.live import LiveApp
from tests.support.programs import make_program

OWNER = "U0OWNER"
STRANGER = "U0STRANGER"


def _open(live: LiveApp, user_id: str) -> dict[str, Any]:
    before = len(live.slack.calls_to("views.open"))
    result = live.sender.command("check", user_id=user_id)
    assert result.status == 200
    live.slack.wait_for(lambda: len(live.slack.calls_to("views.open")) > before)
    view: dict[str, Any] = live.slack.calls_to("views.open")[-1].args["view"]
    return view


def _values(view: dict[str, Any], ticked: set[Condition]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for block in view["blocks"]:
        if block["type"] == "input":
            element = block["element"]
            chosen = [option for option in element["options"] if option["value"] in ticked]
            values[block["block_id"]] = {
                element["action_id"]: {"type": "checkboxes", "selected_options": chosen}
            }
    return values


def _submit(
    live: LiveApp, user_id: str, view: dict[str, Any], ticked: set[Condition]
) -> dict[str, Any]:
    result = live.sender.view_submission(
        user_id=user_id,
        callback_id=CHECK_VIEW,
        values=_values(view, ticked),
        private_metadata=view["private_metadata"],
    )
    assert result.status == 200
    answer: dict[str, Any] = result.json()
    assert answer["response_action"] == "update"
    return answer


def _shown(answer: dict[str, Any]) -> str:
    return json.dumps(answer["view"]["blocks"], ensure_ascii=False)


def _program(live: LiveApp, program_id: int) -> Program:
    with session_scope(live.services.engine) as session:
        program = session.get(Program, program_id)
        assert program is not None
        return program


def test_anyone_gets_the_five_conditions_and_a_recommendation(live: LiveApp) -> None:
    view = _open(live, STRANGER)
    labels = [block["label"]["text"] for block in view["blocks"] if block["type"] == "input"]
    assert labels == [condition.sentence for condition in Condition]
    answer = _submit(
        live, STRANGER, view, {Condition.MULTIPLE_EMS_ONE_NEW, Condition.MANAGER_ATTRITION}
    )
    shown = _shown(answer)
    assert "A mentoring program makes sense: 2 of 5 signs are there." in shown
    assert Condition.MANAGER_ATTRITION.sentence in shown
    assert shown.index("/emcoach cost") < shown.index("/emcoach setup")
    assert "Saved" not in shown


def test_none_true_warns_of_theater(live: LiveApp) -> None:
    shown = _shown(_submit(live, STRANGER, _open(live, STRANGER), set()))
    assert "theater, not outcomes" in shown
    assert "better spent elsewhere" in shown


def test_one_true_is_not_yet_with_the_signal_to_watch_for(live: LiveApp) -> None:
    shown = _shown(_submit(live, STRANGER, _open(live, STRANGER), {Condition.PROMOTION_PLANNED}))
    assert "Not yet: 1 of 5 signs is there" in shown
    assert "Watch for a second engineering manager joining" in shown


def test_answers_are_stored_on_the_owners_draft_with_the_override(live: LiveApp) -> None:
    program_id = make_program(live.services.engine)
    view = _open(live, OWNER)
    assert json.loads(view["private_metadata"]) == {"program_id": program_id}
    assert "*Pilot*" in json.dumps(view["blocks"])
    shown = _shown(_submit(live, OWNER, view, {Condition.LOW_MANAGEMENT_SATISFACTION}))
    assert "Saved your answers on *Pilot*" in shown
    assert "recorded on it as a decision against this advice" in shown
    program = _program(live, program_id)
    assert program.eligibility_conditions == "low_management_satisfaction"
    assert program.eligibility_override is True


def test_a_recommended_check_clears_the_override_and_is_prefilled_next_time(
    live: LiveApp,
) -> None:
    program_id = make_program(live.services.engine)
    _submit(live, OWNER, _open(live, OWNER), set())
    assert _program(live, program_id).eligibility_override is True
    ticked = {Condition.PROMOTION_PLANNED, Condition.DORA_PLATEAU_HUMAN}
    _submit(live, OWNER, _open(live, OWNER), ticked)
    program = _program(live, program_id)
    assert program.eligibility_conditions == "dora_plateau_human,promotion_planned"
    assert program.eligibility_override is False
    again = _open(live, OWNER)
    prefilled = {
        option["value"]
        for block in again["blocks"]
        if block["type"] == "input"
        for option in block["element"].get("initial_options", [])
    }
    assert prefilled == {condition.value for condition in ticked}


def test_the_most_recent_draft_gets_the_answers(live: LiveApp) -> None:
    older = make_program(live.services.engine, name="Older")
    newer = make_program(live.services.engine, name="Newer")
    _submit(live, OWNER, _open(live, OWNER), {Condition.MANAGER_ATTRITION})
    assert _program(live, newer).eligibility_conditions == "manager_attrition"
    assert _program(live, older).eligibility_conditions is None


def test_a_program_past_draft_is_left_alone(live: LiveApp) -> None:
    program_id = make_program(
        live.services.engine, criteria=("lead_time", "one_on_one_quality"), signed_off=True
    )
    view = _open(live, OWNER)
    assert json.loads(view["private_metadata"]) == {"program_id": None}
    shown = _shown(_submit(live, OWNER, view, set()))
    assert "Saved" not in shown
    assert _program(live, program_id).eligibility_conditions is None


def test_someone_elses_program_in_the_metadata_is_not_written(live: LiveApp) -> None:
    program_id = make_program(live.services.engine)
    view = _open(live, STRANGER) | {"private_metadata": program_metadata(program_id)}
    shown = _shown(_submit(live, STRANGER, view, set()))
    assert "Saved" not in shown
    assert _program(live, program_id).eligibility_conditions is None
