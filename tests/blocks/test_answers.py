"""The answer modals, what replaces an answered prompt, and the refusals: plain builders."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.blocks.answers import (
    AGREE_SCALE,
    ANSWERS_CHANGE_RATING,
    ANSWERS_DECIDED,
    ANSWERS_SAY_NO,
    ANSWERS_SCORE,
    ANSWERS_VIEW,
    TEXT_MAX,
    Answer,
    AnswerForm,
    Rater,
    already_answered_text,
    already_logged_text,
    build_answer_modal,
    build_answered_message,
    build_logged_message,
    changed_text,
    correction_closed_text,
    gone_text,
    is_change,
    not_yours_text,
    one_on_one_form,
    parse_answer,
    pod_form,
    round_closed_text,
    row_of_metadata,
    saved_text,
    survey_form,
    three_sixty_form,
    three_sixty_rater,
)
from bot.blocks.prompts.actions import PROMPT_LOG_HELD, PROMPT_LOG_NOT_HELD
from bot.domain.cadence import AgendaKind
from bot.domain.metrics import ONE_ON_ONE_STATEMENT
from tests.support.blockkit import assert_valid_message, assert_valid_view

DAY = date(2027, 2, 2)
FORMS = {
    "one_on_one": one_on_one_form(coach_id="U0COACH", day=DAY),
    "pod": pod_form(pod_name="Alpha <!channel>", day=DAY),
    "360 leader": three_sixty_form(rater=Rater.LEADER, leader_id="U0LEAD1"),
    "360 manager": three_sixty_form(rater=Rater.MANAGER, leader_id="U0LEAD1"),
    "360 coach": three_sixty_form(rater=Rater.COACH, leader_id="U0LEAD1"),
    "survey": survey_form(leader_id="U0LEAD1", threshold=3),
}


def _values(score: str | None = None, **texts: str | None) -> dict[str, Any]:
    chosen = None if score is None else {"value": score}
    values: dict[str, Any] = {ANSWERS_SCORE: {ANSWERS_SCORE: {"selected_option": chosen}}}
    for block_id, value in texts.items():
        values[block_id] = {block_id: {"type": "plain_text_input", "value": value}}
    return values


@pytest.mark.parametrize("form", FORMS.values(), ids=FORMS.keys())
def test_every_form_is_a_valid_modal_with_a_worded_agree_scale(form: AnswerForm) -> None:
    view = build_answer_modal(row_id=42, form=form)
    assert_valid_view(view)
    assert view["callback_id"] == ANSWERS_VIEW
    assert row_of_metadata(view["private_metadata"]) == 42
    assert len(view["title"]["text"]) <= 24
    scale = next(block for block in view["blocks"] if block.get("block_id") == ANSWERS_SCORE)
    assert scale["type"] == "input"
    assert scale.get("optional", False) is False
    assert scale["label"]["text"] == form.statement
    element = scale["element"]
    assert element["type"] == "radio_buttons"
    assert [(o["text"]["text"], o["value"]) for o in element["options"]] == [
        ("Strongly disagree", "1"),
        ("Disagree", "2"),
        ("Neither agree nor disagree", "3"),
        ("Agree", "4"),
        ("Strongly agree", "5"),
    ]
    for block in view["blocks"]:
        if block.get("block_id") in (ANSWERS_DECIDED, ANSWERS_SAY_NO):
            assert block["optional"] is True
            assert block["element"]["multiline"] is True
            assert block["element"]["max_length"] == TEXT_MAX


def test_the_one_on_one_form_asks_the_seeds_three_things() -> None:
    form = FORMS["one_on_one"]
    assert form.statement == "This 1:1 was useful."
    assert [note.label for note in form.notes] == [
        "What did you decide?",
        "What will you say no to or delegate?",
    ]
    assert "<@U0COACH>" in form.intro
    assert "Tue 2 Feb 2027" in form.intro


def test_a_pod_name_cannot_ping_a_channel() -> None:
    assert "pod “Alpha &lt;!channel&gt;”" in FORMS["pod"].intro


def test_the_survey_form_states_the_locked_statement_and_explains_anonymity() -> None:
    form = FORMS["survey"]
    assert form.statement == ONE_ON_ONE_STATEMENT
    assert form.notes == (), "no free text: words can identify a person"
    assert "<@U0LEAD1>" in form.intro
    assert "stored without your name" in form.footnote
    assert "groups of 3 or more" in form.footnote


@pytest.mark.parametrize(
    ("recipient", "coach", "rater"),
    [
        ("U0LEAD1", "U0COACH", Rater.LEADER),
        ("U0COACH", "U0COACH", Rater.COACH),
        ("U0MGR", "U0COACH", Rater.MANAGER),
        ("U0MGR", None, Rater.MANAGER),
    ],
)
def test_the_360_statement_follows_who_answers(
    recipient: str, coach: str | None, rater: Rater
) -> None:
    assert three_sixty_rater(recipient_id=recipient, about_id="U0LEAD1", coach_id=coach) is rater


def test_the_three_360_statements() -> None:
    assert FORMS["360 manager"].statement == "They are effective as a manager."
    assert FORMS["360 leader"].statement == "I feel confident handling the hard parts of managing."
    assert FORMS["360 coach"].statement == "They are growing as a manager."
    assert "<@U0LEAD1>" in FORMS["360 manager"].intro
    assert "<@U0LEAD1>" in FORMS["360 coach"].intro


@given(
    score=st.integers(min_value=1, max_value=5),
    decided=st.text(max_size=TEXT_MAX),
    say_no=st.text(max_size=TEXT_MAX),
)
def test_a_complete_answer_is_read_back(score: int, decided: str, say_no: str) -> None:
    answer = parse_answer(_values(str(score), **{ANSWERS_DECIDED: decided, ANSWERS_SAY_NO: say_no}))
    assert answer == Answer(
        score=score, decided=decided.strip() or None, say_no=say_no.strip() or None
    )


@pytest.mark.parametrize("score", [None, "0", "6", "", "x", "-1"])
def test_no_valid_score_is_an_inline_error(score: str | None) -> None:
    errors = parse_answer(_values(score))
    assert isinstance(errors, dict)
    assert "Pick one of the five answers" in errors[ANSWERS_SCORE]


def test_missing_optional_blocks_are_fine() -> None:
    assert parse_answer(_values("3", **{ANSWERS_DECIDED: None})) == Answer(score=3)
    assert parse_answer({ANSWERS_SCORE: {ANSWERS_SCORE: {"selected_option": {"value": "5"}}}}) == (
        Answer(score=5)
    )


def test_too_long_a_note_is_an_inline_error_on_its_own_block() -> None:
    errors = parse_answer(_values("4", **{ANSWERS_SAY_NO: "x" * (TEXT_MAX + 1)}))
    assert isinstance(errors, dict)
    assert set(errors) == {ANSWERS_SAY_NO}
    assert f"(this has {TEXT_MAX + 1})" in errors[ANSWERS_SAY_NO]


@pytest.mark.parametrize("metadata", ["", "not json", "[]", '{"row": "7"}', '{"other": 1}'])
def test_unreadable_metadata_has_no_row(metadata: str) -> None:
    assert row_of_metadata(metadata) is None


@pytest.mark.parametrize("held", [True, False])
def test_a_logged_session_shows_the_outcome_and_only_the_correction(held: bool) -> None:
    message = build_logged_message(row_id=9, leader_id="U0LEAD1", occasion=DAY, held=held)
    assert_valid_message({"text": message.text, "blocks": message.blocks})
    assert ("held ✓" if held else "not held") in message.text
    elements = [e for block in message.blocks for e in block.get("elements", []) if "value" in e]
    assert [(e["action_id"], e["value"]) for e in elements] == [
        (PROMPT_LOG_NOT_HELD if held else PROMPT_LOG_HELD, "9")
    ]


@pytest.mark.parametrize(
    "kind",
    [
        AgendaKind.ONE_ON_ONE_POST,
        AgendaKind.POD_POST,
        AgendaKind.THREE_SIXTY,
        AgendaKind.SURVEY,
    ],
)
def test_an_answered_prompt_loses_its_button_and_says_when(kind: AgendaKind) -> None:
    message = build_answered_message(kind=kind, occasion=DAY, answered=date(2027, 2, 3))
    assert_valid_message({"text": message.text, "blocks": message.blocks})
    assert "sent on Wed 3 Feb 2027" in message.text
    assert "actions" not in json.dumps(message.blocks)


def test_saved_texts_say_what_was_stored_and_what_comes_next() -> None:
    rated = saved_text(
        kind=AgendaKind.ONE_ON_ONE_POST,
        form=FORMS["one_on_one"],
        answer=Answer(score=2, decided="ship it"),
        threshold=3,
    )
    assert "“This 1:1 was useful.” — *Disagree*" in rated
    assert "notes are saved" in rated
    assert "Next:" in rated
    survey = saved_text(
        kind=AgendaKind.SURVEY, form=FORMS["survey"], answer=Answer(score=5), threshold=4
    )
    assert "without your name" in survey
    assert "groups of 4 or more" in survey
    assert "Strongly agree" not in survey, "the confirmation does not echo an anonymous score"


def test_refusals_say_what_to_do_instead() -> None:
    assert "/emcoach help" in not_yours_text()
    assert "/emcoach help" in gone_text()
    assert "on Tue 2 Feb 2027" in already_answered_text(answered=DAY)
    assert "nothing changed" in already_answered_text(answered=DAY)
    held = already_logged_text(held=True, logged=DAY)
    assert "*held*" in held
    assert "“Not held”" in held
    assert "closed on Tue 2 Feb 2027" in round_closed_text(closed_on=DAY)
    assert len(AGREE_SCALE) == 5


# --- correcting a session rating --------------------------------------------------------------


def _answered(kind: AgendaKind) -> Any:
    return build_answered_message(
        kind=kind,
        occasion=date(2027, 2, 2),
        answered=date(2027, 2, 2),
        row_id=42,
        changeable_until=date(2027, 2, 9),
    )


def test_a_session_rating_keeps_a_change_button_until_its_window_closes() -> None:
    for kind in (AgendaKind.ONE_ON_ONE_POST, AgendaKind.POD_POST):
        message = _answered(kind)
        assert_valid_message(message.as_ephemeral())
        shown = json.dumps(message.blocks)
        assert ANSWERS_CHANGE_RATING in shown and '"42"' in shown
        assert "You can change it until Tue 9 Feb 2027" in shown
    for kind in (AgendaKind.THREE_SIXTY, AgendaKind.SURVEY):
        assert ANSWERS_CHANGE_RATING not in json.dumps(_answered(kind).blocks), kind


def test_a_changed_rating_says_so_on_the_prompt() -> None:
    message = build_answered_message(
        kind=AgendaKind.POD_POST,
        occasion=date(2027, 2, 2),
        answered=date(2027, 2, 2),
        row_id=42,
        changeable_until=date(2027, 2, 9),
        changed=date(2027, 2, 5),
    )
    assert "sent on Tue 2 Feb 2027 ✓ Thank you. Changed on Fri 5 Feb 2027." in message.text


def test_the_change_modal_shows_the_earlier_answer_and_is_marked_as_a_change() -> None:
    form = one_on_one_form(coach_id="U0COACH", day=date(2027, 2, 2))
    previous = Answer(score=2, decided="Hire <@U0X>", say_no=None)
    view = build_answer_modal(row_id=7, form=form, previous=previous)
    assert_valid_view(view)
    assert view["title"]["text"] == "Change your rating"
    assert view["submit"]["text"] == "Save"
    scale = view["blocks"][1]["element"]
    assert scale["initial_option"]["value"] == "2"
    assert view["blocks"][2]["element"]["initial_value"] == "Hire <@U0X>"  # plain text input
    assert "initial_value" not in view["blocks"][3]["element"]
    assert row_of_metadata(view["private_metadata"]) == 7
    assert is_change(view["private_metadata"])
    first = build_answer_modal(row_id=7, form=form)
    assert not is_change(first["private_metadata"])
    assert "initial_option" not in first["blocks"][1]["element"]


@pytest.mark.parametrize(
    "metadata", ["", "[]", '{"row": 7}', '{"row": 7, "change": true}', '{"change": "1"}', "{"]
)
def test_only_a_change_modal_reads_as_a_change(metadata: str) -> None:
    assert not is_change(metadata)


def test_a_late_correction_says_what_to_do_instead() -> None:
    text = correction_closed_text(
        rated_on=date(2027, 2, 2), closed_on=date(2027, 2, 9), coach_id="U0COACH"
    )
    assert "changed for 7 days after they are sent" in text
    assert "could be changed until Tue 9 Feb 2027" in text
    assert "tell <@U0COACH> directly" in text
    assert "tell your coach directly" in correction_closed_text(
        rated_on=date(2027, 2, 2), closed_on=date(2027, 2, 9), coach_id=None
    )
    assert "Strongly agree" in changed_text(
        form=pod_form(pod_name="Alpha", day=date(2027, 2, 2)), answer=Answer(score=5)
    )
