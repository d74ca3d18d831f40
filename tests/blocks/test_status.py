"""The status checklist and the sprint nudge, built without Slack."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.blocks.status import (
    MAX_MISSING_LISTED,
    SprintStatus,
    build_status,
    day_text,
    missing_text,
    step_subcommand,
)
from bot.domain.sprint import SprintStep, next_action, sprint_checklist
from bot.slack_names import ACTION_PICK_PROGRAM
from tests.support.blockkit import assert_valid_message

SETUP = date(2027, 1, 4)


def _status(*, today: date, done: set[int], missing: tuple[str, ...] = ()) -> SprintStatus:
    return SprintStatus(
        program_id=7,
        program_name="Pilot",
        setup_date=SETUP,
        today=today,
        steps=sprint_checklist(SETUP, today=today, done=done),
        next_step=next_action(SETUP, today=today, done=done),
        missing=missing,
        committed_on=None,
        kickoff=date(2027, 2, 1),
        months=6,
    )


def _step(week: int, *, today: date, done: set[int] | None = None) -> SprintStep:
    return sprint_checklist(SETUP, today=today, done=done or set())[week - 1]


def test_day_text_is_english_with_the_year() -> None:
    assert day_text(date(2027, 2, 1)) == "Mon 1 Feb 2027"
    assert day_text(date(2028, 12, 31)) == "Sun 31 Dec 2028"


@given(
    days=st.integers(min_value=0, max_value=60),
    done=st.sets(st.integers(min_value=1, max_value=4)),
    missing=st.lists(st.text(min_size=1, max_size=120), max_size=40),
)
def test_every_status_is_valid_and_has_a_button_exactly_when_a_step_is_open(
    days: int, done: set[int], missing: list[str]
) -> None:
    reply = build_status(
        _status(today=SETUP + timedelta(days=days), done=done, missing=tuple(missing))
    )
    assert_valid_message(reply.as_ephemeral())
    actions = [block for block in reply.blocks if block["type"] == "actions"]
    assert len(actions) == (0 if done == {1, 2, 3, 4} else 1)
    steps = [b for b in reply.blocks if b["type"] == "section" and "*Week " in b["text"]["text"]]
    assert len(steps) == 4


def test_the_button_runs_the_first_open_step_for_this_program() -> None:
    reply = build_status(_status(today=SETUP, done={1}))
    [actions] = [block for block in reply.blocks if block["type"] == "actions"]
    button = actions["elements"][0]
    assert button["action_id"] == f"{ACTION_PICK_PROGRAM}:7"
    assert json.loads(button["value"]) == {"sub": "coach", "args": "", "program": 7}
    assert button["text"]["text"] == "Week 2: Decide internal vs. external"


def test_missing_items_are_listed_then_counted() -> None:
    items = [f"baseline for leader {number}" for number in range(MAX_MISSING_LISTED + 5)]
    text = missing_text(items)
    assert "• baseline for leader 0" in text
    assert f"baseline for leader {MAX_MISSING_LISTED}\n" not in text
    assert text.endswith("• …and 5 more")
    assert "/emcoach commit" in missing_text([])


def test_week_four_turns_into_commit_once_nothing_is_missing() -> None:
    step = _step(4, today=SETUP)
    assert step_subcommand(step, ready_to_commit=False) == "baseline"
    assert step_subcommand(step, ready_to_commit=True) == "commit"
    assert step_subcommand(_step(1, today=SETUP), ready_to_commit=True) == "criteria"


def test_a_closed_program_says_so_and_what_owners_can_do_next() -> None:
    today = date(2027, 8, 9)
    base = _status(today=today, done={1, 2, 3, 4})
    closed = SprintStatus(
        **{**{name: getattr(base, name) for name in base.__slots__}, "closed": True}
    )
    closed = replace(closed, program_name="<!channel> Pilot", committed_on=date(2027, 1, 20))
    reply = build_status(closed)
    assert_valid_message({"text": reply.text, "blocks": reply.blocks})
    shown = json.dumps(reply.blocks, ensure_ascii=False)
    assert "The program is closed" in shown and "The program is running" not in shown
    assert "is closed" in reply.text and "Setup sprint" not in reply.text
    assert "month-6 evaluation on Mon 2 Aug 2027" in shown
    for command in ("export", "renew", "delete"):
        assert f"/emcoach {command} " in shown
    assert "takes no deviations" in shown and "/emcoach deviation" not in shown
    # Headers are plain text, which Slack never turns into a mention.
    assert "<!channel>" not in json.dumps([b for b in reply.blocks if b["type"] != "header"])
    assert ACTION_PICK_PROGRAM not in shown  # nothing left to click through
