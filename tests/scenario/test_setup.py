"""/emcoach setup end to end: the modal, its inline refusals, the rows it creates, edits."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlmodel import select

from bot.blocks.setup import (
    SETUP_BUDGET_OWNER,
    SETUP_CHANNEL,
    SETUP_KICKOFF,
    SETUP_MODEL,
    SETUP_MONTHS,
    SETUP_NAME,
    SETUP_THRESHOLD,
    SETUP_TIMEZONE,
    SetupForm,
)
from bot.domain.program_rules import SHORT_PROGRAM_REASON, ProgramField, ProgramState
from bot.domain.roles import Role
from bot.flows.setup import validate
from bot.sim.standin import SlackError
from storage.db import session_scope
from storage.deviations import deviations_of
from storage.models import Program, Workspace
from storage.programs import members, remove_member
from tests.support.live import LiveApp
from tests.support.programs import make_program, posted_deviation

OWNER = "U0OWNER"
CFO = "U0CFO"
COACH = "U0COACH"
STRANGER = "U0STRANGER"
NOW = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)


def _open(live: LiveApp, text: str = "setup", *, user_id: str = OWNER) -> dict[str, Any]:
    before = len(live.slack.calls_to("views.open"))
    assert live.sender.command(text, user_id=user_id).status == 200
    live.slack.wait_for(lambda: len(live.slack.calls_to("views.open")) > before)
    view: dict[str, Any] = live.slack.calls_to("views.open")[-1].args["view"]
    return view


def _say(live: LiveApp, text: str, *, user_id: str = OWNER) -> str:
    before = len(live.slack.responses())
    assert live.sender.command(text, user_id=user_id).status == 200
    live.slack.wait_for(lambda: len(live.slack.responses()) > before)
    reply: str = live.slack.responses()[-1]["text"]
    return reply


def _values(**changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        SETUP_NAME: {"type": "plain_text_input", "value": "Pilot 2027"},
        SETUP_CHANNEL: {"type": "conversations_select", "selected_conversation": "C0ENG"},
        SETUP_KICKOFF: {"type": "datepicker", "selected_date": "2027-02-01"},
        SETUP_TIMEZONE: {"type": "static_select", "selected_option": {"value": "Europe/Warsaw"}},
        SETUP_MONTHS: {"type": "number_input", "value": "6"},
        SETUP_BUDGET_OWNER: {"type": "users_select", "selected_user": CFO},
        SETUP_MODEL: {"type": "radio_buttons", "selected_option": {"value": "external_pod"}},
    }
    fields |= changes
    return {block: {block: value} for block, value in fields.items() if value is not None}


def _submit(
    live: LiveApp, view: dict[str, Any], values: dict[str, Any], *, user_id: str = OWNER
) -> dict[str, Any]:
    result = live.sender.view_submission(
        user_id=user_id,
        callback_id=view["callback_id"],
        values=values,
        private_metadata=view["private_metadata"],
    )
    assert result.status == 200
    answer: dict[str, Any] = result.json()
    return answer


def _programs(live: LiveApp) -> list[Program]:
    with session_scope(live.services.engine) as session:
        return list(session.exec(select(Program)).all())


def _element(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    block = next(block for block in view["blocks"] if block.get("block_id") == block_id)
    element: dict[str, Any] = block["element"]
    return element


def test_setup_opens_a_modal_with_the_owners_zone_and_a_kickoff_after_the_sprint(
    live: LiveApp,
) -> None:
    view = _open(live)
    assert live.slack.calls_to("users.info")[0].args["user"] == OWNER
    assert _element(view, SETUP_TIMEZONE)["initial_option"]["value"] == "Europe/Warsaw"
    # Set up on Monday 4 January: four weeks of setup sprint end on 1 February.
    assert _element(view, SETUP_KICKOFF)["initial_date"] == "2027-02-01"
    assert _element(view, SETUP_MONTHS)["initial_value"] == "6"
    assert _element(view, SETUP_CHANNEL)["initial_conversation"] == "C0GENERAL"
    assert json.loads(view["private_metadata"]) == {"program_id": None}


def test_a_heads_up_slack_refuses_is_said_to_the_owner(live: LiveApp) -> None:
    """The saved modal says the budget owner is told; a deactivated account refuses the DM, so
    the owner learns they were not."""
    view = _open(live)
    live.slack.inject("chat.postMessage", SlackError("account_inactive"))
    answer = _submit(live, view, _values())
    assert "Created *Pilot 2027*" in json.dumps(answer["view"], ensure_ascii=False)
    live.slack.wait_for(lambda: bool(live.slack.messages(OWNER)))
    told = str(live.slack.messages(OWNER)[0]["text"])
    assert told.startswith(f"You named <@{CFO}> budget owner of *Pilot 2027*, but I couldn't")
    assert live.slack.messages(CFO) == []
    assert len(_programs(live)) == 1


def test_setup_offers_a_monday_kickoff_when_set_up_midweek(live: LiveApp) -> None:
    live.clock.set(datetime(2027, 1, 7, 8, 0, tzinfo=UTC))  # Thursday 7 January
    view = _open(live)
    # The sprint ends on Thursday 4 February; the program starts the Monday after.
    assert _element(view, SETUP_KICKOFF)["initial_date"] == "2027-02-08"


def test_setup_still_opens_with_utc_when_slack_will_not_say_the_zone(live: LiveApp) -> None:
    live.slack.inject("users.info", SlackError("fatal_error"))
    view = _open(live)
    assert _element(view, SETUP_TIMEZONE)["initial_option"]["value"] == "UTC"


def test_submitting_the_modal_creates_the_program_its_owner_and_budget_owner(
    live: LiveApp,
) -> None:
    view = _open(live)
    answer = _submit(live, view, _values())
    assert answer["response_action"] == "update"
    shown = json.dumps(answer["view"], ensure_ascii=False)
    assert "Created *Pilot 2027*" in shown
    assert "/emcoach criteria" in shown
    assert "Mon 3 May 2027" in shown  # the month-3 checkpoint, Sat 1 May moved to Monday
    [program] = _programs(live)
    assert (program.name, program.publish_channel_id, program.kickoff_date) == (
        "Pilot 2027",
        "C0ENG",
        date(2027, 2, 1),
    )
    assert (program.months, program.timezone, program.budget_owner_id) == (
        6,
        "Europe/Warsaw",
        CFO,
    )
    assert (program.coaching_model, program.created_by, program.status) == (
        "external_pod",
        OWNER,
        ProgramState.DRAFT,
    )
    assert program.created_at == NOW
    with session_scope(live.services.engine) as session:
        assert session.get(Workspace, "T0001") is not None
        assert program.id is not None
        assert members(session, program_id=program.id, role=Role.OWNER) == [OWNER]
        assert members(session, program_id=program.id, role=Role.BUDGET_OWNER) == [CFO]
    live.slack.wait_for(lambda: bool(live.slack.messages(CFO)))
    heads_up = live.slack.messages(CFO)[0]["text"]
    assert "<@U0OWNER>" in heads_up
    assert "sign" in heads_up
    assert "Pilot 2027" in heads_up


def test_no_heads_up_when_the_owner_is_their_own_budget_owner(live: LiveApp) -> None:
    view = _open(live)
    values = _values(**{SETUP_BUDGET_OWNER: {"type": "users_select", "selected_user": OWNER}})
    answer = _submit(live, view, values)
    assert "You're also the budget owner" in json.dumps(answer["view"])
    live.app.listener_runner.listener_executor.shutdown(wait=True)
    assert not live.slack.calls_to("chat.postMessage")


def test_a_taken_name_is_refused_inline_whatever_its_case(live: LiveApp) -> None:
    make_program(live.services.engine, name="Pilot 2027", owner=STRANGER)
    view = _open(live)
    values = _values(**{SETUP_NAME: {"type": "plain_text_input", "value": "pilot 2027"}})
    answer = _submit(live, view, values)
    assert answer["response_action"] == "errors"
    assert list(answer["errors"]) == [SETUP_NAME]
    assert "already a program called" in answer["errors"][SETUP_NAME]
    assert len(_programs(live)) == 1


def test_a_kickoff_in_the_past_is_refused_inline(live: LiveApp) -> None:
    view = _open(live)
    values = _values(**{SETUP_KICKOFF: {"type": "datepicker", "selected_date": "2027-01-03"}})
    answer = _submit(live, view, values)
    assert answer["response_action"] == "errors"
    assert "in the past" in answer["errors"][SETUP_KICKOFF]
    assert _programs(live) == []


def test_a_kickoff_that_is_today_in_the_programs_zone_is_fine(live: LiveApp) -> None:
    # 08:00 UTC on 4 January is already 4 January in Warsaw but still 3 January in Honolulu.
    view = _open(live)
    honolulu = {"type": "static_select", "selected_option": {"value": "Pacific/Honolulu"}}
    yesterday = {"type": "datepicker", "selected_date": "2027-01-03"}
    answer = _submit(live, view, _values(**{SETUP_TIMEZONE: honolulu, SETUP_KICKOFF: yesterday}))
    assert answer["response_action"] == "update"
    assert _programs(live)[0].timezone == "Pacific/Honolulu"


def test_five_months_is_refused_inline_with_the_seeds_reason(live: LiveApp) -> None:
    view = _open(live)
    answer = _submit(live, view, _values(**{SETUP_MONTHS: {"type": "number_input", "value": "5"}}))
    assert answer["response_action"] == "errors"
    assert SHORT_PROGRAM_REASON in answer["errors"][SETUP_MONTHS]
    assert _programs(live) == []


def test_an_owner_changes_a_draft_and_the_new_budget_owner_is_told(live: LiveApp) -> None:
    program_id = make_program(live.services.engine, name="Pilot")
    view = _open(live, 'setup "pilot"')
    assert json.loads(view["private_metadata"]) == {"program_id": program_id}
    assert _element(view, SETUP_NAME)["initial_value"] == "Pilot"
    assert _element(view, SETUP_BUDGET_OWNER)["initial_user"] == CFO
    values = _values(
        **{
            SETUP_NAME: {"type": "plain_text_input", "value": "Pilot"},
            SETUP_BUDGET_OWNER: {"type": "users_select", "selected_user": COACH},
            SETUP_MONTHS: {"type": "number_input", "value": "9"},
        }
    )
    answer = _submit(live, view, values)
    assert "Saved the setup of *Pilot*" in json.dumps(answer["view"])
    [program] = _programs(live)
    assert (program.budget_owner_id, program.months) == (COACH, 9)
    with session_scope(live.services.engine) as session:
        assert members(session, program_id=program_id, role=Role.BUDGET_OWNER) == [COACH]
    live.slack.wait_for(lambda: bool(live.slack.messages(COACH)))
    assert not live.slack.messages(CFO)


def test_someone_elses_program_name_names_nobody_to_an_outsider(live: LiveApp) -> None:
    """Refusals reveal nothing about programs the person is not part of (issue #8)."""
    make_program(live.services.engine, name="Pilot")
    reply = _say(live, "setup Pilot", user_id=STRANGER)
    assert "<@" not in reply
    assert "with another name" in reply
    assert not live.slack.calls_to("views.open")


def test_someone_elses_program_name_gets_the_owners_to_ask_from_a_member(live: LiveApp) -> None:
    make_program(live.services.engine, name="Pilot", budget_owner="U0CFO")
    reply = _say(live, "setup Pilot", user_id="U0CFO")
    assert "<@U0OWNER>" in reply
    assert "/emcoach owner add @you" in reply
    assert not live.slack.calls_to("views.open")


def test_a_submission_after_losing_ownership_changes_nothing(live: LiveApp) -> None:
    program_id = make_program(live.services.engine, name="Pilot")
    view = _open(live, "setup Pilot")
    with session_scope(live.services.engine) as session:
        remove_member(session, program_id=program_id, user_id=OWNER, role=Role.OWNER)
    values = _values(**{SETUP_NAME: {"type": "plain_text_input", "value": "Renamed"}})
    answer = _submit(live, view, values)
    assert answer["response_action"] == "update"
    # The former owner holds no role in it any more: no names.
    shown = json.dumps(answer["view"])
    assert "you aren't part of it" in shown
    assert "<@" not in shown
    assert _programs(live)[0].name == "Pilot"


def _committed_dates(kickoff: str, months: str = "6") -> dict[str, Any]:
    return _values(
        **{
            SETUP_NAME: None,
            SETUP_CHANNEL: None,
            SETUP_TIMEZONE: None,
            SETUP_BUDGET_OWNER: None,
            SETUP_MODEL: None,
            SETUP_KICKOFF: {"type": "datepicker", "selected_date": kickoff},
            SETUP_MONTHS: {"type": "number_input", "value": months},
        }
    )


def test_after_commit_only_the_dates_are_offered_and_only_through_a_deviation(
    live: LiveApp,
) -> None:
    program_id = make_program(live.services.engine, name="Pilot", committed=True)
    view = _open(live, "setup Pilot")
    inputs = [block["block_id"] for block in view["blocks"] if block["type"] == "input"]
    assert inputs == [SETUP_KICKOFF, SETUP_MONTHS, SETUP_THRESHOLD]
    answer = _submit(live, view, _committed_dates("2027-03-01"))
    assert answer["response_action"] == "errors"
    assert "/emcoach deviation dates" in answer["errors"][SETUP_KICKOFF]
    assert _programs(live)[0].kickoff_date == date(2027, 2, 1)

    with session_scope(live.services.engine) as session:
        posted_deviation(
            session,
            program_id=program_id,
            field=ProgramField.DATES,
            reason="The coach can only start in March.",
            requested_by=OWNER,
            now=NOW,
        )
    answer = _submit(live, view, _committed_dates("2027-03-01"))
    assert answer["response_action"] == "update"
    assert _programs(live)[0].kickoff_date == date(2027, 3, 1)
    with session_scope(live.services.engine) as session:
        assert deviations_of(session, program_id=program_id)[0].used_at == NOW


def test_after_commit_unchanged_dates_need_no_deviation(live: LiveApp) -> None:
    make_program(live.services.engine, name="Pilot", committed=True)
    view = _open(live, "setup Pilot")
    answer = _submit(live, view, _committed_dates("2027-02-01"))
    assert "Nothing changed" in json.dumps(answer["view"])


# --- validate, without Slack ----------------------------------------------------------------


def _form(**changes: Any) -> SetupForm:
    fields: dict[str, Any] = {
        "name": "Pilot",
        "channel_id": "C0ENG",
        "kickoff": date(2027, 2, 1),
        "months": 6,
        "timezone": "Europe/Warsaw",
        "budget_owner_id": CFO,
        "model": "hybrid",
    }
    return SetupForm(**(fields | changes))


def test_validate_accepts_a_complete_form() -> None:
    setup = validate(_form(), now=NOW)
    assert not isinstance(setup, dict)
    assert (setup.name, setup.months, setup.coaching_model) == ("Pilot", 6, "hybrid")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": None}, SETUP_NAME),
        ({"name": 'The "best" one'}, SETUP_NAME),
        ({"name": "<!channel>"}, SETUP_NAME),
        ({"channel_id": None}, SETUP_CHANNEL),
        ({"timezone": "Mars/Olympus"}, SETUP_TIMEZONE),
        ({"budget_owner_id": None}, SETUP_BUDGET_OWNER),
        ({"model": "astrology"}, SETUP_MODEL),
        ({"kickoff": None}, SETUP_KICKOFF),
        ({"months": None}, SETUP_MONTHS),
        ({"months": 25}, SETUP_MONTHS),
    ],
)
def test_validate_names_the_field_to_fix(changes: dict[str, Any], field: str) -> None:
    errors = validate(_form(**changes), now=NOW)
    assert isinstance(errors, dict)
    assert list(errors) == [field]
    assert errors[field]
