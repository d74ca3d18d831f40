"""Answering the cadence prompts over signed HTTP: the engine sends real prompts to the Slack
stand-in, people click their buttons and submit the modals, and the database keeps each answer
once — the survey's anonymously."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlmodel import select

import handlers
from bot.blocks.answers import (
    AGREE_SCALE,
    ANSWERS_CHANGE_RATING,
    ANSWERS_DECIDED,
    ANSWERS_SAY_NO,
    ANSWERS_SCORE,
    ANSWERS_VIEW,
    TEXT_MAX,
)
from bot.blocks.prompts.actions import (
    PROMPT_ANSWER_360,
    PROMPT_ANSWER_SURVEY,
    PROMPT_LOG_HELD,
    PROMPT_LOG_NOT_HELD,
    PROMPT_RATE_ONE_ON_ONE,
    PROMPT_RATE_POD,
)
from bot.domain.cadence import AgendaKind, AgendaState
from bot.domain.metrics import ONE_ON_ONE_STATEMENT
from bot.engine.digest import digest_data
from bot.engine.reminders import plan_survey_reminders
from bot.sim.standin import SlackError, SlackStandIn, StandInUser
from bot.sim.standin.faults import Timeout
from handlers import answers
from storage.db import session_scope
from storage.models import AgendaRow, Rating, SessionLog, SurveyAnswer, SurveyResponse
from tests.scenario.conftest import assert_all_block_kit_valid
from tests.support.engine import deliver_at as _deliver
from tests.support.engine import planned_program
from tests.support.live import TEAM_ID, LiveApp, live_app
from tests.support.logs import undelivered, unhandled
from tests.support.programs import PodSpec

COACH, LEADER, MANAGER = "U0COACH", "U0LEAD1", "U0MGR"
REPORTS = ("U0REP1", "U0REP2", "U0REP3")
STRANGER = "U0STRANGER"
PEOPLE = [
    StandInUser(id="U0OWNER", name="olga", real_name="Olga Owner", tz="Europe/Warsaw"),
    StandInUser(id="U0CFO", name="carl", real_name="Carl CFO", tz="America/New_York"),
    StandInUser(id=COACH, name="cora", real_name="Cora Coach", tz="Europe/London"),
    StandInUser(id=LEADER, name="lena", real_name="Lena Lead", tz="Europe/Warsaw"),
    StandInUser(id=MANAGER, name="max", real_name="Max Manager", tz="Europe/Warsaw"),
    *(StandInUser(id=report, name=report.lower(), real_name=report) for report in REPORTS),
    StandInUser(id=STRANGER, name="sam", real_name="Sam Stranger", tz="UTC"),
]
# Kickoff Mon 1 Feb 2027 (Warsaw): the baseline survey goes out Mon 25 Jan at 10:00 local, the
# first 1:1 (Tuesdays 10:00) and pod session (first Tuesday 15:00) are on Tue 2 Feb.
SURVEYS_SENT = datetime(2027, 1, 25, 9, 0, tzinfo=UTC)
AFTER_FIRST_ONE_ON_ONE = datetime(2027, 2, 2, 9, 45, tzinfo=UTC)
AFTER_FIRST_POD_SESSION = datetime(2027, 2, 2, 15, 30, tzinfo=UTC)
THREE_SIXTIES_SENT = datetime(2027, 4, 26, 9, 0, tzinfo=UTC)


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    """The scenario stand-in, with the leader's manager and direct reports in the workspace."""
    with SlackStandIn(team_id=TEAM_ID, users=PEOPLE) as standin:
        yield standin


@pytest.fixture
def program_id(live: LiveApp) -> int:
    return _planned(live)


def _planned(live: LiveApp) -> int:
    """A committed, planned program; the answers flow listens (until the lead wires it)."""
    if answers not in handlers.FLOWS:
        answers.register(live.app, live.services, live.router)
    program_id = planned_program(
        live,
        criteria=("lead_time", "one_on_one_quality"),
        signed_off=True,
        baselines=True,
        committed=True,
        pods=(PodSpec(),),
    )
    return program_id


def _row(live: LiveApp, program_id: int, kind: AgendaKind, recipient: str) -> AgendaRow:
    with session_scope(live.services.engine) as session:
        row = session.exec(
            select(AgendaRow)
            .where(
                AgendaRow.program_id == program_id,
                AgendaRow.kind == kind.value,
                AgendaRow.recipient == recipient,
                AgendaRow.state == AgendaState.SENT,
            )
            .order_by(AgendaRow.due_at)  # type: ignore[arg-type]
        ).first()
        assert row is not None, f"no sent {kind} row for {recipient}"
        return row


def _message(live: LiveApp, row: AgendaRow) -> dict[str, Any]:
    found = [message for message in live.slack.messages(row.recipient) if message["ts"] == row.ts]
    assert len(found) == 1
    return found[0]


def _button_value(message: dict[str, Any], action_id: str) -> str:
    for block in message.get("blocks") or []:
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return str(element["value"])
    raise AssertionError(f"no {action_id} button in {message}")


def _has_button(message: dict[str, Any], action_id: str) -> bool:
    return action_id in json.dumps(message.get("blocks") or [])


def _click(live: LiveApp, message: dict[str, Any], action_id: str, *, user: str) -> None:
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


def _settle(live: LiveApp) -> None:
    """Wait for the listeners still running after their ack (Bolt's thread pool)."""
    live.app.listener_runner.listener_executor.shutdown(wait=True)


def _last_response(live: LiveApp, count: int) -> dict[str, Any]:
    live.slack.wait_for(lambda: len(live.slack.responses()) >= count)
    return live.slack.responses()[count - 1]


def _opened_modal(live: LiveApp, count: int = 1) -> dict[str, Any]:
    live.slack.wait_for(lambda: len(live.slack.calls_to("views.open")) >= count)
    view: dict[str, Any] = live.slack.calls_to("views.open")[count - 1].args["view"]
    return view


def _values(score: int | None, **texts: str) -> dict[str, Any]:
    values: dict[str, Any] = {
        ANSWERS_SCORE: {
            ANSWERS_SCORE: {
                "type": "radio_buttons",
                "selected_option": None if score is None else {"value": str(score)},
            }
        }
    }
    for block_id, value in texts.items():
        values[block_id] = {block_id: {"type": "plain_text_input", "value": value}}
    return values


def _submit(live: LiveApp, modal: dict[str, Any], *, user: str, values: dict[str, Any]) -> Any:
    result = live.sender.view_submission(
        user_id=user,
        callback_id=ANSWERS_VIEW,
        values=values,
        private_metadata=modal["private_metadata"],
    )
    assert result.status == 200
    return result.json() if result.body else {}


def _all(live: LiveApp, model: type[Any]) -> list[Any]:
    with session_scope(live.services.engine) as session:
        return list(session.exec(select(model)))


def _updates(live: LiveApp) -> list[dict[str, Any]]:
    return [call.args for call in live.slack.calls_to("chat.update")]


# --- the coach's log ------------------------------------------------------------------------


def test_coach_logs_held_and_the_prompt_shows_it_without_the_buttons(
    live: LiveApp, program_id: int
) -> None:
    _deliver(live, AFTER_FIRST_ONE_ON_ONE)
    row = _row(live, program_id, AgendaKind.ONE_ON_ONE_LOG, COACH)
    _click(live, _message(live, row), PROMPT_LOG_HELD, user=COACH)
    live.slack.wait_for(lambda: bool(_updates(live)))
    (logged,) = _all(live, SessionLog)
    assert (logged.agenda_id, logged.held, logged.logged_by) == (row.id, True, COACH)
    assert logged.logged_at == AFTER_FIRST_ONE_ON_ONE
    update = _updates(live)[0]
    assert (update["channel"], update["ts"]) == (row.channel_id, row.ts)
    updated = _message(live, row)
    assert "logged: *held ✓*" in updated["text"]
    assert f"<@{LEADER}>" in updated["text"]
    assert not _has_button(updated, PROMPT_LOG_HELD), "the answered buttons are gone"
    assert _has_button(updated, PROMPT_LOG_NOT_HELD), "one button is left to fix a misclick"


def test_a_second_click_on_the_same_answer_changes_nothing(live: LiveApp, program_id: int) -> None:
    _deliver(live, AFTER_FIRST_ONE_ON_ONE)
    row = _row(live, program_id, AgendaKind.ONE_ON_ONE_LOG, COACH)
    original = _message(live, row)
    _click(live, original, PROMPT_LOG_HELD, user=COACH)
    live.slack.wait_for(lambda: bool(_updates(live)))
    _click(live, original, PROMPT_LOG_HELD, user=COACH)  # e.g. a second open client
    refusal = _last_response(live, 1)
    assert refusal["response_type"] == "ephemeral"
    assert refusal["replace_original"] is False
    assert "Already logged as *held* on Tue 2 Feb 2027; nothing changed" in refusal["text"]
    _settle(live)
    assert len(_all(live, SessionLog)) == 1
    assert len(_updates(live)) == 1


def test_the_coach_can_correct_a_misclick(live: LiveApp, program_id: int) -> None:
    _deliver(live, AFTER_FIRST_ONE_ON_ONE)
    row = _row(live, program_id, AgendaKind.ONE_ON_ONE_LOG, COACH)
    _click(live, _message(live, row), PROMPT_LOG_HELD, user=COACH)
    live.slack.wait_for(lambda: bool(_updates(live)))
    _click(live, _message(live, row), PROMPT_LOG_NOT_HELD, user=COACH)
    live.slack.wait_for(lambda: len(_updates(live)) == 2)
    (logged,) = _all(live, SessionLog)
    assert logged.held is False
    updated = _message(live, row)
    assert "logged: *not held*" in updated["text"]
    assert _has_button(updated, PROMPT_LOG_HELD)
    assert not _has_button(updated, PROMPT_LOG_NOT_HELD)


def test_only_the_coach_can_log_the_session(live: LiveApp, program_id: int) -> None:
    _deliver(live, AFTER_FIRST_ONE_ON_ONE)
    row = _row(live, program_id, AgendaKind.ONE_ON_ONE_LOG, COACH)
    for count, user in enumerate((LEADER, STRANGER), start=1):
        _click(live, _message(live, row), PROMPT_LOG_NOT_HELD, user=user)
        refusal = _last_response(live, count)
        assert refusal["response_type"] == "ephemeral"
        assert "isn't yours to answer" in refusal["text"]
        assert "Nothing was recorded" in refusal["text"]
        assert COACH not in refusal["text"], "a refusal names nobody"
    _settle(live)
    assert _all(live, SessionLog) == []
    assert not _updates(live)


def test_a_log_whose_message_cannot_be_updated_is_confirmed_privately(
    live: LiveApp, program_id: int
) -> None:
    _deliver(live, AFTER_FIRST_ONE_ON_ONE)
    row = _row(live, program_id, AgendaKind.ONE_ON_ONE_LOG, COACH)
    live.slack.inject("chat.update", SlackError("message_not_found"))
    _click(live, _message(live, row), PROMPT_LOG_HELD, user=COACH)
    told = _last_response(live, 1)
    assert "logged: *held ✓*" in told["text"]
    assert [log.held for log in _all(live, SessionLog)] == [True]


def test_a_log_whose_update_gets_no_answer_is_confirmed_privately_not_apologised_for(
    slack: SlackStandIn, scenario_engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    """chat.update times out after the log is stored: the coach's click is answered with the
    log, once, and not with an apology."""
    caplog.set_level(logging.WARNING)
    with live_app(slack, scenario_engine, slack_timeout=0.6) as live:
        program_id = _planned(live)
        _deliver(live, AFTER_FIRST_ONE_ON_ONE)
        row = _row(live, program_id, AgendaKind.ONE_ON_ONE_LOG, COACH)
        live.slack.inject("chat.update", Timeout(seconds=1.0, applied=False))
        _click(live, _message(live, row), PROMPT_LOG_NOT_HELD, user=COACH)
        _settle(live)

        [told] = live.slack.responses()
        assert told["response_type"] == "ephemeral"
        assert "logged: *not held*" in told["text"]
        assert [log.held for log in _all(live, SessionLog)] == [False]
        assert_all_block_kit_valid(live)
    assert unhandled(caplog.records) == []
    assert any(
        "prompt update" in line and "TimeoutError" in line for line in undelivered(caplog.records)
    )


def test_a_button_for_a_row_that_is_gone_says_so(live: LiveApp, program_id: int) -> None:
    _deliver(live, AFTER_FIRST_ONE_ON_ONE)
    row = _row(live, program_id, AgendaKind.ONE_ON_ONE_LOG, COACH)
    message = _message(live, row)
    with session_scope(live.services.engine) as session:
        session.delete(session.get(AgendaRow, row.id))
    _click(live, message, PROMPT_LOG_HELD, user=COACH)
    assert "no longer exists" in _last_response(live, 1)["text"]


# --- the leader's 1:1 rating ----------------------------------------------------------------


def test_leader_rates_the_one_on_one_with_the_three_questions(
    live: LiveApp, program_id: int
) -> None:
    _deliver(live, AFTER_FIRST_ONE_ON_ONE)
    row = _row(live, program_id, AgendaKind.ONE_ON_ONE_POST, LEADER)
    _click(live, _message(live, row), PROMPT_RATE_ONE_ON_ONE, user=LEADER)
    modal = _opened_modal(live)
    shown = json.dumps(modal, ensure_ascii=False)
    assert "This 1:1 was useful." in shown
    assert "What did you decide?" in shown
    assert "What will you say no to or delegate?" in shown
    assert f"<@{COACH}>" in shown
    scale = modal["blocks"][1]["element"]
    assert scale["type"] == "radio_buttons"
    assert [option["text"]["text"] for option in scale["options"]] == list(AGREE_SCALE)
    assert [option["value"] for option in scale["options"]] == ["1", "2", "3", "4", "5"]

    answer = _submit(
        live,
        modal,
        user=LEADER,
        values=_values(4, **{ANSWERS_DECIDED: " Hire a tech lead for payments. "}),
    )
    assert answer["response_action"] == "update"
    confirmation = json.dumps(answer["view"], ensure_ascii=False)
    assert "*Agree*" in confirmation
    assert "Next:" in confirmation
    (rating,) = _all(live, Rating)
    assert (rating.agenda_id, rating.program_id, rating.rater_id, rating.about_id) == (
        row.id,
        program_id,
        LEADER,
        LEADER,
    )
    assert (rating.score, rating.decided, rating.say_no) == (
        4,
        "Hire a tech lead for payments.",
        None,
    )
    live.slack.wait_for(lambda: bool(_updates(live)))
    updated = _message(live, row)
    assert not _has_button(updated, PROMPT_RATE_ONE_ON_ONE)
    assert "sent on Tue 2 Feb 2027" in updated["text"]


def test_a_rating_counts_once(live: LiveApp, program_id: int) -> None:
    _deliver(live, AFTER_FIRST_ONE_ON_ONE)
    row = _row(live, program_id, AgendaKind.ONE_ON_ONE_POST, LEADER)
    original = _message(live, row)
    _click(live, original, PROMPT_RATE_ONE_ON_ONE, user=LEADER)
    _click(live, original, PROMPT_RATE_ONE_ON_ONE, user=LEADER)  # two modals open
    first, second = _opened_modal(live, 1), _opened_modal(live, 2)
    assert _submit(live, first, user=LEADER, values=_values(5))["view"]["title"]["text"] == "Saved"
    refused = _submit(live, second, user=LEADER, values=_values(1))
    assert refused["view"]["title"]["text"] == "Not saved"
    assert "You already answered this on Tue 2 Feb 2027" in json.dumps(refused["view"])
    _click(live, original, PROMPT_RATE_ONE_ON_ONE, user=LEADER)
    assert "You already answered this" in _last_response(live, 1)["text"]
    _settle(live)
    assert [rating.score for rating in _all(live, Rating)] == [5]
    assert len(live.slack.calls_to("views.open")) == 2


def test_only_the_leader_can_rate_their_one_on_one(live: LiveApp, program_id: int) -> None:
    _deliver(live, AFTER_FIRST_ONE_ON_ONE)
    row = _row(live, program_id, AgendaKind.ONE_ON_ONE_POST, LEADER)
    _click(live, _message(live, row), PROMPT_RATE_ONE_ON_ONE, user=COACH)
    assert "isn't yours to answer" in _last_response(live, 1)["text"]
    # A submission for someone else's row (a forged or shared modal) is refused too.
    refused = _submit(
        live, {"private_metadata": json.dumps({"row": row.id})}, user=COACH, values=_values(5)
    )
    assert "isn't yours to answer" in json.dumps(refused["view"])
    _settle(live)
    assert not live.slack.calls_to("views.open")
    assert _all(live, Rating) == []


@pytest.mark.parametrize(
    ("values", "block_id", "words"),
    [
        (_values(None), ANSWERS_SCORE, "Pick one of the five answers"),
        (_values(3, **{ANSWERS_SAY_NO: "x" * (TEXT_MAX + 1)}), ANSWERS_SAY_NO, "1000 characters"),
    ],
)
def test_an_incomplete_answer_gets_an_inline_error(
    live: LiveApp, program_id: int, values: dict[str, Any], block_id: str, words: str
) -> None:
    _deliver(live, AFTER_FIRST_ONE_ON_ONE)
    row = _row(live, program_id, AgendaKind.ONE_ON_ONE_POST, LEADER)
    _click(live, _message(live, row), PROMPT_RATE_ONE_ON_ONE, user=LEADER)
    answer = _submit(live, _opened_modal(live), user=LEADER, values=values)
    assert answer["response_action"] == "errors"
    assert words in answer["errors"][block_id]
    assert _all(live, Rating) == []


# --- the pod session and the 360 ------------------------------------------------------------


def test_leader_rates_the_pod_session(live: LiveApp, program_id: int) -> None:
    _deliver(live, AFTER_FIRST_POD_SESSION)
    row = _row(live, program_id, AgendaKind.POD_POST, LEADER)
    _click(live, _message(live, row), PROMPT_RATE_POD, user=LEADER)
    modal = _opened_modal(live)
    shown = json.dumps(modal, ensure_ascii=False)
    assert "This pod session was useful." in shown
    assert "pod “Alpha”" in shown
    _submit(live, modal, user=LEADER, values=_values(2))
    (rating,) = _all(live, Rating)
    assert (rating.rater_id, rating.about_id, rating.score) == (LEADER, row.about, 2)


@pytest.mark.parametrize(
    ("rater", "statement"),
    [
        (MANAGER, "They are effective as a manager."),
        (LEADER, "I feel confident handling the hard parts of managing."),
        (COACH, "They are growing as a manager."),
    ],
)
def test_each_360_rater_rates_their_own_statement_about_the_leader(
    live: LiveApp, program_id: int, rater: str, statement: str
) -> None:
    _deliver(live, THREE_SIXTIES_SENT)
    row = _row(live, program_id, AgendaKind.THREE_SIXTY, rater)
    _click(live, _message(live, row), PROMPT_ANSWER_360, user=rater)
    modal = _opened_modal(live)
    assert modal["blocks"][1]["label"]["text"] == statement
    _submit(live, modal, user=rater, values=_values(4))
    (rating,) = _all(live, Rating)
    assert (rating.agenda_id, rating.rater_id, rating.about_id, rating.score) == (
        row.id,
        rater,
        LEADER,
        4,
    )


# --- the anonymous survey -------------------------------------------------------------------


def _answer_survey(live: LiveApp, row: AgendaRow, score: int, *, count: int) -> Any:
    _click(live, _message(live, row), PROMPT_ANSWER_SURVEY, user=row.recipient)
    return _submit(live, _opened_modal(live, count), user=row.recipient, values=_values(score))


def test_survey_answers_are_stored_apart_from_who_responded(live: LiveApp, program_id: int) -> None:
    _deliver(live, SURVEYS_SENT)
    rows = [_row(live, program_id, AgendaKind.SURVEY, report) for report in REPORTS]
    for count, (row, score) in enumerate(zip(rows, (2, 4, 5), strict=True), start=1):
        answer = _answer_survey(live, row, score, count=count)
        assert answer["view"]["title"]["text"] == "Thank you"
        assert "without your name" in json.dumps(answer["view"])
    modal = json.dumps(_opened_modal(live), ensure_ascii=False)
    assert ONE_ON_ONE_STATEMENT in modal
    assert f"<@{LEADER}>" in modal
    assert "stored without your name" in modal
    assert "groups of 3 or more" in modal

    with live.services.engine.connect() as connection:
        columns = {column["name"] for column in inspect(connection).get_columns("survey_answer")}
        cells = connection.execute(text("SELECT * FROM survey_answer")).all()
    assert columns == {"id", "program_id", "leader_id", "occasion", "score"}
    answers_stored = _all(live, SurveyAnswer)
    assert sorted(answer.score for answer in answers_stored) == [2, 4, 5]
    assert {(a.program_id, a.leader_id, a.occasion) for a in answers_stored} == {
        (program_id, LEADER, date(2027, 2, 1))
    }
    everything = json.dumps([list(map(str, cell)) for cell in cells])
    assert not any(report in everything for report in REPORTS), "no respondent in the answers"
    assert sorted(answer.id for answer in answers_stored) != [1, 2, 3], (
        "answer ids must not follow the order people answered in"
    )
    responses = _all(live, SurveyResponse)
    assert {(response.agenda_id, response.responded_on) for response in responses} == {
        (row.id, date(2027, 1, 25)) for row in rows
    }


def test_a_survey_answer_counts_once(live: LiveApp, program_id: int) -> None:
    _deliver(live, SURVEYS_SENT)
    row = _row(live, program_id, AgendaKind.SURVEY, REPORTS[0])
    original = _message(live, row)
    _answer_survey(live, row, 3, count=1)
    live.slack.wait_for(lambda: bool(_updates(live)))
    assert not _has_button(_message(live, row), PROMPT_ANSWER_SURVEY)
    _click(live, original, PROMPT_ANSWER_SURVEY, user=REPORTS[0])  # a stale client
    refusal = _last_response(live, 1)
    assert "You already answered this on Mon 25 Jan 2027" in refusal["text"]
    _settle(live)
    assert len(_all(live, SurveyAnswer)) == len(_all(live, SurveyResponse)) == 1


def test_only_the_report_asked_can_answer_their_survey(live: LiveApp, program_id: int) -> None:
    _deliver(live, SURVEYS_SENT)
    row = _row(live, program_id, AgendaKind.SURVEY, REPORTS[0])
    for count, user in enumerate((LEADER, REPORTS[1]), start=1):
        _click(live, _message(live, row), PROMPT_ANSWER_SURVEY, user=user)
        refusal = _last_response(live, count)
        assert "isn't yours to answer" in refusal["text"]
        assert REPORTS[0] not in refusal["text"]
    _settle(live)
    assert _all(live, SurveyAnswer) == []
    assert _all(live, SurveyResponse) == []


def test_an_answer_from_a_reminder_counts_for_the_original_survey(
    live: LiveApp, program_id: int
) -> None:
    _deliver(live, SURVEYS_SENT)
    survey = _row(live, program_id, AgendaKind.SURVEY, REPORTS[0])
    with session_scope(live.services.engine) as session:
        assert plan_survey_reminders(session, now=SURVEYS_SENT + timedelta(hours=24)) == 3
    _deliver(live, SURVEYS_SENT + timedelta(hours=24))
    reminder = _row(live, program_id, AgendaKind.SURVEY_REMINDER, REPORTS[0])
    assert "gentle reminder" in _message(live, reminder)["text"]
    _answer_survey(live, reminder, 4, count=1)

    (response,) = _all(live, SurveyResponse)
    assert response.agenda_id == survey.id
    assert [answer.score for answer in _all(live, SurveyAnswer)] == [4]
    live.slack.wait_for(lambda: len(_updates(live)) == 2)
    assert {(update["channel"], update["ts"]) for update in _updates(live)} == {
        (survey.channel_id, survey.ts),
        (reminder.channel_id, reminder.ts),
    }
    with session_scope(live.services.engine) as session:
        assert plan_survey_reminders(session, now=SURVEYS_SENT + timedelta(hours=72)) == 2


def test_a_survey_cannot_be_answered_once_its_round_has_closed(
    live: LiveApp, program_id: int
) -> None:
    _deliver(live, SURVEYS_SENT)
    row = _row(live, program_id, AgendaKind.SURVEY, REPORTS[0])
    live.clock.set(datetime(2027, 2, 1, 9, 0, tzinfo=UTC))  # the program has started
    _click(live, _message(live, row), PROMPT_ANSWER_SURVEY, user=REPORTS[0])
    refusal = _last_response(live, 1)
    assert "This survey round closed on Mon 1 Feb 2027" in refusal["text"]
    _settle(live)
    assert not live.slack.calls_to("views.open")
    assert _all(live, SurveyAnswer) == []


FIRST_DIGEST = datetime(2027, 2, 5, 16, 30, tzinfo=UTC)  # Fri 16:00 in London, the coach's zone


def test_the_coachs_digest_shows_the_leaders_ratings_and_answers_escaped(
    live: LiveApp, program_id: int
) -> None:
    _deliver(live, AFTER_FIRST_POD_SESSION)
    row = _row(live, program_id, AgendaKind.ONE_ON_ONE_POST, LEADER)
    _click(live, _message(live, row), PROMPT_RATE_ONE_ON_ONE, user=LEADER)
    _submit(
        live,
        _opened_modal(live),
        user=LEADER,
        values=_values(
            4,
            **{
                ANSWERS_DECIDED: "<!channel> hire a *tech lead*",
                ANSWERS_SAY_NO: "the <https://evil.example|release> review",
            },
        ),
    )
    pod = _row(live, program_id, AgendaKind.POD_POST, LEADER)
    _click(live, _message(live, pod), PROMPT_RATE_POD, user=LEADER)
    _submit(live, _opened_modal(live, 2), user=LEADER, values=_values(5))
    _deliver(live, FIRST_DIGEST)
    digest = _row(live, program_id, AgendaKind.COACH_DIGEST, COACH)
    shown = json.dumps(_message(live, digest)["blocks"], ensure_ascii=False)
    assert "Latest ratings (“was useful”): 1:1 4/5, pod 5/5" in shown
    assert "Decided: “&lt;!channel&gt; hire a" in shown
    assert "Will say no to: “the &lt;https://evil.example|release&gt; review”" in shown
    assert "<!channel>" not in shown and "<https://evil" not in shown


# --- correcting a session rating within 7 days ------------------------------------------------


def _rate(live: LiveApp, program_id: int, score: int, **texts: str) -> AgendaRow:
    """The leader rates their first 1:1; returns its row once the prompt shows the answer."""
    _deliver(live, AFTER_FIRST_ONE_ON_ONE)
    row = _row(live, program_id, AgendaKind.ONE_ON_ONE_POST, LEADER)
    _click(live, _message(live, row), PROMPT_RATE_ONE_ON_ONE, user=LEADER)
    _submit(live, _opened_modal(live), user=LEADER, values=_values(score, **texts))
    live.slack.wait_for(lambda: bool(_updates(live)))
    return row


def _digest_rating(live: LiveApp, program_id: int) -> Any:
    with session_scope(live.services.engine) as session:
        data = digest_data(
            session, program_id=program_id, coach_id=COACH, week_end=date(2027, 2, 7)
        )
    return data.leaders[0].one_on_one_rating


def test_a_rating_is_changed_within_seven_days_and_the_digest_reads_the_change(
    live: LiveApp, program_id: int
) -> None:
    row = _rate(live, program_id, 2, **{ANSWERS_DECIDED: "Hire a tech lead."})
    saved = live.sender.results[-1].json()["view"]
    assert "“Change rating” on the message changes it until Tue 9 Feb 2027" in json.dumps(
        saved, ensure_ascii=False
    )
    answered = _message(live, row)
    assert _has_button(answered, ANSWERS_CHANGE_RATING)
    assert "You can change it until Tue 9 Feb 2027" in json.dumps(answered["blocks"])

    live.clock.set(AFTER_FIRST_ONE_ON_ONE + timedelta(days=6))
    _click(live, answered, ANSWERS_CHANGE_RATING, user=LEADER)
    modal = _opened_modal(live, 2)
    assert modal["title"]["text"] == "Change your rating"
    scale = modal["blocks"][1]["element"]
    assert scale["initial_option"]["value"] == "2", "the earlier answer is chosen"
    assert modal["blocks"][2]["element"]["initial_value"] == "Hire a tech lead."
    answer = _submit(live, modal, user=LEADER, values=_values(5, **{ANSWERS_DECIDED: "Hire."}))

    assert answer["response_action"] == "update"
    shown = json.dumps(answer["view"], ensure_ascii=False)
    assert "Changed: “This 1:1 was useful.” — *Strongly agree*" in shown
    assert "replaces your earlier answer" in shown
    (rating,) = _all(live, Rating)
    assert (rating.score, rating.decided, rating.agenda_id) == (5, "Hire.", row.id)
    assert rating.rated_at == AFTER_FIRST_ONE_ON_ONE, "the window still counts from the first"
    live.slack.wait_for(lambda: len(_updates(live)) == 2)
    changed = _message(live, row)
    assert "sent on Tue 2 Feb 2027" in changed["text"]
    assert "Changed on Mon 8 Feb 2027" in changed["text"]
    assert _digest_rating(live, program_id) == 5


def test_after_seven_days_the_button_and_an_open_modal_say_what_to_do_instead(
    live: LiveApp, program_id: int
) -> None:
    row = _rate(live, program_id, 2)
    answered = _message(live, row)
    live.clock.set(AFTER_FIRST_ONE_ON_ONE + timedelta(days=6, hours=23))
    _click(live, answered, ANSWERS_CHANGE_RATING, user=LEADER)
    late_modal = _opened_modal(live, 2)  # opened in time, sent too late

    live.clock.set(AFTER_FIRST_ONE_ON_ONE + timedelta(days=7))
    _click(live, answered, ANSWERS_CHANGE_RATING, user=LEADER)
    refusal = _last_response(live, 1)
    assert refusal["response_type"] == "ephemeral"
    assert (
        "sent on Tue 2 Feb 2027, so it could be changed until Tue 9 Feb 2027" in (refusal["text"])
    )
    assert f"tell <@{COACH}> directly" in refusal["text"]
    answer = _submit(live, late_modal, user=LEADER, values=_values(5))
    assert answer["view"]["title"]["text"] == "Not saved"
    assert "could be changed until Tue 9 Feb 2027" in json.dumps(answer["view"])
    _settle(live)
    assert [rating.score for rating in _all(live, Rating)] == [2]
    assert len(live.slack.calls_to("views.open")) == 2, "no modal for a late click"


def test_only_the_rater_may_change_a_rating_and_only_once_it_exists(
    live: LiveApp, program_id: int
) -> None:
    _deliver(live, AFTER_FIRST_ONE_ON_ONE)
    row = _row(live, program_id, AgendaKind.ONE_ON_ONE_POST, LEADER)
    assert row.id is not None
    live.sender.block_action(user_id=LEADER, action_id=ANSWERS_CHANGE_RATING, value=str(row.id))
    assert "no rating of yours to change here yet" in _last_response(live, 1)["text"]
    row = _rate(live, program_id, 3)
    live.sender.block_action(user_id=STRANGER, action_id=ANSWERS_CHANGE_RATING, value=str(row.id))
    assert "isn't yours to answer" in _last_response(live, 2)["text"]
    forged = {"private_metadata": json.dumps({"row": row.id, "change": 1})}
    answer = _submit(live, forged, user=STRANGER, values=_values(1))
    assert answer["view"]["title"]["text"] == "Not saved"
    assert [rating.score for rating in _all(live, Rating)] == [3]


def test_corrections_at_once_never_add_a_second_rating(live: LiveApp, program_id: int) -> None:
    row = _rate(live, program_id, 2)
    _click(live, _message(live, row), ANSWERS_CHANGE_RATING, user=LEADER)
    modal = _opened_modal(live, 2)
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(
            pool.map(
                lambda score: _submit(live, modal, user=LEADER, values=_values(score)),
                (4, 5, 4, 5),
            )
        )
    assert {answer["view"]["title"]["text"] for answer in answers} == {"Saved"}
    (rating,) = _all(live, Rating)
    assert rating.score in (4, 5)
    assert _submit(live, modal, user=LEADER, values=_values(1))["view"]["title"]["text"] == "Saved"
    assert [rating.score for rating in _all(live, Rating)] == [1]
