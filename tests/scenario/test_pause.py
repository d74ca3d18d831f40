"""/emcoach pause, resume and leave over signed HTTP: rows skipped, back, or cancelled."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from bot.domain.args import ArgumentError
from bot.domain.cadence import AgendaKind, AgendaState
from bot.domain.pause import read_dates, split_target
from bot.domain.program_rules import ProgramState
from bot.engine.planning import replan_program
from bot.flows.pause import leave_refusal, pause_refusal
from bot.sim.standin.faults import Timeout
from storage.agenda import rows_of
from storage.db import session_scope
from storage.models import AgendaRow, Leader, LeaderPause, Program
from storage.workspaces import ensure_workspace
from tests.support.live import LiveApp
from tests.support.programs import NOW, LeaderSpec, PodSpec, make_program

OWNER = "U0OWNER"
COACH = "U0COACH"
LENA = "U0LEAD1"  # Europe/Warsaw, 1:1 on Tuesdays 10:00
LEO = "U0LEAD2"  # Australia/Sydney
STRANGER = "U0STRANGER"
KICKOFF = date(2027, 2, 1)
SLOW_SLACK = 1.0  # seconds users.info takes to answer
TWO_LEADERS = (PodSpec(leaders=[LeaderSpec(LENA), LeaderSpec(LEO)]),)


def _program(live: LiveApp, *, committed: bool = True, **overrides: object) -> int:
    spec: dict[str, object] = {"pods": TWO_LEADERS, "committed": committed, "kickoff": KICKOFF}
    program_id = make_program(live.services.engine, **(spec | overrides))  # type: ignore[arg-type]
    replan_program(
        live.services.engine, live.services.client, program_id=program_id, now=live.clock.now()
    )
    return program_id


def _answer(live: LiveApp, command: str, *, user_id: str = OWNER) -> str:
    before = len(live.slack.responses())
    assert live.sender.command(command, user_id=user_id).status == 200
    live.slack.wait_for(lambda: len(live.slack.responses()) > before)
    return str(live.slack.responses()[-1]["text"])


def _rows(live: LiveApp, program_id: int) -> list[AgendaRow]:
    with session_scope(live.services.engine) as session:
        return rows_of(session, program_id=program_id)


def _pauses(live: LiveApp) -> list[LeaderPause]:
    with session_scope(live.services.engine) as session:
        return list(session.exec(select(LeaderPause)).all())


def _leader(live: LiveApp, user_id: str) -> Leader:
    with session_scope(live.services.engine) as session:
        leader = session.exec(select(Leader).where(Leader.user_id == user_id)).first()
        assert leader is not None
        return leader


def _key(kind: str, about: str, recipient: str, occasion: str) -> str:
    return f"{kind}:{about}:{recipient}:{occasion}"


def _by_key(rows: list[AgendaRow]) -> dict[str, AgendaRow]:
    return {row.key: row for row in rows}


# --- pause ----------------------------------------------------------------------------------


def test_pause_turns_the_sessions_inside_into_skipped_rows(live: LiveApp) -> None:
    program_id = _program(live)
    pod_id = next(r.about for r in _rows(live, program_id) if r.kind == AgendaKind.POD_PRE)
    text = _answer(live, f"pause <@{LENA}|lena> from 2027-02-28 until 2027-03-07 family trip")

    assert "Paused <@U0LEAD1> in *Pilot* from Sun 28 Feb 2027 to Sun 7 Mar 2027" in text
    assert "(family trip)" in text
    assert "1 weekly 1:1 and 1 pod session" in text
    assert "`/emcoach resume <@U0LEAD1>`" in text
    rows = _by_key(_rows(live, program_id))
    assert rows[_key("one_on_one", LENA, LENA, "2027-03-02")].state is AgendaState.SKIPPED
    assert rows[_key("pod", pod_id, LENA, "2027-03-02")].state is AgendaState.SKIPPED
    for kind in ("one_on_one_pre", "one_on_one_post"):
        assert _key(kind, LENA, LENA, "2027-03-02") not in rows
    assert _key("pod_pre", pod_id, LENA, "2027-03-02") not in rows
    # The rest of the pod, and Lena outside the pause, are untouched.
    assert rows[_key("pod_pre", pod_id, LEO, "2027-03-02")].state is AgendaState.PENDING
    assert rows[_key("one_on_one_pre", LENA, LENA, "2027-03-09")].state is AgendaState.PENDING
    [pause] = _pauses(live)
    assert (pause.start, pause.end, pause.reason) == (
        date(2027, 2, 28),
        date(2027, 3, 7),
        "family trip",
    )
    assert pause.created_by == OWNER


def test_until_is_optional_and_the_pause_starts_today(live: LiveApp) -> None:
    _program(live)
    text = _answer(live, f"pause <@{LENA}|lena> 2027-02-14")
    assert "from Mon 4 Jan 2027 to Sun 14 Feb 2027" in text
    assert "2 weekly 1:1s and 1 pod session" in text  # 2 and 9 February
    [pause] = _pauses(live)
    assert pause.start == date(2027, 1, 4)


def test_today_is_the_leaders_own_date(live: LiveApp) -> None:
    """15:00 on 4 January in Warsaw (the program's zone) is already 5 January for Leo in
    Sydney, and the planner skips Leo's sessions by his own dates."""
    _program(live)
    live.clock.set(datetime(2027, 1, 4, 14, 0, tzinfo=UTC))
    text = _answer(live, f"pause <@{LEO}|leo> 2027-02-14")
    assert "from Tue 5 Jan 2027 to Sun 14 Feb 2027" in text
    assert [pause.start for pause in _pauses(live)] == [date(2027, 1, 5)]
    refused = _answer(live, f"pause <@{LEO}|leo> from 2027-01-04 until 2027-02-14")
    assert "Start it today or later" in refused


def test_a_leaving_is_dated_by_the_leaders_own_date(live: LiveApp) -> None:
    _program(live)
    live.clock.set(datetime(2027, 3, 10, 14, 0, tzinfo=UTC))  # 11 March, 01:00 in Sydney
    text = _answer(live, f"leave <@{LEO}|leo>")
    assert "leaves *Pilot* after Thu 11 Mar 2027" in text
    assert _leader(live, LEO).left_on == date(2027, 3, 11)


def test_the_pod_coach_may_pause_a_leader_of_their_pod(live: LiveApp) -> None:
    _program(live)
    text = _answer(live, f"pause <@{LEO}|leo> until 2027-02-10", user_id=COACH)
    assert "Paused <@U0LEAD2>" in text
    assert len(_pauses(live)) == 1


def test_pause_before_commit_is_stored_and_applies_once_the_program_starts(live: LiveApp) -> None:
    program_id = _program(live, committed=False)
    text = _answer(live, f"pause <@{LENA}|lena> until 2027-02-14")
    assert "isn't running yet" in text
    assert "`/emcoach commit`" in text
    assert "Mon 1 Feb 2027" in text
    assert len(_pauses(live)) == 1
    assert _rows(live, program_id) == []


def test_a_leader_cannot_pause_another_leader(live: LiveApp) -> None:
    _program(live)
    text = _answer(live, f"pause <@{LENA}|lena> until 2027-02-14", user_id=LEO)
    assert "Only the owners of *Pilot* (<@U0OWNER>) or <@U0COACH>" in text
    assert "can pause <@U0LEAD1>" in text
    assert _pauses(live) == []


def test_pausing_someone_who_is_not_a_leader_is_refused(live: LiveApp) -> None:
    _program(live)
    text = _answer(live, f"pause <@{STRANGER}|sam> until 2027-02-14")
    assert "<@U0STRANGER> isn't a leader in any program here" in text
    assert "`/emcoach pod`" in text
    assert _pauses(live) == []


def test_a_pause_ending_before_it_starts_is_refused_and_nothing_is_stored(live: LiveApp) -> None:
    _program(live)
    text = _answer(live, f"pause <@{LENA}|lena> until 2027-01-03")
    assert "would end (Sun 3 Jan 2027) before it starts (Mon 4 Jan 2027)" in text
    assert "`/emcoach pause @leader until 2027-01-18`" in text
    assert _pauses(live) == []


def test_an_unreadable_date_is_refused_with_the_whole_command(live: LiveApp) -> None:
    _program(live)
    text = _answer(live, f"pause <@{LENA}|lena> until 2027-13-01")
    assert "months go from 01 to 12" in text
    assert "`/emcoach pause [program] @leader [from DATE] until DATE [reason…]`" in text
    assert _pauses(live) == []


def _pilot(*, kickoff: date | None = KICKOFF) -> Program:
    return Program(
        team_id="T0001", name="Pilot", kickoff_date=kickoff, created_by=OWNER, created_at=NOW
    )


TODAY = date(2027, 1, 4)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (TODAY, None, "Say until when (the last day away)"),
        (date(2027, 1, 1), date(2027, 2, 3), "can't start in the past (Fri 1 Jan 2027)"),
        (TODAY, date(2027, 8, 1), "*Pilot* ends after Sat 31 Jul 2027"),
    ],
)
def test_pause_refusals_say_what_to_do(start: date, end: date | None, expected: str) -> None:
    text = pause_refusal(_pilot(), left_on=None, start=start, end=end, today=TODAY)
    assert text is not None
    assert expected in text
    assert "`/emcoach " in text


def test_pausing_a_leader_who_left_is_refused() -> None:
    text = pause_refusal(
        _pilot(),
        left_on=date(2027, 3, 1),
        start=date(2027, 3, 2),
        end=date(2027, 3, 9),
        today=TODAY,
    )
    assert text is not None
    assert "left *Pilot* after Mon 1 Mar 2027" in text


def test_a_pause_on_the_last_day_of_the_program_is_fine() -> None:
    assert (
        pause_refusal(_pilot(), left_on=None, start=TODAY, end=date(2027, 7, 31), today=TODAY)
        is None
    )
    assert (
        pause_refusal(
            _pilot(kickoff=None), left_on=None, start=TODAY, end=date(2030, 1, 1), today=TODAY
        )
        is None
    )


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("until 2027-02-14", "Name the leader"),
        ("<@U0LEAD1|lena> <@U0LEAD2|leo> until 2027-02-14", "Name one leader at a time"),
        ("@lena until 2027-02-14", "I can't tell who “@lena” is"),
    ],
)
def test_naming_the_leader_wrongly_is_refused(typed: str, expected: str) -> None:
    with pytest.raises(ArgumentError, match=expected):
        split_target(typed, caller_id=OWNER, command="/emcoach pause @leader until DATE")


def test_leaving_after_the_program_ended_is_refused() -> None:
    pilot = _pilot()
    pilot.status = ProgramState.COMMITTED
    text = leave_refusal(pilot, left_on=None, day=date(2027, 8, 2))
    assert text is not None
    assert "`/emcoach leave @leader on 2027-07-31`" in text
    assert leave_refusal(pilot, left_on=None, day=date(2027, 7, 31)) is None


def test_a_program_typed_before_the_leader_picks_it(live: LiveApp) -> None:
    _program(live, name="Pilot")
    _program(live, name="Second wave", owner=OWNER)
    assert "which one" in _answer(live, f"pause <@{LENA}|lena> until 2027-02-14")
    text = _answer(live, f'pause "second wave" <@{LENA}|lena> until 2027-02-14')
    assert "in *Second wave*" in text
    assert len(_pauses(live)) == 1


# --- resume ---------------------------------------------------------------------------------


def test_resume_brings_the_remaining_sessions_back(live: LiveApp) -> None:
    program_id = _program(live)
    _answer(live, f"pause <@{LENA}|lena> from 2027-02-01 until 2027-02-21")
    live.clock.set(datetime(2027, 2, 10, 12, 0, tzinfo=UTC))  # 2 and 9 Feb are over
    text = _answer(live, f"resume <@{LENA}|lena>")

    assert "Resumed <@U0LEAD1> in *Pilot*" in text
    assert "1 weekly 1:1" in text
    assert "Tue 16 Feb, 10:00 CET" in text
    rows = _by_key(_rows(live, program_id))
    assert rows[_key("one_on_one_pre", LENA, LENA, "2027-02-16")].state is AgendaState.PENDING
    assert _key("one_on_one", LENA, LENA, "2027-02-16") not in rows
    for past in ("2027-02-02", "2027-02-09"):  # what was skipped stays explained
        assert rows[_key("one_on_one", LENA, LENA, past)].state is AgendaState.SKIPPED
    [pause] = _pauses(live)
    assert pause.end == date(2027, 2, 9)


def test_resume_deletes_a_pause_that_has_not_started(live: LiveApp) -> None:
    program_id = _program(live)
    _answer(live, f"pause <@{LENA}|lena> from 2027-03-01 until 2027-03-07")
    text = _answer(live, f"resume <@{LENA}|lena>", user_id=COACH)
    assert "1 weekly 1:1 and 1 pod session" in text
    assert _pauses(live) == []
    skipped = [row for row in _rows(live, program_id) if row.state is AgendaState.SKIPPED]
    assert skipped == []


def test_resume_without_a_pause_is_refused(live: LiveApp) -> None:
    _program(live)
    text = _answer(live, f"resume <@{LENA}|lena>")
    assert "no current or upcoming pause" in text
    assert "`/emcoach pause <@U0LEAD1> until DATE`" in text


def test_a_leader_cannot_resume_another_leader(live: LiveApp) -> None:
    _program(live)
    _answer(live, f"pause <@{LENA}|lena> until 2027-02-14")
    text = _answer(live, f"resume <@{LENA}|lena>", user_id=LEO)
    assert "can resume <@U0LEAD1>" in text
    assert len(_pauses(live)) == 1


# --- leave ----------------------------------------------------------------------------------


def test_leaving_removes_future_rows_and_keeps_the_past(live: LiveApp) -> None:
    program_id = _program(live)
    live.clock.set(datetime(2027, 3, 10, 12, 0, tzinfo=UTC))
    now = live.clock.now()
    before = _rows(live, program_id)
    text = _answer(live, f"leave <@{LENA}|lena> moved to another team")

    assert "<@U0LEAD1> leaves *Pilot* after Wed 10 Mar 2027 (moved to another team)" in text
    assert "Their history stays" in text
    assert "keeps running with <@U0COACH> and 1 other leader" in text
    assert _leader(live, LENA).left_on == date(2027, 3, 10)
    after = _rows(live, program_id)
    about_lena = [r for r in after if LENA in (r.recipient, r.about) and r.due_at > now]
    assert about_lena == []
    assert {r.key for r in before if r.due_at <= now} <= {r.key for r in after}
    assert any(r.recipient == LEO and r.due_at > now for r in after)
    cancelled = len(before) - len(after)
    assert f"{cancelled} upcoming prompts about them are cancelled" in text


def test_only_owners_may_record_a_leaving(live: LiveApp) -> None:
    _program(live)
    result = live.sender.command(f"leave <@{LENA}|lena>", user_id=COACH)
    assert "is for a program's owners" in result.json()["text"]
    assert _leader(live, LENA).left_on is None


def test_leaving_is_refused_for_a_leader_of_someone_elses_program(live: LiveApp) -> None:
    _program(live)
    make_program(live.services.engine, name="Other", owner=STRANGER, budget_owner=None)
    text = _answer(live, f"leave <@{LENA}|lena>", user_id=STRANGER)
    assert "Only the owners of *Pilot* (<@U0OWNER>) can record the leaving of <@U0LEAD1>" in text
    assert _leader(live, LENA).left_on is None


def test_leaving_before_the_program_runs_points_to_the_pod(live: LiveApp) -> None:
    _program(live, committed=False)
    text = _answer(live, f"leave <@{LENA}|lena>")
    assert "hasn't started" in text
    assert "`/emcoach pod`" in text
    assert _leader(live, LENA).left_on is None


def test_leaving_twice_is_refused(live: LiveApp) -> None:
    _program(live)
    _answer(live, f"leave <@{LENA}|lena> on 2027-03-31")
    text = _answer(live, f"leave <@{LENA}|lena>")
    assert "already left *Pilot* after Wed 31 Mar 2027" in text


# --- argument reading -----------------------------------------------------------------------


def test_split_target_takes_the_program_before_the_leader() -> None:
    target = split_target(
        '"Second wave" <@U0LEAD1|lena> until 14 March 2027 ski', caller_id=OWNER, command="x"
    )
    assert target.leader_id == LENA
    assert target.program_name == "Second wave"
    assert target.rest == ("until", "14", "March", "2027", "ski")


def test_read_dates_takes_the_longest_date_then_the_reason() -> None:
    dated = read_dates(
        ["from", "next", "monday", "until", "14", "March", "2027", "ski", "week"],
        today=date(2027, 1, 4),
        keywords=("from", "until"),
        implied="until",
    )
    assert dated.dates == {"from": date(2027, 1, 11), "until": date(2027, 3, 14)}
    assert dated.reason == "ski week"


def test_read_dates_without_a_date_leaves_everything_as_the_reason() -> None:
    dated = read_dates(["on", "holiday"], today=date(2027, 1, 4), keywords=("until",))
    assert dated.dates == {}
    assert dated.reason == "on holiday"


def test_a_keyword_without_a_date_is_an_error() -> None:
    with pytest.raises(ArgumentError, match="after “until”"):
        read_dates(["until"], today=date(2027, 1, 4), keywords=("until",))


# --- no database transaction open while Slack answers ---------------------------------------


def test_another_writer_is_not_blocked_while_slack_answers_users_info_slowly(
    live: LiveApp,
) -> None:
    """The leader's zone is asked of Slack before the unit of work opens: on SQLite a write
    transaction held across that call would make every other writer wait for Slack."""
    _program(live)
    live.clock.set(datetime(2027, 1, 12, 8, 0, tzinfo=UTC))  # zones a week old: asked again
    live.slack.inject("users.info", Timeout(seconds=SLOW_SLACK, applied=True))
    asked = len(live.slack.calls_to("users.info"))
    before = len(live.slack.responses())
    assert (
        live.sender.command(f"pause <@{LENA}|lena> until 2027-02-14", user_id=OWNER).status == 200
    )
    live.slack.wait_for(lambda: len(live.slack.calls_to("users.info")) > asked)

    started = time.monotonic()
    with session_scope(live.services.engine) as session:
        ensure_workspace(session, team_id="T0OTHER", now=live.clock.now())
    waited = time.monotonic() - started

    # Written while Slack still holds its answer: the pause is not stored yet. A writer that
    # had to wait for the pause's transaction would get in only after it committed.
    assert _pauses(live) == [], f"another writer waited {waited:.2f} s, until the pause was in"
    live.slack.wait_for(lambda: len(live.slack.responses()) > before, timeout=SLOW_SLACK + 5)
    assert "Paused <@U0LEAD1> in *Pilot* from Tue 12 Jan 2027" in live.slack.responses()[-1]["text"]
    assert len(_pauses(live)) == 1
