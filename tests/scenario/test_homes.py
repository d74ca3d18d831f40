"""The App Home per role over signed HTTP: what each person is shown, what they are not (privacy),
`help` per role, the home kept current after a change, and Slack's block limit."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from bot.blocks.export import EXPORT_ACTION
from bot.blocks.forget import DELETE_CONFIRM, FORGET_CONFIRM
from bot.blocks.homes import MAX_BLOCKS, SELF_PAUSE_OPEN, SELF_RESUME, home_text
from bot.domain.cadence import AgendaKind, AgendaState
from bot.domain.program_rules import ProgramState
from bot.domain.roles import Role
from bot.engine.planning import replan_program
from bot.flows.home import digest_of
from bot.sim.demo.harness import live_app
from bot.sim.standin import SlackStandIn, StandInUser
from bot.sim.standin.faults import Timeout
from handlers.jobs import HomesAfterSends
from storage.db import session_scope
from storage.models import (
    AgendaRow,
    HomeView,
    Leader,
    LeaderPause,
    Program,
    Rating,
    SurveyAnswer,
    SurveyResponse,
)
from storage.programs import add_member
from tests.scenario.conftest import PEOPLE
from tests.support.engine import deliver_at, planned_program
from tests.support.live import TEAM_ID, LiveApp
from tests.support.programs import LeaderSpec, PodSpec

OWNER, CFO, COACH = "U0OWNER", "U0CFO", "U0COACH"
LENA, LEO, MANAGER, STRANGER = "U0LEAD1", "U0LEAD2", "U0MGR", "U0STRANGER"
COACH_2, LEAD_3 = "U0COACH2", "U0LEAD3"
KICKOFF = date(2027, 2, 1)
# Mid-March: the program is running, month 3 (Mon 3 May) is next.
MID_MARCH = datetime(2027, 3, 17, 12, 0, tzinfo=UTC)
LENA_DECIDED = "Hire a staff engineer <@U0LEO2> *now*"
LEO_DECIDED = "LEO-ONLY: split the platform team"
LEO_SAY_NO = "LEO-ONLY: the rewrite"


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    more = [
        StandInUser(id=MANAGER, name="mia", real_name="Mia Manager", tz="Europe/Berlin"),
        StandInUser(id=COACH_2, name="bo", real_name="Bo Coach", tz="Europe/Lisbon"),
        StandInUser(id=LEAD_3, name="lia", real_name="Lia Lead", tz="Europe/Lisbon"),
    ]
    with SlackStandIn(team_id=TEAM_ID, users=[*PEOPLE, *more]) as standin:
        yield standin


def _program(live: LiveApp) -> int:
    leaders = [LeaderSpec(LENA, manager_id=MANAGER), LeaderSpec(LEO, manager_id=MANAGER)]
    program_id = planned_program(
        live,
        criteria=("lead_time", "one_on_one_quality"),
        signed_off=True,
        pods=(PodSpec(leaders=leaders),),
        baselines=True,
        committed=True,
        kickoff=KICKOFF,
    )
    with session_scope(live.services.engine) as session:  # as `/emcoach pod` records a manager
        add_member(
            session,
            program_id=program_id,
            user_id=MANAGER,
            role=Role.MANAGER,
            added_by=OWNER,
            now=live.clock.now(),
        )
    return program_id


def _send_rows(engine: Engine, *, kind: AgendaKind, until: date) -> list[AgendaRow]:
    """Mark the rows of ``kind`` up to ``until`` as sent, as the engine would have."""
    with session_scope(engine) as session:
        rows = list(
            session.exec(
                select(AgendaRow).where(
                    AgendaRow.kind == kind.value, col(AgendaRow.occasion) <= until
                )
            )
        )
        for row in rows:
            row.state, row.sent_at = AgendaState.SENT, row.due_at
            session.add(row)
        session.flush()
        for row in rows:
            session.refresh(row)
            session.expunge(row)
        return rows


def _rate(engine: Engine, row: AgendaRow, *, score: int, decided: str, say_no: str = "") -> None:
    with session_scope(engine) as session:
        assert row.id is not None
        session.add(
            Rating(
                agenda_id=row.id,
                program_id=row.program_id,
                rater_id=row.recipient,
                about_id=row.about,
                score=score,
                decided=decided,
                say_no=say_no or None,
                rated_at=row.due_at,
            )
        )


def _running_program(live: LiveApp) -> int:
    """Six weeks in: 1:1s rated by both leaders, a survey round with two answers, Leo paused."""
    engine = live.services.engine
    program_id = _program(live)
    posts = _send_rows(engine, kind=AgendaKind.ONE_ON_ONE_POST, until=date(2027, 3, 10))
    _send_rows(engine, kind=AgendaKind.ONE_ON_ONE_LOG, until=date(2027, 3, 10))
    lena = [row for row in posts if row.recipient == LENA]
    leo = [row for row in posts if row.recipient == LEO]
    _rate(engine, lena[0], score=2, decided=LENA_DECIDED)
    _rate(engine, lena[1], score=4, decided="Delegate the on-call rota")
    _rate(engine, leo[0], score=5, decided=LEO_DECIDED, say_no=LEO_SAY_NO)
    surveys = _send_rows(engine, kind=AgendaKind.SURVEY, until=KICKOFF)
    assert len(surveys) >= 2
    with session_scope(engine) as session:
        for row in surveys[:2]:
            assert row.id is not None
            session.add(
                SurveyResponse(
                    agenda_id=row.id,
                    responded_on=row.occasion,
                    program_id=program_id,
                    occasion=row.occasion,
                    respondent=row.recipient,
                )
            )
            session.add(
                SurveyAnswer(
                    program_id=program_id, leader_id=row.about, occasion=row.occasion, score=1
                )
            )
        leo_row = session.exec(select(Leader).where(Leader.user_id == LEO)).one()
        assert leo_row.id is not None
        session.add(
            LeaderPause(
                leader_id=leo_row.id,
                start=date(2027, 3, 15),
                end=date(2027, 3, 26),
                created_by=OWNER,
                created_at=MID_MARCH,
            )
        )
    live.clock.set(MID_MARCH)
    replan_program(engine, live.services.client, program_id=program_id, now=live.clock.now())
    return program_id


def _open_home(live: LiveApp, user_id: str) -> dict[str, Any]:
    before = len([c for c in live.slack.calls_to("views.publish") if c.args["user_id"] == user_id])
    result = live.sender.event(
        {"type": "app_home_opened", "user": user_id, "channel": "D0" + user_id, "tab": "home"}
    )
    assert result.status == 200
    live.slack.wait_for(
        lambda: (
            len([c for c in live.slack.calls_to("views.publish") if c.args["user_id"] == user_id])
            > before
        )
    )
    call = [c for c in live.slack.calls_to("views.publish") if c.args["user_id"] == user_id][-1]
    assert call.error is None
    view: dict[str, Any] = call.args["view"]
    assert view["type"] == "home"
    assert len(view["blocks"]) <= MAX_BLOCKS
    # The listener records what it published after Slack answered: wait for that too, so a
    # test's next step never races it.
    live.slack.wait_for(lambda: _recorded(live, user_id) == digest_of(view))
    return view


def _recorded(live: LiveApp, user_id: str) -> str | None:
    with session_scope(live.services.engine) as session:
        row = session.get(HomeView, (TEAM_ID, user_id))
        return None if row is None else row.digest


def _buttons(view: dict[str, Any]) -> dict[str, str]:
    return {
        element["action_id"]: element["value"]
        for block in view["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    }


def test_a_stranger_sees_what_emcoach_is_and_how_to_start_and_no_program(
    live: LiveApp,
) -> None:
    _running_program(live)
    shown = home_text(_open_home(live, STRANGER))
    assert "mentoring program for new engineering managers" in shown
    assert "/emcoach check" in shown and "/emcoach setup" in shown
    assert "5.1 hours per leader per month" in shown
    assert "3 hours" not in shown
    assert "Pilot" not in shown
    assert LENA not in shown and "LEO-ONLY" not in shown


def test_the_owner_sees_program_health_without_anyones_answer(live: LiveApp) -> None:
    program_id = _running_program(live)
    view = _open_home(live, OWNER)
    shown = home_text(view)
    assert _buttons(view) == {EXPORT_ACTION: str(program_id)}
    assert "Pilot — you are an owner · running" in shown
    assert "1:1s so far, by pod" in shown
    assert "Alpha: 4 held" not in shown  # nothing was logged: sent logs wait for the coach
    assert "not logged yet" in shown
    # Two answers of a round: below the threshold, not even the count shows.
    assert "fewer than 3 responses" in shown
    assert "2 of" not in shown
    assert "Next checkpoint: month 3 on Mon 3 May 2027" in shown
    assert f"Lead Time for <@{LENA}>" in shown and f"Lead Time for <@{LEO}>" in shown
    assert "Deviations" in shown
    assert "LEO-ONLY" not in shown and "staff engineer" not in shown


def test_the_owner_sees_the_setup_checklist_before_commit(live: LiveApp) -> None:
    planned_program(live, criteria=("lead_time", "deploy_frequency"), kickoff=KICKOFF)
    shown = home_text(_open_home(live, OWNER))
    assert "Setup sprint" in shown
    assert "Week 1 — Define success criteria" in shown
    assert "Before commit, still missing" in shown


def test_the_budget_owner_sees_the_signoff_cost_and_framing(live: LiveApp) -> None:
    _running_program(live)
    shown = home_text(_open_home(live, CFO))
    assert "Pilot — you are its budget owner" in shown
    assert "You signed off the criteria (Lead Time for Changes" in shown
    assert "External coaching pod (group): 2 leaders × 6 months" in shown
    assert "So far (1 of 6 months)" in shown
    assert "one EM departure costs $200,000–$400,000" in shown
    assert "LEO-ONLY" not in shown and "staff engineer" not in shown
    assert "fewer than 3" not in shown
    assert "Times are in your time zone (America/New_York)" in shown  # asked of Slack


def test_a_pending_signoff_is_the_budget_owners_first_line(live: LiveApp) -> None:
    program_id = planned_program(live, criteria=("lead_time", "deploy_frequency"))
    with session_scope(live.services.engine) as session:
        program = session.get(Program, program_id)
        assert program is not None
        program.signoff_requested_at = live.clock.now()
        session.add(program)
    shown = home_text(_open_home(live, CFO))
    assert "Waiting for your sign-off" in shown
    assert "Approve" in shown


def test_the_coach_sees_their_pods_week_and_who_is_away(live: LiveApp) -> None:
    _running_program(live)
    shown = home_text(_open_home(live, COACH))
    assert "Pilot — you coach" in shown
    assert f"Alpha: <@{LENA}>, <@{LEO}>" in shown
    assert "This week (Mon 15 Mar 2027 – Sun 21 Mar 2027)" in shown
    assert "skipped (paused)" in shown  # Leo's 1:1 this week
    assert "Not logged yet" in shown
    assert f"<@{LEO}> from Mon 15 Mar 2027 until Fri 26 Mar 2027" in shown
    # The weekly digest carries ratings and decisions; the home shows who owes what only.
    assert "LEO-ONLY" not in shown and "staff engineer" not in shown


def test_a_coach_sees_only_their_own_pods(live: LiveApp) -> None:
    pods = (
        PodSpec(name="Alpha", leaders=[LeaderSpec(LENA)]),
        PodSpec(name="Beta", coach_id=COACH_2, leaders=[LeaderSpec(LEAD_3)]),
    )
    planned_program(live, pods=pods, committed=True, kickoff=KICKOFF)
    live.clock.set(MID_MARCH)
    mine = home_text(_open_home(live, COACH))
    assert f"Alpha: <@{LENA}>" in mine and f"1:1 with <@{LENA}>" in mine
    assert "Beta" not in mine and LEAD_3 not in mine
    theirs = home_text(_open_home(live, COACH_2))
    assert f"Beta: <@{LEAD_3}>" in theirs
    assert "Alpha" not in theirs and LENA not in theirs


def test_a_leader_sees_only_their_own_ratings_and_decisions(live: LiveApp) -> None:
    program_id = _running_program(live)
    view = _open_home(live, LENA)
    shown = home_text(view)
    assert "Pilot — you are coached" in shown
    assert "Next (in your time zone)" in shown
    assert "CET" in shown  # Lena is in Warsaw
    assert "1:1: 2/5" in shown and "1:1: 4/5" in shown
    assert "Delegate the on-call rota" in shown
    # Her own text, escaped: no mention, no bold formed from what she typed.
    assert "<@U0LEO2>" not in shown and "staff engineer" in shown
    assert "LEO-ONLY" not in shown and "5/5" not in shown
    assert "Your quarterly 360" in shown
    assert _buttons(view) == {SELF_PAUSE_OPEN: str(program_id)}


def test_a_paused_leader_is_offered_resume_and_sees_their_own_answers(live: LiveApp) -> None:
    program_id = _running_program(live)
    view = _open_home(live, LEO)
    shown = home_text(view)
    assert "You're on pause from Mon 15 Mar 2027 until Fri 26 Mar 2027" in shown
    assert LEO_DECIDED in shown and LEO_SAY_NO in shown
    assert "staff engineer" not in shown and "on-call rota" not in shown
    assert "AEDT" in shown  # Leo is in Sydney
    assert _buttons(view) == {SELF_RESUME: str(program_id)}


def test_the_leaders_manager_learns_what_the_360_is_and_when(live: LiveApp) -> None:
    _running_program(live)
    shown = home_text(_open_home(live, MANAGER))
    assert "Pilot — you manage a coached leader" in shown
    assert "Once a quarter, emcoach asks you to rate" in shown
    assert f"<@{LENA}>: next 360 on" in shown and f"<@{LEO}>: next 360 on" in shown
    assert "LEO-ONLY" not in shown and "/5" not in shown


def test_someone_with_roles_in_two_programs_sees_each_part(live: LiveApp) -> None:
    _running_program(live)
    other = planned_program(live, name="Second cohort", owner=LENA, budget_owner=None)
    shown = home_text(_open_home(live, LENA))
    assert "Pilot — you are coached" in shown
    assert "Second cohort — you are an owner · being set up" in shown
    assert other


def _help(live: LiveApp, user_id: str) -> str:
    result = live.sender.command("help", user_id=user_id)
    assert result.status == 200
    return str(result.json()["text"])


def test_help_lists_only_what_each_role_can_do(live: LiveApp) -> None:
    _running_program(live)
    owner, coach = _help(live, OWNER), _help(live, COACH)
    for shown in (owner, coach):
        assert "`/emcoach pause" in shown and "`/emcoach resume" in shown
        assert "`/emcoach adjust" in shown
    assert "`/emcoach status" in owner and "`/emcoach status" not in coach
    for person in (LENA, CFO, MANAGER):
        shown = _help(live, person)
        assert "`/emcoach pause [program] @leader" not in shown
        assert "`/emcoach resume [program] @leader" not in shown
        assert "`/emcoach adjust" not in shown
        assert "`/emcoach schedule" in shown
    stranger = _help(live, STRANGER)
    assert "`/emcoach check" in stranger and "`/emcoach schedule" not in stranger


def test_the_home_lists_the_commands_of_the_persons_roles(live: LiveApp) -> None:
    _running_program(live)
    lena = home_text(_open_home(live, LENA))
    assert "`/emcoach schedule" in lena and "`/emcoach status" not in lena
    owner = home_text(_open_home(live, OWNER))
    assert "`/emcoach status" in owner
    assert "more: `/emcoach help`" in owner  # an owner can do more than a home lists


def test_a_change_by_one_person_refreshes_the_homes_of_people_who_opened_theirs(
    live: LiveApp,
) -> None:
    _running_program(live)
    assert SELF_PAUSE_OPEN in _buttons(_open_home(live, LENA))
    _open_home(live, COACH)
    calls = len(live.slack.calls_to("views.publish"))
    result = live.sender.command(f"pause <@{LENA}|lena> until 2027-03-31", user_id=OWNER)
    assert result.status == 200

    def lena_home() -> dict[str, Any] | None:
        view = live.slack.home_view(LENA)
        return view if view and SELF_RESUME in _buttons(view) else None

    live.slack.wait_for(lambda: lena_home() is not None)
    live.app.listener_runner.listener_executor.shutdown(wait=True)
    published = [c.args["user_id"] for c in live.slack.calls_to("views.publish")[calls:]]
    # Lena's and her coach's homes changed; the owner, who never opened theirs, gets none.
    assert sorted(published) == [COACH, LENA]
    assert "until Wed 31 Mar 2027" in home_text(live.slack.home_view(COACH) or {})


def _published_after(live: LiveApp, calls: int) -> list[str]:
    live.app.listener_runner.listener_executor.shutdown(wait=True)
    return sorted(c.args["user_id"] for c in live.slack.calls_to("views.publish")[calls:])


def test_a_coach_taken_off_their_pod_no_longer_sees_it(live: LiveApp) -> None:
    """Out of the program, the old coach is in nobody's programs: without the refresh their
    home would go on showing the pod's week, frozen as it was."""
    _running_program(live)
    assert f"Alpha: <@{LENA}>, <@{LEO}>" in home_text(_open_home(live, COACH))
    _open_home(live, COACH_2)
    calls = len(live.slack.calls_to("views.publish"))
    result = live.sender.command(f"pod Alpha coach <@{COACH_2}|bo>", user_id=OWNER)
    assert result.status == 200
    assert _published_after(live, calls) == [COACH, COACH_2]
    before = home_text(live.slack.home_view(COACH) or {})
    assert "mentoring program for new engineering managers" in before
    assert "Pilot" not in before and LENA not in before
    assert f"Alpha: <@{LENA}>, <@{LEO}>" in home_text(live.slack.home_view(COACH_2) or {})


def test_forgetting_someone_clears_their_home_and_the_homes_that_named_them(
    live: LiveApp,
) -> None:
    _running_program(live)
    assert "staff engineer" in home_text(_open_home(live, LENA))
    assert f"<@{LENA}>" in home_text(_open_home(live, COACH))
    calls = len(live.slack.calls_to("views.publish"))
    live.sender.block_action(user_id=LENA, action_id=FORGET_CONFIRM, value="forget")
    assert _published_after(live, calls) == [COACH, LENA]
    theirs = home_text(live.slack.home_view(LENA) or {})
    assert "mentoring program for new engineering managers" in theirs
    assert "Pilot" not in theirs and "on-call rota" not in theirs
    assert f"<@{LENA}>" not in home_text(live.slack.home_view(COACH) or {})
    with session_scope(live.services.engine) as session:  # forgotten, not remembered again
        assert session.get(HomeView, (TEAM_ID, LENA)) is None


def test_deleting_a_program_refreshes_the_homes_of_its_people(live: LiveApp) -> None:
    program_id = _program(live)
    with session_scope(live.services.engine) as session:
        program = session.get(Program, program_id)
        assert program is not None
        program.status = ProgramState.CLOSED
        session.add(program)
    assert "Pilot" in home_text(_open_home(live, LENA))
    calls = len(live.slack.calls_to("views.publish"))
    live.sender.block_action(user_id=OWNER, action_id=DELETE_CONFIRM, value=str(program_id))
    assert _published_after(live, calls) == [LENA]
    assert "Pilot" not in home_text(live.slack.home_view(LENA) or {})


def test_a_request_that_changes_nothing_publishes_nothing(live: LiveApp) -> None:
    _running_program(live)
    _open_home(live, LENA)
    calls = len(live.slack.calls_to("views.publish"))
    assert live.sender.command("help", user_id=LENA).status == 200
    live.app.listener_runner.listener_executor.shutdown(wait=True)
    assert len(live.slack.calls_to("views.publish")) == calls


def test_a_big_program_stays_within_slacks_100_blocks(live: LiveApp) -> None:
    """Someone who owns, coaches, pays for and is coached in several big programs."""
    pods = tuple(
        PodSpec(
            name=f"Pod {number:02}",
            coach_id=OWNER,
            leaders=[LeaderSpec(f"U0BIG{number:02}{seat}") for seat in range(4)],
        )
        for number in range(25)
    )
    for number in range(6):
        program_id = planned_program(
            live,
            name=f"Program {number}",
            budget_owner=OWNER,
            pods=pods if number == 0 else (),
            criteria=("lead_time", "deploy_frequency"),
            signed_off=True,
            baselines=True,
            committed=number == 0,
        )
        with session_scope(live.services.engine) as session:
            for role in (Role.COACH, Role.MANAGER):
                add_member(
                    session,
                    program_id=program_id,
                    user_id=OWNER,
                    role=role,
                    added_by=OWNER,
                    now=live.clock.now(),
                )
    live.clock.set(datetime(2027, 4, 20, 9, 0, tzinfo=UTC))
    view = _open_home(live, OWNER)
    assert len(view["blocks"]) <= MAX_BLOCKS
    shown = home_text(view)
    assert "more parts that don't fit here" in shown
    assert "…and" in shown  # the long lists are cut too
    assert len(json.dumps(view)) < 250_000
    assert timedelta(0) <= live.clock.now() - datetime(2027, 4, 20, 9, 0, tzinfo=UTC)


def test_the_clock_refreshes_homes_after_what_it_sent(live: LiveApp) -> None:
    """A 1:1 ends and its rating prompt goes out: Lena's next 1:1 is a week later now."""
    _running_program(live)
    assert "1:1 with <@U0COACH>: Tue 23 Mar, 10:00 CET" in home_text(_open_home(live, LENA))
    refresh = HomesAfterSends(live.services)
    assert refresh() == 0  # nothing sent yet: no Slack call
    calls = len(live.slack.calls_to("views.publish"))
    report = deliver_at(live, datetime(2027, 3, 23, 9, 50, tzinfo=UTC))
    assert report.sent
    assert refresh() >= 1
    published = [c.args["user_id"] for c in live.slack.calls_to("views.publish")[calls:]]
    assert LENA in published
    assert OWNER not in published  # never opened theirs
    shown = home_text(live.slack.home_view(LENA) or {})
    assert "1:1 with <@U0COACH>: Tue 30 Mar, 10:00 CEST" in shown
    assert refresh() == 0  # the same homes again: nothing new to publish


def test_forgetting_someone_is_said_once_even_when_their_home_gets_no_answer(
    slack: SlackStandIn, scenario_engine: Engine
) -> None:
    """views.publish times out after the person was told they are forgotten: no apology for
    a request that was done follows it."""
    with live_app(slack, scenario_engine, slack_timeout=0.6) as live:
        _running_program(live)
        _open_home(live, LENA)
        live.slack.inject("views.publish", Timeout(seconds=1.0, applied=True), times=5)
        seen = len(live.slack.responses())
        live.sender.block_action(user_id=LENA, action_id=FORGET_CONFIRM, value="forget")
        live.slack.wait_for(lambda: len(live.slack.responses()) > seen)
        live.app.listener_runner.listener_executor.shutdown(wait=True)
        said = [str(body["text"]) for body in live.slack.responses()[seen:]]
        assert len(said) == 1 and "forgotten you" in said[0], said
