"""The pause, resume and leave replies: what changed, and what to do next."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.blocks.pause import (
    MAX_SESSIONS_LISTED,
    BackSession,
    Left,
    Paused,
    build_left,
    build_paused,
    build_refusal,
    build_resumed,
    day_text,
    sessions_phrase,
)
from bot.domain.cadence import SessionKind
from tests.support.blockkit import assert_valid_message


def _paused(**overrides: object) -> Paused:
    fields: dict[str, object] = {
        "leader_id": "U0LEAD1",
        "program_name": "Pilot",
        "start": date(2027, 3, 1),
        "end": date(2027, 3, 14),
        "reason": None,
        "running": True,
        "kickoff": date(2027, 2, 1),
        "skipped": (SessionKind.ONE_ON_ONE, SessionKind.POD, SessionKind.ONE_ON_ONE),
    }
    return Paused(**(fields | overrides))  # type: ignore[arg-type]


def test_day_text_names_the_weekday_month_and_year_in_english() -> None:
    assert day_text(date(2027, 3, 14)) == "Sun 14 Mar 2027"
    assert day_text(date(2028, 2, 29)) == "Tue 29 Feb 2028"


@given(st.lists(st.sampled_from(list(SessionKind)), max_size=30))
def test_sessions_phrase_counts_each_kind(kinds: list[SessionKind]) -> None:
    phrase = sessions_phrase(kinds)
    one_on_ones = kinds.count(SessionKind.ONE_ON_ONE)
    pods = kinds.count(SessionKind.POD)
    if one_on_ones:
        assert f"{one_on_ones} weekly 1:1" in phrase
    if pods:
        assert f"{pods} pod session" in phrase
    if not kinds:
        assert phrase == "no sessions"


def test_singular_and_plural() -> None:
    assert sessions_phrase([SessionKind.ONE_ON_ONE]) == "1 weekly 1:1"
    assert sessions_phrase([SessionKind.POD, SessionKind.POD]) == "2 pod sessions"


def test_a_running_pause_says_what_is_skipped_and_how_to_resume() -> None:
    reply = build_paused(_paused(reason="ski <week> & more"))
    assert "from Mon 1 Mar 2027 to Sun 14 Mar 2027" in reply.text
    assert "Skipped: 2 weekly 1:1s and 1 pod session" in reply.text
    assert "not missed" in reply.text
    assert "`/emcoach resume <@U0LEAD1>`" in reply.text
    assert "(ski &lt;week&gt; &amp; more)" in reply.text, "typed text cannot become markup"
    assert_valid_message(reply.as_ephemeral())


def test_a_pause_before_commit_says_when_it_will_apply() -> None:
    reply = build_paused(_paused(running=False, skipped=()))
    assert "isn't running yet" in reply.text
    assert "starts on Mon 1 Feb 2027" in reply.text
    assert "Skipped" not in reply.text
    no_kickoff = build_paused(_paused(running=False, skipped=(), kickoff=None))
    assert "starts." in no_kickoff.text


def test_resumed_lists_the_sessions_back_in_the_leader_s_zone() -> None:
    start = datetime(2027, 3, 16, 9, 0, tzinfo=UTC)
    back = [BackSession(kind=SessionKind.ONE_ON_ONE, start=start, zone="Europe/Warsaw")]
    reply = build_resumed(leader_id="U0LEAD1", program_name="Pilot", running=True, back=back)
    assert "Back on the agenda with their prompts: 1 weekly 1:1." in reply.text
    assert "• 1:1, Tue 16 Mar, 10:00 CET" in reply.text
    assert_valid_message(reply.as_ephemeral())


def test_a_long_resume_list_is_cut_with_a_count() -> None:
    start = datetime(2027, 3, 2, 9, 0, tzinfo=UTC)
    back = [
        BackSession(kind=SessionKind.POD, start=start + timedelta(weeks=n), zone="UTC")
        for n in range(MAX_SESSIONS_LISTED + 7)
    ]
    reply = build_resumed(leader_id="U0LEAD1", program_name="Pilot", running=True, back=back)
    assert reply.text.count("• Pod session") == MAX_SESSIONS_LISTED
    assert "…and 7 more" in reply.text
    assert_valid_message(reply.as_ephemeral())


def test_resumed_without_sessions_says_the_agenda_is_unchanged() -> None:
    reply = build_resumed(leader_id="U0LEAD1", program_name="Pilot", running=True, back=[])
    assert "agenda is unchanged" in reply.text
    before_commit = build_resumed(leader_id="U0LEAD1", program_name="Pilot", running=False, back=[])
    assert "`/emcoach pause <@U0LEAD1> until DATE`" in before_commit.text


def _left(**overrides: object) -> Left:
    fields: dict[str, object] = {
        "leader_id": "U0LEAD1",
        "program_name": "Pilot",
        "left_on": date(2027, 3, 10),
        "reason": None,
        "cancelled": 1,
        "pod_name": "Alpha",
        "coach_id": "U0COACH",
        "leaders_staying": 2,
    }
    return Left(**(fields | overrides))  # type: ignore[arg-type]


def test_leaving_keeps_the_history_and_the_pod() -> None:
    reply = build_left(_left())
    assert "1 upcoming prompt about them is cancelled" in reply.text
    assert "Their history stays" in reply.text
    assert "keeps running with <@U0COACH> and 2 other leaders" in reply.text
    assert_valid_message(reply.as_ephemeral())


def test_the_last_leader_leaving_says_the_pod_stops() -> None:
    reply = build_left(_left(leaders_staying=0, cancelled=40))
    assert "40 upcoming prompts about them are cancelled" in reply.text
    assert "no leaders left" in reply.text
    assert "`/emcoach pod`" in reply.text


def test_a_refusal_is_one_valid_message() -> None:
    reply = build_refusal("Only owners can do that. Ask one with `/emcoach owner`.")
    assert reply.blocks[0]["text"]["text"] == reply.text
    assert_valid_message(reply.as_ephemeral())
