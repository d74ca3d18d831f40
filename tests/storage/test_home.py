"""The App Home queries on each backend: who opened their home, and every role's home built
from rows of each kind (storage/home.py through bot/flows/home.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import col

from bot.blocks.homes import home_text
from bot.blocks.homes.data import Home
from bot.domain.cadence import AgendaKind, AgendaState, SessionKind
from bot.domain.roles import Role
from bot.flows.home import home_for, refresh_homes
from storage import home as homes
from storage.db import session_scope
from storage.models import AgendaRow, HomeView, Rating, SessionLog, SurveyResponse
from storage.programs import add_member
from tests.support.programs import LeaderSpec, PodSpec, make_program

NOW = datetime(2027, 3, 17, 12, 0, tzinfo=UTC)
OWNER, COACH, LENA, LEO, MANAGER = "U0OWNER", "U0COACH", "U0LEAD1", "U0LEAD2", "U0MGR"


def _row(
    program_id: int, kind: str, *, to: str, about: str, day: date, state: AgendaState
) -> AgendaRow:
    due = datetime(day.year, day.month, day.day, 9, 45, tzinfo=UTC)
    return AgendaRow(
        program_id=program_id,
        key=f"{kind}:{to}:{about}:{day}",
        kind=kind,
        recipient=to,
        about=about,
        occasion=day,
        due_at=due,
        state=state,
        sent_at=due if state is AgendaState.SENT else None,
    )


def _program(engine: Engine) -> int:
    program_id = make_program(
        engine,
        criteria=("lead_time", "one_on_one_quality"),
        signed_off=True,
        pods=(PodSpec(leaders=[LeaderSpec(LENA), LeaderSpec(LEO)]),),
        baselines=True,
        committed=True,
    )
    sent, pending = AgendaState.SENT, AgendaState.PENDING
    with session_scope(engine) as session:
        add_member(
            session,
            program_id=program_id,
            user_id=MANAGER,
            role=Role.MANAGER,
            added_by=OWNER,
            now=NOW,
        )
        rows = [
            _row(
                program_id,
                AgendaKind.ONE_ON_ONE_LOG,
                to=COACH,
                about=LENA,
                day=date(2027, 3, 16),
                state=sent,
            ),
            _row(
                program_id,
                AgendaKind.ONE_ON_ONE_LOG,
                to=COACH,
                about=LEO,
                day=date(2027, 3, 16),
                state=sent,
            ),
            _row(
                program_id,
                AgendaKind.ONE_ON_ONE_POST,
                to=LENA,
                about=LENA,
                day=date(2027, 3, 16),
                state=sent,
            ),
            _row(
                program_id,
                AgendaKind.ONE_ON_ONE_POST,
                to=LENA,
                about=LENA,
                day=date(2027, 3, 23),
                state=pending,
            ),
            _row(
                program_id,
                SessionKind.ONE_ON_ONE,
                to=LEO,
                about=LEO,
                day=date(2027, 3, 9),
                state=AgendaState.SKIPPED,
            ),
            _row(
                program_id,
                AgendaKind.SURVEY,
                to="U0REP1",
                about=LENA,
                day=date(2027, 1, 25),
                state=sent,
            ),
            _row(
                program_id,
                AgendaKind.THREE_SIXTY,
                to=MANAGER,
                about=LENA,
                day=date(2027, 4, 26),
                state=pending,
            ),
            _row(
                program_id,
                AgendaKind.THREE_SIXTY,
                to=LENA,
                about=LENA,
                day=date(2027, 4, 26),
                state=pending,
            ),
        ]
        session.add_all(rows)
        session.flush()
        log, rated, survey = rows[0], rows[2], rows[5]
        assert log.id and rated.id and survey.id
        session.add(SessionLog(agenda_id=log.id, held=True, logged_by=COACH, logged_at=NOW))
        session.add(
            Rating(
                agenda_id=rated.id,
                program_id=program_id,
                rater_id=LENA,
                about_id=LENA,
                score=4,
                decided="Delegate the rota",
                rated_at=NOW,
            )
        )
        session.add(
            SurveyResponse(
                agenda_id=survey.id,
                responded_on=survey.occasion,
                program_id=program_id,
                occasion=survey.occasion,
                respondent="U0REP1",
            )
        )
    return program_id


def test_opening_and_publishing_are_remembered(engine: Engine) -> None:
    _program(engine)
    with session_scope(engine) as session:
        homes.mark_opened(session, team_id="T0001", user_id=LENA, now=NOW)
        homes.mark_opened(session, team_id="T0001", user_id=LENA, now=NOW + timedelta(hours=1))
        homes.record_published(
            session, team_id="T0001", user_id=LENA, digest="d" * 64, commands=["`x`"], now=NOW
        )
    with session_scope(engine) as session:
        [opener] = homes.openers(session, team_id="T0001", user_ids=[LENA, LEO])
        assert (opener.user_id, opener.digest, opener.commands) == (LENA, "d" * 64, ("`x`",))
        assert homes.openers(session, team_id="T0002", user_ids=[LENA]) == []
        assert homes.programs_sent_since(session, since=datetime(2027, 3, 16, tzinfo=UTC))


def test_a_refresh_that_races_a_forget_me_never_remembers_the_person(engine: Engine) -> None:
    """Lena is forgotten while her refreshed home is on its way to Slack: her row is not made
    again, and a newcomer's home goes out over the one just sent."""
    _program(engine)
    with session_scope(engine) as session:
        homes.mark_opened(session, team_id="T0001", user_id=LENA, now=NOW)
    sent: list[tuple[str, str]] = []

    def publish(user_id: str, view: dict[str, Any]) -> bool:
        sent.append((user_id, home_text(view)))
        with session_scope(engine) as session:  # her forget-me commits meanwhile
            session.execute(delete(HomeView).where(col(HomeView.user_id) == LENA))
        return True

    assert refresh_homes(engine, team_id="T0001", people=[LENA], now=NOW, publish=publish) == 1
    assert [user for user, _ in sent] == [LENA, LENA]
    assert "Pilot" in sent[0][1] and "Pilot" not in sent[1][1]
    assert "mentoring program for new engineering managers" in sent[1][1]
    with session_scope(engine) as session:
        assert homes.openers(session, team_id="T0001", user_ids=[LENA]) == []
        assert not homes.record_published(
            session, team_id="T0001", user_id=LENA, digest="d" * 64, commands=[], now=NOW
        )
        assert session.get(HomeView, ("T0001", LENA)) is None


def test_the_openers_around_a_person_are_those_of_the_people_in_their_programs(
    engine: Engine,
) -> None:
    program_id = _program(engine)
    with session_scope(engine) as session:
        for team_id, user_id in (
            ("T0001", LENA),
            ("T0001", OWNER),
            ("T0001", "U0ELSEWHERE"),  # in no program of the owner's
            ("T0002", COACH),  # another workspace's home of the same id
            ("T0001", "U0ALONE"),
        ):
            homes.mark_opened(session, team_id=team_id, user_id=user_id, now=NOW)
    with session_scope(engine) as session:
        around = homes.openers_around(session, team_id="T0001", user_id=OWNER)
        people = homes.people_of(session, program_ids=[program_id]) | {OWNER}
        assert around == homes.openers(session, team_id="T0001", user_ids=people)
        assert [opener.user_id for opener in around] == sorted([LENA, OWNER])
        # In no program: only their own home.
        alone = homes.openers_around(session, team_id="T0001", user_id="U0ALONE")
        assert [opener.user_id for opener in alone] == ["U0ALONE"]
        assert homes.openers_around(session, team_id="T0003", user_id=OWNER) == []


def test_every_roles_home_reads_its_rows(engine: Engine) -> None:
    program_id = _program(engine)
    with session_scope(engine) as session:
        found = homes.roles_by_program(session, team_id="T0001", user_id=OWNER)
        roles = {program.id: roles for program, roles in found}
        assert roles == {program_id: {Role.OWNER}}
        assert {OWNER, COACH, LENA, LEO, MANAGER} <= homes.people_of(
            session, program_ids=[program_id]
        )

        def home(user_id: str) -> Home:
            return home_for(
                session, team_id="T0001", user_id=user_id, now=NOW, commands_for=lambda _r: ()
            )

        [owner] = home(OWNER).owner
        assert [(pod.held, pod.not_logged, pod.skipped) for pod in owner.pods] == [(1, 1, 1)]
        assert [(rate.asked, rate.answered) for rate in owner.surveys] == [(1, 1)]
        assert owner.next_checkpoint_month == 3 and len(owner.missing) == 2
        [coach] = home(COACH).coach
        assert [item.state for item in coach.sessions] == ["held", "not logged yet"]
        assert coach.not_logged == ((LEO, date(2027, 3, 16)),)
        [lena] = home(LENA).leader
        assert [(point.what, point.score) for point in lena.ratings] == [("1:1", 4)]
        assert lena.next_one_on_one == datetime(2027, 3, 23, 9, 0, tzinfo=UTC)
        assert [(item.sent, item.answered) for item in lena.three_sixty] == [(False, False)]
        [leo] = home(LEO).leader
        assert leo.ratings == () and leo.answers == ()  # Lena's are hers alone
        [manager] = home(MANAGER).manager
        assert [leader.leader_id for leader in manager.leaders] == [LENA, LEO]
        [budget] = home("U0CFO").budget
        assert budget.cost is not None and budget.cost.months_elapsed == 1
        assert not home("U0NOBODY").in_a_program
