"""The pause, resume and leave replies: what changed, and what to do next."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.blocks.pause import (
    MAX_SESSIONS_LISTED,
    SELF_PAUSE_REASON,
    SELF_PAUSE_UNTIL,
    SELF_PAUSE_VIEW,
    BackSession,
    Left,
    Paused,
    SelfPause,
    WhoCan,
    build_left,
    build_pause_notice,
    build_paused,
    build_refusal,
    build_resume_notice,
    build_resumed,
    build_self_pause_modal,
    day_text,
    not_a_leader_text,
    nothing_to_resume_text,
    parse_self_pause,
    pause_refusal_text,
    sessions_phrase,
    who_can_text,
)
from bot.domain.cadence import SessionKind
from bot.domain.pause import PauseProblem
from tests.support.blockkit import assert_valid_message, assert_valid_view


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


# --- a leader's own pause -------------------------------------------------------------------


def test_a_leaders_own_pause_speaks_to_them_and_tells_the_others_who() -> None:
    mine = build_paused(_paused(self_service=True, reason="ski <!here> week"))
    assert_valid_message(mine.as_ephemeral())
    assert mine.text.startswith("Paused you in *Pilot* from Mon 1 Mar 2027 to Sun 14 Mar 2027")
    assert "Your 360s" in mine.text and "`/emcoach resume me`" in mine.text
    assert "Your coach and the program's owners are told" in mine.text
    notice = build_pause_notice(_paused(self_service=True, reason="ski <!here> week"))
    assert_valid_message(notice.as_ephemeral())
    assert "<@U0LEAD1> paused themselves in *Pilot* from Mon 1 Mar 2027 to Sun 14 Mar 2027" in (
        notice.text
    )
    assert "&lt;!here&gt;" in notice.text and "<!here>" not in notice.text
    back = build_resume_notice(leader_id="U0LEAD1", program_name="R&D", back=1)
    assert "ended their pause in *R&amp;D* today: 1 upcoming session is back" in back.text


def test_the_self_pause_modal_asks_until_when_and_reads_the_answer() -> None:
    view = build_self_pause_modal(program_id=7, program_name="<Pilot>", today=date(2027, 1, 4))
    assert_valid_view(view)
    assert view["callback_id"] == SELF_PAUSE_VIEW
    assert json.loads(view["private_metadata"]) == {"program_id": 7}
    assert "*&lt;Pilot&gt;*" in json.dumps(view)
    until = view["blocks"][1]["element"]
    assert (until["type"], until["initial_date"]) == ("datepicker", "2027-01-18")

    def values(picked: str | None, reason: str | None) -> dict[str, object]:
        return {
            SELF_PAUSE_UNTIL: {SELF_PAUSE_UNTIL: {"selected_date": picked}},
            SELF_PAUSE_REASON: {SELF_PAUSE_REASON: {"value": reason}},
        }

    assert parse_self_pause(values("2027-02-14", " ski ")) == SelfPause(date(2027, 2, 14), "ski")
    assert parse_self_pause(values("2027-02-14", None)) == SelfPause(date(2027, 2, 14), None)
    assert SELF_PAUSE_UNTIL in parse_self_pause(values(None, None))  # type: ignore[operator]
    too_long = parse_self_pause(values("2027-02-14", "x" * 256))
    assert isinstance(too_long, dict) and SELF_PAUSE_REASON in too_long


def test_refusals_for_a_leader_point_to_their_own_commands() -> None:
    today = date(2027, 1, 4)
    text = pause_refusal_text(
        PauseProblem.NO_END,
        program_name="Pilot",
        start=today,
        end=None,
        today=today,
        last=None,
        left_on=None,
        self_service=True,
    )
    assert "`/emcoach pause me until 2027-01-18`" in text
    nobody = not_a_leader_text(leader_id="U0X", program_name=None, self_service=True)
    assert nobody.startswith("You aren't a leader in any program here")
    who = WhoCan(
        program_name="Pilot", owner_ids=["U0OWNER"], coach_id=None, pod_name="A", leader_id="U0B"
    )
    assert "A leader pauses only themselves" in who_can_text(who, subcommand="pause")
    assert "pauses only themselves" not in who_can_text(who, subcommand="leave")
    assert "`/emcoach resume me`" not in nothing_to_resume_text(
        leader_id="U0B", program_name="Pilot", self_service=False
    )
