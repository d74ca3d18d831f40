from datetime import date

import pytest

from bot.domain import timeline
from bot.domain.errors import DomainError
from bot.domain.metrics import CATALOG
from bot.domain.program_rules import (
    ANONYMITY_THRESHOLD,
    MIN_EXECUTION_MONTHS,
    POD_MAX_LEADERS,
    Deviation,
    KickoffError,
    LeaderSetup,
    LockedFieldError,
    PodFullError,
    PodSetup,
    ProgramField,
    ProgramLengthError,
    ProgramState,
    check_change,
    check_kickoff,
    check_length,
    check_pod_can_add_leader,
    commit_readiness,
    has_reached,
    locked_after_commit,
)

S = ProgramState
F = ProgramField
REASON = "The deploy tool changed; lead time now counts from PR open."


def test_constants() -> None:
    assert POD_MAX_LEADERS == 4
    assert ANONYMITY_THRESHOLD == 3
    assert MIN_EXECUTION_MONTHS == timeline.MIN_EXECUTION_MONTHS == 6


@pytest.mark.parametrize("count", [0, 1, 2, 3])
def test_a_pod_takes_up_to_four_leaders(count: int) -> None:
    check_pod_can_add_leader(count)


@pytest.mark.parametrize("count", [4, 5])
def test_a_fifth_leader_is_refused_with_the_seed_reason(count: int) -> None:
    with pytest.raises(PodFullError, match="peer-cohort dynamic breaks down"):
        check_pod_can_add_leader(count)


def test_negative_pod_count_is_a_bug() -> None:
    with pytest.raises(ValueError, match="cannot have -1"):
        check_pod_can_add_leader(-1)


@pytest.mark.parametrize("months", [6, 12, 24])
def test_length_within_bounds(months: int) -> None:
    check_length(months)


@pytest.mark.parametrize("months", [0, 3, 5])
def test_short_program_is_refused_with_the_seed_reason(months: int) -> None:
    with pytest.raises(ProgramLengthError, match="Anything shorter doesn't show measurable"):
        check_length(months)


def test_program_longer_than_24_months_is_refused() -> None:
    with pytest.raises(ProgramLengthError, match="at most 24 months"):
        check_length(25)


@pytest.mark.parametrize(
    ("kickoff", "ok"),
    [(date(2027, 3, 1), False), (date(2027, 3, 2), True), (date(2028, 1, 1), True)],
)
def test_kickoff_not_in_the_past(kickoff: date, ok: bool) -> None:
    today = date(2027, 3, 2)
    if ok:
        check_kickoff(kickoff, today=today)
    else:
        with pytest.raises(KickoffError, match="1 March 2027 is in the past"):
            check_kickoff(kickoff, today=today)


def test_errors_are_domain_errors() -> None:
    for error in (PodFullError, ProgramLengthError, KickoffError, LockedFieldError):
        assert issubclass(error, DomainError)


def test_lifecycle_order() -> None:
    assert [state.value for state in ProgramState] == [
        "draft",
        "criteria_signed_off",
        "cohort_ready",
        "baselined",
        "committing",
        "committed",
        "midpoint_done",
        "evaluated",
        "closed",
    ]


@pytest.mark.parametrize("state", list(ProgramState))
def test_has_reached_commit(state: ProgramState) -> None:
    committed_or_later = {S.COMMITTED, S.MIDPOINT_DONE, S.EVALUATED, S.CLOSED}
    assert has_reached(state, S.COMMITTED) is (state in committed_or_later)
    assert has_reached(state, state)
    assert has_reached(state, S.DRAFT)


@pytest.mark.parametrize(
    ("field", "locked"),
    [
        (F.CRITERIA, True),
        (F.BASELINES, True),
        (F.ANONYMITY_THRESHOLD, True),
        (F.DATES, True),
        (F.COHORT, False),
        (F.SCHEDULE, False),
    ],
)
def test_locked_after_commit(field: ProgramField, locked: bool) -> None:
    assert locked_after_commit(field) is locked
    assert field.phrase.startswith("the ")


@pytest.mark.parametrize("field", list(ProgramField))
@pytest.mark.parametrize("state", [S.DRAFT, S.CRITERIA_SIGNED_OFF, S.COHORT_READY, S.BASELINED])
def test_before_commit_every_change_is_plain(field: ProgramField, state: ProgramState) -> None:
    assert check_change(field, state=state, reason=None) is None


@pytest.mark.parametrize("field", list(ProgramField))
def test_while_the_pre_commitment_is_posted_locked_fields_wait(field: ProgramField) -> None:
    """Between recording the pre-commitment and Slack confirming it, what the post states
    cannot change, not even by deviation (there is no public post to deviate from yet)."""
    if locked_after_commit(field):
        for reason in (None, REASON):
            with pytest.raises(LockedFieldError, match="being posted right now"):
                check_change(field, state=S.COMMITTING, reason=reason)
    else:
        assert check_change(field, state=S.COMMITTING, reason=None) is None


@pytest.mark.parametrize("field", [F.CRITERIA, F.BASELINES, F.ANONYMITY_THRESHOLD, F.DATES])
@pytest.mark.parametrize("state", [S.COMMITTED, S.MIDPOINT_DONE, S.EVALUATED])
def test_after_commit_locked_fields_need_a_deviation(
    field: ProgramField, state: ProgramState
) -> None:
    for no_reason in (None, "", "   "):
        with pytest.raises(LockedFieldError, match="only as a deviation"):
            check_change(field, state=state, reason=no_reason)
    with pytest.raises(LockedFieldError, match="at least 10 characters"):
        check_change(field, state=state, reason="  too short  ")
    assert check_change(field, state=state, reason=f"  {REASON}\n") == Deviation(
        field=field, reason=REASON
    )


@pytest.mark.parametrize("field", [F.COHORT, F.SCHEDULE])
def test_after_commit_cohort_and_schedule_change_plainly(field: ProgramField) -> None:
    assert check_change(field, state=S.COMMITTED, reason=None) is None


@pytest.mark.parametrize("field", list(ProgramField))
def test_closed_program_changes_nothing(field: ProgramField) -> None:
    with pytest.raises(LockedFieldError, match="closed"):
        check_change(field, state=S.CLOSED, reason=REASON)


def test_deviation_reason_boundary() -> None:
    assert Deviation(field=F.DATES, reason="x" * 10).reason == "x" * 10
    with pytest.raises(LockedFieldError):
        Deviation(field=F.DATES, reason="x" * 9)


LEAD, QUALITY = CATALOG["lead_time"], CATALOG["one_on_one_quality"]


def _leader(user_id: str) -> LeaderSetup:
    return LeaderSetup(
        user_id=user_id, manager_id="UMGR", direct_report_count=5, has_one_on_one_slot=True
    )


def test_ready_program_has_nothing_missing() -> None:
    pods = [PodSetup(name="Alpha", coach_id="UCOACH", leaders=(_leader("U1"), _leader("U2")))]
    missing = commit_readiness(
        criteria_signed_off=True,
        coach_decided=True,
        criteria=[LEAD, QUALITY],
        pods=pods,
        leader_baselines={("U1", "lead_time"), ("U2", "lead_time")},
        pod_baselines={("Alpha", "one_on_one_quality")},
        kickoff=date(2027, 4, 5),
        publish_channel_id="CENG",
    )
    assert missing == []


def test_commit_readiness_lists_exactly_what_is_missing() -> None:
    incomplete = LeaderSetup(
        user_id="U2", manager_id=None, direct_report_count=0, has_one_on_one_slot=False
    )
    pods = [
        PodSetup(name="Alpha", coach_id=None, leaders=(_leader("U1"), incomplete)),
        PodSetup(name="Beta", coach_id="UCOACH", leaders=()),
        PodSetup(
            name="Gamma",
            coach_id="UCOACH",
            leaders=tuple(_leader(f"UG{i}") for i in range(5)),
        ),
    ]
    leader_baselines = {("U1", "lead_time")} | {(f"UG{i}", "lead_time") for i in range(5)}
    missing = commit_readiness(
        criteria_signed_off=False,
        coach_decided=False,
        criteria=[LEAD, QUALITY],
        pods=pods,
        leader_baselines=leader_baselines,
        pod_baselines={("Gamma", "one_on_one_quality")},
        kickoff=None,
        publish_channel_id=None,
    )
    assert missing == [
        "budget-owner sign-off of the criteria",
        "the week-2 coach decision: run `/emcoach coach`",
        "a kickoff date",
        "a channel to publish the results in",
        "a coach for pod “Alpha”",
        "the manager of <@U2>",
        "the direct reports of <@U2>",
        "a weekly 1:1 slot for <@U2>",
        "at least one leader in pod “Beta”",
        "at most 4 leaders in pod “Gamma” (it has 5)",
        "Lead Time baseline for <@U2>",
        "1:1 Quality baseline for pod “Alpha”",
        "1:1 Quality baseline for pod “Beta”",
    ]


@pytest.mark.parametrize("count", [0, 1, 4])
def test_commit_readiness_wants_two_or_three_criteria(count: int) -> None:
    criteria = list(CATALOG.values())[:count]
    missing = commit_readiness(
        criteria_signed_off=True,
        coach_decided=True,
        criteria=criteria,
        pods=[],
        leader_baselines=set(),
        pod_baselines=set(),
        kickoff=date(2027, 4, 5),
        publish_channel_id="CENG",
    )
    assert missing == [f"2–3 success criteria (you have {count})", "at least one pod"]


def test_a_pod_without_a_session_slot_is_a_gap() -> None:
    from bot.domain.program_rules import LeaderSetup, PodSetup, cohort_gaps

    leader = LeaderSetup(
        user_id="U1", manager_id="U2", direct_report_count=3, has_one_on_one_slot=True
    )
    pod = PodSetup(name="Alpha", coach_id="U9", leaders=(leader,), has_session_slot=False)
    assert cohort_gaps([pod]) == ["a monthly session slot for pod “Alpha”"]


def test_the_coach_decision_gap_names_the_command_that_records_it() -> None:
    from bot.domain.program_rules import COACH_DECISION_GAP
    from bot.domain.sprint import WEEKS
    from bot.slack_names import COMMAND

    week_2 = WEEKS[1]
    assert f"`{COMMAND} {week_2.subcommand}`" in COACH_DECISION_GAP
