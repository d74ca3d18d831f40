"""Issue #10 item 3 over signed HTTP: one instrument per criterion. Choosing emcoach's survey
for 1:1 quality sends its baseline round before commit; commit refuses while fewer people than
the anonymity threshold have answered and says how many answers are still needed (showing no
number); once enough have answered, the pre-commitment locks the round's mean with its n and
the instrument, and the round is closed."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import select

import handlers
from bot.blocks.answers import ANSWERS_SCORE, ANSWERS_VIEW
from bot.blocks.baseline import BASELINE_SURVEY, CHOICE_RUN, SURVEY_CHOICE
from bot.blocks.commit import COMMIT_CONFIRM
from bot.blocks.prompts.actions import PROMPT_ANSWER_SURVEY
from bot.domain.cadence import AgendaKind, AgendaState
from bot.standin import SlackStandIn, StandInUser
from handlers import answers
from storage.db import session_scope
from storage.models import AgendaRow, Criterion, LockedBaseline, Pod, SurveyRound
from tests.support.engine import deliver_at as _deliver
from tests.support.live import TEAM_ID, LiveApp
from tests.support.programs import LeaderSpec, PodSpec, make_program

OWNER, CHANNEL = "U0OWNER", "C0ENG"
REPORTS = ("U0REP1", "U0REP2", "U0REP3", "U0REP4")
PEOPLE = [
    StandInUser(id=OWNER, name="olga", real_name="Olga Owner", tz="Europe/Warsaw"),
    StandInUser(id="U0CFO", name="carl", real_name="Carl CFO", tz="America/New_York"),
    StandInUser(id="U0COACH", name="cora", real_name="Cora Coach", tz="Europe/London"),
    StandInUser(id="U0MGR", name="max", real_name="Max Manager", tz="Europe/Warsaw"),
    StandInUser(id="U0LEAD1", name="lena", real_name="Lena Lead", tz="Europe/Warsaw"),
    StandInUser(id="U0LEAD2", name="leo", real_name="Leo Lead", tz="Europe/Warsaw"),
    *(
        StandInUser(id=user, name=user.lower(), real_name=user, tz="Europe/Warsaw")
        for user in REPORTS
    ),
]
# The two answers' mean (5 and 4): shown nowhere while fewer than 3 people have answered.
_MEAN = re.compile(r"\b4\.50?\b")


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    with SlackStandIn(team_id=TEAM_ID, users=PEOPLE) as standin:
        yield standin


def _ready(live: LiveApp) -> int:
    if answers not in handlers.FLOWS:
        answers.register(live.app, live.services, live.router)
    return make_program(
        live.services.engine,
        criteria=("lead_time", "one_on_one_quality"),
        signed_off=True,
        baselines=True,
        pods=(
            PodSpec(
                leaders=[
                    LeaderSpec("U0LEAD1", reports=REPORTS[:2]),
                    LeaderSpec("U0LEAD2", reports=REPORTS[2:]),
                ]
            ),
        ),
    )


def _choose_emcoach_survey(live: LiveApp) -> dict[str, Any]:
    with session_scope(live.services.engine) as session:
        pod_id = session.exec(select(Pod.id)).one()
    before = len(live.slack.calls_to("views.open"))
    live.sender.block_action(
        user_id=OWNER,
        action_id=BASELINE_SURVEY,
        value=json.dumps({"pod": pod_id, "metric": "one_on_one_quality"}),
    )
    live.slack.wait_for(lambda: len(live.slack.calls_to("views.open")) > before)
    view = live.slack.calls_to("views.open")[-1].args["view"]
    assert "isn't available yet" not in json.dumps(view)
    choice = {"value": CHOICE_RUN, "text": {"type": "plain_text", "text": CHOICE_RUN}}
    result = live.sender.view_submission(
        user_id=OWNER,
        callback_id=view["callback_id"],
        values={
            SURVEY_CHOICE: {SURVEY_CHOICE: {"type": "radio_buttons", "selected_option": choice}}
        },
        private_metadata=view["private_metadata"],
    )
    assert result.status == 200
    answer: dict[str, Any] = result.json()
    return answer


def _surveys(live: LiveApp) -> dict[str, AgendaRow]:
    with session_scope(live.services.engine) as session:
        rows = session.exec(select(AgendaRow).where(AgendaRow.kind == AgendaKind.SURVEY.value))
        return {row.recipient: row for row in rows}


def _answer(live: LiveApp, row: AgendaRow, score: int) -> dict[str, Any]:
    (message,) = [m for m in live.slack.messages(row.recipient) if m["ts"] == row.ts]
    count = len(live.slack.calls_to("views.open")) + 1
    live.sender.block_action(
        user_id=row.recipient,
        action_id=PROMPT_ANSWER_SURVEY,
        value=str(row.id),
        container={"type": "message", "message_ts": row.ts, "channel_id": message["channel"]},
        channel={"id": message["channel"]},
        message={"ts": row.ts, "text": message["text"]},
    )
    live.slack.wait_for(lambda: len(live.slack.calls_to("views.open")) >= count)
    view = live.slack.calls_to("views.open")[count - 1].args["view"]
    result = live.sender.view_submission(
        user_id=row.recipient,
        callback_id=ANSWERS_VIEW,
        values={
            ANSWERS_SCORE: {
                ANSWERS_SCORE: {"type": "radio_buttons", "selected_option": {"value": str(score)}}
            }
        },
        private_metadata=view["private_metadata"],
    )
    assert result.status == 200
    body: dict[str, Any] = result.json() if result.body else {}
    return body


def _say(live: LiveApp, text: str) -> str:
    before = len(live.slack.responses())
    assert live.sender.command(text, user_id=OWNER).status == 200
    live.slack.wait_for(lambda: len(live.slack.responses()) > before)
    shown = live.slack.responses()[-1]
    return f"{shown['text']}\n{json.dumps(shown.get('blocks', []), ensure_ascii=False)}"


def test_emcoachs_baseline_round_goes_out_before_commit_and_gates_it(live: LiveApp) -> None:
    program_id = _ready(live)
    told = json.dumps(_choose_emcoach_survey(live)["view"], ensure_ascii=False)
    assert "Sending it now to 4 direct report(s)" in told
    with session_scope(live.services.engine) as session:
        criterion = session.exec(
            select(Criterion).where(Criterion.metric_id == "one_on_one_quality")
        ).one()
    assert criterion.instrument == "emcoach_survey"
    _deliver(live)
    surveys = _surveys(live)
    assert set(surveys) == set(REPORTS)
    assert all(row.state is AgendaState.SENT for row in surveys.values())

    _answer(live, surveys["U0REP1"], 5)
    _answer(live, surveys["U0REP3"], 4)
    refused = _say(live, "commit")
    assert "1 more answer to emcoach's baseline survey (2 of the 3 people needed" in refused
    assert not _MEAN.search(refused), "no figure from fewer than 3 people"
    assert not _MEAN.search(_say(live, "status"))
    overview = _say(live, "baseline")
    assert "emcoach's baseline survey (program-wide): 2 people have answered" in overview
    assert not _MEAN.search(overview)

    _answer(live, surveys["U0REP4"], 4)
    assert "Preview" in _say(live, "commit")
    live.sender.block_action(user_id=OWNER, action_id=COMMIT_CONFIRM, value=str(program_id))
    live.slack.wait_for(
        lambda: any(m["text"].startswith("Pre-commitment") for m in live.slack.messages(CHANNEL))
    )
    (post,) = [m for m in live.slack.messages(CHANNEL) if m["text"].startswith("Pre-commitment")]
    shown = json.dumps(post["blocks"], ensure_ascii=False)
    assert "_Locked baseline:_ 4.33/5, from 3 people" in shown
    assert "_Instrument:_ emcoach's anonymous survey" in shown
    with session_scope(live.services.engine) as session:
        (locked,) = session.exec(
            select(LockedBaseline).where(LockedBaseline.metric_id == "one_on_one_quality")
        )
    assert (str(locked.figure), locked.n, locked.instrument) == ("4.3300", 3, "emcoach_survey")
    # The round closed at commit, counting the people the locked figure counts.
    with session_scope(live.services.engine) as session:
        (closed,) = session.exec(select(SurveyRound))
    assert closed.closed_at is not None and closed.respondents == 3
