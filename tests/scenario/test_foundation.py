"""The foundation end to end: signed HTTP requests in, Slack stand-in calls out."""

from __future__ import annotations

import json
import logging
import re
import time
from urllib.parse import urlencode

import pytest
from slack_bolt import Ack
from sqlalchemy import text

from bot.sim.standin import SlackError
from bot.sim.standin.sender import post
from tests.support.live import LiveApp

OWNER = "U0OWNER"
STRANGER = "U0STRANGER"


def _reply_text(result_body: str) -> str:
    reply = json.loads(result_body)
    assert reply["response_type"] == "ephemeral"
    return reply["text"]


@pytest.mark.parametrize("typed", ["", "help", "  HELP  "])
def test_help_answers_in_the_acknowledgement(live: LiveApp, typed: str) -> None:
    result = live.sender.command(typed, user_id=STRANGER)
    assert result.status == 200
    assert result.seconds < 3
    text = _reply_text(result.body)
    assert "`/emcoach help` — this list" in text
    reply = result.json()
    assert reply["blocks"][0]["type"] == "header"


def test_unknown_subcommand_gets_the_closest_match_and_the_help(live: LiveApp) -> None:
    result = live.sender.command("hlep me", user_id=STRANGER)
    assert result.status == 200
    text = json.dumps(result.json()["blocks"], ensure_ascii=False)
    assert "I don't know “hlep”." in text
    assert "Did you mean `/emcoach help`?" in text
    assert "`/emcoach help` — this list" in text


def test_unknown_subcommand_without_a_close_match_still_shows_help(live: LiveApp) -> None:
    result = live.sender.command("xyzzy", user_id=STRANGER)
    text = json.dumps(result.json()["blocks"], ensure_ascii=False)
    assert "I don't know “xyzzy”." in text
    assert "Did you mean" not in text
    assert "`/emcoach help` — this list" in text


def test_forged_signature_is_refused_and_nothing_happens(live: LiveApp) -> None:
    before = len(live.slack.calls)
    body = live.sender.command_body("help", user_id=OWNER)
    headers = live.sender.headers(body)
    headers["X-Slack-Signature"] = "v0=" + "0" * 64
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    result = post(live.events_url, body, headers)
    assert result.status == 401
    assert "emcoach" not in result.body
    assert len(live.slack.calls) == before


def test_stale_signature_is_refused(live: LiveApp) -> None:
    body = live.sender.command_body("help", user_id=OWNER)
    headers = live.sender.headers(body, timestamp=int(time.time()) - 6 * 60)
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    assert post(live.events_url, body, headers).status == 401


def test_body_signed_with_another_secret_is_refused(live: LiveApp) -> None:
    live.sender.secret = "not-the-secret"
    assert live.sender.command("help", user_id=OWNER).status == 401


@pytest.mark.parametrize("body", ["payload=%7Bnot-json", "{not json", "", "payload=42"])
def test_unparseable_body_is_400_when_signed(live: LiveApp, body: str) -> None:
    result = live.sender.send(body, content_type="application/x-www-form-urlencoded")
    assert result.status == 400
    assert "not a Slack payload" in result.body


def test_unparseable_body_is_401_when_not_signed(live: LiveApp) -> None:
    result = post(live.events_url, "{not json", {"Content-Type": "application/json"})
    assert result.status == 401


def test_url_verification_challenge(live: LiveApp) -> None:
    body = json.dumps({"type": "url_verification", "challenge": "c-123", "token": "t"})
    result = live.sender.send(body, content_type="application/json")
    assert result.status == 200
    assert "c-123" in result.body


def test_app_home_publishes_what_emcoach_is_and_how_to_start(live: LiveApp) -> None:
    result = live.sender.event(
        {"type": "app_home_opened", "user": OWNER, "channel": "D0OWNER", "tab": "home"}
    )
    assert result.status == 200
    live.slack.wait_for(lambda: bool(live.slack.calls_to("views.publish")))
    call = live.slack.calls_to("views.publish")[0]
    assert call.args["user_id"] == OWNER
    view = call.args["view"]
    assert view["type"] == "home"
    shown = json.dumps(view, ensure_ascii=False)
    assert "mentoring program for new engineering managers" in shown
    assert "/emcoach help" in shown


def test_messages_tab_does_not_republish_home(live: LiveApp) -> None:
    live.sender.event({"type": "app_home_opened", "user": OWNER, "tab": "messages"})
    live.sender.event({"type": "app_home_opened", "user": OWNER, "tab": "home"})
    live.slack.wait_for(lambda: bool(live.slack.calls_to("views.publish")))
    live.app.listener_runner.listener_executor.shutdown(wait=True)
    assert len(live.slack.calls_to("views.publish")) == 1


def test_retried_event_has_no_second_effect(live: LiveApp) -> None:
    event = {"type": "app_home_opened", "user": OWNER, "channel": "D0OWNER", "tab": "home"}
    first = live.sender.event(event, event_id="Ev0RETRY1")
    retry = live.sender.event(event, event_id="Ev0RETRY1", retry_num=1)
    second_retry = live.sender.event(event, event_id="Ev0RETRY1", retry_num=2)
    assert (first.status, retry.status, second_retry.status) == (200, 200, 200)
    live.app.listener_runner.listener_executor.shutdown(wait=True)
    assert len(live.slack.calls_to("views.publish")) == 1


def test_a_failed_event_is_handled_again_on_slacks_retry(live: LiveApp) -> None:
    """Issue #8 item 9: the first delivery fails (Slack refuses views.publish); Slack's retry
    must then publish App Home instead of being dropped as "already handled"."""
    event = {"type": "app_home_opened", "user": OWNER, "channel": "D0OWNER", "tab": "home"}
    live.slack.inject("views.publish", SlackError("internal_error"))
    live.sender.event(event, event_id="Ev0FAILED1")
    live.slack.wait_for(lambda: bool(live.slack.calls_to("chat.postEphemeral")))  # apology
    live.sender.event(event, event_id="Ev0FAILED1", retry_num=1)
    live.slack.wait_for(lambda: len(live.slack.calls_to("views.publish")) == 2)
    live.app.listener_runner.listener_executor.shutdown(wait=True)
    answers = [call.response["ok"] for call in live.slack.calls_to("views.publish")]
    assert answers == [False, True]


def _reference(text_with_reference: str) -> str:
    match = re.search(r"reference \*([0-9a-f]{10})\*", text_with_reference)
    assert match, text_with_reference
    return match.group(1)


def _logged_with_traceback(caplog: pytest.LogCaptureFixture, reference: str) -> bool:
    return any(
        reference in record.getMessage() and record.exc_info is not None
        for record in caplog.records
    )


def test_command_failure_apologises_with_a_reference_that_is_in_the_log(
    live: LiveApp, caplog: pytest.LogCaptureFixture
) -> None:
    with live.services.engine.begin() as connection:
        connection.execute(text("DROP TABLE program_member"))
    with caplog.at_level(logging.ERROR, logger="emcoach.errors"):
        result = live.sender.command("help", user_id=OWNER)
    assert result.status == 200
    shown = _reply_text(result.body)
    assert "Traceback" not in shown
    assert "program_member" not in shown
    assert _logged_with_traceback(caplog, _reference(shown))


def test_action_failure_apologises_through_the_response_url(
    live: LiveApp, caplog: pytest.LogCaptureFixture
) -> None:
    def explode(ack: Ack) -> None:
        ack()
        raise RuntimeError("boom in an action")

    live.app.action("test_explode")(explode)
    with caplog.at_level(logging.ERROR, logger="emcoach.errors"):
        result = live.sender.block_action(user_id=OWNER, action_id="test_explode")
        assert result.status == 200
        live.slack.wait_for(lambda: bool(live.slack.responses()))
    apology = live.slack.responses()[0]
    assert apology["response_type"] == "ephemeral"
    assert "boom" not in apology["text"]
    assert _logged_with_traceback(caplog, _reference(apology["text"]))


def test_view_submission_failure_replaces_the_modal_with_an_apology(
    live: LiveApp, caplog: pytest.LogCaptureFixture
) -> None:
    def explode() -> None:
        raise RuntimeError("boom in a modal")

    live.app.view("test_explode")(explode)
    with caplog.at_level(logging.ERROR, logger="emcoach.errors"):
        result = live.sender.view_submission(user_id=OWNER, callback_id="test_explode", values={})
    assert result.status == 200
    answer = result.json()
    assert answer["response_action"] == "update"
    shown = json.dumps(answer["view"], ensure_ascii=False)
    assert "boom" not in shown
    assert _logged_with_traceback(caplog, _reference(shown))


def test_event_failure_is_logged_and_apologised_in_the_channel(
    live: LiveApp, caplog: pytest.LogCaptureFixture
) -> None:
    live.slack.inject("views.publish", SlackError("invalid_arguments"))
    with caplog.at_level(logging.ERROR, logger="emcoach.errors"):
        live.sender.event(
            {"type": "app_home_opened", "user": OWNER, "channel": "D0OWNER", "tab": "home"}
        )
        live.slack.wait_for(lambda: bool(live.slack.calls_to("chat.postEphemeral")))
    apology = live.slack.calls_to("chat.postEphemeral")[0].args
    assert apology["user"] == OWNER
    assert _logged_with_traceback(caplog, _reference(apology["text"]))


def test_healthz_reports_the_database(live: LiveApp) -> None:
    import urllib.request

    with urllib.request.urlopen(live.base_url + "/healthz", timeout=5) as response:
        assert response.status == 200


def test_healthz_is_503_when_the_database_does_not_answer(live: LiveApp) -> None:
    from bot.server import build_wsgi
    from storage.db import make_engine
    from tests.support.live import serve

    unreachable = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    wsgi = build_wsgi(live.app, engine=unreachable, signing_secret="s")
    with serve(wsgi) as base_url:
        result = post(base_url + "/healthz", "", {})  # POST is not routed: 405
        assert result.status == 405
        import urllib.error
        import urllib.request

        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(base_url + "/healthz", timeout=5)
        assert caught.value.code == 503
        caught.value.close()
    unreachable.dispose()


def test_signed_payload_of_an_unknown_kind_is_not_an_error_page(live: LiveApp) -> None:
    body = urlencode({"payload": json.dumps({"type": "something_new", "team": {"id": "T0001"}})})
    result = live.sender.send(body, content_type="application/x-www-form-urlencoded")
    assert result.status == 404
    assert "Traceback" not in result.body


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        ("xyzzy payload", "I don't know “xyzzy”."),
        ("payload", "I don't know “payload”."),
        ("cost payload=1", "I don't know what “payload=1” means here."),
    ],
)
def test_a_command_mentioning_payload_is_still_a_command(
    live: LiveApp, typed: str, answer: str
) -> None:
    """Bolt's parser takes any form body containing "payload" for an interaction."""
    result = live.sender.command(typed, user_id=STRANGER)
    assert result.status == 200
    assert answer in json.dumps(result.json(), ensure_ascii=False)
