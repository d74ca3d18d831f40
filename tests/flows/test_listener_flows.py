"""The flows the last listeners moved onto (status, baseline and metrics views, the
criteria's sign-off, the prompts' answers, the clock's jobs, event idempotency), each with a
fake unit of work on an in-memory database built from the models."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import select

from bot.blocks.answers import gone_text
from bot.blocks.baseline import BASELINE_NOT_OWNER, no_criteria_text, no_such_pod_text
from bot.blocks.criteria import SignoffRef, program_gone_text, superseded_text
from bot.blocks.status import SprintStatus
from bot.domain.cadence import AgendaKind
from bot.domain.roles import Role
from bot.flows import clock
from bot.flows.answers import log_held, open_form
from bot.flows.baseline_views import Baselines, open_leader_baselines, show_baselines
from bot.flows.events import first_delivery, give_back
from bot.flows.metrics_views import METRICS_NOT_OWNER, open_leader_values, show_checkpoint
from bot.flows.outcomes import Refused
from bot.flows.programs import Chosen, NotChosen, ProgramAsk, choose_alone
from bot.flows.signoff import Answered, PickerForm, approve, criteria_picker
from bot.flows.status import asked_status
from storage.db import session_scope
from storage.models import Leader, Program
from storage.workspaces import mark_uninstalled
from tests.flows.fakes import FakeUnitOfWork
from tests.support.programs import PodSpec, make_program

NOW = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)
TEAM = "T0001"
OWNER = "U0OWNER"
STRANGER = "U0NOBODY"
CRITERIA = ("lead_time", "one_on_one_quality")
NOBODYS = NotChosen(roles=frozenset({Role.OWNER}))


def _ask(args: str = "", user_id: str = OWNER) -> ProgramAsk:
    return ProgramAsk(team_id=TEAM, user_id=user_id, args=args)


def _leader_id(uow: FakeUnitOfWork) -> int:
    with session_scope(uow.engine) as session:
        leader = session.exec(select(Leader)).first()
        assert leader is not None and leader.id is not None
        return leader.id


def _criteria_hash(uow: FakeUnitOfWork, program_id: int) -> str:
    with session_scope(uow.engine) as session:
        program = session.get(Program, program_id)
        assert program is not None and program.criteria_hash is not None
        return program.criteria_hash


def test_a_program_is_chosen_in_a_unit_of_work_of_its_own() -> None:
    uow = FakeUnitOfWork()
    program_id = make_program(uow.engine)
    chosen = choose_alone(uow, _ask())
    assert isinstance(chosen, Chosen)
    assert chosen.program.id == program_id
    assert (uow.opened, uow.committed) == (1, 1)
    assert choose_alone(uow, _ask(user_id=STRANGER)) == NOBODYS


def test_status_is_the_owners_checklist_in_one_unit_of_work() -> None:
    uow = FakeUnitOfWork()
    program_id = make_program(uow.engine)
    status = asked_status(uow, ask=_ask(), now=NOW)
    assert isinstance(status, SprintStatus)
    assert (status.program_id, status.program_name) == (program_id, "Pilot")
    assert (uow.opened, uow.committed) == (1, 1)
    assert asked_status(uow, ask=_ask(user_id=STRANGER), now=NOW) == NOBODYS


def test_baselines_need_criteria_and_a_pod_that_exists() -> None:
    uow = FakeUnitOfWork()
    make_program(uow.engine, pods=(PodSpec(),))
    assert show_baselines(uow.engine, ask=_ask(), now=NOW) == Refused(no_criteria_text("Pilot"))
    other = FakeUnitOfWork()
    make_program(other.engine, criteria=CRITERIA, signed_off=True, pods=(PodSpec(),))
    shown = show_baselines(other.engine, ask=_ask(), now=NOW)
    assert isinstance(shown, Baselines)
    assert [pod.name for pod in shown.pods] == ["Alpha"]
    assert show_baselines(other.engine, ask=_ask("Alpha"), now=NOW) == shown
    missing = show_baselines(other.engine, ask=_ask("Beta"), now=NOW)
    assert missing == Refused(
        no_such_pod_text(
            name="Beta", program_name="Pilot", pod_names=["Alpha"], subcommand="baseline"
        )
    )


def test_a_leaders_baseline_form_opens_for_owners_only() -> None:
    uow = FakeUnitOfWork()
    program_id = make_program(uow.engine, criteria=CRITERIA, signed_off=True, pods=(PodSpec(),))
    leader_id = _leader_id(uow)
    form = open_leader_baselines(
        uow.engine, team_id=TEAM, user_id=OWNER, leader_id=leader_id, now=NOW
    )
    assert not isinstance(form, Refused)
    assert (form.program_id, form.pod_name) == (program_id, "Alpha")
    refused = open_leader_baselines(
        uow.engine, team_id=TEAM, user_id=STRANGER, leader_id=leader_id, now=NOW
    )
    assert refused == Refused(BASELINE_NOT_OWNER)
    gone = open_leader_baselines(
        uow.engine, team_id=TEAM, user_id=OWNER, leader_id=leader_id + 100, now=NOW
    )
    assert gone == Refused(BASELINE_NOT_OWNER)


def test_checkpoint_values_wait_for_commit_and_owners() -> None:
    uow = FakeUnitOfWork()
    make_program(uow.engine, criteria=CRITERIA, signed_off=True, pods=(PodSpec(),))
    before = show_checkpoint(uow.engine, ask=_ask(), now=NOW)
    assert isinstance(before, Refused)
    assert "isn't committed yet" in before.text
    refused = open_leader_values(
        uow.engine, team_id=TEAM, user_id=STRANGER, leader_id=_leader_id(uow), now=NOW
    )
    assert refused == Refused(METRICS_NOT_OWNER)


def test_the_criteria_picker_and_the_budget_owners_approval() -> None:
    uow = FakeUnitOfWork()
    program_id = make_program(uow.engine, criteria=CRITERIA)
    picker = criteria_picker(uow, uow.engine, ask=_ask(), now=NOW)
    assert isinstance(picker, PickerForm)
    assert (picker.program_id, picker.selected) == (program_id, CRITERIA)
    ref = SignoffRef(
        program_id=program_id, criteria_hash=_criteria_hash(uow, program_id), requested_by=OWNER
    )
    stale = SignoffRef(program_id=program_id, criteria_hash="0" * 64, requested_by=OWNER)
    assert approve(uow.engine, team_id=TEAM, user_id="U0CFO", ref=stale, now=NOW) == Refused(
        superseded_text()
    )
    gone = SignoffRef(program_id=program_id + 1, criteria_hash="x", requested_by=OWNER)
    assert approve(uow.engine, team_id=TEAM, user_id="U0CFO", ref=gone, now=NOW) == Refused(
        program_gone_text()
    )
    approved = approve(uow.engine, team_id=TEAM, user_id="U0CFO", ref=ref, now=NOW)
    assert isinstance(approved, Answered)
    assert approved.owners == [OWNER]
    again = approve(uow.engine, team_id=TEAM, user_id="U0CFO", ref=ref, now=NOW)
    assert isinstance(again, Refused)


def test_a_click_on_a_prompt_that_is_gone_is_refused() -> None:
    uow = FakeUnitOfWork()
    make_program(uow.engine)
    logged = log_held(
        uow.engine,
        team_id=TEAM,
        row_id=12345,
        user_id=OWNER,
        held=True,
        kinds={AgendaKind.ONE_ON_ONE_LOG},
        now=NOW,
    )
    assert logged == Refused(gone_text())
    opened = open_form(
        uow.engine,
        team_id=TEAM,
        row_id=None,
        user_id=OWNER,
        kinds={AgendaKind.ONE_ON_ONE_POST},
        now=NOW,
    )
    assert opened == Refused(gone_text())


def test_the_clock_skips_stopped_workspaces() -> None:
    uow = FakeUnitOfWork()
    running = make_program(uow.engine, criteria=CRITERIA, signed_off=True, committed=True)
    make_program(uow.engine, team_id="T0GONE", name="Gone", committed=True)
    assert clock.stopped_workspaces(uow.engine) == set()
    assert mark_uninstalled(uow.engine, team_id="T0GONE", now=NOW)
    assert clock.stopped_workspaces(uow.engine) == {"T0GONE"}
    assert clock.running_to_replan(uow.engine) == [(running, TEAM)]


def test_an_event_is_handled_once_unless_given_back() -> None:
    uow = FakeUnitOfWork()
    assert first_delivery(uow.engine, event_id="Ev1", team_id=TEAM, now=NOW)
    assert not first_delivery(uow.engine, event_id="Ev1", team_id=TEAM, now=NOW)
    give_back(uow.engine, event_id="Ev1")
    assert first_delivery(uow.engine, event_id="Ev1", team_id=TEAM, now=NOW)
    assert clock.forget_handled_events(uow.engine, older_than=NOW) == 0
