"""Mentions and links typed into emcoach never reach Slack as markup (issue #8, item 3).

Over signed HTTP, against the Slack stand-in: a deviation reason, the budget owner's comment,
and program and pod names full of ``<!channel>`` and friends. Everything sent to Slack (Web API
calls and response_url posts) is checked: no mention, user group, channel link or link but the
ones emcoach made from ids Slack gave it, and the person's words still shown.
"""

from __future__ import annotations

import json
from typing import Any

from bot.blocks.criteria import (
    CRITERIA_CHANGES_VIEW,
    CRITERIA_COMMENT,
    CRITERIA_REQUEST_CHANGES,
)
from tests.support.live import LiveApp
from tests.support.markup import foreign_markup, mrkdwn_texts
from tests.support.programs import PodSpec, make_program
from tests.support.sprint import submit_criteria

OWNER = "U0OWNER"
CFO = "U0CFO"
# What Slack sends for a typed @channel, @here, @team, @anna, #general and a pasted link (the
# command escapes them as markup), and for the same markup typed literally (as entities).
HOSTILE = (
    "<!channel> <!here> <!everyone> <!subteam^S0ABC|@team> <@U0EVIL|anna> <#C0EVIL|general> "
    "<http://evil.example|the plan> &lt;!channel&gt; &lt;http://evil.example|x&gt; "
    "*bold* _ital_ ~strike~ `code`"
)
WORDS = "Kickoff moves"
# Everyone the scenarios' programs hold: emcoach mentions them by the ids Slack gave it.
KNOWN_IDS = (OWNER, CFO, "U0COACH", "U0LEAD1", "U0MGR", "U0REP1", "U0REP2", "U0REP3", "C0ENG")


def _everything_sent(live: LiveApp) -> list[str]:
    """The mrkdwn of every Web API call and every response_url post so far."""
    sent: list[Any] = [call.args for call in live.slack.calls]
    sent += live.slack.responses()
    return [text for payload in sent for text in mrkdwn_texts(payload)]


def _assert_nothing_foreign(live: LiveApp) -> None:
    texts = _everything_sent(live)
    assert texts
    for text in texts:
        assert not foreign_markup(text, ids=KNOWN_IDS), text
        assert "*bold*" not in text and "`code`" not in text, text


def _say(live: LiveApp, text: str) -> str:
    before = len(live.slack.responses())
    assert live.sender.command(text, user_id=OWNER).status == 200
    live.slack.wait_for(lambda: len(live.slack.responses()) > before)
    return json.dumps(live.slack.responses()[-1], ensure_ascii=False)


def test_a_deviation_reason_posts_no_mention(live: LiveApp) -> None:
    make_program(
        live.services.engine,
        criteria=("lead_time", "report_retention"),
        signed_off=True,
        committed=True,
    )
    answer = _say(live, f"deviation dates {WORDS} {HOSTILE} because two leaders start later.")
    assert "You can now make one change" in answer
    [post] = live.slack.messages("C0ENG")
    assert WORDS in post["text"]
    assert "two leaders start later" in json.dumps(post["blocks"])
    _assert_nothing_foreign(live)


def test_names_are_shown_without_their_markup(live: LiveApp) -> None:
    make_program(
        live.services.engine,
        name=f"Pilot {HOSTILE}"[:80],
        pods=(PodSpec(name=f"Alpha {HOSTILE}"[:80]),),
    )
    for command in ("pod", "status", "baseline", "owner list"):
        assert "Pilot" in _say(live, command)
    _assert_nothing_foreign(live)


def test_the_budget_owners_comment_reaches_the_owners_without_markup(live: LiveApp) -> None:
    program_id = make_program(live.services.engine)
    submit_criteria(live, program_id, ("lead_time", "report_retention"))
    live.slack.wait_for(lambda: bool(live.slack.messages(CFO)))
    [request] = live.slack.messages(CFO)
    button = next(
        element
        for block in request["blocks"]
        for element in block.get("elements", [])
        if element.get("action_id") == CRITERIA_REQUEST_CHANGES
    )
    live.sender.block_action(
        user_id=CFO,
        action_id=CRITERIA_REQUEST_CHANGES,
        value=button["value"],
        container={
            "type": "message",
            "message_ts": request["ts"],
            "channel_id": request["channel"],
        },
        channel={"id": request["channel"]},
        message={"ts": request["ts"], "text": request["text"]},
    )
    live.slack.wait_for(lambda: bool(live.slack.calls_to("views.open")))
    modal = live.slack.calls_to("views.open")[-1].args["view"]
    comment = f"Swap retention. {HOSTILE}\n> quoted\n```block```"
    answer = live.sender.view_submission(
        user_id=CFO,
        callback_id=CRITERIA_CHANGES_VIEW,
        values={
            CRITERIA_COMMENT: {CRITERIA_COMMENT: {"type": "plain_text_input", "value": comment}}
        },
        private_metadata=modal["private_metadata"],
    ).json()
    assert answer["response_action"] == "update"
    live.slack.wait_for(lambda: bool(live.slack.messages(OWNER)))
    live.slack.wait_for(lambda: bool(live.slack.calls_to("chat.update")))
    assert "Swap retention." in live.slack.messages(OWNER)[0]["text"]
    _assert_nothing_foreign(live)
    for text in mrkdwn_texts(answer["view"]):
        assert not foreign_markup(text, ids=(OWNER,)), text
