"""Survey anonymity over signed HTTP (issue 8, item 5): the engine sends the month-3 survey and
the checkpoint messages to the Slack stand-in, people answer through their buttons and modals.

* Differencing: an answer arriving between the owners' preview and the public post is not
  counted — the round closed for the preview — so both show the same figures, and the late
  answerer is told so.
* One person, two answers: a report of two leaders answers once a round, so a pooled figure
  from two people reads "fewer than 3 responses", with no number, everywhere.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import col, select

import handlers
from bot.blocks.answers import ANSWERS_SCORE, ANSWERS_VIEW
from bot.blocks.prompts.actions import PROMPT_ANSWER_SURVEY
from bot.domain.cadence import AgendaKind, AgendaState
from bot.sim.standin import SlackStandIn, StandInUser
from handlers import answers
from storage.db import session_scope
from storage.models import AgendaRow, SurveyAnswer
from tests.support.engine import deliver_at as _deliver
from tests.support.engine import planned_program
from tests.support.live import TEAM_ID, LiveApp
from tests.support.programs import LeaderSpec, PodSpec

OWNER, CHANNEL = "U0OWNER", "C0ENG"
LEADERS = ("U0LEAD1", "U0LEAD2")
REPORTS = ("U0REP1", "U0REP2", "U0REP3", "U0REP4", "U0REP5")
PEOPLE = [
    StandInUser(id=OWNER, name="olga", real_name="Olga Owner", tz="Europe/Warsaw"),
    StandInUser(id="U0CFO", name="carl", real_name="Carl CFO", tz="America/New_York"),
    StandInUser(id="U0COACH", name="cora", real_name="Cora Coach", tz="Europe/London"),
    StandInUser(id="U0MGR", name="max", real_name="Max Manager", tz="Europe/Warsaw"),
    *(
        StandInUser(id=user, name=user.lower(), real_name=user, tz="Europe/Warsaw")
        for user in LEADERS
    ),
    *(
        StandInUser(id=user, name=user.lower(), real_name=user, tz="Europe/Warsaw")
        for user in REPORTS
    ),
]
# One number with two decimals, as the results show a mean (e.g. 4.67).
_MEAN = re.compile(r"\b[1-5]\.\d\d\b")


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    with SlackStandIn(team_id=TEAM_ID, users=PEOPLE) as standin:
        yield standin


def _running(live: LiveApp, *leaders: LeaderSpec) -> int:
    """A committed, planned program measuring 1:1 quality with emcoach's survey."""
    if answers not in handlers.FLOWS:
        answers.register(live.app, live.services, live.router)
    program_id = planned_program(
        live,
        criteria=("lead_time", "one_on_one_quality"),
        signed_off=True,
        baselines=True,
        committed=True,
        pods=(PodSpec(leaders=list(leaders)),),
    )
    return program_id


def _rows(live: LiveApp, program_id: int, kind: AgendaKind) -> list[AgendaRow]:
    """The month-3 checkpoint's rows of ``kind`` (the first checkpoint's)."""
    with session_scope(live.services.engine) as session:
        midpoint = session.exec(
            select(AgendaRow.occasion)
            .where(
                AgendaRow.program_id == program_id,
                AgendaRow.kind == AgendaKind.CHECKPOINT_PUBLISH.value,
            )
            .order_by(col(AgendaRow.occasion))
        ).first()
        return list(
            session.exec(
                select(AgendaRow)
                .where(
                    AgendaRow.program_id == program_id,
                    AgendaRow.kind == kind.value,
                    AgendaRow.occasion == midpoint,
                )
                .order_by(col(AgendaRow.id))
            )
        )


def _sent_surveys(live: LiveApp, program_id: int) -> dict[tuple[str, str], AgendaRow]:
    """The month-3 surveys, sent, by (recipient, leader)."""
    surveys = _rows(live, program_id, AgendaKind.SURVEY)
    _deliver(live, max(row.due_at for row in surveys))
    sent = {(row.recipient, row.about): row for row in _rows(live, program_id, AgendaKind.SURVEY)}
    assert all(row.state is AgendaState.SENT for row in sent.values())
    return sent


def _message(live: LiveApp, row: AgendaRow) -> dict[str, Any]:
    (found,) = [m for m in live.slack.messages(row.recipient) if m["ts"] == row.ts]
    return found


def _click(live: LiveApp, row: AgendaRow) -> None:
    message = _message(live, row)
    result = live.sender.block_action(
        user_id=row.recipient,
        action_id=PROMPT_ANSWER_SURVEY,
        value=str(row.id),
        container={"type": "message", "message_ts": row.ts, "channel_id": message["channel"]},
        channel={"id": message["channel"]},
        message={"ts": row.ts, "text": message["text"]},
    )
    assert result.status == 200


def _opened(live: LiveApp, count: int) -> dict[str, Any]:
    live.slack.wait_for(lambda: len(live.slack.calls_to("views.open")) >= count)
    view: dict[str, Any] = live.slack.calls_to("views.open")[count - 1].args["view"]
    return view


def _submit(live: LiveApp, view: dict[str, Any], *, user: str, score: int) -> dict[str, Any]:
    result = live.sender.view_submission(
        user_id=user,
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


def _answer(live: LiveApp, row: AgendaRow, score: int) -> dict[str, Any]:
    count = len(live.slack.calls_to("views.open")) + 1
    _click(live, row)
    return _submit(live, _opened(live, count), user=row.recipient, score=score)


def _refusal(live: LiveApp, count: int) -> str:
    live.slack.wait_for(lambda: len(live.slack.responses()) >= count)
    return str(live.slack.responses()[count - 1]["text"])


def _survey_figure(message: dict[str, Any]) -> str:
    """The 1:1-quality criterion as a checkpoint message shows it."""
    texts = [
        str(block["text"]["text"])
        for block in message.get("blocks") or []
        if block.get("type") == "section" and "1:1 Quality*" in block["text"]["text"]
    ]
    assert len(texts) == 1, texts
    return texts[0]


def _preview_and_post(live: LiveApp, program_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    (preview,) = _rows(live, program_id, AgendaKind.CHECKPOINT_PREVIEW)
    (post,) = _rows(live, program_id, AgendaKind.CHECKPOINT_PUBLISH)
    _deliver(live, preview.due_at)
    (sent_preview,) = [m for m in live.slack.messages(OWNER) if m["text"].startswith("Preview")]
    _deliver(live, post.due_at)
    (sent_post,) = _posts(live)
    return sent_preview, sent_post


def _posts(live: LiveApp) -> list[dict[str, Any]]:
    """The channel's posts, without the chart uploaded into a results post's thread."""
    return [message for message in live.slack.messages(CHANNEL) if "files" not in message]


def _answers(live: LiveApp) -> list[int]:
    with session_scope(live.services.engine) as session:
        return sorted(answer.score for answer in session.exec(select(SurveyAnswer)))


def test_an_answer_between_preview_and_post_is_not_counted_and_its_sender_is_told(
    live: LiveApp,
) -> None:
    program_id = _running(live, LeaderSpec(LEADERS[0], reports=REPORTS))
    surveys = _sent_surveys(live, program_id)
    for report, score in zip(REPORTS[:3], (5, 5, 4), strict=True):
        assert _answer(live, surveys[(report, LEADERS[0])], score)["view"]["title"]["text"] == (
            "Thank you"
        )
    _click(live, surveys[(REPORTS[3], LEADERS[0])])  # opens the modal before the close...
    late_modal = _opened(live, 4)

    (preview_row,) = _rows(live, program_id, AgendaKind.CHECKPOINT_PREVIEW)
    (post_row,) = _rows(live, program_id, AgendaKind.CHECKPOINT_PUBLISH)
    _deliver(live, preview_row.due_at)
    (preview,) = [m for m in live.slack.messages(OWNER) if m["text"].startswith("Preview")]
    shown = _survey_figure(preview)
    assert "Now: 4.67" in shown
    assert "3 responses" in shown

    # ...and sends it after: not recorded, and told so plainly.
    late = _submit(live, late_modal, user=REPORTS[3], score=1)
    assert late["view"]["title"]["text"] == "Not saved"
    told = json.dumps(late["view"], ensure_ascii=False)
    assert "This survey round closed on" in told
    assert "your answer was not recorded" in told
    # A click after the close gets no form at all.
    _click(live, surveys[(REPORTS[4], LEADERS[0])])
    refusal = _refusal(live, 1)
    assert "This survey round closed on" in refusal
    assert "your answer was not recorded" in refusal
    assert "The next round" in refusal
    _click(live, surveys[(REPORTS[0], LEADERS[0])])  # one who answered in time, a stale button
    answered = _refusal(live, 2)
    assert "You already answered this on" in answered
    assert "not recorded" not in answered

    _deliver(live, post_row.due_at)
    (post,) = _posts(live)
    assert _survey_figure(post) == shown, "the post shows the preview's figures"
    assert _answers(live) == [4, 5, 5]
    assert "closed round" in json.dumps(post["blocks"], ensure_ascii=False)
    assert "answers sent after it are not counted" in json.dumps(preview["blocks"])


def _shown(message: dict[str, Any]) -> str:
    """What a person reads of a message: its text and blocks (not its ts, whose digits, taken
    from the real clock, may read "4.5")."""
    return json.dumps(
        {"text": message.get("text"), "blocks": message.get("blocks")}, ensure_ascii=False
    )


def test_a_report_of_two_leaders_counts_once_and_two_people_show_no_number(
    live: LiveApp,
) -> None:
    both, other = REPORTS[0], REPORTS[1]
    program_id = _running(
        live,
        LeaderSpec(LEADERS[0], reports=(both, other)),
        LeaderSpec(LEADERS[1], reports=(both,)),
    )
    surveys = _sent_surveys(live, program_id)
    assert set(surveys) == {(both, LEADERS[0]), (both, LEADERS[1]), (other, LEADERS[0])}
    first = _answer(live, surveys[(both, LEADERS[0])], 5)
    assert first["view"]["title"]["text"] == "Thank you"

    _click(live, surveys[(both, LEADERS[1])])  # the same person, about their other leader
    refusal = _refusal(live, 1)
    assert "You already answered this round's survey" in refusal
    assert "nothing was recorded" in refusal
    assert len(live.slack.calls_to("views.open")) == 1, "no second form"
    _answer(live, surveys[(other, LEADERS[0])], 4)
    assert _answers(live) == [4, 5]
    # The coach's digests of the survey weeks go out before the round closes.
    (preview_row,) = _rows(live, program_id, AgendaKind.CHECKPOINT_PREVIEW)
    with session_scope(live.services.engine) as session:
        digests_due = sorted(
            row.due_at
            for row in session.exec(
                select(AgendaRow).where(
                    AgendaRow.program_id == program_id,
                    AgendaRow.kind == AgendaKind.COACH_DIGEST.value,
                    AgendaRow.state == AgendaState.PENDING,
                )
            )
            if live.clock.now() <= row.due_at < preview_row.due_at
        )
    for due in digests_due:
        _deliver(live, due)

    preview, post = _preview_and_post(live, program_id)
    for message in (preview, post):
        assert "Now: fewer than 3 responses" in _survey_figure(message)
        everything = _shown(message)
        assert not _MEAN.search(everything), "no mean of the round, in no form"
        assert "4.5" not in everything
    # Nor in the chart under the post: its alt text says why there is no figure.
    (upload,) = live.slack.calls_to("files.getUploadURLExternal")
    (shared,) = live.slack.files()
    assert shared.thread_ts == post["ts"]
    alt = str(upload.args["alt_txt"])
    assert "Month 3: fewer than 3 responses, no figure shown" in alt
    assert not _MEAN.search(alt) and "4.5" not in alt and "(2 responses)" not in alt
    # The coach's digest of the survey week shows no figure of the round either.
    digests = [m for m in live.slack.messages("U0COACH") if m["text"].startswith("Your week")]
    assert digests
    for digest in digests:
        assert not _MEAN.search(_shown(digest))
        assert "4.5" not in _shown(digest)
    # The form said so before they answered.
    assert "Each person answers once a round" in json.dumps(_opened(live, 1), ensure_ascii=False)
