"""/emcoach schedule over signed HTTP: upcoming prompts in the reader's own time zone."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from bot.blocks.commit import COMMIT_CONFIRM
from bot.blocks.schedule import SCHEDULE_PAGE_NEXT, SCHEDULE_PAGE_PREVIOUS
from bot.domain.cadence import AgendaState
from bot.domain.localtime import local_date
from bot.domain.metrics import Instrument
from bot.domain.schedule import PAGE_SIZE
from bot.domain.sprint import default_kickoff
from storage.agenda import rows_of
from storage.db import session_scope
from tests.support.engine import planned_program
from tests.support.live import LiveApp
from tests.support.programs import LeaderSpec, PodSpec, make_program

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


def test_before_kickoff_the_schedule_covers_the_programs_first_fortnight(
    live: LiveApp,
) -> None:
    _program(live)  # the clock is at 4 January, four weeks before kickoff
    shown = _shown(live, "schedule", user_id=LEO)
    assert "Nothing is coming up" not in shown
    assert "Your prompts, until Mon 15 Feb 2027" in shown
    assert "*Pilot* starts on Mon 1 Feb 2027: this covers everything until its first 14 days" in (
        shown
    )
    assert "08:00 AEDT — 1:1 with <@U0COACH> — prep: bring one decision" in shown


def test_a_quiet_week_before_kickoff_says_when_it_starts_and_what_comes_first(
    live: LiveApp,
) -> None:
    _program(live)
    shown = _shown(live, "schedule week", user_id=LEO)
    assert "Nothing is coming up for you (next 7 days)." in shown
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
    assert "Pilot, everything planned" in shown
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
    assert "`/emcoach schedule`" in shown
    assert "·" not in shown, "no prompt of anyone is listed"


def test_with_two_programs_the_owner_picks_one_or_names_it(live: LiveApp) -> None:
    _program(live)
    _program(live, name="Second wave")
    assert "which one is this for?" in _shown(live, "schedule all", user_id=OWNER)
    shown = _shown(live, 'schedule all "Second wave"', user_id=OWNER)
    assert "Second wave, everything planned" in shown


def test_a_program_name_that_is_not_theirs_is_refused(live: LiveApp) -> None:
    _program(live)
    shown = _shown(live, "schedule all Third", user_id=COACH)
    assert "“Third” isn't a program you own or coach here" in shown
    assert "`/emcoach schedule all` shows *Pilot*" in shown


def test_unknown_words_get_both_forms_of_the_command(live: LiveApp) -> None:
    _program(live)
    shown = _shown(live, "schedule tomorrow", user_id=LENA)
    assert "I don't know “tomorrow” here." in shown
    assert "`/emcoach schedule`" in shown
    assert "`/emcoach schedule all [program]`" in shown
    assert "`/emcoach schedule @person`" in shown


# --- spans, one person, and paging through everything -----------------------------------------


def _reply(live: LiveApp, send: Callable[[], object]) -> dict[str, Any]:
    before = len(live.slack.responses())
    send()
    live.slack.wait_for(lambda: len(live.slack.responses()) > before)
    return live.slack.responses()[-1]


def _lines(reply: dict[str, Any]) -> list[str]:
    return [
        line
        for block in reply.get("blocks", [])
        if block["type"] == "section"
        for line in block["text"]["text"].split("\n")
        if line.startswith("• ")
    ]


def _button(reply: dict[str, Any], action_id: str) -> dict[str, Any] | None:
    for block in reply.get("blocks", []):
        for element in block.get("elements", []) if block["type"] == "actions" else []:
            if element["action_id"] == action_id:
                return dict(element)
    return None


def _click(live: LiveApp, button: dict[str, Any], *, user_id: str) -> dict[str, Any]:
    return _reply(
        live,
        lambda: live.sender.block_action(
            user_id=user_id, action_id=button["action_id"], value=button["value"]
        ),
    )


def _pending(live: LiveApp, program_id: int, *, recipient: str | None = None) -> int:
    now = live.clock.now()
    with session_scope(live.services.engine) as session:
        rows = rows_of(session, program_id=program_id, states=[AgendaState.PENDING])
    return len([r for r in rows if r.due_at >= now and recipient in (None, r.recipient)])


def test_week_and_month_set_the_span(live: LiveApp) -> None:
    live.clock.set(KICKOFF_EVE)
    _program(live)
    week = _shown(live, "schedule week", user_id=LEO)
    assert "Your prompts, next 7 days" in week
    assert "Tue 2 Feb 2027" in week
    assert "Tue 9 Feb 2027" not in week  # 08:00 in Sydney is still 8 February in UTC
    month = _shown(live, "schedule month", user_id=LEO)
    assert "Your prompts, next 30 days" in month
    assert "Tue 23 Feb 2027" in month


def test_the_whole_program_pages_through_every_prompt_and_back(live: LiveApp) -> None:
    live.clock.set(KICKOFF_EVE)
    program_id = _program(live)
    total = _pending(live, program_id)
    first = _reply(live, lambda: live.sender.command("schedule all", user_id=OWNER))
    assert _button(first, SCHEDULE_PAGE_PREVIOUS) is None
    pages = -(-total // PAGE_SIZE)
    assert pages > 2, "a whole program is more than a page or two"
    assert f"Page 1 of {pages} · {total} in all." in json.dumps(first["blocks"], ensure_ascii=False)

    seen = [_lines(first)]
    reply = first
    for page in range(2, pages + 1):
        button = _button(reply, SCHEDULE_PAGE_NEXT)
        assert button is not None, f"no Next on page {page - 1}"
        reply = _click(live, button, user_id=OWNER)
        assert reply["replace_original"] is True
        assert f"Page {page} of {pages}" in json.dumps(reply["blocks"], ensure_ascii=False)
        seen.append(_lines(reply))
    assert _button(reply, SCHEDULE_PAGE_NEXT) is None, "the last page has no Next"
    assert sum(len(lines) for lines in seen) == total, "every prompt once, none cut"
    assert all(len(lines) == PAGE_SIZE for lines in seen[:-1])

    previous = _button(reply, SCHEDULE_PAGE_PREVIOUS)
    assert previous is not None
    back = _click(live, previous, user_id=OWNER)
    assert _lines(back) == seen[-2]


def test_one_persons_schedule_respects_who_may_see_it(live: LiveApp) -> None:
    live.clock.set(KICKOFF_EVE)
    program_id = _program(live)
    lena = _pending(live, program_id, recipient=LENA)
    shown = _reply(live, lambda: live.sender.command(f"schedule <@{LENA}|lena>", user_id=OWNER))
    text = json.dumps(shown["blocks"], ensure_ascii=False)
    assert "Prompts to <@U0LEAD1> in *Pilot*." in text
    assert f"{lena} in all" in text
    assert "1:1 with <@U0COACH> — prep" in text
    assert "<@U0LEAD2>" not in text
    everything = _lines(shown)
    while (button := _button(shown, SCHEDULE_PAGE_NEXT)) is not None:
        shown = _click(live, button, user_id=OWNER)
        everything += _lines(shown)
    assert len(everything) == lena
    # The pod's coach may look too (today's rule: owners and coaches see the whole program),
    # and anyone may look at their own; a leader may not look at another leader's.
    assert "Prompts to <@U0LEAD1>" in _shown(live, f"schedule <@{LENA}>", user_id=COACH)
    assert "Prompts to <@U0LEAD1>" in _shown(live, f"schedule <@{LENA}> week", user_id=LENA)
    refused = _shown(live, f"schedule <@{LENA}>", user_id=LEO)
    assert "Only a program's owners and coaches can see its whole schedule, or another" in refused
    assert "·" not in refused and "Prompts to" not in refused


def test_a_page_button_that_is_not_ours_is_out_of_date(live: LiveApp) -> None:
    _program(live)
    reply = _click(live, {"action_id": SCHEDULE_PAGE_NEXT, "value": '{"page": 2}'}, user_id=OWNER)
    assert "That page is out of date" in reply["text"]
    assert "`/emcoach schedule`" in reply["text"]


def _said(live: LiveApp, words: str) -> bool:
    return any(words in str(reply.get("text")) for reply in live.slack.responses())


def test_right_after_commit_the_schedule_shows_the_first_weeks(live: LiveApp) -> None:
    """A real commit with the kickoff setup offers by default: nothing is due in the next 14
    days, yet the reply shows the program's first weeks, not "nothing planned"."""
    program_id = make_program(
        live.services.engine,
        criteria=("lead_time", "one_on_one_quality"),
        signed_off=True,
        pods=(PodSpec(leaders=[LeaderSpec(LENA), LeaderSpec(LEO)]),),
        baselines=True,
        instrument=Instrument.COMPANY_SURVEY,  # its pod baseline is in: no round to wait for
        kickoff=default_kickoff(local_date(live.clock.now(), "Europe/Warsaw")),
    )
    live.sender.command("commit", user_id=OWNER)
    live.slack.wait_for(lambda: _said(live, "Preview"))
    live.sender.block_action(user_id=OWNER, action_id=COMMIT_CONFIRM, value=str(program_id))
    live.slack.wait_for(lambda: _said(live, "Posted the pre-commitment"))

    mine = _shown(live, "schedule", user_id=LENA)
    assert "Nothing is coming up" not in mine
    assert "*Pilot* starts on Mon 1 Feb 2027" in mine
    assert "1:1 with <@U0COACH> — prep" in mine
    # The owner has no prompt of their own in those weeks: what comes next, and where to look.
    owners = _shown(live, "schedule", user_id=OWNER)
    assert "*Pilot* starts on Mon 1 Feb 2027. Next in *Pilot*:" in owners
    assert "`/emcoach schedule all`" in owners
    whole = _shown(live, "schedule all", user_id=OWNER)
    assert "Pilot, everything planned" in whole
    assert "Page 1 of" in whole
