"""A budget owner who is also a program owner signs off their own criteria: allowed, and
said plainly in the sign-off DM, the pre-commitment and every results post."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import col, select

from bot.blocks.commit import COMMIT_CONFIRM
from bot.blocks.criteria import CRITERIA_PICK, CRITERIA_VIEW
from bot.domain.cadence import AgendaKind
from bot.engine.dispatch import Dispatcher
from bot.engine.planning import replan_program
from bot.engine.render import render
from storage.db import session_scope
from storage.models import AgendaRow
from tests.support.live import LiveApp
from tests.support.programs import LeaderSpec, PodSpec, make_program
from tests.support.sprint import submit_criteria

OWNER = "U0OWNER"
CFO = "U0CFO"
CHANNEL = "C0ENG"
SELF_APPROVED = "self-approved: the budget owner is also an owner of this program"


def _shown(message: dict[str, Any]) -> str:
    return json.dumps(message.get("blocks") or [], ensure_ascii=False) + str(message["text"])


def _ask_for_signoff(live: LiveApp, program_id: int) -> dict[str, Any]:
    values = {
        CRITERIA_PICK: {
            CRITERIA_PICK: {
                "type": "checkboxes",
                "selected_options": [{"value": "lead_time"}, {"value": "report_retention"}],
            }
        }
    }
    result = live.sender.view_submission(
        user_id=OWNER,
        callback_id=CRITERIA_VIEW,
        values=values,
        private_metadata=json.dumps({"program": program_id}),
    )
    assert result.status == 200

    def requests() -> list[dict[str, Any]]:
        return [m for m in live.slack.messages(OWNER) if "Sign-off" in json.dumps(m)]

    live.slack.wait_for(lambda: bool(requests()))
    return requests()[-1]


def test_the_signoff_request_says_self_approved_when_the_budget_owner_is_an_owner(
    live: LiveApp,
) -> None:
    program_id = make_program(live.services.engine, budget_owner=OWNER)
    assert SELF_APPROVED in _shown(_ask_for_signoff(live, program_id))


def test_an_independent_budget_owner_is_not_called_self_approved(live: LiveApp) -> None:
    program_id = make_program(live.services.engine)
    submit_criteria(live, program_id, ("lead_time", "report_retention"))
    live.slack.wait_for(lambda: bool(live.slack.messages(CFO)))
    assert "self-approved" not in _shown(live.slack.messages(CFO)[-1])


def _ready(live: LiveApp, *, budget_owner: str) -> int:
    return make_program(
        live.services.engine,
        budget_owner=budget_owner,
        criteria=("lead_time", "report_retention"),
        signed_off=True,
        pods=(PodSpec(leaders=[LeaderSpec("U0LEAD1")]),),
        baselines=True,
    )


def _commit(live: LiveApp, program_id: int) -> dict[str, Any]:
    live.sender.block_action(user_id=OWNER, action_id=COMMIT_CONFIRM, value=str(program_id))
    live.slack.wait_for(lambda: bool(live.slack.messages(CHANNEL)))
    live.app.listener_runner.listener_executor.shutdown(wait=True)
    return live.slack.messages(CHANNEL)[0]


def test_the_pre_commitment_and_each_results_post_say_self_approved(live: LiveApp) -> None:
    program_id = _ready(live, budget_owner=OWNER)
    post = _commit(live, program_id)
    assert f"Signed off* by <@{OWNER}>" in _shown(post)
    assert SELF_APPROVED in _shown(post)
    replan_program(
        live.services.engine, live.services.client, program_id=program_id, now=live.clock.now()
    )
    with session_scope(live.services.engine) as session:
        publications = list(
            session.exec(
                select(AgendaRow)
                .where(
                    AgendaRow.program_id == program_id,
                    AgendaRow.kind == AgendaKind.CHECKPOINT_PUBLISH.value,
                )
                .order_by(col(AgendaRow.due_at))
            )
        )
    assert len(publications) == 2
    for row in publications:
        live.clock.set(row.due_at)
        Dispatcher(
            engine=live.services.engine,
            client=live.services.client,
            clock=live.clock,
            render=render,
            worker="test-clock",
        ).tick()
    # The results posts themselves, not the replies in threads (the locked record under the
    # pre-commitment, each results post's chart).
    results = [
        message
        for message in live.slack.messages(CHANNEL)[1:]
        if not message.get("files") and not message.get("thread_ts")
    ]
    assert len(results) == 2
    for message in results:
        assert SELF_APPROVED in _shown(message)


def test_an_independent_sign_off_is_shown_without_the_note(live: LiveApp) -> None:
    post = _commit(live, _ready(live, budget_owner=CFO))
    assert f"Signed off* by <@{CFO}>" in _shown(post)
    assert "self-approved" not in _shown(post)
