"""The cadence engine's messages: valid Block Kit for every kind, within Slack's limits, in the
product's words — and never a number from too few anonymous answers."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from slack_sdk.models.blocks import Block

from bot.blocks.commit import Commitment
from bot.blocks.prompts import (
    ACTION_IDS,
    PROMPT_ANSWER_360,
    PROMPT_ANSWER_SURVEY,
    PROMPT_LOG_HELD,
    PROMPT_LOG_NOT_HELD,
    PROMPT_RATE_ONE_ON_ONE,
    PROMPT_RATE_POD,
    CheckpointData,
    CommitmentRecord,
    CriterionResult,
    DeviationChangeData,
    DeviationPostData,
    DigestData,
    LeaderWeek,
    OwnerAlert,
    PromptContext,
    PromptData,
    SetupNudge,
    SummaryAdjustment,
    SummaryData,
    SummaryDeviation,
    SurveyData,
    build_prompt,
    criterion_result,
)
from bot.blocks.prompts.checkpoint import change_text
from bot.blocks.prompts.common import SECTION_MAX, duration_words, fit_lines
from bot.blocks.reply import Reply
from bot.domain.cadence import AgendaKind
from bot.domain.cost import CostModel, coached_cost, estimate
from bot.domain.metrics import CATALOG, ChangeKind, Direction, Verdict
from bot.domain.program_rules import ChangeLine, ProgramField
from tests.support.blockkit import assert_valid_message

LEADER = "U0LEAD1"
COACH = "U0COACH"
MANAGER = "U0MGR"
REPORT = "U0REP1"
OWNER = "U0OWNER"
CHANNEL = "C0ENG"
ROW = 42
CHECKPOINT_DAY = date(2027, 5, 3)  # a Monday
HASH = "ab" * 32

# Who gets each kind, and what it is about (the leader, the pod or the program).
_ROUTES: dict[AgendaKind, tuple[str, str]] = {
    AgendaKind.ONE_ON_ONE_PRE: (LEADER, LEADER),
    AgendaKind.ONE_ON_ONE_POST: (LEADER, LEADER),
    AgendaKind.ONE_ON_ONE_LOG: (COACH, LEADER),
    AgendaKind.POD_PRE: (LEADER, "Platform pod"),
    AgendaKind.POD_POST: (LEADER, "Platform pod"),
    AgendaKind.THREE_SIXTY: (MANAGER, LEADER),
    AgendaKind.SURVEY: (REPORT, LEADER),
    AgendaKind.SURVEY_REMINDER: (REPORT, LEADER),
    AgendaKind.COACH_DIGEST: (COACH, "program"),
    AgendaKind.CHECKPOINT_PREVIEW: (OWNER, "program"),
    AgendaKind.CHECKPOINT_PUBLISH: (CHANNEL, "program"),
    AgendaKind.SETUP_NUDGE: (OWNER, "2"),
    AgendaKind.OWNER_ALERT: (OWNER, "program"),
    AgendaKind.COMMITMENT_POST: (CHANNEL, "program"),
    AgendaKind.COMMITMENT_COPY: ("U0CFO", "program"),
    AgendaKind.DEVIATION_POST: (CHANNEL, "program"),
    AgendaKind.CHECKPOINT_CHART: (CHANNEL, "41"),
    AgendaKind.DEVIATION_CHANGE: (CHANNEL, "program"),
    AgendaKind.COMMITMENT_RECORD: (CHANNEL, "program"),
    AgendaKind.CLOSING_SUMMARY: ("U0CFO", "program"),
    AgendaKind.CLOSING_SUMMARY_OWNER: (OWNER, "41"),
}


def _criteria() -> tuple[CriterionResult, ...]:
    return (
        criterion_result(
            CATALOG["lead_time"], baseline=Decimal(36), now=Decimal(27), data_points=4
        ),
        criterion_result(
            CATALOG["one_on_one_quality"],
            baseline=Decimal("3.2"),
            now=Decimal("3.9"),
            data_points=11,
        ),
        criterion_result(
            CATALOG["report_retention"],
            baseline=Decimal(80),
            now=None,
            data_points=3,
            missing_for=("U0LEAD4",),
        ),
    )


def _checkpoint(**overrides: Any) -> CheckpointData:
    fields: dict[str, Any] = {
        "month": 3,
        "final": False,
        "channel_id": CHANNEL,
        "criteria": _criteria(),
        "definitions_hash": HASH,
    }
    return CheckpointData(**(fields | overrides))


def _data(kind: AgendaKind) -> PromptData | None:
    if kind is AgendaKind.COACH_DIGEST:
        return DigestData(
            leaders=(
                LeaderWeek(leader_id=LEADER, held=1),
                LeaderWeek(leader_id="U0LEAD2", not_logged=1),
                LeaderWeek(leader_id="U0LEAD3", skipped=1, paused_until=date(2027, 3, 14)),
            ),
            survey_non_responders=2,
        )
    if kind in (AgendaKind.CHECKPOINT_PREVIEW, AgendaKind.CHECKPOINT_PUBLISH):
        return _checkpoint()
    if kind is AgendaKind.SETUP_NUDGE:
        return SetupNudge(week=2, due=date(2027, 1, 15))
    if kind is AgendaKind.OWNER_ALERT:
        return OwnerAlert(recipient_id=REPORT, kind=AgendaKind.SURVEY, error="account_inactive")
    if kind in (AgendaKind.COMMITMENT_POST, AgendaKind.COMMITMENT_COPY):
        return _commitment()
    if kind is AgendaKind.COMMITMENT_RECORD:
        return CommitmentRecord(
            record_json='{"program":"Pilot"}',
            definition_lines=('{"id":"lead_time"}',),
            record_hash=HASH,
            definitions_hash=HASH,
            thread_ts="1700000000.000100",
        )
    if kind is AgendaKind.DEVIATION_POST:
        return DeviationPostData(
            field=ProgramField.DATES, reason="The coach starts a week later.", requested_by=OWNER
        )
    if kind in (AgendaKind.CLOSING_SUMMARY, AgendaKind.CLOSING_SUMMARY_OWNER):
        return _summary()
    if kind is AgendaKind.DEVIATION_CHANGE:
        return DeviationChangeData(
            field=ProgramField.DATES,
            reason="The coach starts a week later.",
            changes=(ChangeLine("Kickoff", "Mon 1 Feb 2027", "Mon 8 Feb 2027"),),
            announced_on=date(2027, 1, 20),
        )
    return None


def _summary() -> SummaryData:
    return SummaryData(
        results=_checkpoint(month=6, final=True),
        kickoff=date(2027, 2, 1),
        evaluation=date(2027, 8, 2),
        leaders=4,
        planned=estimate(CostModel.EXTERNAL_POD, leaders=4, months=6),
        leader_months=Decimal("22.5"),
        spent=coached_cost(CostModel.EXTERNAL_POD, Decimal("22.5")),
        adjustments=(
            SummaryAdjustment(
                label="change the cadence",
                note="Pod sessions <!channel> move to Tuesdays.",
                decided_by=OWNER,
                decided_on=date(2027, 5, 6),
            ),
        ),
        deviations=(
            SummaryDeviation(
                announced_on=date(2027, 3, 1),
                field=ProgramField.DATES,
                reason="The coach starts a week later.",
                changes=(ChangeLine("Kickoff", "Mon 1 Feb 2027", "Mon 8 Feb 2027"),),
            ),
        ),
    )


def _commitment() -> Commitment:
    return Commitment(
        program_name="Pilot",
        criteria=[CATALOG["lead_time"].to_dict()],
        criteria_hash=HASH,
        signed_off_by="U0CFO",
        signed_off_on=date(2027, 1, 20),
        baseline_date=date(2027, 1, 25),
        kickoff=date(2027, 2, 1),
        midpoint=date(2027, 5, 3),
        evaluation=date(2027, 8, 2),
        anonymity_threshold=3,
        publish_channel_id=CHANNEL,
        pods=1,
        leaders=2,
    )


def _context(kind: AgendaKind, **overrides: Any) -> PromptContext:
    recipient, about = _ROUTES[kind]
    fields: dict[str, Any] = {
        "kind": kind,
        "program_name": "Pilot",
        "recipient_id": recipient,
        "about_id": about,
        "occasion": CHECKPOINT_DAY,
        "starts_local": "Mon 3 May, 15:00 CEST",
        "coach_id": COACH,
        "late_by": None,
        "row_id": ROW,
        "data": _data(kind),
    }
    return PromptContext(**(fields | overrides))


def _build(kind: AgendaKind, **overrides: Any) -> Reply:
    reply = build_prompt(_context(kind, **overrides))
    assert_valid_message({"text": reply.text, "blocks": reply.blocks})
    return reply


def _shown(reply: Reply) -> str:
    """Everything a reader could see: the fallback text and every block's text."""
    return reply.text + "\n" + json.dumps(reply.blocks, ensure_ascii=False)


def _sections(reply: Reply) -> list[str]:
    return [block["text"]["text"] for block in reply.blocks if block["type"] == "section"]


def _buttons(reply: Reply) -> list[tuple[str, str, str]]:
    return [
        (element["text"]["text"], element["action_id"], element["value"])
        for block in reply.blocks
        if block["type"] == "actions"
        for element in block["elements"]
    ]


# --- every kind ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(AgendaKind))
def test_every_kind_builds_valid_block_kit_with_a_fallback_text(kind: AgendaKind) -> None:
    reply = _build(kind)
    assert reply.text.strip()
    for block in reply.blocks:
        parsed = Block.parse(block)
        assert parsed is not None
        assert parsed.to_dict() == block


_ASKED_FOR_NOW = (
    AgendaKind.COMMITMENT_POST,
    AgendaKind.COMMITMENT_COPY,
    AgendaKind.DEVIATION_POST,
    AgendaKind.DEVIATION_CHANGE,
    AgendaKind.COMMITMENT_RECORD,
    AgendaKind.CLOSING_SUMMARY,
    AgendaKind.CLOSING_SUMMARY_OWNER,
)


@pytest.mark.parametrize("kind", _ASKED_FOR_NOW)
def test_a_post_the_owner_asked_for_never_says_it_is_late(kind: AgendaKind) -> None:
    """Sent when the owner asks (a resend after a lost answer included): never "late"."""
    assert "offline" not in _shown(_build(kind, late_by=timedelta(hours=5)))


@pytest.mark.parametrize("kind", [kind for kind in AgendaKind if kind not in _ASKED_FOR_NOW])
def test_the_late_wording_appears_only_when_the_prompt_is_late(kind: AgendaKind) -> None:
    on_time = _shown(_build(kind))
    late = _shown(_build(kind, late_by=timedelta(hours=5)))
    assert "offline" not in on_time
    assert "offline" in late
    phrase = (
        "is posted late because emcoach was offline"
        if kind is AgendaKind.CHECKPOINT_PUBLISH
        else "Sent 5 hours late: emcoach was offline"
    )
    assert phrase in late
    assert late.count(phrase) == 2, "once in the blocks, once in the notification text"


@pytest.mark.parametrize("kind", [AgendaKind.ONE_ON_ONE_POST, AgendaKind.POD_POST])
def test_a_late_prompt_keeps_its_buttons(kind: AgendaKind) -> None:
    reply = _build(kind, late_by=timedelta(days=1))
    assert _buttons(reply) == _buttons(_build(kind))
    assert reply.blocks[-1]["type"] == "context"


@pytest.mark.parametrize(
    "kind",
    [
        AgendaKind.COACH_DIGEST,
        AgendaKind.CHECKPOINT_PREVIEW,
        AgendaKind.CHECKPOINT_PUBLISH,
        AgendaKind.SETUP_NUDGE,
        AgendaKind.OWNER_ALERT,
        AgendaKind.COMMITMENT_POST,
        AgendaKind.COMMITMENT_COPY,
        AgendaKind.DEVIATION_POST,
        AgendaKind.DEVIATION_CHANGE,
    ],
)
def test_a_kind_that_needs_data_refuses_a_row_without_it(kind: AgendaKind) -> None:
    with pytest.raises(TypeError, match=kind.value):
        build_prompt(_context(kind, data=None))


def test_buttons_use_only_the_declared_action_ids_and_carry_the_row_id() -> None:
    seen = {
        (action_id, value)
        for kind in AgendaKind
        for _label, action_id, value in _buttons(_build(kind))
    }
    assert {action_id for action_id, _ in seen} <= set(ACTION_IDS)
    assert {value for _, value in seen} == {str(ROW)}
    assert len(set(ACTION_IDS)) == len(ACTION_IDS)


def test_a_typed_program_name_cannot_ping_a_channel() -> None:
    for kind in AgendaKind:
        reply = _build(kind, program_name="<!channel> & co")
        # Headers are plain text, which Slack never turns into a mention.
        mrkdwn = [block for block in reply.blocks if block["type"] != "header"]
        assert "<!channel>" not in json.dumps(mrkdwn) + reply.text


def test_a_very_long_program_name_keeps_headers_inside_slack_limits() -> None:
    reply = _build(AgendaKind.CHECKPOINT_PUBLISH, program_name="P" * 400)
    heading = reply.blocks[0]["text"]["text"]
    assert len(heading) == 150
    assert heading.startswith("Month-3 checkpoint: PPP")


# --- 1:1s and pod sessions ------------------------------------------------------------------


def test_the_one_on_one_pre_prompt_asks_for_one_decision_not_status() -> None:
    reply = _build(AgendaKind.ONE_ON_ONE_PRE)
    assert (
        "Your 45-minute 1:1 with <@U0COACH> starts at Mon 3 May, 15:00 CEST. "
        "Bring *one decision* you need to make — not a status update."
    ) in reply.text
    assert _buttons(reply) == []


def test_without_a_coach_or_start_time_the_pre_prompt_still_reads_well() -> None:
    reply = _build(AgendaKind.ONE_ON_ONE_PRE, coach_id=None, starts_local=None)
    assert "1:1 with your coach starts at Mon 3 May 2027" in reply.text


def test_the_one_on_one_post_prompt_asks_the_three_questions_with_a_rating_button() -> None:
    reply = _build(AgendaKind.ONE_ON_ONE_POST)
    body = _sections(reply)[0]
    for question in (
        "Was this 1:1 useful?",
        "What did you decide?",
        "What will you say no to or delegate?",
    ):
        assert question in body
    assert "Strongly disagree … Strongly agree" in body
    assert _buttons(reply) == [("Rate this 1:1", PROMPT_RATE_ONE_ON_ONE, str(ROW))]


def test_the_coach_logs_whether_the_one_on_one_happened() -> None:
    reply = _build(AgendaKind.ONE_ON_ONE_LOG)
    assert reply.text == "Did your 1:1 with <@U0LEAD1> (Mon 3 May, 15:00 CEST) happen?"
    assert _buttons(reply) == [
        ("Held", PROMPT_LOG_HELD, str(ROW)),
        ("Not held", PROMPT_LOG_NOT_HELD, str(ROW)),
    ]


def test_the_pod_pre_prompt_asks_leaders_for_one_real_challenge_and_briefs_the_coach() -> None:
    leader = _build(AgendaKind.POD_PRE).text
    coach = _build(AgendaKind.POD_PRE, recipient_id=COACH).text
    assert leader.startswith("Tomorrow's 90-minute session of pod “Platform pod”")
    assert "Bring *one real challenge*" in leader
    assert "Each leader was asked to bring one real challenge" in coach
    assert "Bring *one real challenge*" not in coach


def test_a_late_pod_pre_prompt_does_not_say_tomorrow() -> None:
    assert "Tomorrow" not in _build(AgendaKind.POD_PRE, late_by=timedelta(hours=3)).text


def test_the_pod_post_prompt_asks_for_a_rating() -> None:
    reply = _build(AgendaKind.POD_POST)
    assert "How was today's session of pod “Platform pod”?" in reply.text
    assert _buttons(reply) == [("Rate this session", PROMPT_RATE_POD, str(ROW))]


def test_a_pod_name_is_escaped() -> None:
    reply = _build(AgendaKind.POD_POST, about_id="<!here> pod")
    assert "<!here>" not in _shown(reply)
    assert "&lt;!here&gt; pod" in reply.text


# --- 360 and surveys ------------------------------------------------------------------------


def test_each_role_gets_its_own_360_invitation() -> None:
    leader = _build(AgendaKind.THREE_SIXTY, recipient_id=LEADER)
    manager = _build(AgendaKind.THREE_SIXTY, recipient_id=MANAGER)
    coach = _build(AgendaKind.THREE_SIXTY, recipient_id=COACH)
    assert len({leader.text, manager.text, coach.text}) == 3
    assert "Rate your own confidence as a manager (self-efficacy)" in leader.text
    assert "as their manager" in manager.text
    assert "Rate how effective they are as a manager" in manager.text
    assert "<@U0LEAD1>'s quarterly 360 is open" in coach.text
    for reply in (leader, manager, coach):
        assert _buttons(reply) == [("Answer the 360", PROMPT_ANSWER_360, str(ROW))]
        assert "before the quarter ends on Mon 3 May 2027" in _shown(reply)


def test_the_survey_asks_one_statement_and_explains_the_anonymity() -> None:
    reply = _build(AgendaKind.SURVEY)
    shown = _shown(reply)
    assert "One question about your 1:1s with <@U0LEAD1>" in reply.text
    assert "produce decisions, not just status updates" in reply.text
    assert "stored without your name" in shown
    assert "groups of 3 or more" in shown
    assert _buttons(reply) == [("Answer (1 question)", PROMPT_ANSWER_SURVEY, str(ROW))]


def test_the_survey_states_the_threshold_locked_at_commit() -> None:
    shown = _shown(_build(AgendaKind.SURVEY, data=SurveyData(anonymity_threshold=5)))
    assert "groups of 5 or more" in shown


def test_survey_reminders_are_private_gentle_and_stop_after_the_second() -> None:
    first = _build(AgendaKind.SURVEY_REMINDER, data=SurveyData(reminder=1))
    second = _build(AgendaKind.SURVEY_REMINDER, data=SurveyData(reminder=2))
    assert first.text.startswith("A gentle reminder")
    assert "Only you get this reminder" in _shown(first)
    assert "last reminder" not in first.text
    assert "This is the last reminder; after it I won't ask again." in second.text
    assert _buttons(second) == [("Answer (1 question)", PROMPT_ANSWER_SURVEY, str(ROW))]


# --- the coach's digest ---------------------------------------------------------------------


def test_the_digest_reports_each_leader_and_puts_what_needs_the_coach_first() -> None:
    reply = _build(AgendaKind.COACH_DIGEST)
    lines = _sections(reply)[1].splitlines()
    assert lines[0] == "• <@U0LEAD2> — 1:1s: 1 not logged yet"
    assert "• <@U0LEAD1> — 1:1s: 1 held" in lines
    assert "• <@U0LEAD3> — 1:1s: 1 skipped (paused) · on pause until Sun 14 Mar 2027" in lines
    assert "1:1s held: 1, not logged yet: 1" in reply.text
    assert "Held / Not held buttons" in _shown(reply)
    assert "`/emcoach schedule all`" in _shown(reply)


def test_the_digest_counts_survey_non_responders_without_naming_them() -> None:
    reply = _build(AgendaKind.COACH_DIGEST)
    shown = _shown(reply)
    assert "2 direct reports haven't answered the 1:1 survey yet" in shown
    assert REPORT not in shown


def test_the_digest_names_missed_and_failed_prompts() -> None:
    week = LeaderWeek(leader_id=LEADER, missed=1, failed=2)
    reply = _build(AgendaKind.COACH_DIGEST, data=DigestData(leaders=(week,)))
    line = _sections(reply)[1]
    assert "no 1:1 this week · 1 prompt missed (emcoach was offline)" in line
    assert "2 prompts Slack refused (the owners were told)" in line
    assert "direct report" not in _shown(reply)


def test_a_digest_of_40_busy_leaders_stays_inside_slack_limits() -> None:
    leaders = tuple(
        LeaderWeek(
            leader_id=f"U{n:010d}",
            held=1,
            not_held=1,
            not_logged=1,
            skipped=1,
            missed=3,
            failed=2,
            paused_until=date(2027, 3, 14),
        )
        for n in range(40)
    )
    reply = _build(AgendaKind.COACH_DIGEST, data=DigestData(leaders=leaders))
    listing = _sections(reply)[1]
    assert len(listing) <= SECTION_MAX
    shown = listing.count("• <@U")
    assert listing.endswith(f"…and {40 - shown} more")
    assert 0 < shown < 40
    assert len(reply.blocks) <= 50


# --- checkpoints ----------------------------------------------------------------------------


def test_the_checkpoint_post_shows_each_criterion_in_full() -> None:
    reply = _build(AgendaKind.CHECKPOINT_PUBLISH)
    assert reply.blocks[0]["text"]["text"] == "Month-3 checkpoint: Pilot"
    lead_time = _sections(reply)[1]
    assert lead_time.splitlines() == [
        "*1. Lead Time* — hours (median), lower is better",
        "Baseline: 36 h (DORA band: High) · Now: 27 h (DORA band: High) · Change: −25%",
        "Expected (the framework's 6-month average): −25% to −40%",
        "Verdict: *within the expected range* · 4 data points",
    ]
    retention = _sections(reply)[3]
    assert "Now: _missing_ · Change: —" in retention
    assert "Verdict: *no data*" in retention
    assert f"SHA-256: `{HASH}`" in reply.blocks[-1]["elements"][0]["text"]
    assert reply.blocks[-1]["type"] == "context"
    assert "Lead Time: within the expected range" in reply.text


def test_the_final_checkpoint_is_titled_as_the_evaluation() -> None:
    reply = _build(AgendaKind.CHECKPOINT_PUBLISH, data=_checkpoint(month=6, final=True))
    assert reply.blocks[0]["text"]["text"] == "Month-6 evaluation: Pilot"


def test_a_late_checkpoint_says_when_it_was_due() -> None:
    reply = _build(AgendaKind.CHECKPOINT_PUBLISH, late_by=timedelta(days=3))
    sentence = "This was due on Mon 3 May 2027 and is posted late because emcoach was offline."
    assert sentence in _sections(reply)[0]
    assert reply.text.endswith(sentence)
    assert "Sent 3 days late" not in _shown(reply), "the post words it once, its own way"


def _one_criterion(verdict: Verdict, *, expected: str | None = "−25% to −40%") -> CriterionResult:
    return CriterionResult(
        name="Lead Time",
        unit="hours (median)",
        direction=Direction.LOWER_IS_BETTER,
        change_kind=ChangeKind.RELATIVE_PERCENT,
        baseline=Decimal(100),
        now=Decimal(70),
        change=Decimal(-30),
        expected=expected,
        verdict=verdict,
        data_points=4,
    )


@pytest.mark.parametrize("verdict", list(Verdict))
def test_every_verdict_is_published_in_words(verdict: Verdict) -> None:
    data = _checkpoint(criteria=(_one_criterion(verdict),))
    reply = _build(AgendaKind.CHECKPOINT_PUBLISH, data=data)
    assert f"Verdict: *{verdict.label}*" in _sections(reply)[1]
    assert f"Lead Time: {verdict.label}" in reply.text


@pytest.mark.parametrize(
    ("now", "words"),
    [
        (Decimal(50), "better than the expected range"),
        (Decimal(70), "within the expected range"),
        (Decimal(90), "short of the expected range"),
        (Decimal(110), "worse than baseline"),
        (None, "no data"),
    ],
)
def test_verdicts_follow_the_domain_rules(now: Decimal | None, words: str) -> None:
    result = criterion_result(CATALOG["lead_time"], baseline=Decimal(100), now=now, data_points=4)
    reply = _build(AgendaKind.CHECKPOINT_PUBLISH, data=_checkpoint(criteria=(result,)))
    assert words in _sections(reply)[1]


def test_a_metric_without_a_published_range_says_so() -> None:
    data = _checkpoint(criteria=(_one_criterion(Verdict.IMPROVED_NO_RANGE, expected=None),))
    reply = _build(AgendaKind.CHECKPOINT_PUBLISH, data=data)
    assert "Expected (the framework's 6-month average): none published" in _sections(reply)[1]


@pytest.mark.parametrize(
    ("kind", "baseline", "now", "change", "text"),
    [
        (ChangeKind.RELATIVE_PERCENT, Decimal(36), Decimal(27), Decimal(-25), "−25%"),
        (ChangeKind.RELATIVE_PERCENT, Decimal(3), Decimal(4), Decimal(100) / 3, "+33.3%"),
        (ChangeKind.POINTS, Decimal("3.2"), Decimal("3.7"), Decimal("0.5"), "+0.5 points"),
        (ChangeKind.PERCENTAGE_POINTS, Decimal(80), Decimal(90), Decimal(10), "+10 pp"),
        (ChangeKind.POINTS, Decimal(3), Decimal(3), Decimal(0), "0 points"),
        (ChangeKind.RELATIVE_PERCENT, Decimal(0), Decimal(2), None, "n/a (from a zero baseline)"),
        (ChangeKind.RELATIVE_PERCENT, None, Decimal(2), None, "—"),
    ],
)
def test_changes_are_signed_like_the_seed_writes_them(
    kind: ChangeKind,
    baseline: Decimal | None,
    now: Decimal | None,
    change: Decimal | None,
    text: str,
) -> None:
    result = CriterionResult(
        name="X",
        unit="u",
        direction=Direction.HIGHER_IS_BETTER,
        change_kind=kind,
        baseline=baseline,
        now=now,
        change=change,
        expected=None,
        verdict=Verdict.NO_DATA,
        data_points=1,
    )
    assert change_text(result) == text


def _anonymous(now: Decimal, responses: int) -> CriterionResult:
    return criterion_result(
        CATALOG["one_on_one_quality"],
        baseline=Decimal("2.00"),
        now=now,
        data_points=responses,
    )


@given(
    now=st.decimals(min_value=1, max_value=5, places=2),
    responses=st.integers(min_value=0, max_value=2),
    kind=st.sampled_from([AgendaKind.CHECKPOINT_PUBLISH, AgendaKind.CHECKPOINT_PREVIEW]),
)
def test_an_anonymous_aggregate_under_three_never_shows_a_number(
    now: Decimal, responses: int, kind: AgendaKind
) -> None:
    data = _checkpoint(criteria=(_anonymous(now, responses),))
    reply = build_prompt(_context(kind, data=data))
    lines = _sections(reply)[1].splitlines()
    assert lines[1] == (
        "Baseline: 2/5 · Now: fewer than 3 responses — not shown, to keep the answers anonymous"
    )
    assert lines[3] == "Verdict: *no data* · fewer than 3 responses"
    if now != now.to_integral_value():
        assert f"{now.normalize():f}" not in _shown(reply)
    if kind is AgendaKind.CHECKPOINT_PUBLISH:
        assert "1:1 Quality: no data" in reply.text


def test_the_locked_threshold_decides_what_is_hidden() -> None:
    shown = _checkpoint(criteria=(_anonymous(Decimal("3.5"), 3),))
    hidden = _checkpoint(criteria=(_anonymous(Decimal("3.5"), 4),), anonymity_threshold=5)
    assert "Now: 3.5" in _sections(_build(AgendaKind.CHECKPOINT_PUBLISH, data=shown))[1]
    post = _sections(_build(AgendaKind.CHECKPOINT_PUBLISH, data=hidden))[1]
    assert "3.5" not in post
    assert "fewer than 5 responses" in post


def test_the_preview_says_what_will_be_published_and_what_is_missing() -> None:
    reply = _build(AgendaKind.CHECKPOINT_PREVIEW)
    sections = _sections(reply)
    assert sections[0].startswith("On Mon 3 May 2027 I'll post these results in <#C0ENG>")
    assert sections[1:4] == _sections(_build(AgendaKind.CHECKPOINT_PUBLISH))[1:4]
    assert "• Report Retention: no value yet for <@U0LEAD4>" in sections[4]
    assert "Add the missing values with `/emcoach metrics` before Mon 3 May 2027" in sections[5]
    assert reply.blocks[0]["text"]["text"] == "Preview — Month-3 checkpoint: Pilot"


def test_a_complete_preview_has_nothing_to_ask() -> None:
    complete = _checkpoint(criteria=_criteria()[:2])
    sections = _sections(_build(AgendaKind.CHECKPOINT_PREVIEW, data=complete))
    assert "*Nothing is missing.*" in sections
    assert "Add the missing values" not in "\n".join(sections)


def test_a_preview_warns_about_a_survey_below_the_threshold() -> None:
    data = _checkpoint(criteria=(_anonymous(Decimal(4), 2),))
    missing = _sections(_build(AgendaKind.CHECKPOINT_PREVIEW, data=data))[2]
    assert "1:1 Quality: fewer than 3 people answered the survey before its round closed" in missing
    assert "unless more people answer" not in missing, "the round is closed: none can"


def test_a_preview_with_hundreds_of_missing_leaders_stays_inside_slack_limits() -> None:
    leaders = tuple(f"U{n:010d}" for n in range(300))
    criteria = tuple(
        criterion_result(metric, baseline=None, now=None, data_points=0, missing_for=leaders)
        for metric in (CATALOG["lead_time"], CATALOG["deploy_frequency"])
    )
    reply = _build(AgendaKind.CHECKPOINT_PREVIEW, data=_checkpoint(criteria=criteria))
    assert all(len(text) <= SECTION_MAX for text in _sections(reply))


# --- owners ---------------------------------------------------------------------------------


def test_an_overdue_setup_week_names_its_step_and_the_next_command() -> None:
    reply = _build(AgendaKind.SETUP_NUDGE)
    assert (
        "Setup week 2 of *Pilot*, “Decide internal vs. external”, was due on Fri 15 Jan 2027."
        in reply.text
    )
    assert "Next: `/emcoach coach`. The whole checklist: `/emcoach status`." in reply.text


def test_a_setup_week_ending_today_is_due_not_overdue() -> None:
    nudge = SetupNudge(week=4, due=CHECKPOINT_DAY)
    reply = _build(AgendaKind.SETUP_NUDGE, data=nudge)
    assert "“Set the measurement plan”, is due today." in reply.text
    assert "`/emcoach baseline`" in reply.text


@pytest.mark.parametrize("week", [0, 5])
def test_a_setup_week_outside_the_sprint_is_refused(week: int) -> None:
    with pytest.raises(ValueError, match="setup week"):
        build_prompt(_context(AgendaKind.SETUP_NUDGE, data=SetupNudge(week=week, due=date.min)))


@pytest.mark.parametrize(
    ("alert", "expected"),
    [
        (
            OwnerAlert(recipient_id=REPORT, kind=AgendaKind.SURVEY, error="account_inactive"),
            "<@U0REP1>'s Slack account is deactivated. To fix it, remove them from the pod "
            "with `/emcoach pod`.",
        ),
        (
            OwnerAlert(recipient_id=LEADER, kind=AgendaKind.ONE_ON_ONE_PRE, error="user_disabled"),
            "<@U0LEAD1>'s Slack account is deactivated. To fix it, record that they left with "
            "`/emcoach leave @name`.",
        ),
        (
            OwnerAlert(
                recipient_id=CHANNEL, kind=AgendaKind.CHECKPOINT_PUBLISH, error="not_in_channel"
            ),
            "I'm not a member of <#C0ENG>. To fix it, invite me to <#C0ENG> with "
            "`/invite @emcoach`. The results are not public until this is fixed.",
        ),
        (
            OwnerAlert(
                recipient_id=CHANNEL, kind=AgendaKind.CHECKPOINT_PUBLISH, error="is_archived"
            ),
            "<#C0ENG> is archived. To fix it, unarchive it",
        ),
        (
            OwnerAlert(recipient_id=COACH, kind=AgendaKind.COACH_DIGEST, error="weird_error"),
            "Slack refused it for <@U0COACH> with `weird_error`.",
        ),
    ],
)
def test_an_owner_alert_says_what_happened_and_what_to_do(alert: OwnerAlert, expected: str) -> None:
    reply = _build(AgendaKind.OWNER_ALERT, data=alert)
    assert reply.text.startswith("I couldn't deliver ")
    assert expected in reply.text


@pytest.mark.parametrize("kind", list(AgendaKind))
def test_an_owner_alert_can_name_every_kind_of_prompt(kind: AgendaKind) -> None:
    alert = OwnerAlert(recipient_id=REPORT, kind=kind, error="user_not_found")
    assert (
        "I can't find <@U0REP1> in this workspace"
        in _build(AgendaKind.OWNER_ALERT, data=alert).text
    )


# --- pieces ---------------------------------------------------------------------------------


@given(
    lines=st.lists(st.text(alphabet="ab <@>:·", max_size=40), max_size=100),
    limit=st.integers(min_value=20, max_value=400),
)
def test_fit_lines_keeps_a_prefix_inside_the_limit_and_counts_the_rest(
    lines: list[str], limit: int
) -> None:
    text = fit_lines(lines, limit=limit)
    assert len(text) <= limit
    if text == "\n".join(lines):
        return
    head, _, tail = text.rpartition("…and ")
    more = int(tail.removesuffix(" more"))
    kept = len(lines) - more
    assert head == ("\n".join(lines[:kept]) + "\n" if kept else "")


def test_fit_lines_leaves_room_for_the_count_of_what_it_drops() -> None:
    text = fit_lines(["x" * 9] * 10, limit=50)
    assert text == "\n".join(["x" * 9] * 3 + ["…and 7 more"])
    assert len(text) <= 50


@pytest.mark.parametrize(
    ("span", "words"),
    [
        (timedelta(seconds=10), "1 minute"),
        (timedelta(minutes=20), "20 minutes"),
        (timedelta(minutes=100), "2 hours"),
        (timedelta(hours=1, minutes=29), "89 minutes"),
        (timedelta(hours=47), "47 hours"),
        (timedelta(days=3), "3 days"),
    ],
)
def test_delays_are_said_in_rough_words(span: timedelta, words: str) -> None:
    assert duration_words(span) == words


def test_the_deviation_follow_up_says_old_and_new() -> None:
    reply = _build(AgendaKind.DEVIATION_CHANGE)
    shown = _shown(reply)
    assert "Kickoff: Mon 1 Feb 2027 → Mon 8 Feb 2027" in shown
    assert "as announced on Wed 20 Jan 2027" in shown
    assert "Kickoff: Mon 1 Feb 2027 → Mon 8 Feb 2027" in reply.text


# --- the end of a program ---------------------------------------------------------------------


def test_the_closing_summary_has_the_posts_figures_the_cost_the_decision_and_the_deviations() -> (
    None
):
    reply = _build(AgendaKind.CLOSING_SUMMARY)
    shown = _shown(reply)
    assert "Pilot is closed" in reply.text
    # The month-6 results in the very words of the post.
    assert "Verdict: *" in shown and "Expected (the framework's 6-month average)" in shown
    assert "Planned: $19,200–$36,000" in shown  # 4 leaders × 6 months × $800–$1,500
    assert "22.5 leader-months coached" in shown and "$18,000–$33,750" in shown
    assert "$200,000–$400,000" in shown and "pays for itself" in shown
    assert "*change the cadence*" in shown
    assert "<!channel>" not in shown  # the owner's note is escaped
    assert "Kickoff: Mon 1 Feb 2027 → Mon 8 Feb 2027" in shown
    assert "The coach starts a week later." in shown
    assert "export" in shown and "renew" in shown
    assert reply.thread_ts is None


def test_an_owners_copy_of_the_summary_goes_under_their_month_6_preview() -> None:
    summary = _summary()
    data = SummaryData(
        **{**{f: getattr(summary, f) for f in summary.__slots__}, "thread_ts": "9.1"}
    )
    reply = _build(AgendaKind.CLOSING_SUMMARY_OWNER, data=data)
    assert reply.thread_ts == "9.1"
