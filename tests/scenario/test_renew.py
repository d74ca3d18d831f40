"""Issue 11 point 8 over signed HTTP: `/emcoach renew` starts the next cohort as a draft from
a closed (or running) program — the same criteria catalog choices and instruments, no values,
the coach decision open again with the seed's advice, no pods, the owners, budget owner and
channel carried over — and the sprint walks on from there (status, the program picker)."""

from __future__ import annotations

import json

from sqlalchemy import update
from sqlmodel import col, select

from bot.blocks.picker import pick_value
from bot.domain.program_rules import ProgramState
from bot.domain.roles import Role
from bot.slack_names import ACTION_PICK_PROGRAM
from storage.db import session_scope
from storage.models import Baseline, Criterion, Pod, Program
from storage.programs import members
from tests.support.finished import (
    CFO,
    CO_OWNER,
    OWNER,
    run_to_close,
    run_to_month_3,
    world_after,
)
from tests.support.live import LiveApp
from tests.support.public_posts import answer

SEED_ADVICE = (
    "consider transitioning to internal only after their first cycle has produced an EM who’s "
    "been formally coached"
)


def _renew(live: LiveApp, args: str = "") -> str:
    return answer(live, lambda: live.sender.command(f"renew {args}".strip(), user_id=OWNER))


def _programs(live: LiveApp) -> dict[str, Program]:
    with session_scope(live.services.engine) as session:
        return {program.name: program for program in session.exec(select(Program))}


def test_renew_starts_the_next_cohort_as_a_draft_with_the_carried_over_choices() -> None:
    with world_after(run_to_close) as (live, finished):
        with session_scope(live.services.engine) as session:
            session.exec(
                update(Criterion)
                .where(col(Criterion.metric_id) == "one_on_one_quality")
                .values(instrument="emcoach_survey")
            )
        said = _renew(live)
        programs = _programs(live)
        draft = programs["Pilot (cycle 2)"]
        assert draft.id is not None
        with session_scope(live.services.engine) as session:
            criteria = list(
                session.exec(
                    select(Criterion)
                    .where(Criterion.program_id == draft.id)
                    .order_by(col(Criterion.position))
                )
            )
            owners = members(session, program_id=draft.id, role=Role.OWNER)
            budget = members(session, program_id=draft.id, role=Role.BUDGET_OWNER)
            pods = list(session.exec(select(Pod).where(Pod.program_id == draft.id)))
            baselines = list(session.exec(select(Baseline).where(Baseline.program_id == draft.id)))
    assert programs["Pilot"].status is ProgramState.CLOSED and finished.program_id
    assert "Started *Pilot (cycle 2)*, the next cohort of *Pilot*, as a draft" in said
    assert SEED_ADVICE in said and "internal mentor" in said
    assert "/emcoach coach" in said and "/emcoach criteria" in said and "/emcoach pod" in said
    assert "<@U0OWNER>" in said and "<@U0OWNER2>" in said and "<@U0CFO>" in said
    assert "<#C0ENG>" in said
    assert "emcoach's anonymous survey" in said and "values the owner enters" in said
    # What carried over, and what did not.
    assert draft.status is ProgramState.DRAFT
    assert [(row.metric_id, row.instrument) for row in criteria] == [
        ("lead_time", "leader_values"),
        ("one_on_one_quality", "emcoach_survey"),
    ]
    assert draft.signed_off_at is None and draft.coach_decision is None
    assert (draft.publish_channel_id, draft.budget_owner_id) == ("C0ENG", CFO)
    assert sorted(owners) == sorted([OWNER, CO_OWNER]) and budget == [CFO]
    assert pods == [] and baselines == []
    assert draft.kickoff_date is not None and draft.committed_at is None


def test_the_sprint_walks_on_from_the_draft_and_the_picker_offers_both_programs() -> None:
    with world_after(run_to_close) as (live, _):
        _renew(live)
        draft = _programs(live)["Pilot (cycle 2)"]
        assert draft.id is not None
        picker = answer(live, lambda: live.sender.command("status", user_id=OWNER))
        status = answer(
            live,
            lambda: live.sender.block_action(
                user_id=OWNER,
                action_id=f"{ACTION_PICK_PROGRAM}:{draft.id}",
                value=pick_value(subcommand="status", args="", program_id=draft.id or 0),
            ),
        )
        closed = answer(live, lambda: live.sender.command('status "Pilot"', user_id=OWNER))
        again = _renew(live, '"Pilot"')
        count = len(_programs(live))
    assert "which one is this for?" in picker
    assert '"Pilot"' in picker and "Pilot (cycle 2)" in picker
    assert "Setup sprint: Pilot (cycle 2)" in status
    assert "Week 1" in status and "The program is closed" not in status
    assert "The program is closed" in closed
    # Asking again finds the draft; no third program.
    assert "already exists as the next cycle" in again and count == 2


def test_a_running_program_can_be_renewed_and_non_owners_are_refused() -> None:
    with world_after(run_to_month_3) as (live, _):
        said = _renew(live)
        refused = json.loads(live.sender.command("renew", user_id=CFO).body)["text"]
    assert "Started *Pilot (cycle 2)*" in said
    assert "is for a program's owners" in refused and "/emcoach help" in refused
