"""The setup modal, its parsing and the confirmation, built without Slack."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from bot.blocks.reply import program_id_from_metadata
from bot.blocks.setup import (
    COMMON_ZONES,
    MAX_ZONE_OPTIONS,
    SETUP_BUDGET_OWNER,
    SETUP_CHANNEL,
    SETUP_KICKOFF,
    SETUP_MODEL,
    SETUP_MONTHS,
    SETUP_NAME,
    SETUP_THRESHOLD,
    SETUP_TIMEZONE,
    SetupForm,
    build_budget_owner_heads_up,
    build_setup_done,
    build_setup_modal,
    build_setup_notice,
    form_from_state,
    zone_choices,
)
from bot.domain.cost import CostModel
from bot.domain.localtime import get_zone
from tests.support.blockkit import assert_valid_message, assert_valid_view

FULL = SetupForm(
    name="Pilot",
    channel_id="C0ENG",
    kickoff=date(2027, 2, 1),
    months=6,
    timezone="Asia/Kathmandu",
    budget_owner_id="U0CFO",
    model=CostModel.HYBRID.value,
)


def _inputs(view: dict[str, Any]) -> list[str]:
    return [block["block_id"] for block in view["blocks"] if block["type"] == "input"]


def _submitted(view: dict[str, Any]) -> dict[str, Any]:
    """What Slack would send back for a modal nobody changed: each element's initial value."""
    values: dict[str, Any] = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element = block["element"]
        state = {
            "plain_text_input": lambda e: {"value": e.get("initial_value")},
            "conversations_select": lambda e: {
                "selected_conversation": e.get("initial_conversation")
            },
            "datepicker": lambda e: {"selected_date": e.get("initial_date")},
            "number_input": lambda e: {"value": e.get("initial_value")},
            "users_select": lambda e: {"selected_user": e.get("initial_user")},
            "static_select": lambda e: {"selected_option": e.get("initial_option")},
            "radio_buttons": lambda e: {"selected_option": e.get("initial_option")},
        }[element["type"]](element)
        values[block["block_id"]] = {element["action_id"]: {"type": element["type"], **state}}
    return values


def test_every_common_zone_exists_and_fits_one_picker() -> None:
    for zone in COMMON_ZONES:
        get_zone(zone)
    assert len(set(COMMON_ZONES)) == len(COMMON_ZONES) < MAX_ZONE_OPTIONS


@given(st.sampled_from(["UTC", "Asia/Kathmandu", "Europe/Warsaw", "America/St_Johns"]))
def test_the_preselected_zone_is_always_offered(zone: str) -> None:
    choices = zone_choices(zone)
    assert zone in choices
    assert len(choices) <= MAX_ZONE_OPTIONS
    assert len(set(choices)) == len(choices)


def test_a_new_program_modal_asks_for_everything() -> None:
    view = build_setup_modal(SetupForm(), program_id=None, default_zone="Europe/Warsaw")
    assert_valid_view(view)
    assert _inputs(view) == [
        SETUP_NAME,
        SETUP_CHANNEL,
        SETUP_TIMEZONE,
        SETUP_BUDGET_OWNER,
        SETUP_MODEL,
        SETUP_KICKOFF,
        SETUP_MONTHS,
    ]
    assert view["submit"]["text"] == "Create program"
    assert json.loads(view["private_metadata"]) == {"program_id": None}
    zone = next(b for b in view["blocks"] if b.get("block_id") == SETUP_TIMEZONE)
    assert zone["element"]["initial_option"]["value"] == "Europe/Warsaw"
    model = next(b for b in view["blocks"] if b.get("block_id") == SETUP_MODEL)
    assert [option["value"] for option in model["element"]["options"]] == [
        model.value for model in CostModel
    ]


def test_a_prefilled_modal_comes_back_as_the_same_form() -> None:
    view = build_setup_modal(FULL, program_id=3)
    assert_valid_view(view)
    assert view["submit"]["text"] == "Save changes"
    assert program_id_from_metadata(view["private_metadata"]) == 3
    assert form_from_state(_submitted(view)) == FULL


def test_after_commit_the_modal_offers_only_the_dates_and_the_threshold() -> None:
    locked = replace(FULL, anonymity_threshold=3)
    view = build_setup_modal(locked, program_id=3, committed_on=date(2027, 1, 20))
    assert_valid_view(view)
    assert _inputs(view) == [SETUP_KICKOFF, SETUP_MONTHS, SETUP_THRESHOLD]
    shown = json.dumps(view, ensure_ascii=False)
    assert "committed on Wed 20 Jan 2027" in shown
    assert "/emcoach deviation dates" in shown
    assert "/emcoach deviation threshold" in shown
    assert form_from_state(_submitted(view)) == SetupForm(
        kickoff=FULL.kickoff, months=6, anonymity_threshold=3
    )


def test_unusable_values_parse_as_empty() -> None:
    values = {
        SETUP_NAME: {SETUP_NAME: {"value": "   "}},
        SETUP_KICKOFF: {SETUP_KICKOFF: {"selected_date": "2027-02-30"}},
        SETUP_MONTHS: {SETUP_MONTHS: {"value": "6.5"}},
        SETUP_MODEL: {SETUP_MODEL: {"selected_option": None}},
    }
    assert form_from_state(values) == SetupForm()


def test_metadata_that_is_not_a_program_id_is_none() -> None:
    for metadata in ("", "not json", "[1]", '{"program_id": "3"}', '{"program_id": true}'):
        assert program_id_from_metadata(metadata) is None


def test_the_confirmation_says_what_was_created_and_what_is_next() -> None:
    view = build_setup_done(
        FULL, created=True, changed=True, owner_id="U0OWNER", budget_owner_told=True
    )
    assert_valid_view(view)
    shown = json.dumps(view, ensure_ascii=False)
    assert "Created *Pilot*. You're its owner." in shown
    assert "`/emcoach criteria`" in shown
    assert "<@U0CFO> then signs them off" in shown
    assert "I'm sending <@U0CFO> a direct message" in shown
    assert "*month 3:* Mon 3 May 2027" in shown


def test_the_confirmation_of_an_edit() -> None:
    saved = build_setup_done(
        FULL, created=False, changed=True, owner_id="U0OWNER", budget_owner_told=False
    )
    same = build_setup_done(
        FULL, created=False, changed=False, owner_id="U0OWNER", budget_owner_told=False
    )
    mine = build_setup_done(
        FULL, created=True, changed=True, owner_id="U0CFO", budget_owner_told=False
    )
    assert "Saved the setup of *Pilot*" in json.dumps(saved)
    assert "/emcoach criteria" not in json.dumps(saved)
    assert "Nothing changed in *Pilot*" in json.dumps(same)
    assert "You're also the budget owner" in json.dumps(mine)
    assert "direct message" not in json.dumps(mine)


def test_notice_and_heads_up_are_valid() -> None:
    assert_valid_view(build_setup_notice("That program no longer exists."))
    heads_up = build_budget_owner_heads_up(program_name="Pilot", owner_id="U0OWNER")
    assert_valid_message(heads_up.as_ephemeral())
    assert "<@U0OWNER> set up" in heads_up.text
    assert "sign them off" in heads_up.text
