"""bot/flows/pod.py with a fake unit of work and a fake Slack directory: milliseconds each."""

from __future__ import annotations

from datetime import UTC, datetime, time

from bot.domain.args import MonthlySlot, WeeklySlot
from bot.flows.pod import (
    Cohort,
    LeaderChange,
    Nights,
    PodChange,
    Refusal,
    Said,
    save_leader_form,
    save_pod_form,
)
from bot.flows.pod_nights import leader_nights, pod_nights
from bot.flows.pod_typed import typed_pod
from bot.flows.programs import NotChosen, ProgramAsk
from storage.pods import LeaderPlan
from tests.flows.fakes import FakeDirectory, FakeUnitOfWork
from tests.support.programs import LeaderSpec, PodSpec, make_program

NOW = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)
TEAM = "T0001"
OWNER = "U0OWNER"


def _ask(args: str, user_id: str = OWNER) -> ProgramAsk:
    return ProgramAsk(team_id=TEAM, user_id=user_id, args=args)


def test_typed_pod_shows_the_cohort_in_one_transaction() -> None:
    uow = FakeUnitOfWork()
    make_program(uow.engine, pods=(PodSpec(),))
    outcome = typed_pod(uow, FakeDirectory(uow), ask=_ask(""), now=NOW)
    assert isinstance(outcome, Cohort)
    assert [pod.name for pod in outcome.pods] == ["Alpha"]
    assert (uow.opened, uow.committed) == (1, 1)


def test_someone_without_a_program_is_not_chosen() -> None:
    uow = FakeUnitOfWork()
    make_program(uow.engine)
    outcome = typed_pod(uow, FakeDirectory(uow), ask=_ask("", user_id="U0NOBODY"), now=NOW)
    assert outcome == NotChosen(roles=frozenset(outcome.roles), candidates=())


def test_a_typed_group_is_asked_of_slack_before_the_transaction() -> None:
    uow = FakeUnitOfWork()
    make_program(uow.engine, pods=(PodSpec(leaders=[]),))
    directory = FakeDirectory(uow, groups={"S0TEAM": ["U0LEAD2", "U0R2"]})
    outcome = typed_pod(
        uow,
        directory,
        ask=_ask("Alpha leader <@U0LEAD2> reports <!subteam^S0TEAM|@team>"),
        now=NOW,
    )
    assert isinstance(outcome, Said)
    assert "Saved in pod *Alpha*" in outcome.text
    assert "left out of their own reports" in outcome.text
    assert directory.asked == ["usergroups"]


def test_a_refusal_names_its_field() -> None:
    uow = FakeUnitOfWork()
    program_id = make_program(uow.engine, pods=(PodSpec(),))
    change = PodChange(program_id=program_id, pod_id=None, name="alpha", coach_id=None, slot=None)
    outcome = save_pod_form(uow, team_id=TEAM, user_id=OWNER, change=change, now=NOW)
    assert isinstance(outcome, Refusal)
    assert "already has a pod called Alpha" in outcome.message


def test_a_stranger_changes_nothing() -> None:
    uow = FakeUnitOfWork()
    program_id = make_program(uow.engine)
    change = PodChange(program_id=program_id, pod_id=None, name="Beta", coach_id=None, slot=None)
    outcome = save_pod_form(uow, team_id=TEAM, user_id="U0NOBODY", change=change, now=NOW)
    assert isinstance(outcome, Said)
    assert "Only the program's owners" in outcome.text


def test_the_pod_session_at_night_in_sydney_is_named_zones_asked_outside_transactions() -> None:
    uow = FakeUnitOfWork()
    program_id = make_program(
        uow.engine, pods=(PodSpec(leaders=[LeaderSpec("U0LEAD1", at=time(9, 0))]),)
    )
    directory = FakeDirectory(uow, zones={"U0KOALA": "Australia/Sydney"})
    change = PodChange(
        program_id=program_id,
        pod_id=1,
        name="Alpha",
        coach_id="U0KOALA",
        slot=MonthlySlot(ordinal=1, weekday=1, time=time(15, 0)),
    )
    nights = pod_nights(uow, directory, team_id=TEAM, user_id=OWNER, change=change, now=NOW)
    assert isinstance(nights, Nights)
    [session] = nights.warnings  # Lena's 09:00 Warsaw 1:1 is 19:00 in Sydney: daytime
    assert session.leader_id is None
    [hour] = session.hours
    assert (hour.user_id, f"{hour.local:%a %H:%M}") == ("U0KOALA", "Wed 01:00")
    assert directory.asked == ["users.info U0KOALA U0LEAD1"]
    # Asked again within the week: the cached zones answer, Slack is not asked.
    pod_nights(uow, directory, team_id=TEAM, user_id=OWNER, change=change, now=NOW)
    assert len(directory.asked) == 1


def test_a_daytime_one_on_one_warns_nobody() -> None:
    uow = FakeUnitOfWork()
    program_id = make_program(uow.engine, pods=(PodSpec(leaders=[]),))
    plan = LeaderPlan(
        pod_id=1,
        user_id="U0LEAD1",
        manager_id=None,
        reports=(),
        one_on_one=WeeklySlot(weekday=1, time=time(10, 0)),
    )
    change = LeaderChange(program_id=program_id, leader_id=None, plan=plan)
    directory = FakeDirectory(uow, zones={"U0LEAD1": "Europe/Warsaw", "U0COACH": "Europe/London"})
    nights = leader_nights(uow, directory, team_id=TEAM, user_id=OWNER, change=change, now=NOW)
    assert isinstance(nights, Nights)
    assert nights.warnings == ()
    assert nights.pods == ((1, "Alpha"),)
    saved = save_leader_form(uow, directory, team_id=TEAM, user_id=OWNER, change=change, now=NOW)
    assert not isinstance(saved, Refusal | Said)
    assert saved.leader.user_id == "U0LEAD1"
