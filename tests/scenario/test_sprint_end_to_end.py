"""Issue #3's "done when": the whole setup sprint over signed HTTP and the Slack stand-in, from
`/emcoach check` to the public pre-commitment, as `emcoach demo` walks it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bot.blocks.setup import (
    SETUP_BUDGET_OWNER,
    SETUP_CHANNEL,
    SETUP_KICKOFF,
    SETUP_MODEL,
    SETUP_MONTHS,
    SETUP_TIMEZONE,
    SetupForm,
    build_setup_modal,
)
from bot.domain.localtime import format_day
from bot.domain.metrics import get_metric
from bot.domain.timeline import Timeline
from bot.sim.demo.company import SAMPLE_COMPANY, Company
from bot.sim.demo.sprint import WalkError, find_button, state_values, text_of, walk_setup_sprint
from bot.sim.standin import SlackStandIn
from storage.agenda import rows_of
from storage.db import session_scope
from storage.models import Program
from storage.pods import find_leader
from storage.setup_state import reports_of
from tests.support.live import TEAM_ID, LiveApp

COMPANY: Company = SAMPLE_COMPANY


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    """The stand-in holds the sample company instead of the scenarios' usual six people."""
    with SlackStandIn(team_id=TEAM_ID) as standin:
        COMPANY.install(standin)
        yield standin


def _everything_said(live: LiveApp) -> list[str]:
    """Each answer the bot gave anyone: acknowledgements, modal updates, replies and posts."""
    said = [
        text_of(result.json())
        for result in live.sender.results
        if result.status == 200 and result.body.startswith("{")
    ]
    said += [text_of(body) for body in live.slack.responses()]
    said += [text_of(message) for message in live.slack.messages()]
    return said


def _said_together(said: list[str], *phrases: str) -> str:
    """The one answer that says all of ``phrases``: what happened and what to do next."""
    for text in said:
        if all(phrase in text for phrase in phrases):
            return text
    raise AssertionError(f"no answer says all of {phrases}")


def test_the_whole_setup_sprint_ends_in_the_public_pre_commitment(live: LiveApp) -> None:
    lines: list[str] = []
    program_id = walk_setup_sprint(live, COMPANY, narrate=lines.append)

    with session_scope(live.services.engine) as session:
        program = session.get(Program, program_id)
        assert program is not None
        assert program.committed_at is not None
        assert program.kickoff_date is not None
        kickoff, months, threshold = (
            program.kickoff_date,
            program.months,
            program.anonymity_threshold,
        )
        assert rows_of(session, program_id=program_id), "the agenda was not planned"
        for team in COMPANY.teams:
            leader = find_leader(session, program_id=program_id, user_id=team.leader.id)
            assert leader is not None
            assert leader.id is not None
            assert leader.manager_id == team.manager.id
            # Lena's reports came from @payments-team, which lists her too.
            assert set(reports_of(session, leader_id=leader.id)) == {p.id for p in team.reports}
    timeline = Timeline(kickoff=kickoff, months=months)

    posts = live.slack.messages(COMPANY.publish_channel_id)
    (top,) = [message for message in posts if not message.get("thread_ts")]
    (record,) = [message for message in posts if message.get("thread_ts")]
    assert record["thread_ts"] == top["ts"], "the locked record is a reply in its thread"
    post = text_of(top)
    for metric in COMPANY.criteria:
        assert get_metric(metric).name in post
        assert get_metric(metric).definition in post
    assert f"{format_day(timeline.midpoint)}* (month 3" in post
    assert f"{format_day(timeline.evaluation)}* (month 6" in post
    assert f"fewer than {threshold} people are never shown" in post
    assert "*whatever they show*" in post

    budget_owner_dms = [text_of(m) for m in live.slack.messages(COMPANY.budget_owner.id)]
    assert any("For your records — Pre-commitment" in dm and post in dm for dm in budget_owner_dms)

    status = _status(live)
    assert "4 of 4 weeks done" in status["text"]
    assert text_of(status).count(":white_check_mark:") == 4
    assert "All four weeks are done" in text_of(status)

    said = _everything_said(live)
    _said_together(said, "Why:", "*Next:*", "/emcoach cost")  # check
    _said_together(said, "pays for itself", "/emcoach setup")  # cost
    _said_together(said, f"Created *{COMPANY.program_name}*", "week 1:", "/emcoach criteria")
    _said_together(said, "I sent the sign-off request", "/emcoach coach")
    _said_together(said, "Week 1 is done", "/emcoach coach")  # the approval, to the owner
    _said_together(said, "Week 2 of the setup sprint is done", "/emcoach pod")
    _said_together(said, f"Pod {COMPANY.pod_name} is complete", "/emcoach baseline")
    _said_together(said, "left out of their own reports")  # the user group's leader
    # Entered baselines done, commit waits for emcoach's baseline survey round (issue #10).
    _said_together(said, "Still missing before commit", "to emcoach's baseline survey")
    _said_together(said, "Posted the pre-commitment", "/emcoach deviation")

    assert len(lines) >= 10
    assert all(len(line) <= 160 for line in lines)
    assert any("/emcoach setup" in line for line in lines)


def test_a_refused_step_stops_the_walk_with_what_the_bot_said(live: LiveApp) -> None:
    live.slack.add_channel(
        COMPANY.publish_channel_id, name=COMPANY.publish_channel_name, bot_is_member=False
    )
    with pytest.raises(WalkError, match=r"posting: instead the bot answered:\n.*/invite @emcoach"):
        walk_setup_sprint(live, COMPANY)
    assert live.slack.messages(COMPANY.publish_channel_id) == []


def _status(live: LiveApp) -> dict[str, Any]:
    before = len(live.slack.responses())
    assert live.sender.command("status", user_id=COMPANY.owner.id).status == 200
    live.slack.wait_for(lambda: len(live.slack.responses()) > before)
    return live.slack.responses()[before]


# --- filling a modal as Slack submits it ---------------------------------------------------------


def _setup_view() -> dict[str, Any]:
    form = SetupForm(months=6, timezone="Europe/Berlin", channel_id="C0GENERAL")
    return build_setup_modal(form, program_id=None, default_zone="Europe/Berlin")


def test_state_values_keep_initial_values_and_shape_each_element_like_slack() -> None:
    values = state_values(
        _setup_view(), {SETUP_BUDGET_OWNER: "U0CARL", SETUP_MODEL: "External coaching pod (group)"}
    )
    assert values[SETUP_CHANNEL][SETUP_CHANNEL] == {
        "type": "conversations_select",
        "selected_conversation": "C0GENERAL",
    }
    assert values[SETUP_MONTHS][SETUP_MONTHS] == {"type": "number_input", "value": "6"}
    assert values[SETUP_KICKOFF][SETUP_KICKOFF] == {"type": "datepicker", "selected_date": None}
    assert values[SETUP_TIMEZONE][SETUP_TIMEZONE]["selected_option"]["value"] == "Europe/Berlin"
    assert values[SETUP_BUDGET_OWNER][SETUP_BUDGET_OWNER]["selected_user"] == "U0CARL"
    assert values[SETUP_MODEL][SETUP_MODEL]["selected_option"]["value"] == "external_pod"


@pytest.mark.parametrize(
    ("answers", "says"),
    [
        ({"setup_colour": "blue"}, "has no input ['setup_colour']"),
        ({SETUP_MODEL: "Telepathy"}, "offers no 'Telepathy'"),
        ({SETUP_BUDGET_OWNER: ("U0A", "U0B")}, "takes one value"),
    ],
)
def test_state_values_break_loudly_when_the_modal_changed(
    answers: dict[str, Any], says: str
) -> None:
    with pytest.raises(WalkError, match=says.replace("[", r"\[").replace("]", r"\]")):
        state_values(_setup_view(), answers)


def test_find_button_names_what_the_bot_said_when_the_button_is_missing() -> None:
    message = {"blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Not yet."}}]}
    with pytest.raises(WalkError, match=r"no 'commit_confirm' button in .*\nNot yet\."):
        find_button(message, "commit_confirm")
