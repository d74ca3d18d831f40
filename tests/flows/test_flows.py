"""The flows besides pod, each with a fake unit of work (an in-memory database built from the
models) and, where Slack is asked, a fake directory that fails on a call inside a
transaction."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import select

from bot.blocks.setup import SetupForm
from bot.domain.eligibility import Condition, EligibilityVerdict
from bot.domain.program_rules import ProgramField
from bot.domain.roles import Role
from bot.flows.adjust import Refused, adjust
from bot.flows.check import check_form, record_check
from bot.flows.coach import Decided, NotOwner, coach_form, decide_coach
from bot.flows.commit import Answer, Preview, preview_commit
from bot.flows.deviation import Asked, NotAsked, deviate
from bot.flows.owner import Added, Listed, NotPartOf, Usage, change_owners
from bot.flows.programs import NotChosen, ProgramAsk
from bot.flows.setup import NotYours, Saved, SetupModal, save_setup, setup_modal
from storage.db import session_scope
from storage.models import Program
from storage.programs import members
from tests.flows.fakes import FakeDirectory, FakeUnitOfWork
from tests.support.programs import PodSpec, make_program

NOW = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)
TEAM = "T0001"
OWNER = "U0OWNER"


def _ask(args: str = "", user_id: str = OWNER) -> ProgramAsk:
    return ProgramAsk(team_id=TEAM, user_id=user_id, args=args)


def _no_publish(rows: object) -> list[object]:
    raise AssertionError("nothing is posted")


def test_a_preview_lists_what_commit_still_needs() -> None:
    uow = FakeUnitOfWork()
    program_id = make_program(uow.engine)
    shown = preview_commit(uow, ask=_ask())
    assert isinstance(shown, Preview)
    assert (shown.answer, shown.program_id) == (Answer.MISSING, program_id)
    assert shown.missing
    assert (uow.opened, uow.committed) == (1, 1)


def test_a_deviation_before_commit_is_not_needed() -> None:
    uow = FakeUnitOfWork()
    make_program(uow.engine)
    asked = deviate(
        uow, publish=_no_publish, ask=_ask("dates the board moved"), request_key=None, now=NOW
    )
    assert isinstance(asked, NotAsked)
    assert (asked.answer, asked.field) == (Asked.NOTHING_LOCKED, ProgramField.DATES)
    usage = deviate(uow, publish=_no_publish, ask=_ask("nonsense"), request_key=None, now=NOW)
    assert isinstance(usage, NotAsked)
    assert (usage.answer, usage.typed) == (Asked.USAGE, "nonsense")


def test_check_answers_are_kept_on_the_owners_draft() -> None:
    uow = FakeUnitOfWork()
    program_id = make_program(uow.engine)
    form = check_form(uow, team_id=TEAM, user_id=OWNER)
    assert (form.program_id, form.checked) == (program_id, frozenset())
    result = record_check(
        uow,
        team_id=TEAM,
        user_id=OWNER,
        program_id=program_id,
        conditions={Condition.MULTIPLE_EMS_ONE_NEW},
    )
    assert result.saved_on == "Pilot"
    assert result.override is (result.assessment.verdict is not EligibilityVerdict.RECOMMENDED)
    assert check_form(uow, team_id=TEAM, user_id=OWNER).checked == {Condition.MULTIPLE_EMS_ONE_NEW}


def test_owners_are_added_in_the_flow_and_welcomed_after_it() -> None:
    uow = FakeUnitOfWork()
    program_id = make_program(uow.engine)
    added = change_owners(uow, ask=_ask("add <@U0CO>"), now=NOW)
    assert isinstance(added, Added)
    assert (added.added, added.already) == (["U0CO"], [])
    with session_scope(uow.engine) as session:
        assert "U0CO" in members(session, program_id=program_id, role=Role.OWNER)
    listed = change_owners(uow, ask=_ask(), now=NOW)
    assert isinstance(listed, Listed)
    assert listed.owners == [OWNER, "U0CO"]
    assert change_owners(uow, ask=_ask("frobnicate"), now=NOW) == Usage(
        "I don't know “frobnicate”."
    )
    stranger = change_owners(uow, ask=_ask("Pilot add <@U0X>", user_id="U0NOBODY"), now=NOW)
    assert stranger == NotPartOf("Pilot")


def test_the_coach_decision_is_recorded_for_owners_only() -> None:
    uow = FakeUnitOfWork()
    program_id = make_program(uow.engine)
    form = coach_form(uow, ask=_ask())
    assert not isinstance(form, NotChosen)
    assert form.current_decision is None
    decided = decide_coach(
        uow, team_id=TEAM, user_id=OWNER, program_id=program_id, decision="internal", now=NOW
    )
    assert isinstance(decided, Decided)
    assert (decided.decision, decided.previous) == ("internal", None)
    refused = decide_coach(
        uow, team_id=TEAM, user_id="U0NOBODY", program_id=program_id, decision="external", now=NOW
    )
    assert isinstance(refused, NotOwner)


def test_adjust_waits_for_a_running_program() -> None:
    uow = FakeUnitOfWork()
    make_program(uow.engine, pods=(PodSpec(),))
    outcome = adjust(uow, ask=_ask("continue because it works"), now=NOW)
    assert isinstance(outcome, Refused)
    assert "isn't running yet" in outcome.text


def test_the_setup_modal_asks_the_owners_zone_outside_any_transaction() -> None:
    uow = FakeUnitOfWork()
    directory = FakeDirectory(uow, zones={"U0NEW": "Australia/Sydney"})
    modal = setup_modal(
        uow, directory, team_id=TEAM, user_id="U0NEW", args="", channel_id="C0ENG", now=NOW
    )
    assert isinstance(modal, SetupModal)
    assert (modal.default_zone, modal.form.timezone, modal.form.channel_id) == (
        "Australia/Sydney",
        "Australia/Sydney",
        "C0ENG",
    )
    assert directory.asked == ["users.info U0NEW"]
    setup_modal(uow, directory, team_id=TEAM, user_id="U0NEW", args="", channel_id="", now=NOW)
    assert len(directory.asked) == 1, "cached for a week"


def test_setup_saves_a_new_program_and_refuses_someone_elses() -> None:
    uow = FakeUnitOfWork()
    form = SetupForm(
        name="Pilot",
        channel_id="C0ENG",
        kickoff=date(2027, 2, 1),
        months=6,
        timezone="Europe/Warsaw",
        budget_owner_id="U0CFO",
        model="external_pod",
    )
    saved = save_setup(uow, form, program_id=None, team_id=TEAM, user_id=OWNER, now=NOW)
    assert isinstance(saved, Saved)
    assert saved.created
    with session_scope(uow.engine) as session:
        [program] = session.exec(select(Program)).all()
    theirs = setup_modal(
        uow,
        FakeDirectory(uow),
        team_id=TEAM,
        user_id="U0NOBODY",
        args='"Pilot"',
        channel_id="",
        now=NOW,
    )
    assert theirs == NotYours(program_name="Pilot", owners=None)
    again = save_setup(uow, form, program_id=None, team_id=TEAM, user_id="U0OTHER", now=NOW)
    assert isinstance(again, dict)
    assert "already a program called “Pilot”" in next(iter(again.values()))
    assert program.id is not None
