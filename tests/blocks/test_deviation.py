"""The deviation builders and the names a person may use for a locked field."""

from __future__ import annotations

import pytest

from bot.blocks.deviation import (
    CHANGE_COMMANDS,
    FIELD_WORDS,
    build_deviation_not_posted,
    build_deviation_post,
    build_deviation_recorded,
    build_deviation_usage,
    parse_field,
)
from bot.domain.program_rules import ProgramField, locked_after_commit
from tests.support.blockkit import assert_valid_message


def test_every_locked_field_and_only_those_has_words_and_a_command() -> None:
    locked = {field for field in ProgramField if locked_after_commit(field)}
    assert set(FIELD_WORDS) == locked
    assert set(CHANGE_COMMANDS) == locked


@pytest.mark.parametrize(
    ("typed", "field"),
    [
        ("criteria", ProgramField.CRITERIA),
        ("Success-Criteria", ProgramField.CRITERIA),
        ("THRESHOLD", ProgramField.ANONYMITY_THRESHOLD),
        ("anonymity_threshold", ProgramField.ANONYMITY_THRESHOLD),
        ("kickoff", ProgramField.DATES),
        (" dates ", ProgramField.DATES),
        ("baseline", ProgramField.BASELINES),
    ],
)
def test_friendly_words_name_a_field(typed: str, field: ProgramField) -> None:
    assert parse_field(typed) is field


@pytest.mark.parametrize("typed", ["", "pods", "cohort", "schedule", "criteria!"])
def test_other_words_name_nothing(typed: str) -> None:
    assert parse_field(typed) is None


def test_the_post_states_field_reason_and_who() -> None:
    post = build_deviation_post(
        program_name="Pilot",
        field=ProgramField.DATES,
        reason="Two leaders start late.\nKickoff moves a week.",
        requested_by="U0OWNER",
    )
    assert_valid_message(post.as_ephemeral())
    assert post.text == (
        "Deviation from Pilot's public pre-commitment: the kickoff and checkpoint dates will "
        "change. Reason: Two leaders start late.\nKickoff moves a week. — requested by <@U0OWNER>"
    )
    assert ">Two leaders start late.\n>Kickoff moves a week." in post.blocks[0]["text"]["text"]


def test_recorded_reply_names_the_command_for_the_one_change() -> None:
    reply = build_deviation_recorded(
        program_name="Pilot", field=ProgramField.BASELINES, channel_id="C0ENG"
    )
    assert "one change to the baselines of *Pilot* with `/emcoach baseline`" in reply.text
    assert "<#C0ENG>" in reply.text


@pytest.mark.parametrize(
    ("error", "fix"),
    [("not_in_channel", "/invite @emcoach"), ("is_archived", "unarchive it")],
)
def test_not_posted_says_how_to_fix_and_retry(error: str, fix: str) -> None:
    reply = build_deviation_not_posted(
        channel_id="C0ENG", error=error, retry="/emcoach deviation dates moved"
    )
    assert fix in reply.text
    assert "run `/emcoach deviation dates moved` again" in reply.text
    assert "nothing may change yet" in reply.text


def test_usage_lists_the_fields_and_echoes_an_unknown_word() -> None:
    assert "I don't know “pods”" in build_deviation_usage(typed="pods").text
    bare = build_deviation_usage(typed="").text
    assert "I don't know" not in bare
    for words in FIELD_WORDS.values():
        assert f"`{words[0]}`" in bare
