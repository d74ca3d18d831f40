"""/emcoach criteria over signed HTTP: picking, the budget owner's sign-off, and the lock."""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from bot.blocks.criteria import (
    CRITERIA_APPROVE,
    CRITERIA_CHANGES_VIEW,
    CRITERIA_COMMENT,
    CRITERIA_PICK,
    CRITERIA_REQUEST_CHANGES,
    CRITERIA_VIEW,
)
from bot.domain.program_rules import ProgramState
from bot.domain.roles import Role
from bot.sim.standin import SlackError, SlackStandIn
from bot.sim.standin.faults import Timeout
from storage.db import session_scope
from storage.deviations import deviations_of
from storage.models import Program
from storage.programs import add_member
from storage.setup_state import criteria_of
from tests.scenario.conftest import assert_all_block_kit_valid
from tests.support.live import START, LiveApp, failed_dms, live_app
from tests.support.logs import undelivered, unhandled
from tests.support.programs import make_program
from tests.support.public_posts import answer as answered
from tests.support.sprint import submit_criteria

OWNER = "U0OWNER"
CFO = "U0CFO"
COACH = "U0COACH"  # made a second owner where a test needs two
STRANGER = "U0STRANGER"
PAIR = ("lead_time", "report_retention")
OTHER_PAIR = ("deploy_frequency", "one_on_one_quality")


def _program(live: LiveApp, program_id: int) -> Program:
    with session_scope(live.services.engine) as session:
        program = session.get(Program, program_id)
        assert program is not None
        return program


def _stored(live: LiveApp, program_id: int) -> list[tuple[str, int, str]]:
    with session_scope(live.services.engine) as session:
        return [
            (row.metric_id, row.position, row.definition_json)
            for row in criteria_of(session, program_id=program_id)
        ]


def _submit(live: LiveApp, program_id: int, metric_ids: tuple[str, ...], user: str = OWNER) -> Any:
    return submit_criteria(live, program_id, metric_ids, user=user)


def _requests(live: LiveApp) -> list[dict[str, Any]]:
    """The sign-off requests in the budget owner's DM, oldest first."""
    return [message for message in live.slack.messages(CFO) if "Sign-off" in json.dumps(message)]


def _wait_for_requests(live: LiveApp, count: int) -> dict[str, Any]:
    live.slack.wait_for(lambda: len(_requests(live)) >= count)
    return _requests(live)[count - 1]


def _button_value(message: dict[str, Any], action_id: str) -> str:
    for block in message["blocks"]:
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return str(element["value"])
    raise AssertionError(f"no {action_id} button in {message}")


def _click(live: LiveApp, message: dict[str, Any], action_id: str, *, user: str = CFO) -> None:
    channel, ts = message["channel"], message["ts"]
    result = live.sender.block_action(
        user_id=user,
        action_id=action_id,
        value=_button_value(message, action_id),
        container={"type": "message", "message_ts": ts, "channel_id": channel},
        channel={"id": channel},
        message={"ts": ts, "text": message["text"]},
    )
    assert result.status == 200


def _last_response(live: LiveApp) -> dict[str, Any]:
    live.slack.wait_for(lambda: bool(live.slack.responses()))
    return live.slack.responses()[-1]


def _canonical_hash(definition_jsons: list[str]) -> str:
    """The SHA-256 of the frozen definitions, recomputed independently of the app's code."""
    definitions = [item for text in definition_jsons for item in json.loads(text)]
    definitions.sort(key=lambda definition: definition["id"])
    canonical = json.dumps(definitions, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def test_criteria_opens_the_catalog_with_every_definition(live: LiveApp) -> None:
    make_program(live.services.engine)
    assert live.sender.command("criteria", user_id=OWNER).status == 200
    live.slack.wait_for(lambda: bool(live.slack.calls_to("views.open")))
    view = live.slack.calls_to("views.open")[0].args["view"]
    assert view["callback_id"] == CRITERIA_VIEW
    shown = json.dumps(view, ensure_ascii=False)
    for text in ("Lead Time for Changes", "Change Failure Rate", "12-month rolling", "DORA"):
        assert text in shown
    picker = next(block for block in view["blocks"] if block.get("block_id") == CRITERIA_PICK)
    assert len(picker["element"]["options"]) == 5
    assert "initial_options" not in picker["element"]


@pytest.mark.parametrize(
    ("chosen", "why"),
    [
        (("lead_time",), "at least 2"),
        (("lead_time", "change_failure_rate", "deploy_frequency", "report_retention"), "at most 3"),
    ],
)
def test_one_or_four_criteria_get_an_inline_error(
    live: LiveApp, chosen: tuple[str, ...], why: str
) -> None:
    program_id = make_program(live.services.engine)
    answer = _submit(live, program_id, chosen)
    assert answer["response_action"] == "errors"
    assert why in answer["errors"][CRITERIA_PICK]
    assert _stored(live, program_id) == []
    assert _program(live, program_id).criteria_hash is None
    assert not live.slack.messages(CFO)


def test_saving_freezes_the_definitions_and_asks_the_budget_owner(live: LiveApp) -> None:
    program_id = make_program(live.services.engine)
    answer = _submit(live, program_id, PAIR)
    assert answer["response_action"] == "update"
    confirmation = json.dumps(answer["view"], ensure_ascii=False)
    assert f"<@{CFO}>" in confirmation
    assert "/emcoach coach" in confirmation

    stored = _stored(live, program_id)
    assert [(metric_id, position) for metric_id, position, _ in stored] == [
        ("lead_time", 0),
        ("report_retention", 1),
    ]
    program = _program(live, program_id)
    assert program.criteria_hash == _canonical_hash([text for _, _, text in stored])
    assert program.signoff_requested_at == START
    assert program.signed_off_at is None

    request = _wait_for_requests(live, 1)
    shown = json.dumps(request["blocks"], ensure_ascii=False)
    for text in (
        "Pilot",
        "hours (median); lower is better",
        "%; higher is better",
        "HR records",
        "DORA, Accelerate State of DevOps Report 2024",
        program.criteria_hash,
    ):
        assert text in shown
    value = json.loads(_button_value(request, CRITERIA_APPROVE))
    assert (value["p"], value["h"]) == (program_id, program.criteria_hash)


def test_budget_owner_approves(live: LiveApp) -> None:
    program_id = make_program(live.services.engine)
    _submit(live, program_id, PAIR)
    request = _wait_for_requests(live, 1)
    _click(live, request, CRITERIA_APPROVE)
    live.slack.wait_for(lambda: bool(live.slack.messages(OWNER)))

    program = _program(live, program_id)
    assert program.signed_off_by == CFO
    assert program.signed_off_at == START
    assert program.status is ProgramState.CRITERIA_SIGNED_OFF
    stored = [text for _, _, text in _stored(live, program_id)]
    assert program.criteria_hash == _canonical_hash(stored)

    update = live.slack.calls_to("chat.update")[0].args
    assert (update["channel"], update["ts"]) == (request["channel"], request["ts"])
    updated = json.dumps(update["blocks"], ensure_ascii=False)
    assert "Approved by you at" in updated
    assert program.criteria_hash in updated
    assert CRITERIA_APPROVE not in updated, "the buttons are gone once answered"
    told = live.slack.messages(OWNER)[0]["text"]
    assert f"<@{CFO}> approved" in told
    assert "/emcoach coach" in told


def test_someone_else_clicking_is_refused_and_nothing_is_recorded(live: LiveApp) -> None:
    program_id = make_program(live.services.engine)
    _submit(live, program_id, PAIR)
    request = _wait_for_requests(live, 1)
    for user in (OWNER, STRANGER):
        _click(live, request, CRITERIA_APPROVE, user=user)
        refusal = _last_response(live)
        assert refusal["response_type"] == "ephemeral"
        assert f"only <@{CFO}>, the budget owner" in refusal["text"]
        assert refusal["replace_original"] is False
    live.app.listener_runner.listener_executor.shutdown(wait=True)
    program = _program(live, program_id)
    assert (program.signed_off_by, program.signed_off_at) == (None, None)
    assert program.status is ProgramState.DRAFT
    assert not live.slack.calls_to("chat.update")
    assert not live.slack.messages(OWNER)


def test_request_changes_sends_the_comment_to_every_owner(live: LiveApp) -> None:
    program_id = make_program(live.services.engine)
    with session_scope(live.services.engine) as session:
        add_member(
            session,
            program_id=program_id,
            user_id="U0COACH",
            role=Role.OWNER,
            added_by=OWNER,
            now=START,
        )
    _submit(live, program_id, PAIR)
    request = _wait_for_requests(live, 1)
    _click(live, request, CRITERIA_REQUEST_CHANGES)
    live.slack.wait_for(lambda: bool(live.slack.calls_to("views.open")))
    modal = live.slack.calls_to("views.open")[-1].args["view"]
    assert modal["callback_id"] == CRITERIA_CHANGES_VIEW

    empty = live.sender.view_submission(
        user_id=CFO,
        callback_id=CRITERIA_CHANGES_VIEW,
        values={CRITERIA_COMMENT: {CRITERIA_COMMENT: {"type": "plain_text_input", "value": " "}}},
        private_metadata=modal["private_metadata"],
    ).json()
    assert empty["response_action"] == "errors"
    assert CRITERIA_COMMENT in empty["errors"]

    comment = "Retention is HR's number.\nUse the 1:1 quality score instead."
    answer = _comment(live, modal, comment)
    assert answer["response_action"] == "update"
    assert f"<@{OWNER}>" in json.dumps(answer["view"])
    live.slack.wait_for(lambda: all(live.slack.messages(owner) for owner in (OWNER, "U0COACH")))
    for owner in (OWNER, "U0COACH"):
        told = live.slack.messages(owner)[0]["text"]
        assert f"<@{CFO}> asked for changes" in told
        assert ">Retention is HR's number.\n>Use the 1:1 quality score instead." in told
        assert '/emcoach criteria "Pilot"' in told
    live.slack.wait_for(lambda: bool(live.slack.calls_to("chat.update")))
    update = live.slack.calls_to("chat.update")[0].args
    assert update["ts"] == request["ts"]
    assert "You asked for changes" in json.dumps(update["blocks"])
    program = _program(live, program_id)
    assert program.signed_off_at is None
    assert program.status is ProgramState.DRAFT


def test_a_click_on_an_outdated_request_points_at_the_newer_one(live: LiveApp) -> None:
    program_id = make_program(live.services.engine)
    _submit(live, program_id, PAIR)
    first = _wait_for_requests(live, 1)
    _submit(live, program_id, OTHER_PAIR)
    second = _wait_for_requests(live, 2)

    _click(live, first, CRITERIA_APPROVE)
    assert "changed since" in _last_response(live)["text"]
    assert _program(live, program_id).signed_off_at is None

    _click(live, second, CRITERIA_APPROVE)
    live.slack.wait_for(lambda: bool(live.slack.calls_to("chat.update")))
    program = _program(live, program_id)
    assert program.signed_off_by == CFO
    assert [metric_id for metric_id, _, _ in _stored(live, program_id)] == list(OTHER_PAIR)


def test_rerun_preselects_and_a_new_set_resets_the_signoff(live: LiveApp) -> None:
    program_id = make_program(live.services.engine, criteria=PAIR, signed_off=True)
    live.sender.command("criteria", user_id=OWNER)
    live.slack.wait_for(lambda: bool(live.slack.calls_to("views.open")))
    view = live.slack.calls_to("views.open")[0].args["view"]
    picker = next(block for block in view["blocks"] if block.get("block_id") == CRITERIA_PICK)
    assert [option["value"] for option in picker["element"]["initial_options"]] == list(PAIR)
    assert f"signed off by <@{CFO}>" in json.dumps(view)

    same = _submit(live, program_id, PAIR)
    assert "Nothing changed" in json.dumps(same["view"])
    assert _program(live, program_id).signed_off_by == CFO
    assert not _requests(live)

    _submit(live, program_id, (*PAIR, "change_failure_rate"))
    program = _program(live, program_id)
    assert (program.signed_off_by, program.signed_off_at) == (None, None)
    assert len(_stored(live, program_id)) == 3
    _wait_for_requests(live, 1)


def test_a_failed_request_tells_the_owner_how_to_resend(live: LiveApp) -> None:
    program_id = make_program(live.services.engine)
    live.slack.inject("chat.postMessage", SlackError("cannot_dm_bot"))
    _submit(live, program_id, PAIR)
    live.slack.wait_for(lambda: bool(live.slack.messages(OWNER)))
    told = live.slack.messages(OWNER)[0]["text"]
    assert "couldn't deliver the sign-off request" in told
    assert "cannot_dm_bot" in told
    assert len(_stored(live, program_id)) == 2

    again = _submit(live, program_id, PAIR)
    assert "sent the request again" in json.dumps(again["view"])
    _wait_for_requests(live, 1)


def test_change_after_commit_without_a_deviation_is_refused(live: LiveApp) -> None:
    program_id = make_program(live.services.engine, criteria=PAIR, signed_off=True, committed=True)
    live.sender.command("criteria", user_id=OWNER)
    refusal = _last_response(live)["text"]
    assert "/emcoach deviation criteria <reason>" in refusal
    assert not live.slack.calls_to("views.open")

    # A modal opened before commit and submitted after it is refused too.
    answer = _submit(live, program_id, OTHER_PAIR)
    assert "deviation" in json.dumps(answer["view"])
    assert [metric_id for metric_id, _, _ in _stored(live, program_id)] == list(PAIR)
    assert _program(live, program_id).signed_off_by == CFO


def test_change_after_commit_with_a_posted_deviation_is_allowed_once(live: LiveApp) -> None:
    program_id = make_program(live.services.engine, criteria=PAIR, signed_off=True, committed=True)
    # The deviation's answer is the listener's last step: the deviation is recorded by then.
    said = answered(
        live,
        lambda: live.sender.command(
            "deviation criteria HR cannot produce retention data monthly", user_id=OWNER
        ),
    )
    assert "Posted the deviation" in said, said
    assert live.slack.messages("C0ENG")

    live.sender.command("criteria", user_id=OWNER)
    live.slack.wait_for(lambda: bool(live.slack.calls_to("views.open")))
    answer = _submit(live, program_id, OTHER_PAIR)
    assert "Saved the success criteria" in json.dumps(answer["view"])
    assert [metric_id for metric_id, _, _ in _stored(live, program_id)] == list(OTHER_PAIR)
    program = _program(live, program_id)
    assert program.signed_off_at is None
    assert program.status is ProgramState.COMMITTED
    with session_scope(live.services.engine) as session:
        assert [row.used_at for row in deviations_of(session, program_id=program_id)] == [START]
    _wait_for_requests(live, 1)

    again = _submit(live, program_id, PAIR)
    assert "/emcoach deviation criteria" in json.dumps(again["view"])
    assert [metric_id for metric_id, _, _ in _stored(live, program_id)] == list(OTHER_PAIR)


def test_non_owner_cannot_change_criteria(live: LiveApp) -> None:
    program_id = make_program(live.services.engine)
    result = live.sender.command("criteria", user_id=STRANGER)
    assert "is for a program's owners" in result.json()["text"]
    answer = _submit(live, program_id, PAIR, user=STRANGER)
    assert "Only the program's owners" in json.dumps(answer["view"])
    assert _stored(live, program_id) == []


# --- Slack refusing or not answering once the answer is committed -----------------------------


def _second_owner(live: LiveApp, program_id: int) -> None:
    with session_scope(live.services.engine) as session:
        add_member(
            session,
            program_id=program_id,
            user_id=COACH,
            role=Role.OWNER,
            added_by=OWNER,
            now=START,
        )


def _settle(live: LiveApp) -> None:
    """Wait for the listeners still running after their ack (Bolt's thread pool); what they
    sent is valid Block Kit (the ``live`` fixture checks its own)."""
    live.app.listener_runner.listener_executor.shutdown(wait=True)
    assert_all_block_kit_valid(live)


def _changes_modal(live: LiveApp, request: dict[str, Any]) -> dict[str, Any]:
    _click(live, request, CRITERIA_REQUEST_CHANGES)
    live.slack.wait_for(lambda: bool(live.slack.calls_to("views.open")))
    modal: dict[str, Any] = live.slack.calls_to("views.open")[-1].args["view"]
    return modal


def _comment(live: LiveApp, modal: dict[str, Any], comment: str) -> Any:
    return live.sender.view_submission(
        user_id=CFO,
        callback_id=CRITERIA_CHANGES_VIEW,
        values={
            CRITERIA_COMMENT: {CRITERIA_COMMENT: {"type": "plain_text_input", "value": comment}}
        },
        private_metadata=modal["private_metadata"],
    ).json()


def test_a_comment_reaches_the_owners_slack_takes_and_the_budget_owner_hears_who_not(
    live: LiveApp, caplog: pytest.LogCaptureFixture
) -> None:
    """The first owner's account is deactivated: the comment (stored nowhere else) still
    reaches the other owner, and the answered request names whom to pass it on to."""
    caplog.set_level(logging.WARNING)
    program_id = make_program(live.services.engine)
    _second_owner(live, program_id)
    _submit(live, program_id, PAIR)
    request = _wait_for_requests(live, 1)
    modal = _changes_modal(live, request)
    live.slack.inject("chat.postMessage", SlackError("account_inactive"))

    answer = _comment(live, modal, "Retention is HR's number.")
    assert answer["response_action"] == "update"
    _settle(live)

    [missed] = failed_dms(live)
    [reached] = {OWNER, COACH} - {missed}
    assert not live.slack.messages(missed)
    [told] = live.slack.messages(reached)
    assert ">Retention is HR's number." in told["text"]
    [update] = live.slack.calls_to("chat.update")
    shown = json.dumps(update.args["blocks"])
    assert "You asked for changes" in shown
    assert f"I couldn't send your comment to <@{missed}>; please pass it on" in shown
    assert "went to the program's owners" not in shown
    assert unhandled(caplog.records) == []
    assert f"requested changes to {missed} not delivered: account_inactive" in undelivered(
        caplog.records
    )


def test_a_comment_that_missed_an_owner_comes_back_when_the_request_cannot_show_it(
    slack: SlackStandIn, scenario_engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    """Slack answers neither the first owner's DM nor the request's update: the budget owner
    gets the comment back by DM (escaped as typed) with whom to pass it on to."""
    caplog.set_level(logging.WARNING)
    with live_app(slack, scenario_engine, slack_timeout=0.6) as live:
        program_id = make_program(live.services.engine)
        _second_owner(live, program_id)
        _submit(live, program_id, PAIR)
        request = _wait_for_requests(live, 1)
        modal = _changes_modal(live, request)
        live.slack.inject("chat.postMessage", Timeout(seconds=1.0, applied=False))
        live.slack.inject("chat.update", Timeout(seconds=1.0, applied=False))

        _comment(live, modal, "Ping <!channel> *now*")
        _settle(live)

        [missed] = failed_dms(live)
        [reached] = {OWNER, COACH} - {missed}
        assert ">Ping &lt;!channel&gt; ∗now∗" in live.slack.messages(reached)[0]["text"]
        back = live.slack.messages(CFO)[-1]["text"]
        assert f"I couldn't send your comment to <@{missed}>; please pass it on" in back
        assert ">Ping &lt;!channel&gt; ∗now∗" in back
        assert "<!channel>" not in back
    assert unhandled(caplog.records) == []


def test_a_sign_off_request_slack_does_not_answer_tells_the_owner_to_send_it_again(
    slack: SlackStandIn, scenario_engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    """The owner was shown "I sent the sign-off request"; the request is lost on the way: they
    learn it may not have arrived and how to send it again, which then works."""
    caplog.set_level(logging.WARNING)
    with live_app(slack, scenario_engine, slack_timeout=0.6) as live:
        program_id = make_program(live.services.engine)
        live.slack.inject("chat.postMessage", Timeout(seconds=1.0, applied=False))
        answer = _submit(live, program_id, PAIR)
        assert "I sent the sign-off request" in json.dumps(answer["view"])
        live.slack.wait_for(lambda: bool(live.slack.messages(OWNER)))
        [told] = live.slack.messages(OWNER)
        assert (
            f"Slack did not confirm the sign-off request I sent for *Pilot* to <@{CFO}>"
            in (told["text"])
        )
        assert "may not have arrived" in told["text"]
        assert 'run `/emcoach criteria "Pilot"` and save again to resend it' in told["text"]
        assert not _requests(live)
        assert len(_stored(live, program_id)) == 2

        again = _submit(live, program_id, PAIR)
        assert "sent the request again" in json.dumps(again["view"])
        _wait_for_requests(live, 1)
        _settle(live)
    assert unhandled(caplog.records) == []
    assert f"sign-off request to {CFO} not delivered: TimeoutError" in undelivered(caplog.records)


def test_an_approval_whose_request_cannot_be_updated_is_confirmed_privately(
    slack: SlackStandIn, scenario_engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    """chat.update of the approved request times out: the approval stands, the owners are
    told all the same, and the budget owner's click is answered with the approval, not an
    apology."""
    caplog.set_level(logging.WARNING)
    with live_app(slack, scenario_engine, slack_timeout=0.6) as live:
        program_id = make_program(live.services.engine)
        _submit(live, program_id, PAIR)
        request = _wait_for_requests(live, 1)
        live.slack.inject("chat.update", Timeout(seconds=1.0, applied=False))
        _click(live, request, CRITERIA_APPROVE)
        _settle(live)

        assert _program(live, program_id).signed_off_by == CFO
        [told] = live.slack.messages(OWNER)
        assert f"<@{CFO}> approved" in told["text"]
        [answer] = live.slack.responses()
        assert answer["response_type"] == "ephemeral"
        assert answer["replace_original"] is False
        assert "Approved by you at" in answer["text"]
        assert "The owners have been told." in answer["text"]
    assert unhandled(caplog.records) == []


def test_an_approval_tells_every_owner_slack_takes_and_names_the_one_it_could_not(
    live: LiveApp, caplog: pytest.LogCaptureFixture
) -> None:
    """The first owner's DM is refused: the other owner still hears of the approval, and the
    answered request says whom the budget owner should tell."""
    caplog.set_level(logging.WARNING)
    program_id = make_program(live.services.engine)
    _second_owner(live, program_id)
    _submit(live, program_id, PAIR)
    request = _wait_for_requests(live, 1)
    live.slack.inject("chat.postMessage", SlackError("account_inactive"))
    _click(live, request, CRITERIA_APPROVE)
    _settle(live)

    assert _program(live, program_id).status is ProgramState.CRITERIA_SIGNED_OFF
    [missed] = failed_dms(live)
    [reached] = {OWNER, COACH} - {missed}
    assert not live.slack.messages(missed)
    assert f"<@{CFO}> approved" in live.slack.messages(reached)[0]["text"]
    shown = json.dumps(live.slack.calls_to("chat.update")[-1].args["blocks"])
    assert "Approved by you at" in shown
    assert f"I couldn't send <@{missed}> a direct message; please let them know." in shown
    assert "The owners have been told" not in shown
    assert live.slack.responses() == []
    assert unhandled(caplog.records) == []
