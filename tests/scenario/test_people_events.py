"""A person's time-zone change over signed HTTP: the `user_change` event re-plans their prompts
at the clock's next tick, not at the weekly refresh (issue #12 item 10)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlmodel import select

from handlers.jobs import replan_stale
from storage.db import session_scope
from storage.models import AgendaRow, Person, Program
from tests.support.engine import planned_program
from tests.support.live import TEAM_ID, LiveApp
from tests.support.programs import LeaderSpec, PodSpec

LENA = "U0LEAD1"  # Europe/Warsaw in the stand-in
KICKOFF_EVE = datetime(2027, 2, 1, 0, 0, tzinfo=UTC)


def _committed_and_planned(live: LiveApp) -> int:
    live.clock.set(KICKOFF_EVE)
    program_id = planned_program(
        live,
        pods=(PodSpec(leaders=[LeaderSpec(LENA)]),),
        committed=True,
        kickoff=date(2027, 2, 1),
    )
    return program_id


def _lena_due_times(live: LiveApp, program_id: int) -> dict[str, datetime]:
    with session_scope(live.services.engine) as session:
        rows = session.exec(
            select(AgendaRow).where(AgendaRow.program_id == program_id, AgendaRow.recipient == LENA)
        )
        return {row.key: row.due_at for row in rows}


def _profile(tz: str, **extra: Any) -> dict[str, Any]:
    user = {"id": LENA, "team_id": TEAM_ID, "name": "lena", "tz": tz, "deleted": False}
    return {"type": "user_change", "user": user | extra, "event_ts": "1800000000.000100"}


def _stale(live: LiveApp, program_id: int) -> bool:
    with session_scope(live.services.engine) as session:
        program = session.get(Program, program_id)
        assert program is not None
        return program.agenda_stale


def _zone(live: LiveApp) -> str | None:
    with session_scope(live.services.engine) as session:
        person = session.get(Person, (TEAM_ID, LENA))
        return person.timezone if person else None


def test_a_new_time_zone_moves_the_persons_planned_prompts(live: LiveApp) -> None:
    program_id = _committed_and_planned(live)
    before = _lena_due_times(live, program_id)
    assert before, "the leader has planned prompts"
    assert _zone(live) == "Europe/Warsaw"

    result = live.sender.event(_profile("America/New_York"))

    assert result.status == 200
    live.slack.wait_for(lambda: _zone(live) == "America/New_York")
    live.slack.wait_for(lambda: _stale(live, program_id))
    calls_before = len(live.slack.calls)
    assert replan_stale(services=live.services) == 1  # the clock's next tick
    after = _lena_due_times(live, program_id)
    # Her Tuesday 10:00 1:1 is now 10:00 in New York: six hours later in UTC (Warsaw is UTC+1
    # in February, New York UTC-5; five in the fortnight the two switch to summer time on
    # different dates). The pod still meets at the program's Warsaw time.
    assert set(after) == set(before)
    first = "one_on_one_pre:U0LEAD1:U0LEAD1:2027-02-02"
    assert after[first] - before[first] == timedelta(hours=6)
    one_on_ones = {after[k] - before[k] for k in before if k.startswith("one_on_one")}
    assert one_on_ones == {timedelta(hours=5), timedelta(hours=6)}
    assert {after[k] - before[k] for k in before if k.startswith("pod_post")} == {timedelta(0)}
    # Nothing was asked of Slack: the event was the news.
    assert not [call for call in live.slack.calls[calls_before:] if call.method == "users.info"]
    assert not _stale(live, program_id)


def test_a_profile_edit_that_keeps_the_zone_re_plans_nothing(live: LiveApp) -> None:
    program_id = _committed_and_planned(live)
    before = _lena_due_times(live, program_id)

    assert live.sender.event(_profile("Europe/Warsaw", real_name="Lena L.")).status == 200
    live.sender.event(_profile("Asia/Tokyo", id="U0STRANGER"))  # nobody emcoach plans for

    live.app.listener_runner.listener_executor.shutdown(wait=True)  # both listeners finished
    assert not _stale(live, program_id)
    assert _lena_due_times(live, program_id) == before
    with session_scope(live.services.engine) as session:
        assert session.get(Person, (TEAM_ID, "U0STRANGER")) is None
