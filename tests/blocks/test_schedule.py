"""The schedule reply: what each prompt is, grouped by day in the reader's zone, within limits."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.blocks.schedule import (
    SCHEDULE_PAGE_NEXT,
    SCHEDULE_PAGE_PREVIOUS,
    SECTION_MAX,
    PageState,
    PromptLine,
    Schedule,
    build_schedule,
    describe,
    page_value,
    read_page_value,
    span_words,
)
from bot.domain.cadence import AgendaKind
from bot.domain.schedule import PAGE_SIZE, Scope, Span
from tests.support.blockkit import MAX_MESSAGE_BLOCKS, assert_valid_message

DUE = datetime(2027, 2, 1, 21, 0, tzinfo=UTC)  # 22:00 in Warsaw, 08:00 next day in Sydney


def _line(kind: AgendaKind = AgendaKind.ONE_ON_ONE_PRE, **overrides: object) -> PromptLine:
    fields: dict[str, object] = {
        "due": DUE,
        "kind": kind.value,
        "recipient": "U0LEAD2",
        "occasion": date(2027, 2, 2),
        "leader_id": "U0LEAD2",
        "partner_id": "U0COACH",
        "pod_name": "Alpha",
    }
    return PromptLine(**(fields | overrides))  # type: ignore[arg-type]


def _schedule(lines: list[PromptLine], **overrides: object) -> Schedule:
    fields: dict[str, object] = {
        "title": "Your prompts, next 14 days",
        "lines": lines,
        "total": len(lines),
        "zone": "Australia/Sydney",
        "show_recipient": False,
        "empty": "Nothing is coming up for you (next 14 days).",
    }
    return Schedule(**(fields | overrides))  # type: ignore[arg-type]


def _shown(schedule: Schedule) -> str:
    reply = build_schedule(schedule)
    assert_valid_message(reply.as_ephemeral())
    return reply.text + "\n".join(
        block["text"]["text"] for block in reply.blocks if block["type"] == "section"
    )


def test_every_kind_has_its_own_words() -> None:
    described = {kind: describe(_line(kind)) for kind in AgendaKind}
    assert "Prompt" not in described.values()
    assert len(set(described.values())) == len(AgendaKind)


def test_a_1_1_names_the_other_person() -> None:
    assert describe(_line()) == "1:1 with <@U0COACH> — prep: bring one decision"
    log = _line(AgendaKind.ONE_ON_ONE_LOG, recipient="U0COACH", partner_id="U0LEAD2")
    assert describe(log) == "1:1 with <@U0LEAD2> — log whether it was held"
    assert "your coach" in describe(_line(partner_id=None))


def test_pod_names_and_program_names_are_escaped() -> None:
    line = _line(AgendaKind.POD_PRE, pod_name="<!here>", program_name="R&D")
    assert describe(line) == (
        "*R&amp;D*: Pod “&lt;!here&gt;” session prep — bring one real challenge"
    )


def test_an_unknown_kind_still_reads() -> None:
    # e.g. a skipped session's row, which the schedule never lists but must not crash on
    assert describe(replace(_line(), kind="one_on_one")) == "Prompt"


def test_lines_are_grouped_by_the_reader_s_day_and_shown_in_their_time() -> None:
    later = _line(AgendaKind.ONE_ON_ONE_POST, due=DUE + timedelta(hours=2, minutes=45))
    shown = _shown(_schedule([_line(), later]))
    assert "*Tue 2 Feb 2027*\n• 08:00 AEDT — 1:1 with <@U0COACH> — prep" in shown
    assert "• 10:45 AEDT — 1:1 with <@U0COACH> — rate it" in shown
    in_warsaw = _shown(_schedule([_line()], zone="Europe/Warsaw", show_recipient=True))
    assert "*Mon 1 Feb 2027*\n• 22:00 CET — <@U0LEAD2> · 1:1 with" in in_warsaw
    assert (
        "Times are in your time zone (Europe/Warsaw)."
        in build_schedule(_schedule([_line()], zone="Europe/Warsaw")).blocks[-1]["elements"][0][
            "text"
        ]
    )


def test_a_channel_recipient_is_shown_as_a_channel() -> None:
    line = _line(AgendaKind.CHECKPOINT_PUBLISH, recipient="C0ENG")
    shown = _shown(_schedule([line], show_recipient=True))
    assert "<#C0ENG> · Checkpoint results posted in <#C0ENG>" in shown


def test_an_empty_window_says_what_comes_next() -> None:
    shown = _shown(_schedule([], outlook=["*Pilot* starts on Mon 1 Feb 2027."]))
    assert "Nothing is coming up for you (next 14 days)." in shown
    assert "*Pilot* starts on Mon 1 Feb 2027." in shown


STATE = PageState(scope=Scope.PROGRAM, span=Span.EVERYTHING, since=DUE, page=2, program_id=7)


def _buttons(schedule: Schedule) -> dict[str, PageState | None]:
    reply = build_schedule(schedule)
    return {
        element["action_id"]: read_page_value(element["value"])
        for block in reply.blocks
        if block["type"] == "actions"
        for element in block["elements"]
    }


def test_more_than_a_page_has_previous_and_next_instead_of_a_cut() -> None:
    schedule = _schedule([_line()], total=100, paging=STATE, pages=4)
    shown = json.dumps(build_schedule(schedule).blocks, ensure_ascii=False)
    assert "Page 2 of 4 · 100 in all." in shown
    assert "more in the same" not in shown
    buttons = _buttons(schedule)
    assert buttons[SCHEDULE_PAGE_PREVIOUS] == replace(STATE, page=1)
    assert buttons[SCHEDULE_PAGE_NEXT] == replace(STATE, page=3)


def test_the_first_and_last_pages_have_one_button_and_one_page_none() -> None:
    assert list(_buttons(_schedule([_line()], paging=replace(STATE, page=1), pages=3))) == [
        SCHEDULE_PAGE_NEXT
    ]
    assert list(_buttons(_schedule([_line()], paging=replace(STATE, page=3), pages=3))) == [
        SCHEDULE_PAGE_PREVIOUS
    ]
    one = _schedule([_line()], paging=replace(STATE, page=1), pages=1)
    assert _buttons(one) == {}
    assert "Page" not in json.dumps(build_schedule(one).blocks)


def test_a_page_value_round_trips_and_anything_else_is_refused() -> None:
    person = PageState(scope=Scope.PERSON, span=Span.WEEK, since=DUE, page=5, person="U0LEAD1")
    assert read_page_value(page_value(person)) == person
    assert read_page_value(page_value(STATE)) == STATE
    assert len(page_value(person)) < 2000
    for forged in ("", "7", "{}", '{"scope": "mine"}', page_value(STATE).replace("2027", "x")):
        assert read_page_value(forged) is None


def test_the_span_is_said_in_words() -> None:
    assert span_words(Span.FORTNIGHT, until=None, to_kickoff=False) == "next 14 days"
    assert span_words(Span.WEEK, until=None, to_kickoff=False) == "next 7 days"
    assert span_words(Span.MONTH, until=None, to_kickoff=False) == "next 30 days"
    assert span_words(Span.EVERYTHING, until=None, to_kickoff=False) == "everything planned"
    until = date(2027, 2, 15)
    assert span_words(Span.FORTNIGHT, until=until, to_kickoff=True) == "until Mon 15 Feb 2027"


@settings(max_examples=25, deadline=None)
@given(
    count=st.integers(min_value=0, max_value=PAGE_SIZE),
    spread_hours=st.integers(min_value=0, max_value=14 * 24),
    name_length=st.integers(min_value=1, max_value=80),
)
def test_a_full_program_view_stays_inside_block_kit_limits(
    count: int, spread_hours: int, name_length: int
) -> None:
    """The worst case: a whole program's limit of prompts, long pod names, all on few days."""
    step = timedelta(hours=spread_hours) / max(count, 1)
    lines = [
        _line(
            AgendaKind.POD_PRE,
            due=DUE + step * n,
            recipient="U0LEAD2",
            pod_name="P" * name_length,
            program_name="Q" * 80,
        )
        for n in range(count)
    ]
    paged = _schedule(lines, total=count + 500, show_recipient=True, paging=STATE, pages=30)
    reply = build_schedule(replace(paged, intro="*" + "Q" * 80 + "* starts on Mon 1 Feb 2027."))
    assert_valid_message(reply.as_ephemeral())
    assert len(reply.blocks) <= MAX_MESSAGE_BLOCKS
    sections = [block["text"]["text"] for block in reply.blocks if block["type"] == "section"]
    assert all(len(text) <= SECTION_MAX for text in sections)
    assert sum(text.count("\n• ") for text in sections) == count
