"""Issue #8 items 2 and 4: the pre-commitment and deviations are posted exactly once, and a
commit is never left half done — whatever fails, Slack or the database, at each step.

Every case of tests/support/public_posts.py runs once here (benchmarks/faults.py runs them
many times and prints the table); the tests below look closer at what people are told.
"""

from __future__ import annotations

import pytest

from bot.domain.cadence import AgendaState
from bot.domain.program_rules import ProgramState
from bot.engine import dispatch
from bot.flows import commit as commit_flow
from bot.sim.standin import ServerError, Timeout
from storage.agenda import rows_of
from storage.db import session_scope
from storage.deviations import deviations_of
from tests.support.public_posts import (
    ANSWER_LOST,
    CASES,
    GIVE_UP_SECONDS,
    OWNER,
    REASON,
    answer,
    clock_ticks,
    commit_trial,
    committed_program,
    confirm,
    deviation_posts,
    deviation_usable,
    failing_once,
    program,
    ready_program,
    world,
)


@pytest.mark.parametrize("name", CASES.keys())
def test_each_fault_ends_with_exactly_the_posts_expected_and_nothing_stuck(name: str) -> None:
    with world(slack_timeout=GIVE_UP_SECONDS if name in ANSWER_LOST else 1.0) as live:
        trial = CASES[name](live)
    assert trial.seen == trial.expected == 1
    assert not trial.stuck
    assert "Traceback" not in trial.said


@pytest.mark.parametrize(
    "fault", [Timeout(seconds=2, applied=True), ServerError(500, applied=True), ServerError(503)]
)
def test_while_slack_has_not_confirmed_the_commitment_the_owner_hears_it_is_on_its_way(
    fault: Timeout | ServerError,
) -> None:
    with world(slack_timeout=GIVE_UP_SECONDS) as live:
        program_id = ready_program(live)
        live.slack.inject("chat.postMessage", fault)
        said = confirm(live, program_id)
        assert "on its way" in said and "never twice" in said
        assert program(live, program_id).status is ProgramState.COMMITTING
        # Asking again while it settles neither posts nor claims it is "already committed".
        again = answer(live, lambda: live.sender.command("commit", user_id=OWNER))
        assert "on its way" in again
        status = answer(live, lambda: live.sender.command("status", user_id=OWNER))
        assert "*Committing:* the pre-commitment is recorded and locked" in status
        clock_ticks(live)
        trial = commit_trial(live, program_id, said)
    assert (trial.seen, trial.copies, trial.stuck) == (1, 1, False)


def test_a_database_failure_before_the_post_apologises_and_changes_nothing() -> None:
    with world() as live:
        program_id = ready_program(live)
        with failing_once(commit_flow, "begin_commit"):
            said = confirm(live, program_id)
        assert "something went wrong" in said and "reference" in said
        assert program(live, program_id).committed_at is None
        assert "Posted the pre-commitment" in confirm(live, program_id)


def test_a_database_failure_after_the_post_says_it_is_being_confirmed() -> None:
    with world() as live:
        program_id = ready_program(live)
        with failing_once(dispatch, "mark_sent"):
            said = confirm(live, program_id)
        assert "on its way" in said
        assert program(live, program_id).status is ProgramState.COMMITTING


def test_a_deviation_whose_answer_is_lost_is_usable_only_once_confirmed() -> None:
    with world() as live:
        program_id = committed_program(live)
        live.slack.inject("chat.postMessage", ServerError(500, applied=True))
        said = answer(
            live, lambda: live.sender.command(f"deviation criteria {REASON}", user_id=OWNER)
        )
        assert "on its way" in said
        assert len(deviation_posts(live)) == 1
        assert not deviation_usable(live, program_id), "no change before the post is confirmed"
        clock_ticks(live)
        assert len(deviation_posts(live)) == 1
        with session_scope(live.services.engine) as session:
            [deviation] = deviations_of(session, program_id=program_id)
            [row] = [
                row
                for row in rows_of(session, program_id=program_id)
                if row.id == deviation.agenda_id
            ]
        assert row.state is AgendaState.SENT
        assert deviation_usable(live, program_id)
