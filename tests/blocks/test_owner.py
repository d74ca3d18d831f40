"""The /emcoach owner messages, built without Slack."""

from __future__ import annotations

import pytest

from bot.blocks.owner import (
    build_co_owner_welcome,
    build_last_owner,
    build_not_owner,
    build_owner_list,
    build_owner_usage,
    build_owners_added,
    build_owners_removed,
    mentions,
)
from bot.blocks.reply import Reply
from tests.support.blockkit import assert_valid_message


@pytest.mark.parametrize(
    ("ids", "text"),
    [
        ([], ""),
        (["U1"], "<@U1>"),
        (["U1", "U2"], "<@U1> and <@U2>"),
        (["U1", "U2", "U3"], "<@U1>, <@U2> and <@U3>"),
    ],
)
def test_mentions_read_as_a_sentence(ids: list[str], text: str) -> None:
    assert mentions(ids) == text


def test_added_says_who_was_told_and_who_the_adder_must_tell() -> None:
    reply = build_owners_added(
        "Pilot", added=["U1", "U2"], already=["U3"], not_told=["U2"], owners=["U3", "U1", "U2"]
    )
    assert "Added <@U1> and <@U2> as co-owner(s) of *Pilot*." in reply.text
    assert "I've sent <@U1> a direct message" in reply.text
    assert "I couldn't send <@U2> a direct message" in reply.text
    assert "<@U3> already owned it." in reply.text
    assert reply.text.endswith("Owners now: <@U3>, <@U1> and <@U2>.")


def test_not_owner_names_whom_to_ask_and_another_way() -> None:
    reply = build_not_owner("Pilot", ["U1", "U2"], instead="Or start your own.")
    assert "Ask <@U1> and <@U2> to add you with `/emcoach owner add @you`." in reply.text
    assert reply.text.endswith("Or start your own.")


@pytest.mark.parametrize(
    "reply",
    [
        build_owner_usage("Mention the person to add."),
        build_not_owner("Pilot", ["U1"]),
        build_owner_list("Pilot", owners=["U1"], budget_owner=None),
        build_owner_list("Pilot", owners=["U1"], budget_owner="U2"),
        build_owners_added("Pilot", added=["U1"], already=[], not_told=[], owners=["U1"]),
        build_co_owner_welcome("Pilot", added_by="U1"),
        build_owners_removed("Pilot", removed=["U1"], not_owners=["U3"], owners=["U2"]),
        build_last_owner("Pilot"),
    ],
)
def test_every_owner_message_is_valid_and_says_what_to_do(reply: Reply) -> None:
    assert_valid_message(reply.as_ephemeral())
    assert "/emcoach" in reply.text or "Owners now" in reply.text
    assert reply.blocks[0]["text"]["text"] == reply.text
