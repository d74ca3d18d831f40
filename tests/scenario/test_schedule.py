"""/emcoach schedule over signed HTTP: upcoming prompts in the reader's own time zone."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from tests.support.engine import planned_program
from tests.support.live import LiveApp
from tests.support.programs import LeaderSpec, PodSpec

OWNER = "U0OWNER"  # Europe/Warsaw
COACH = "U0COACH"  # Europe/London
LENA = "U0LEAD1"  # Europe/Warsaw
LEO = "U0LEAD2"  # Australia/Sydney
KICKOFF = date(2027, 2, 1)
KICKOFF_EVE = datetime(2027, 2, 1, 0, 0, tzinfo=UTC)


def _program(live: LiveApp, *, committed: bool = True, name: str = "Pilot") -> int:
    program_id = planned_program(
        live,
        name=name,
        pods=(PodSpec(leaders=[LeaderSpec(LENA), LeaderSpec(LEO)]),),
        committed=committed,
        kickoff=KICKOFF,
    )
    return program_id


def _shown(live: LiveApp, command: str, *, user_id: str) -> str:
    """Everything the person sees: the fallback text and the blocks."""
    before = len(live.slack.responses())
    assert live.sender.command(command, user_id=user_id).status == 200
    live.slack.wait_for(lambda: len(live.slack.responses()) > before)
    reply = live.slack.responses()[-1]
    return str(reply["text"]) + json.dumps(reply.get("blocks", []), ensure_ascii=False)


def test_a_leader_in_sydney_sees_their_prompts_in_sydney_time(live: LiveApp) -> None:
    live.clock.set(KICKOFF_EVE)
    _program(live)
    shown = _shown(live, "schedule", user_id=LEO)

    # The Tuesday 10:00 1:1 in Sydney: its prep prompt two hours before, local time.
    assert "Tue 2 Feb 2027" in shown
    assert "08:00 AEDT — 1:1 with <@U0COACH> — prep: bring one decision" in shown
    assert "10:45 AEDT — 1:1 with <@U0COACH> — rate it" in shown
    # The pod meets Tuesday 15:00 in Warsaw: already Wednesday 01:00 in Sydney.
    assert "Wed 3 Feb 2027" in shown
    assert "02:30 AEDT — Pod “Alpha” session — rate it" in shown
    assert "Australia/Sydney" in shown
    assert "<@U0LEAD1>" not in shown, "only the caller's own prompts"
    assert "log whether" not in shown


def test_the_coach_sees_the_logs_of_their_leaders_and_how_to_see_everything(
    live: LiveApp,
) -> None:
    live.clock.set(KICKOFF_EVE)
    _program(live)
    shown = _shown(live, "schedule", user_id=COACH)
    # Lena meets at 10:00 Warsaw time: the coach in London logs it at 09:45 GMT.
    assert "09:45 GMT — 1:1 with <@U0LEAD1> — log whether it was held" in shown
    assert "Weekly coach digest" in shown
    assert "`/emcoach schedule all`" in shown


def test_nothing_in_the_next_fortnight_says_when_it_starts_and_what_comes_first(
    live: LiveApp,
) -> None:
    _program(live)  # the clock is at 4 January, four weeks before kickoff
    shown = _shown(live, "schedule", user_id=LEO)
    assert "Nothing is coming up for you in the next 14 days." in shown
    assert "*Pilot* starts on Mon 1 Feb 2027." in shown
    assert "Next in *Pilot*: Tue 2 Feb, 08:00 AEDT — 1:1 with <@U0COACH> — prep" in shown


def test_a_program_in_setup_says_prompts_begin_after_commit(live: LiveApp) -> None:
    _program(live, committed=False)
    shown = _shown(live, "schedule", user_id=LENA)
    assert "*Pilot* is still being set up" in shown
    assert "`/emcoach commit`" in shown
    assert "starts on Mon 1 Feb 2027" in shown


def test_an_owner_sees_the_whole_program_with_whose_prompt_each_is(live: LiveApp) -> None:
    live.clock.set(KICKOFF_EVE)
    _program(live)
    shown = _shown(live, "schedule all", user_id=OWNER)
    assert "Pilot, next 14 days" in shown
    # Leo's 08:00 in Sydney is 22:00 the evening before in Warsaw, the owner's zone.
    assert "Mon 1 Feb 2027" in shown
    assert "22:00 CET — <@U0LEAD2> · 1:1 with <@U0COACH> — prep" in shown
    assert "<@U0COACH> · 1:1 with <@U0LEAD1> — log whether it was held" in shown
    assert "Europe/Warsaw" in shown


def test_a_leader_asking_for_the_whole_program_is_pointed_to_their_own(live: LiveApp) -> None:
    _program(live)
    shown = _shown(live, "schedule all", user_id=LENA)
    assert "Only a program's owners and coaches can see its whole schedule" in shown
    assert "`/emcoach schedule`" in shown
    assert "·" not in shown, "no prompt of anyone is listed"


def test_with_two_programs_the_owner_picks_one_or_names_it(live: LiveApp) -> None:
    _program(live)
    _program(live, name="Second wave")
    assert "which one is this for?" in _shown(live, "schedule all", user_id=OWNER)
    shown = _shown(live, 'schedule all "Second wave"', user_id=OWNER)
    assert "Second wave, next 14 days" in shown


def test_a_program_name_that_is_not_theirs_is_refused(live: LiveApp) -> None:
    _program(live)
    shown = _shown(live, "schedule all Third", user_id=COACH)
    assert "“Third” isn't a program you own or coach here" in shown
    assert "`/emcoach schedule all` shows *Pilot*" in shown


def test_unknown_words_get_both_forms_of_the_command(live: LiveApp) -> None:
    _program(live)
    shown = _shown(live, "schedule tomorrow", user_id=LENA)
    assert "`/emcoach schedule`" in shown
    assert "`/emcoach schedule all [program]`" in shown
