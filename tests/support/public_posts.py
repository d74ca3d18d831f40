"""Faults at each step of publishing, as one shared set: the scenario tests run each once,
``benchmarks/faults.py`` runs each many times and prints the table.

A trial builds a fresh world (SQLite file, Slack stand-in and app sharing one simulated
clock, a Slack timeout of a second or less so a slow answer is a lost one), injects one fault
into a real commit or deviation over signed HTTP, then runs the clock's own jobs as `emcoach
clock` would, a few minutes apart. It reports what a sceptical reader would count: posts in the
channel against posts expected, and whether the program was left stuck.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from unittest import mock

from sqlalchemy.exc import OperationalError

from bot.blocks.commit import COMMIT_CONFIRM
from bot.domain.cadence import AgendaKind
from bot.domain.metrics import Instrument
from bot.domain.program_rules import ProgramField, ProgramState
from bot.engine import dispatch
from bot.flows import commit as commit_flow
from bot.scheduler import build_dispatcher
from bot.sim.demo.harness import LiveApp
from bot.sim.standin import Fault, ServerError, SlackError, StandInUser, Timeout
from handlers import jobs
from storage.agenda import rows_of
from storage.db import session_scope
from storage.deviations import take_unused_deviation
from storage.models import Program
from tests.support.programs import LeaderSpec, PodSpec, make_program
from tests.support.worlds import simulated_world

OWNER = "U0OWNER"
CFO = "U0CFO"
CHANNEL = "C0ENG"
REASON = "HR cannot produce retention data monthly"
PEOPLE = [
    StandInUser(id=OWNER, name="olga", real_name="Olga Owner", tz="Europe/Warsaw"),
    StandInUser(id=CFO, name="carl", real_name="Carl CFO", tz="America/New_York"),
    StandInUser(id="U0COACH", name="cora", real_name="Cora Coach", tz="Europe/London"),
    StandInUser(id="U0LEAD1", name="lena", real_name="Lena Lead", tz="Europe/Warsaw"),
    StandInUser(id="U0LEAD2", name="leo", real_name="Leo Lead", tz="Australia/Sydney"),
]


@dataclass(frozen=True, slots=True)
class Trial:
    expected: int  # public posts that should be in the channel
    seen: int  # public posts that are
    copies: int  # the budget owner's copies of the pre-commitment (one expected after commit)
    stuck: bool  # neither done nor back where the owner can simply try again
    said: str  # what the owner read first


# How long the app waits for a Slack answer in a trial whose answer is lost (a Timeout
# fault): long beside a stand-in's answer (milliseconds), short for a test to wait out.
GIVE_UP_SECONDS = 0.5


@contextmanager
def world(*, slack_timeout: float = 1.0) -> Iterator[LiveApp]:
    """A fresh database, Slack stand-in and app on one simulated clock; the app's Slack
    clients give up after ``slack_timeout`` seconds (GIVE_UP_SECONDS where an answer is lost;
    1 s, as SLACK_TIMEOUT_SECONDS at its lowest, for bursts of 20 requests at once)."""
    with simulated_world(PEOPLE, slack_timeout=slack_timeout) as live:
        yield live


def clock_ticks(live: LiveApp, *, ticks: int = 4) -> None:
    """What `emcoach clock` does, a few minutes apart: settle, re-plan, send, reconcile."""
    dispatcher = build_dispatcher(live.services)
    for _ in range(ticks):
        live.clock.advance(timedelta(minutes=6))
        jobs.replan_stale(services=live.services)
        jobs.dispatch_due(dispatcher=dispatcher)
        jobs.replan_stale(services=live.services)


def ready_program(live: LiveApp) -> int:
    return make_program(
        live.services.engine,
        criteria=("lead_time", "one_on_one_quality"),
        signed_off=True,
        pods=(PodSpec(leaders=[LeaderSpec("U0LEAD1"), LeaderSpec("U0LEAD2")]),),
        baselines=True,
        instrument=Instrument.COMPANY_SURVEY,  # its pod baselines: no baseline round to wait for
    )


def committed_program(live: LiveApp) -> int:
    return make_program(
        live.services.engine,
        criteria=("lead_time", "report_retention"),
        signed_off=True,
        committed=True,
    )


def program(live: LiveApp, program_id: int) -> Program:
    with session_scope(live.services.engine) as session:
        found = session.get(Program, program_id)
        assert found is not None
        return found


def answer(live: LiveApp, send: Callable[[], object]) -> str:
    """Send one request and wait for the answer through its response_url (the listener's
    last step: once it is here, the request is handled); its text and blocks as shown."""
    before = len(live.slack.responses())
    send()
    live.slack.wait_for(lambda: len(live.slack.responses()) > before)
    shown = live.slack.responses()[-1]
    return f"{shown['text']}\n{json.dumps(shown.get('blocks', []), ensure_ascii=False)}"


def confirm(live: LiveApp, program_id: int) -> str:
    return answer(
        live,
        lambda: live.sender.block_action(
            user_id=OWNER, action_id=COMMIT_CONFIRM, value=str(program_id)
        ),
    )


def commitments(live: LiveApp) -> list[dict[str, Any]]:
    return [post for post in live.slack.messages(CHANNEL) if "Pre-commitment" in post["text"]]


def copies(live: LiveApp) -> list[dict[str, Any]]:
    return [post for post in live.slack.messages(CFO) if "For your records" in post["text"]]


def deviation_posts(live: LiveApp) -> list[dict[str, Any]]:
    return [post for post in live.slack.messages(CHANNEL) if "Deviation" in post["text"]]


def planned(live: LiveApp, program_id: int) -> bool:
    with session_scope(live.services.engine) as session:
        kinds = [row.kind for row in rows_of(session, program_id=program_id)]
    return kinds.count(AgendaKind.CHECKPOINT_PUBLISH.value) == 2


def commit_trial(live: LiveApp, program_id: int, said: str) -> Trial:
    """After the clock has run: committed with its agenda, or plainly committable."""
    state = program(live, program_id)
    done = state.status is ProgramState.COMMITTED and planned(live, program_id)
    committable = state.committed_at is None and not commitments(live)
    return Trial(
        expected=1 if done else 0,
        seen=len(commitments(live)),
        copies=len(copies(live)),
        stuck=not (done or committable),
        said=said,
    )


def failing_once(target: object, name: str) -> mock._patch[Any]:
    """``target.name`` raises a database error on its first call only."""
    real: Callable[..., Any] = getattr(target, name)
    calls = {"n": 0}

    def flaky(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            raise OperationalError("UPDATE", {}, Exception("server closed the connection"))
        return real(*args, **kwargs)

    return mock.patch.object(target, name, flaky)


def _slack_fault(fault: Fault) -> Callable[[LiveApp], Trial]:
    def run(live: LiveApp) -> Trial:
        program_id = ready_program(live)
        live.slack.inject("chat.postMessage", fault)
        said = confirm(live, program_id)
        clock_ticks(live)
        return commit_trial(live, program_id, said)

    return run


def _database_fault(target: object, name: str) -> Callable[[LiveApp], Trial]:
    def run(live: LiveApp) -> Trial:
        program_id = ready_program(live)
        with failing_once(target, name):
            said = confirm(live, program_id)
            if program(live, program_id).committed_at is None:
                confirm(live, program_id)  # the owner tries again, as the apology says
        clock_ticks(live)
        return commit_trial(live, program_id, said)

    return run


def _not_in_channel(live: LiveApp) -> Trial:
    program_id = ready_program(live)
    live.slack.inject("chat.postMessage", SlackError("not_in_channel"))
    said = confirm(live, program_id)
    refused = commit_trial(live, program_id, said)
    if refused.stuck or refused.seen:
        return refused
    confirm(live, program_id)  # invited, tries again
    clock_ticks(live)
    return commit_trial(live, program_id, said)


def _concurrent_confirmations(live: LiveApp) -> Trial:
    program_id = ready_program(live)
    _at_once(
        20,
        lambda: live.sender.block_action(
            user_id=OWNER, action_id=COMMIT_CONFIRM, value=str(program_id)
        ),
    )
    live.app.listener_runner.listener_executor.shutdown(wait=True)  # every click handled
    clock_ticks(live)
    return commit_trial(live, program_id, str(live.slack.responses()[0]["text"]))


def _at_once(count: int, send: Callable[[], object]) -> None:
    threads = [threading.Thread(target=send) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def deviation_usable(live: LiveApp, program_id: int) -> bool:
    """Whether a change to the criteria is allowed now (which uses the deviation up)."""
    with session_scope(live.services.engine) as session:
        return (
            take_unused_deviation(
                session, program_id=program_id, field=ProgramField.CRITERIA, now=live.clock.now()
            )
            is not None
        )


def _deviation_trial(live: LiveApp, program_id: int, said: str) -> Trial:
    posted = len(deviation_posts(live))
    return Trial(
        expected=1,
        seen=posted,
        copies=0,
        stuck=not deviation_usable(live, program_id),
        said=said,
    )


def _deviation_answer_lost(live: LiveApp) -> Trial:
    program_id = committed_program(live)
    live.slack.inject("chat.postMessage", ServerError(500, applied=True))
    said = answer(live, lambda: live.sender.command(f"deviation criteria {REASON}", user_id=OWNER))
    clock_ticks(live)
    return _deviation_trial(live, program_id, said)


def _deviation_replayed(live: LiveApp) -> Trial:
    program_id = committed_program(live)
    body = live.sender.command_body(f"deviation criteria {REASON}", user_id=OWNER)

    def replay() -> object:
        return live.sender.send(body, content_type="application/x-www-form-urlencoded")

    said = answer(live, replay)
    for _ in range(2):
        replay()  # Slack's retry; an attacker's replay within five minutes
    _at_once(20, replay)
    live.sender.command(f"deviation criteria {REASON}", user_id=OWNER)  # typed again
    live.app.listener_runner.listener_executor.shutdown(wait=True)  # every request handled
    return _deviation_trial(live, program_id, said)


# The cases whose Slack answer is lost: their world gives up after GIVE_UP_SECONDS.
ANSWER_LOST = frozenset({"commit: post lands, answer times out"})

CASES: dict[str, Callable[[LiveApp], Trial]] = {
    "commit: post lands, answer times out": _slack_fault(Timeout(seconds=2, applied=True)),
    "commit: post lands, Slack answers 500": _slack_fault(ServerError(500, applied=True)),
    "commit: post lost, Slack answers 503": _slack_fault(ServerError(503)),
    "commit: database fails before the post": _database_fault(commit_flow, "begin_commit"),
    "commit: database fails recording the post": _database_fault(dispatch, "mark_sent"),
    "commit: database fails settling": _database_fault(commit_flow, "settle_commit"),
    "commit: bot not in the channel, then invited": _not_in_channel,
    "commit: 20 confirmations at once": _concurrent_confirmations,
    "deviation: post lands, Slack answers 500": _deviation_answer_lost,
    "deviation: replayed 3x, 20 at once, typed again": _deviation_replayed,
}
