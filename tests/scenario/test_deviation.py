"""/emcoach deviation over signed HTTP: posted in the channel first, then recorded."""

from __future__ import annotations

import pytest

from bot.domain.cadence import AgendaState
from bot.domain.program_rules import ProgramField
from bot.sim.standin import SlackError
from storage.db import session_scope
from storage.deviations import deviations_of
from storage.models import AgendaRow, Deviation
from tests.support.live import START, LiveApp
from tests.support.programs import make_program

OWNER = "U0OWNER"
REASON = "HR cannot produce retention data monthly"


def _deviations(live: LiveApp, program_id: int) -> list[Deviation]:
    with session_scope(live.services.engine) as session:
        return deviations_of(session, program_id=program_id)


def _answer(live: LiveApp, text: str) -> str:
    before = len(live.slack.responses())
    assert live.sender.command(text, user_id=OWNER).status == 200
    live.slack.wait_for(lambda: len(live.slack.responses()) > before)
    return str(live.slack.responses()[-1]["text"])


def _committed(live: LiveApp) -> int:
    return make_program(
        live.services.engine,
        criteria=("lead_time", "report_retention"),
        signed_off=True,
        committed=True,
    )


def test_deviation_is_posted_in_the_channel_first_then_recorded(live: LiveApp) -> None:
    program_id = _committed(live)
    answer = _answer(live, f"deviation criteria {REASON}")

    [post] = live.slack.messages("C0ENG")
    assert post["text"] == (
        "Deviation from Pilot's public pre-commitment: the success criteria will change. "
        f"Reason: {REASON} — requested by <@{OWNER}>"
    )
    [deviation] = _deviations(live, program_id)
    with session_scope(live.services.engine) as session:
        row = session.get(AgendaRow, deviation.agenda_id)
        assert row is not None
    # Recorded as an agenda row before it was sent, its id in the post's metadata.
    assert (row.state, row.channel_id, row.ts) == (AgendaState.SENT, post["channel"], post["ts"])
    assert post["metadata"]["event_payload"]["agenda_id"] == row.id
    assert (deviation.field, deviation.reason) == (ProgramField.CRITERIA.value, REASON)
    assert (deviation.requested_by, deviation.created_at, deviation.used_at) == (
        OWNER,
        START,
        None,
    )
    assert "You can now make one change to the success criteria" in answer
    assert "`/emcoach criteria`" in answer
    assert "<#C0ENG>" in answer


@pytest.mark.parametrize(
    ("typed", "field", "command"),
    [
        ("threshold", ProgramField.ANONYMITY_THRESHOLD, "/emcoach setup"),
        ("kickoff", ProgramField.DATES, "/emcoach setup"),
        ("Baseline", ProgramField.BASELINES, "/emcoach baseline"),
    ],
)
def test_friendly_names_pick_the_locked_field(
    live: LiveApp, typed: str, field: ProgramField, command: str
) -> None:
    program_id = _committed(live)
    answer = _answer(live, f"deviation {typed} {REASON}")
    [deviation] = _deviations(live, program_id)
    assert deviation.field == field.value
    assert f"`{command}`" in answer
    assert field.phrase in live.slack.messages("C0ENG")[0]["text"]


@pytest.mark.parametrize(
    ("error", "fix"),
    [
        ("not_in_channel", "type `/invite @emcoach`"),
        ("channel_not_found", "type `/invite @emcoach`"),
        ("is_archived", "unarchive it"),
    ],
)
def test_bot_not_in_channel_gets_instructions_and_nothing_is_recorded(
    live: LiveApp, error: str, fix: str
) -> None:
    program_id = _committed(live)
    live.slack.inject("chat.postMessage", SlackError(error))
    answer = _answer(live, f"deviation criteria {REASON}")
    assert fix in answer
    assert "<#C0ENG>" in answer
    assert f"run `/emcoach deviation criteria {REASON}` again" in answer
    assert "nothing may change yet" in answer
    assert _deviations(live, program_id) == []
    assert not live.slack.messages("C0ENG")


def test_bot_outside_a_private_channel_then_invited(live: LiveApp) -> None:
    program_id = _committed(live)
    live.slack.add_channel("C0ENG", name="engineering", bot_is_member=False)
    assert "/invite @emcoach" in _answer(live, f"deviation dates {REASON}")
    assert _deviations(live, program_id) == []

    live.slack.add_channel("C0ENG", name="engineering", bot_is_member=True)
    assert "You can now make one change" in _answer(live, f"deviation dates {REASON}")
    assert len(_deviations(live, program_id)) == 1


def test_before_commit_nothing_is_locked(live: LiveApp) -> None:
    program_id = make_program(live.services.engine)
    answer = _answer(live, f"deviation criteria {REASON}")
    assert "Nothing is locked yet" in answer
    assert "`/emcoach criteria`" in answer
    assert not live.slack.messages("C0ENG")
    assert _deviations(live, program_id) == []


@pytest.mark.parametrize("reason", ["", "typo"])
def test_a_missing_or_short_reason_is_refused(live: LiveApp, reason: str) -> None:
    program_id = _committed(live)
    answer = _answer(live, f"deviation criteria {reason}")
    assert "/emcoach deviation criteria <a sentence saying why>" in answer
    assert not live.slack.messages("C0ENG")
    assert _deviations(live, program_id) == []


def test_an_unknown_field_gets_the_usage(live: LiveApp) -> None:
    program_id = _committed(live)
    answer = _answer(live, f"deviation pods {REASON}")
    assert "I don't know “pods”" in answer
    for word in ("`criteria`", "`baselines`", "`threshold`", "`dates`"):
        assert word in answer
    assert _deviations(live, program_id) == []


def test_non_owner_cannot_post_a_deviation(live: LiveApp) -> None:
    program_id = _committed(live)
    result = live.sender.command(f"deviation criteria {REASON}", user_id="U0STRANGER")
    assert "is for a program's owners" in result.json()["text"]
    assert _deviations(live, program_id) == []
