"""The next cohort's draft as the owner reads it: the carried-over choices, the seed's advice
word for word, and nothing a typed name could inject."""

from __future__ import annotations

import json
from datetime import date

import pytest

from bot.blocks.renew import Renewal, build_renew_refused, build_renewed
from bot.flows.renew import next_cycle_name
from tests.support.blockkit import assert_valid_message

SEED = (
    "Most SMBs under 30 engineers go external for the first cycle and consider transitioning "
    "to internal only after their first cycle has produced an EM who’s been formally coached."
)


def _renewal(name: str = "Pilot (cycle 2)") -> Renewal:
    return Renewal(
        program_id=9,
        name=name,
        source_name="Pilot",
        criteria=(("Lead Time", "leader_values"), ("1:1 Quality", "company_survey")),
        owners=("U0OWNER", "U0OWNER2"),
        budget_owner_id="U0CFO",
        channel_id="C0ENG",
        kickoff=date(2027, 9, 6),
        months=6,
        coaching_model="external_pod",
        previous_coach_decision="external",
    )


@pytest.mark.parametrize("already", [False, True])
def test_the_draft_says_what_carried_over_and_quotes_the_seed(already: bool) -> None:
    reply = build_renewed(_renewal(), already=already)
    assert_valid_message({"text": reply.text, "blocks": reply.blocks})
    shown = json.dumps(reply.blocks, ensure_ascii=False)
    assert SEED in shown and SEED in reply.text
    assert "Last cycle had an external coach" in shown
    assert "company's own engineering survey" in shown
    assert "<@U0OWNER2>" in shown and "<#C0ENG>" in shown and "Mon 6 Sep 2027" in shown
    assert ("already exists" in shown) is already


def test_a_typed_name_cannot_ping_anyone() -> None:
    reply = build_renewed(_renewal("<!channel> (cycle 2)"), already=False)
    mrkdwn = [block for block in reply.blocks if block["type"] != "header"]
    assert "<!channel>" not in json.dumps(mrkdwn) + reply.text


def test_each_refusal_says_what_to_do() -> None:
    for reason in ("not_committed", "no_budget_owner", "not_owner", "not_found"):
        assert "`/emcoach " in build_renew_refused("Pilot", reason=reason).text


@pytest.mark.parametrize(
    ("name", "next_name"),
    [
        ("Pilot", "Pilot (cycle 2)"),
        ("Pilot (cycle 2)", "Pilot (cycle 3)"),
        ("P" * 80, "P" * 70 + " (cycle 2)"),
    ],
)
def test_the_next_cycle_is_named_after_the_last(name: str, next_name: str) -> None:
    assert next_cycle_name(name) == next_name
