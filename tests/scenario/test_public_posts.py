"""Issue #8 items 2 and 4: the pre-commitment and deviations are posted exactly once, and a
commit is never left half done — whatever fails, Slack or the database, at each step.

Each fault is injected at one step of a real commit over signed HTTP; the clock's own jobs
then run as `emcoach clock` would. Afterwards the program is committed, the channel holds
exactly one pre-commitment, the budget owner exactly one copy, and the six months are planned.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from bot.blocks.commit import COMMIT_CONFIRM
from bot.clock import FixedClock
from bot.domain.cadence import AgendaKind, AgendaState
from bot.domain.program_rules import ProgramField, ProgramState
from bot.engine.dispatch import build_dispatcher
from bot.flows import commit as commit_flow
from bot.standin import ServerError, SlackStandIn, Timeout
from handlers import jobs
from storage.agenda import rows_of
from storage.db import session_scope
from storage.deviations import deviations_of, take_unused_deviation
from storage.models import Program
from tests.scenario.conftest import PEOPLE, assert_all_block_kit_valid
from tests.support.live import START, TEAM_ID, LiveApp, live_app
from tests.support.programs import LeaderSpec, PodSpec, make_program

OWNER = "U0OWNER"
CFO = "U0CFO"
CHANNEL = "C0ENG"
REASON = "HR cannot produce retention data monthly"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def slack(clock: FixedClock) -> Iterator[SlackStandIn]:
    """Slack stamps messages with the app's time, so the channel's history can be searched
    from the time a post was first sent, as against the real Slack."""
    with SlackStandIn(team_id=TEAM_ID, users=PEOPLE, clock=clock) as standin:
        yield standin


@pytest.fixture
def live(slack: SlackStandIn, scenario_engine: Engine, clock: FixedClock) -> Iterator[LiveApp]:
    with live_app(slack, scenario_engine, clock=clock) as app:
        yield app
    assert_all_block_kit_valid(app)


@pytest.fixture
def quick(slack: SlackStandIn, scenario_engine: Engine, clock: FixedClock) -> Iterator[LiveApp]:
    """The live app with a one-second Slack timeout, so a slow answer is a lost answer."""
    with live_app(slack, scenario_engine, clock=clock, SLACK_TIMEOUT_SECONDS=1) as app:
        yield app
    assert_all_block_kit_valid(app)


def _ready(live: LiveApp) -> int:
    return make_program(
        live.services.engine,
        criteria=("lead_time", "one_on_one_quality"),
        signed_off=True,
        pods=(PodSpec(leaders=[LeaderSpec("U0LEAD1"), LeaderSpec("U0LEAD2")]),),
        baselines=True,
    )


def _program(live: LiveApp, program_id: int) -> Program:
    with session_scope(live.services.engine) as session:
        program = session.get(Program, program_id)
        assert program is not None
        return program


def _confirm(live: LiveApp, program_id: int) -> str:
    before = len(live.slack.responses())
    live.sender.block_action(user_id=OWNER, action_id=COMMIT_CONFIRM, value=str(program_id))
    # The answer is the listener's last step: once it is here, the click is handled.
    live.slack.wait_for(lambda: len(live.slack.responses()) > before)
    return str(live.slack.responses()[-1]["text"])


def _clock(live: LiveApp, *, ticks: int = 4) -> None:
    """What `emcoach clock` does, a few minutes apart: settle, re-plan, send, reconcile."""
    dispatcher = build_dispatcher(live.services)
    for _ in range(ticks):
        live.clock.advance(timedelta(minutes=6))
        jobs.replan_stale(services=live.services)
        jobs.dispatch_due(dispatcher=dispatcher)
        jobs.replan_stale(services=live.services)


def _commitments(live: LiveApp) -> list[dict[str, Any]]:
    return [post for post in live.slack.messages(CHANNEL) if "Pre-commitment" in post["text"]]


def _copies(live: LiveApp) -> list[dict[str, Any]]:
    return [post for post in live.slack.messages(CFO) if "For your records" in post["text"]]


def _assert_committed_once(live: LiveApp, program_id: int) -> None:
    program = _program(live, program_id)
    assert program.status is ProgramState.COMMITTED
    [post] = _commitments(live)
    assert (program.commitment_channel_id, program.commitment_ts) == (CHANNEL, post["ts"])
    assert len(_copies(live)) == 1
    with session_scope(live.services.engine) as session:
        kinds = [row.kind for row in rows_of(session, program_id=program_id)]
    assert kinds.count(AgendaKind.CHECKPOINT_PUBLISH.value) == 2, "the six months are planned"


def _fail_once(monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> list[int]:
    """``module.name`` raises a database error on its first call only; returns the call log."""
    real: Callable[..., Any] = getattr(module, name)
    calls: list[int] = []

    def flaky(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("UPDATE", {}, Exception("server closed the connection"))
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, flaky)
    return calls


SLACK_FAULTS = {
    "post lands, answer times out": Timeout(seconds=2, applied=True),
    "post lands, Slack answers 500": ServerError(500, applied=True),
    "post lost, Slack answers 503": ServerError(503),
}


@pytest.mark.parametrize("fault", SLACK_FAULTS.values(), ids=SLACK_FAULTS.keys())
def test_a_lost_answer_while_posting_the_commitment_settles_with_one_post(
    quick: LiveApp, fault: Timeout | ServerError
) -> None:
    program_id = _ready(quick)
    quick.slack.inject("chat.postMessage", fault)
    answer = _confirm(quick, program_id)
    assert "on its way" in answer and "never twice" in answer
    assert _program(quick, program_id).status is ProgramState.COMMITTING
    # Asking again while it settles neither posts nor says "already committed".
    quick.sender.command("commit", user_id=OWNER)
    quick.slack.wait_for(lambda: "on its way" in str(quick.slack.responses()[-1]["text"]))

    _clock(quick)
    _assert_committed_once(quick, program_id)


@pytest.mark.parametrize(
    ("module", "name"),
    [
        (commit_flow, "begin_commit"),  # the database fails before anything is sent
        (commit_flow, "settle_commit"),  # ... after the post, while settling it
    ],
)
def test_a_database_failure_in_commit_leaves_it_committable_or_settling(
    live: LiveApp, monkeypatch: pytest.MonkeyPatch, module: object, name: str
) -> None:
    program_id = _ready(live)
    calls = _fail_once(monkeypatch, module, name)
    answer = _confirm(live, program_id)
    assert calls, f"{name} was reached"
    assert "Traceback" not in answer
    program = _program(live, program_id)
    if name == "begin_commit":
        assert program.committed_at is None and not _commitments(live)
        assert "Posted the pre-commitment" in _confirm(live, program_id)
    else:
        assert program.status is ProgramState.COMMITTING
        assert "on its way" in answer
        _clock(live)
    _assert_committed_once(live, program_id)


def test_a_database_failure_recording_the_post_is_reconciled_not_reposted(
    live: LiveApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    program_id = _ready(live)
    from bot.engine import dispatch

    calls = _fail_once(monkeypatch, dispatch, "mark_sent")
    answer = _confirm(live, program_id)
    assert calls and "on its way" in answer
    assert len(_commitments(live)) == 1
    assert _program(live, program_id).status is ProgramState.COMMITTING
    _clock(live)
    _assert_committed_once(live, program_id)


def test_twenty_concurrent_confirmations_post_once(live: LiveApp) -> None:
    program_id = _ready(live)
    threads = [
        threading.Thread(
            target=live.sender.block_action,
            kwargs={"user_id": OWNER, "action_id": COMMIT_CONFIRM, "value": str(program_id)},
        )
        for _ in range(20)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    live.app.listener_runner.listener_executor.shutdown(wait=True)
    assert all(result.status == 200 for result in live.sender.results)
    _assert_committed_once(live, program_id)


# --- deviations -------------------------------------------------------------------------------


def _committed(live: LiveApp) -> int:
    return make_program(
        live.services.engine,
        criteria=("lead_time", "report_retention"),
        signed_off=True,
        committed=True,
    )


def _deviation_posts(live: LiveApp) -> list[dict[str, Any]]:
    return [post for post in live.slack.messages(CHANNEL) if "Deviation" in post["text"]]


def _usable(live: LiveApp, program_id: int) -> bool:
    """Whether a change to the criteria is allowed now (and so uses the deviation up)."""
    with session_scope(live.services.engine) as session:
        return (
            take_unused_deviation(
                session,
                program_id=program_id,
                field=ProgramField.CRITERIA,
                now=live.clock.now(),
            )
            is not None
        )


def test_a_replayed_or_repeated_deviation_request_posts_once(live: LiveApp) -> None:
    program_id = _committed(live)
    body = live.sender.command_body(f"deviation criteria {REASON}", user_id=OWNER)
    for _ in range(3):  # Slack's retry, an attacker's replay within five minutes
        live.sender.send(body, content_type="application/x-www-form-urlencoded")
    threads = [
        threading.Thread(
            target=live.sender.send,
            args=(body,),
            kwargs={"content_type": "application/x-www-form-urlencoded"},
        )
        for _ in range(20)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    live.sender.command(f"deviation criteria {REASON}", user_id=OWNER)  # typed again
    live.app.listener_runner.listener_executor.shutdown(wait=True)
    assert len(_deviation_posts(live)) == 1
    with session_scope(live.services.engine) as session:
        assert len(deviations_of(session, program_id=program_id)) == 1
    answers = [str(body["text"]) for body in live.slack.responses()]
    assert sum("You can now make one change" in answer for answer in answers) == 1
    assert all(
        "You can now make one change" in answer or "already posted" in answer for answer in answers
    )


def test_a_deviation_whose_answer_is_lost_is_usable_only_once_confirmed(quick: LiveApp) -> None:
    program_id = _committed(quick)
    quick.slack.inject("chat.postMessage", ServerError(500, applied=True))
    quick.sender.command(f"deviation criteria {REASON}", user_id=OWNER)
    quick.slack.wait_for(lambda: bool(quick.slack.responses()))
    assert "on its way" in str(quick.slack.responses()[-1]["text"])
    assert len(_deviation_posts(quick)) == 1
    assert not _usable(quick, program_id), "no change before the post is confirmed"
    _clock(quick)
    assert len(_deviation_posts(quick)) == 1
    with session_scope(quick.services.engine) as session:
        [deviation] = deviations_of(session, program_id=program_id)
        rows = [
            row for row in rows_of(session, program_id=program_id) if row.id == deviation.agenda_id
        ]
    assert [row.state for row in rows] == [AgendaState.SENT]
    assert _usable(quick, program_id)
