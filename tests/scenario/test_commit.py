"""/emcoach commit: refused with the exact gaps, previewed, posted once, then locked."""

from __future__ import annotations

import json
from datetime import date

from bot.blocks.commit import COMMIT_CANCEL, COMMIT_CONFIRM
from bot.domain.localtime import local_date
from bot.domain.metrics import Instrument
from bot.domain.program_rules import ProgramState
from bot.engine.dispatch import PROMPT_EVENT
from bot.sim.standin import SlackError
from storage.agenda import rows_of
from storage.db import session_scope
from storage.models import Program
from tests.support.live import LiveApp
from tests.support.programs import LeaderSpec, PodSpec, make_program

OWNER = "U0OWNER"
CFO = "U0CFO"
CRITERIA = ("lead_time", "one_on_one_quality")


def _ready(live: LiveApp, **overrides: object) -> int:
    spec: dict[str, object] = {
        "criteria": CRITERIA,
        "signed_off": True,
        "pods": (PodSpec(leaders=[LeaderSpec("U0LEAD1"), LeaderSpec("U0LEAD2")]),),
        "baselines": True,
        "instrument": Instrument.COMPANY_SURVEY,
    }
    return make_program(live.services.engine, **(spec | overrides))  # type: ignore[arg-type]


def _program(live: LiveApp, program_id: int) -> Program:
    with session_scope(live.services.engine) as session:
        program = session.get(Program, program_id)
        assert program is not None
        return program


def _last_response(live: LiveApp) -> dict[str, object]:
    live.slack.wait_for(lambda: bool(live.slack.responses()))
    return live.slack.responses()[-1]


def test_commit_lists_exactly_what_is_missing(live: LiveApp) -> None:
    make_program(
        live.services.engine,
        criteria=CRITERIA,
        signed_off=False,
        pods=(PodSpec(leaders=[LeaderSpec("U0LEAD1", manager_id=None)]),),
        baselines=False,
        instrument=Instrument.COMPANY_SURVEY,
    )
    assert live.sender.command("commit", user_id=OWNER).status == 200
    text = str(_last_response(live)["text"])
    assert "can't be committed yet" in text
    for gap in (
        "budget-owner sign-off of the criteria",
        "the manager of <@U0LEAD1>",
        "Lead Time baseline for <@U0LEAD1>",
        "baseline for pod “Alpha”",
    ):
        assert gap in text
    assert not live.slack.messages("C0ENG")


def test_commit_with_a_missing_baseline_is_refused(live: LiveApp) -> None:
    make_program(live.services.engine, criteria=CRITERIA, signed_off=True, pods=(PodSpec(),))
    live.sender.command("commit", user_id=OWNER)
    text = str(_last_response(live)["text"])
    assert "Lead Time baseline for <@U0LEAD1>" in text
    assert "budget-owner sign-off" not in text


def test_preview_then_post_locks_the_program(live: LiveApp) -> None:
    program_id = _ready(live)
    live.sender.command("commit", user_id=OWNER)
    preview = _last_response(live)
    assert "Preview" in str(preview["text"])
    assert not live.slack.messages("C0ENG"), "a preview posts nothing"

    live.sender.block_action(user_id=OWNER, action_id=COMMIT_CONFIRM, value=str(program_id))
    live.slack.wait_for(lambda: bool(live.slack.messages("C0ENG")))
    post = live.slack.messages("C0ENG")[0]
    shown = json.dumps(post["blocks"], ensure_ascii=False)
    for promise in (
        "whatever they show",
        "Lead Time for Changes",
        "Mon 3 May 2027",
        "lower is better",
    ):
        assert promise in shown
    assert "Mon 2 Aug 2027" in shown  # month 6 after a 1 February kickoff
    assert "fewer than 3 people" in shown
    # Recorded as an agenda row before it was sent; its id travels in the metadata, so a
    # lost answer is reconciled from the channel instead of posting again.
    assert post["metadata"]["event_type"] == PROMPT_EVENT
    assert post["metadata"]["event_payload"]["program_id"] == program_id
    live.slack.wait_for(lambda: "Posted the pre-commitment" in str(_last_response(live)["text"]))
    assert live.slack.messages(CFO), "the budget owner gets the commitment too"

    program = _program(live, program_id)
    assert program.status is ProgramState.COMMITTED
    assert program.commitment_ts == post["ts"]
    assert program.commitment_channel_id == "C0ENG"
    live.app.listener_runner.listener_executor.shutdown(wait=True)
    with session_scope(live.services.engine) as session:
        agenda = rows_of(session, program_id=program_id)
    kinds = {row.kind for row in agenda}
    assert {"one_on_one_pre", "pod_pre", "checkpoint_publish"} <= kinds
    # 1:1 quality comes from the company's own survey: no direct report is asked anything.
    assert "survey" not in kinds
    assert len([row for row in agenda if row.kind == "checkpoint_publish"]) == 2


def test_two_confirmations_post_once(live: LiveApp) -> None:
    program_id = _ready(live)
    for _ in range(3):
        live.sender.block_action(user_id=OWNER, action_id=COMMIT_CONFIRM, value=str(program_id))
    live.app.listener_runner.listener_executor.shutdown(wait=True)
    # One post; the locked record is a reply in its thread.
    assert len([m for m in live.slack.messages("C0ENG") if not m.get("thread_ts")]) == 1
    answers = [str(body["text"]) for body in live.slack.responses()]
    assert len(answers) == 3
    assert sum("Posted the pre-commitment" in answer for answer in answers) == 1
    # The other clicks hear that it is done, or (while the first is posting) on its way.
    assert all(
        "Posted the pre-commitment" in answer
        or "already committed" in answer
        or "on its way" in answer
        for answer in answers
    )


def test_bot_not_in_channel_loses_nothing_and_can_retry(live: LiveApp) -> None:
    program_id = _ready(live)
    live.slack.inject("chat.postMessage", SlackError("not_in_channel"))
    live.sender.block_action(user_id=OWNER, action_id=COMMIT_CONFIRM, value=str(program_id))
    answer = str(_last_response(live)["text"])
    assert "/invite @emcoach" in answer
    assert "<#C0ENG>" in answer
    program = _program(live, program_id)
    assert program.committed_at is None
    assert program.status is ProgramState.CRITERIA_SIGNED_OFF

    live.sender.block_action(user_id=OWNER, action_id=COMMIT_CONFIRM, value=str(program_id))
    live.slack.wait_for(lambda: bool(live.slack.messages("C0ENG")))
    live.app.listener_runner.listener_executor.shutdown(wait=True)
    assert _program(live, program_id).status is ProgramState.COMMITTED


def test_someone_else_cannot_confirm(live: LiveApp) -> None:
    program_id = _ready(live)
    live.sender.block_action(user_id="U0STRANGER", action_id=COMMIT_CONFIRM, value=str(program_id))
    assert "Only the program's owners" in str(_last_response(live)["text"])
    assert not live.slack.messages("C0ENG")
    assert _program(live, program_id).committed_at is None


def test_not_yet_posts_nothing(live: LiveApp) -> None:
    program_id = _ready(live)
    live.sender.block_action(user_id=OWNER, action_id=COMMIT_CANCEL, value=str(program_id))
    assert "Not posted" in str(_last_response(live)["text"])
    assert not live.slack.messages("C0ENG")


def test_non_owner_cannot_run_commit(live: LiveApp) -> None:
    _ready(live)
    result = live.sender.command("commit", user_id="U0STRANGER")
    assert "is for a program's owners" in result.json()["text"]
    assert "Start your own program with `/emcoach setup`" in result.json()["text"]


def test_committing_twice_points_at_the_post(live: LiveApp) -> None:
    _ready(live, committed=True)
    live.sender.command("commit", user_id=OWNER)
    assert "already committed" in str(_last_response(live)["text"])


def test_commit_without_the_week_2_coach_decision_is_refused_with_that_gap(
    live: LiveApp,
) -> None:
    program_id = _ready(live, coach_decision="")
    live.sender.command("commit", user_id=OWNER)
    text = str(_last_response(live)["text"])
    assert "can't be committed yet" in text
    assert "the week-2 coach decision: run `/emcoach coach`" in text
    live.sender.block_action(user_id=OWNER, action_id=COMMIT_CONFIRM, value=str(program_id))
    live.app.listener_runner.listener_executor.shutdown(wait=True)
    assert not live.slack.messages("C0ENG"), "nothing is posted without the whole sprint"
    assert _program(live, program_id).committed_at is None


def test_after_commit_status_never_points_back_into_the_sprint(live: LiveApp) -> None:
    program_id = _ready(live)
    live.sender.block_action(user_id=OWNER, action_id=COMMIT_CONFIRM, value=str(program_id))
    live.slack.wait_for(lambda: "Posted the pre-commitment" in str(_last_response(live)["text"]))
    with session_scope(live.services.engine) as session:
        program = session.get(Program, program_id)
        assert program is not None
        program.coach_decision = None  # a program committed before week 2 was required
        session.add(program)
    before = len(live.slack.responses())
    live.sender.command("status", user_id=OWNER)
    live.slack.wait_for(lambda: len(live.slack.responses()) > before)
    shown = json.dumps(live.slack.responses()[-1], ensure_ascii=False)
    assert "Next: week" not in shown and "*Next:* week" not in shown
    assert "4 of 4 weeks done" in shown


def test_a_weekend_checkpoint_moves_to_monday_and_the_pre_commitment_says_so(
    live: LiveApp,
) -> None:
    # Kickoff Monday 1 February 2027: month 3 is Saturday 1 May, month 6 Sunday 1 August.
    program_id = _ready(live)
    live.sender.block_action(user_id=OWNER, action_id=COMMIT_CONFIRM, value=str(program_id))
    live.slack.wait_for(lambda: bool(live.slack.messages("C0ENG")))
    live.app.listener_runner.listener_executor.shutdown(wait=True)
    post = live.slack.messages("C0ENG")[0]
    shown = json.dumps(post["blocks"], ensure_ascii=False)
    assert "*Mon 3 May 2027* (month 3" in shown
    assert "*Mon 2 Aug 2027* (month 6" in shown
    assert "Sat 1 May" not in shown and "Sun 1 Aug" not in shown
    assert "a date on a weekend moves to the next business day" in shown
    with session_scope(live.services.engine) as session:
        agenda = rows_of(session, program_id=program_id)
    published = sorted(row.occasion for row in agenda if row.kind == "checkpoint_publish")
    assert [day.isoformat() for day in published] == ["2027-05-03", "2027-08-02"]
    # Each dated prompt on a business day where it is read: managers and reports (not in
    # Slack here) share their leader's zone.
    zones = {"U0LEAD2": "Australia/Sydney", "U0COACH": "Europe/London", CFO: "America/New_York"}
    dated = {"survey", "three_sixty", "checkpoint_preview", "checkpoint_publish"}
    for row in agenda:
        if row.kind in dated and row.occasion != date(2027, 2, 1):
            zone = zones.get(row.recipient) or zones.get(row.about) or "Europe/Warsaw"
            assert local_date(row.due_at, zone).weekday() < 5, (row.kind, row.recipient)
