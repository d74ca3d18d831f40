"""Block Kit of /emcoach check: the questionnaire, what it reads back, and the verdict."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from bot.blocks.check import (
    CHECK_CONDITION_ACTION,
    CHECK_VIEW,
    build_check_modal,
    build_check_result,
    condition_block_id,
    conditions_from_state,
)
from bot.blocks.reply import program_id_from_metadata, program_metadata
from bot.domain.eligibility import Condition, assess
from tests.support.blockkit import assert_valid_view


def _submitted(view: dict[str, Any], ticked: set[Condition]) -> dict[str, Any]:
    """The state Slack would send for ``view`` with ``ticked`` checked."""
    values: dict[str, Any] = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element = block["element"]
        options = [option for option in element["options"] if option["value"] in ticked]
        values[block["block_id"]] = {
            element["action_id"]: {"type": "checkboxes", "selected_options": options}
        }
    return values


def _shown(view: dict[str, Any]) -> str:
    return json.dumps(view["blocks"], ensure_ascii=False)


def test_modal_asks_each_condition_in_the_seeds_words() -> None:
    view = build_check_modal(program_id=None, program_name=None, checked=set())
    assert_valid_view(view)
    assert view["callback_id"] == CHECK_VIEW
    inputs = [block for block in view["blocks"] if block["type"] == "input"]
    assert [block["label"]["text"] for block in inputs] == [c.sentence for c in Condition]
    assert all(block["optional"] for block in inputs), "zero ticks is a valid answer"
    assert all(block["element"]["action_id"] == CHECK_CONDITION_ACTION for block in inputs)
    assert "draft program" not in _shown(view)


def test_modal_names_the_draft_and_prefills_its_stored_answers() -> None:
    view = build_check_modal(
        program_id=7, program_name="Pilot", checked={Condition.MANAGER_ATTRITION}
    )
    assert_valid_view(view)
    assert "saved on your draft program *Pilot*" in _shown(view)
    assert program_id_from_metadata(view["private_metadata"]) == 7
    prefilled = {
        block["block_id"]
        for block in view["blocks"]
        if block["type"] == "input" and block["element"].get("initial_options")
    }
    assert prefilled == {condition_block_id(Condition.MANAGER_ATTRITION)}


@given(st.sets(st.sampled_from(list(Condition))))
def test_submitted_ticks_read_back_as_the_same_conditions(ticked: set[Condition]) -> None:
    view = build_check_modal(program_id=None, program_name=None, checked=set())
    assert conditions_from_state(_submitted(view, ticked)) == ticked


def test_metadata_that_is_not_ours_means_no_program() -> None:
    assert program_id_from_metadata(program_metadata(3)) == 3
    assert program_id_from_metadata(program_metadata(None)) is None
    for garbage in ("", "not json", "[1]", '{"program_id": "3"}'):
        assert program_id_from_metadata(garbage) is None


def test_recommended_lists_the_reasons_and_names_cost_then_setup() -> None:
    assessment = assess({Condition.MULTIPLE_EMS_ONE_NEW, Condition.PROMOTION_PLANNED})
    view = build_check_result(assessment, saved_on=None, override=False)
    assert_valid_view(view)
    shown = _shown(view)
    assert "A mentoring program makes sense: 2 of 5" in shown
    assert Condition.PROMOTION_PLANNED.sentence in shown
    assert shown.index("/emcoach cost") < shown.index("/emcoach setup")
    assert "anyway" not in shown


def test_one_condition_is_not_yet_and_says_what_to_watch_for() -> None:
    assessment = assess({Condition.PROMOTION_PLANNED})
    shown = _shown(build_check_result(assessment, saved_on=None, override=True))
    assert "Not yet" in shown
    for condition in assessment.watch_for:
        assert condition.watch_for in shown
    assert "If you go ahead anyway" in shown
    assert "/emcoach check` once more" in shown


def test_none_warns_of_theater_and_money_better_spent_elsewhere() -> None:
    shown = _shown(build_check_result(assess(set()), saved_on=None, override=True))
    assert "theater, not outcomes" in shown
    assert "better spent elsewhere" in shown


def test_saved_against_the_advice_says_it_is_recorded() -> None:
    shown = _shown(build_check_result(assess(set()), saved_on="Pilot", override=True))
    assert "Saved your answers on *Pilot*" in shown
    assert "recorded on it as a decision against this advice" in shown
    assert "/emcoach status" in shown


def test_saved_and_recommended_does_not_mention_an_override() -> None:
    assessment = assess(set(Condition))
    shown = _shown(build_check_result(assessment, saved_on="Pilot", override=False))
    assert "Saved your answers on *Pilot*." in shown
    assert "against this advice" not in shown
