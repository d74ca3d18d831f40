import dataclasses
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain import localtime
from bot.domain.cadence import (
    ONE_ON_ONE_PRE_LEAD,
    PROMPT_TIME,
    AgendaItem,
    AgendaKind,
    MonthlySlot,
    Pause,
    PlanLeader,
    PlanPod,
    PlanProgram,
    SessionKind,
    baseline_survey_day,
    business_days_before,
    grace_window,
    is_late,
    plan,
    replan_from,
    skipped_in_pauses,
)
from bot.domain.localtime import LAST, UnknownTimezoneError, nth_weekday_of_month, to_instant
from bot.domain.timeline import add_months

ZONES = [
    "America/New_York",
    "Europe/Warsaw",
    "Australia/Sydney",
    "Pacific/Chatham",
    "Asia/Kolkata",
    "UTC",
]
# Far from everything else, no DST: a cross-zone program's extremes.
EXTREME_ZONES = ["Pacific/Kiritimati", "Etc/GMT+12", "Australia/Lord_Howe", "Pacific/Pago_Pago"]
NY = "America/New_York"
K = AgendaKind
SECOND_TUESDAY_15 = MonthlySlot(2, 1, time(15, 0))


def leader(
    user_id: str = "U1",
    *,
    timezone: str | None = None,
    weekday: int = 0,
    at: time = time(9, 0),
    manager_id: str | None = "M1",
    report_ids: tuple[str, ...] = ("R1", "R2"),
    pauses: tuple[Pause, ...] = (),
    left_on: date | None = None,
) -> PlanLeader:
    return PlanLeader(
        user_id=user_id,
        timezone=timezone,
        one_on_one_weekday=weekday,
        one_on_one_time=at,
        manager_id=manager_id,
        report_ids=report_ids,
        pauses=pauses,
        left_on=left_on,
    )


def program(
    *leaders: PlanLeader,
    kickoff: date = date(2027, 1, 4),
    months: int = 6,
    timezone: str = NY,
    coach_timezone: str | None = None,
    session: MonthlySlot = SECOND_TUESDAY_15,
) -> PlanProgram:
    pod = PlanPod(
        pod_id="P1",
        coach_id="C1",
        coach_timezone=coach_timezone,
        leaders=leaders or (leader(),),
        session=session,
    )
    return PlanProgram(
        program_id="PR1",
        kickoff=kickoff,
        months=months,
        timezone=timezone,
        owner_ids=("O1",),
        setup_date=kickoff - timedelta(days=35),
        publish_channel="CENG",
        pods=(pod,),
    )


def of(items: list[AgendaItem], kind: AgendaKind, recipient: str | None = None) -> list[AgendaItem]:
    return sorted(
        (i for i in items if i.kind is kind and recipient in (None, i.recipient)),
        key=lambda i: i.due,
    )


def window(p: PlanProgram) -> tuple[datetime, datetime]:
    return (
        to_instant(p.kickoff, time(0), p.timezone),
        to_instant(add_months(p.kickoff, p.months), time(0), p.timezone),
    )


def days(start: date, end: date) -> Iterator[date]:
    while start < end:
        yield start
        start += timedelta(days=1)


# --- DST ------------------------------------------------------------------------------------


def test_one_on_one_keeps_nine_local_across_the_march_switch() -> None:
    items = plan(program(leader(timezone=NY)))
    pre = {i.occasion: i.due for i in of(items, K.ONE_ON_ONE_PRE)}
    session = {day: due + ONE_ON_ONE_PRE_LEAD for day, due in pre.items()}
    assert session[date(2027, 3, 8)] == datetime(2027, 3, 8, 14, 0, tzinfo=UTC)  # EST
    assert session[date(2027, 3, 15)] == datetime(2027, 3, 15, 13, 0, tzinfo=UTC)  # EDT
    assert {s.astimezone(ZoneInfo(NY)).time() for s in session.values()} == {time(9, 0)}
    post = {i.occasion: i.due for i in of(items, K.ONE_ON_ONE_POST)}
    assert post[date(2027, 3, 15)] == datetime(2027, 3, 15, 13, 45, tzinfo=UTC)


def test_one_on_one_across_the_november_switch() -> None:
    items = plan(program(leader(timezone=NY), kickoff=date(2027, 7, 5)))
    pre = {i.occasion: i.due for i in of(items, K.ONE_ON_ONE_PRE)}
    assert pre[date(2027, 11, 1)] == datetime(2027, 11, 1, 11, 0, tzinfo=UTC)  # 07:00 EDT
    assert pre[date(2027, 11, 8)] == datetime(2027, 11, 8, 12, 0, tzinfo=UTC)  # 07:00 EST


def test_sydney_leader_gains_daylight_saving_in_october() -> None:
    sydney = "Australia/Sydney"
    p = program(leader(timezone=sydney), kickoff=date(2027, 7, 5), timezone=sydney)
    pre = {i.occasion: i.due for i in of(plan(p), K.ONE_ON_ONE_PRE)}
    assert pre[date(2027, 9, 27)] + ONE_ON_ONE_PRE_LEAD == datetime(2027, 9, 26, 23, 0, tzinfo=UTC)
    assert pre[date(2027, 10, 4)] + ONE_ON_ONE_PRE_LEAD == datetime(2027, 10, 3, 22, 0, tzinfo=UTC)


def test_a_slot_inside_the_gap_moves_forward_and_a_repeated_one_happens_once() -> None:
    gap = plan(program(leader(timezone=NY, weekday=6, at=time(2, 30)), kickoff=date(2027, 3, 1)))
    pre = {i.occasion: i.due for i in of(gap, K.ONE_ON_ONE_PRE)}
    assert pre[date(2027, 3, 14)] + ONE_ON_ONE_PRE_LEAD == datetime(2027, 3, 14, 7, 30, tzinfo=UTC)
    repeat = plan(program(leader(timezone=NY, weekday=6, at=time(1, 30)), kickoff=date(2027, 9, 6)))
    on_the_day = [i for i in of(repeat, K.ONE_ON_ONE_PRE) if i.occasion == date(2027, 11, 7)]
    assert [i.due + ONE_ON_ONE_PRE_LEAD for i in on_the_day] == [
        datetime(2027, 11, 7, 5, 30, tzinfo=UTC)  # 01:30 EDT, the first 01:30
    ]


# --- the whole agenda of a 26-week program, as properties -----------------------------------

daytime = st.builds(time, st.integers(6, 20), st.sampled_from([0, 15, 30, 45]))


@st.composite
def programs(draw: st.DrawFn, *, same_zone: bool) -> PlanProgram:
    """Programs whose people all sit in the program zone (``same_zone``, for exact counts) or
    anywhere (for bounds, keys and DST)."""
    kickoff = draw(st.dates(min_value=date(2026, 1, 1), max_value=date(2030, 12, 31)))
    zone = draw(st.sampled_from(ZONES))
    end = add_months(kickoff, 6)
    anywhere = st.sampled_from([None, *ZONES, *EXTREME_ZONES])
    local = st.sampled_from([None, zone]) if same_zone else anywhere
    pods = []
    for p in range(draw(st.integers(1, 2))):
        leaders = []
        for n in range(draw(st.integers(1, 4))):
            pauses = []
            for _ in range(draw(st.integers(0, 2))):
                start = draw(st.dates(min_value=kickoff, max_value=end))
                pauses.append(Pause(start, start + timedelta(days=draw(st.integers(0, 20)))))
            left_on = None
            if not same_zone and draw(st.booleans()):
                left_on = draw(st.dates(min_value=kickoff, max_value=end))
            leaders.append(
                leader(
                    f"L{p}{n}",
                    timezone=draw(local),
                    weekday=draw(st.integers(0, 6)),
                    at=draw(daytime),
                    manager_id=draw(st.sampled_from([None, f"M{p}{n}", "MSHARED"])),
                    report_ids=tuple(f"R{p}{n}{r}" for r in range(draw(st.integers(0, 3)))),
                    pauses=tuple(pauses),
                    left_on=left_on,
                )
            )
        slot = MonthlySlot(
            draw(st.sampled_from([1, 2, 3, 4, LAST])), draw(st.integers(0, 6)), draw(daytime)
        )
        pods.append(
            PlanPod(
                pod_id=f"P{p}",
                coach_id=draw(st.sampled_from(["C0", f"C{p}"])),
                coach_timezone=draw(local),
                leaders=tuple(leaders),
                session=slot,
                session_timezone=draw(local),
            )
        )
    return PlanProgram(
        program_id="PR",
        kickoff=kickoff,
        months=6,
        timezone=zone,
        owner_ids=("O1", "O2"),
        setup_date=kickoff - timedelta(days=draw(st.integers(1, 60))),
        publish_channel="CENG",
        pods=tuple(pods),
        person_zones=()
        if same_zone
        else tuple(
            (person, person_zone)
            for person in ("O1", "O2", "MSHARED")
            if (person_zone := draw(anywhere)) is not None
        ),
    )


def paused(one: PlanLeader, day: date) -> bool:
    return any(pause.start <= day <= pause.end for pause in one.pauses)


def leaders_of(p: PlanProgram) -> Iterator[tuple[PlanPod, PlanLeader]]:
    for pod in p.pods:
        for one in pod.leaders:
            yield pod, one


@settings(max_examples=60, deadline=None)
@given(programs(same_zone=True))
def test_weekly_one_on_ones_one_per_iso_week_minus_pauses(p: PlanProgram) -> None:
    items = plan(p)
    end = add_months(p.kickoff, p.months)
    for _, one in leaders_of(p):
        expected = [
            d
            for d in days(p.kickoff, end)
            if d.weekday() == one.one_on_one_weekday and not paused(one, d)
        ]
        for kind, recipient in (
            (K.ONE_ON_ONE_PRE, one.user_id),
            (K.ONE_ON_ONE_POST, one.user_id),
            (K.ONE_ON_ONE_LOG, None),
        ):
            got = [i.occasion for i in of(items, kind, recipient) if i.about == one.user_id]
            assert got == expected
            weeks = Counter(d.isocalendar()[:2] for d in got)
            assert set(weeks.values()) <= {1}
        slot_days = [d for d in days(p.kickoff, end) if d.weekday() == one.one_on_one_weekday]
        assert 25 <= len(slot_days) <= 27  # six calendar months: 181 to 184 days


@settings(max_examples=60, deadline=None)
@given(programs(same_zone=True))
def test_pod_sessions_one_per_month_per_leader(p: PlanProgram) -> None:
    items = plan(p)
    end = add_months(p.kickoff, p.months)
    months = {(d.year, d.month) for d in days(p.kickoff, end + timedelta(days=1))}
    for pod, one in leaders_of(p):
        slot_days = sorted(
            day
            for year, month in months
            if p.kickoff
            <= (day := nth_weekday_of_month(year, month, pod.session.ordinal, pod.session.weekday))
            < end
        )
        expected = [d for d in slot_days if not paused(one, d)]
        post = [i.occasion for i in of(items, K.POD_POST, one.user_id) if i.about == pod.pod_id]
        pre = [i.occasion for i in of(items, K.POD_PRE, one.user_id) if i.about == pod.pod_id]
        assert post == expected
        # The only pre-prompt that cannot be sent is the one for a session on kickoff day: it
        # would be due the day before the program starts.
        assert pre == [d for d in expected if d != p.kickoff]
        assert len({(d.year, d.month) for d in post}) == len(post)
        assert 5 <= len(slot_days) <= 7


@settings(max_examples=60, deadline=None)
@given(programs(same_zone=True))
def test_measurements_and_checkpoints_have_exact_counts(p: PlanProgram) -> None:
    items = plan(p)
    # Month 3 and month 6 after kickoff, a weekend day moved to the Monday after.
    midpoint, evaluation = p.timeline.midpoint, p.timeline.evaluation
    assert midpoint - add_months(p.kickoff, 3) in {timedelta(days=n) for n in range(3)}
    assert evaluation - add_months(p.kickoff, 6) in {timedelta(days=n) for n in range(3)}
    assert midpoint.weekday() < 5 and evaluation.weekday() < 5
    for pod, one in leaders_of(p):
        circle = {one.user_id, pod.coach_id} | ({one.manager_id} if one.manager_id else set())
        about = [i for i in of(items, K.THREE_SIXTY) if i.about == one.user_id]
        assert {i.recipient for i in about} == circle
        for person in circle:
            assert [i.occasion for i in about if i.recipient == person] == [midpoint, evaluation]
        for report in one.report_ids:
            surveys = of(items, K.SURVEY, report)
            assert [i.occasion for i in surveys] == [p.kickoff, midpoint, evaluation]
    publish = of(items, K.CHECKPOINT_PUBLISH)
    assert [(i.recipient, i.occasion) for i in publish] == [
        ("CENG", midpoint),
        ("CENG", evaluation),
    ]
    for owner in p.owner_ids:
        previews = of(items, K.CHECKPOINT_PREVIEW, owner)
        assert [i.occasion for i in previews] == [midpoint, evaluation]
        for preview in previews:
            shown = localtime.local_date(preview.due, p.timezone)
            assert shown.weekday() < 5
            weekdays_between = [d for d in days(shown, preview.occasion) if d.weekday() < 5]
            assert len(weekdays_between) == 2
    coaches = {pod.coach_id for pod in p.pods}
    fridays = [d for d in days(p.kickoff, evaluation) if d.weekday() == 4]
    for coach in coaches:
        assert [i.occasion for i in of(items, K.COACH_DIGEST, coach)] == fridays


# Scheduled by date (not by a person's slot): each lands on a business day where it is read.
_DATED = {K.SURVEY, K.THREE_SIXTY, K.CHECKPOINT_PREVIEW, K.CHECKPOINT_PUBLISH}


def check_business_days(p: PlanProgram, items: list[AgendaItem]) -> None:
    zones = dict(p.person_zones)
    leader_zones = {
        one.user_id: one.timezone or zones.get(one.user_id) or p.timezone
        for _, one in leaders_of(p)
    }
    report_leader = {r: one.user_id for _, one in leaders_of(p) for r in one.report_ids}
    managers = {one.user_id: one.manager_id for _, one in leaders_of(p)}
    coach_zones = {(pod.coach_id, one.user_id): pod.coach_timezone for pod, one in leaders_of(p)}
    for item in items:
        if item.kind not in _DATED:
            continue
        if item.kind is K.CHECKPOINT_PUBLISH:
            zone = p.timezone
        elif item.recipient in leader_zones:
            zone = leader_zones[item.recipient]
        elif item.kind is K.THREE_SIXTY and item.recipient == managers.get(item.about):
            zone = zones.get(item.recipient) or leader_zones[item.about]
        elif (item.recipient, item.about) in coach_zones:
            zone = coach_zones[item.recipient, item.about] or zones.get(item.recipient)
            zone = zone or p.timezone
        else:
            team = report_leader.get(item.recipient)
            fallback = leader_zones[team] if team else p.timezone
            zone = zones.get(item.recipient) or fallback
        day = localtime.local_date(item.due, zone)
        squeezed = (
            item.kind is K.SURVEY
            and item.occasion == p.kickoff
            and (p.kickoff - p.setup_date < timedelta(days=10))
        )
        assert day.weekday() < 5 or squeezed, (item, zone, day)


@settings(max_examples=60, deadline=None)
@given(programs(same_zone=True))
def test_surveys_360s_and_checkpoints_fall_on_business_days(p: PlanProgram) -> None:
    check_business_days(p, plan(p))


@settings(max_examples=60, deadline=None)
@given(programs(same_zone=False))
def test_business_days_in_each_recipients_own_zone(p: PlanProgram) -> None:
    check_business_days(p, plan(p))


@pytest.mark.parametrize(
    ("kickoff", "midpoint", "evaluation"),
    [
        (date(2027, 2, 1), date(2027, 5, 3), date(2027, 8, 2)),  # Sat 1 May, Sun 1 Aug
        (date(2027, 1, 4), date(2027, 4, 5), date(2027, 7, 5)),  # Sun 4 Apr, Sun 4 Jul
        (date(2027, 3, 1), date(2027, 6, 1), date(2027, 9, 1)),  # Tue, Wed: unchanged
    ],
)
def test_weekend_checkpoints_move_to_monday_and_the_plan_follows(
    kickoff: date, midpoint: date, evaluation: date
) -> None:
    p = dataclasses.replace(program(), kickoff=kickoff, setup_date=kickoff - timedelta(days=28))
    items = plan(p)
    assert [i.occasion for i in of(items, K.CHECKPOINT_PUBLISH)] == [midpoint, evaluation]
    assert {i.occasion for i in of(items, K.CHECKPOINT_PREVIEW)} == {midpoint, evaluation}
    three_sixty = {i.occasion for i in of(items, K.THREE_SIXTY)}
    assert three_sixty == {midpoint, evaluation}


def check_bounds(p: PlanProgram, items: list[AgendaItem]) -> None:
    start, end = window(p)
    for item in items:
        if item.kind is K.SURVEY and item.occasion == p.kickoff:
            assert item.due < start
            # 10:00 local on a day no earlier than setup, even at UTC+14.
            assert item.due >= datetime.combine(p.setup_date, PROMPT_TIME, UTC) - timedelta(
                hours=14
            )
        elif item.kind is K.CHECKPOINT_PUBLISH and item.occasion == p.timeline.evaluation:
            assert item.due == to_instant(item.occasion, PROMPT_TIME, p.timezone)
        else:
            assert start <= item.due < end, item


@settings(max_examples=60, deadline=None)
@given(programs(same_zone=True))
def test_same_zone_bounds_keys_and_determinism(p: PlanProgram) -> None:
    items = plan(p)
    check_bounds(p, items)
    assert len({i.key for i in items}) == len(items)
    assert plan(p) == items


@settings(max_examples=60, deadline=None)
@given(programs(same_zone=False))
def test_any_zones_bounds_keys_determinism_and_local_wall_time(p: PlanProgram) -> None:
    items = plan(p)
    check_bounds(p, items)
    assert len({i.key for i in items}) == len(items)
    assert plan(p) == items
    for _, one in leaders_of(p):
        zone = ZoneInfo(one.timezone or p.timezone)
        for pre in of(items, K.ONE_ON_ONE_PRE, one.user_id):
            start = (pre.due + ONE_ON_ONE_PRE_LEAD).astimezone(zone)
            # Daytime slots never sit in a DST gap in these zones: exact wall time, always.
            assert (start.date(), start.time()) == (pre.occasion, one.one_on_one_time)
        if one.left_on is not None:
            left_at = to_instant(one.left_on + timedelta(days=1), time(0), zone.key)
            concerned = [i for i in items if one.user_id in (i.about, i.recipient)]
            assert all(i.due < left_at for i in concerned)


@settings(max_examples=60, deadline=None)
@given(programs(same_zone=False))
def test_pre_prompts_expire_before_their_session_and_previews_before_publishing(
    p: PlanProgram,
) -> None:
    items = plan(p)
    sessions = {
        (pod.pod_id, d): to_instant(d, pod.session.at, pod.session_timezone or p.timezone)
        for pod in p.pods
        for d in {i.occasion for i in items if i.kind is K.POD_POST and i.about == pod.pod_id}
    }
    for item in items:
        grace = grace_window(item.kind)
        if item.kind is K.ONE_ON_ONE_PRE:
            assert grace == ONE_ON_ONE_PRE_LEAD
        elif item.kind is K.POD_PRE and (item.about, item.occasion) in sessions:
            assert grace is not None
            assert item.due + grace < sessions[(item.about, item.occasion)]
        elif item.kind is K.CHECKPOINT_PREVIEW:
            publish = to_instant(item.occasion, PROMPT_TIME, p.timezone)
            assert grace is not None
            assert item.due + grace < publish


# --- pauses and leaving ----------------------------------------------------------------------


def test_a_pause_skips_sessions_but_not_measurements() -> None:
    paused = leader(pauses=(Pause(date(2027, 2, 1), date(2027, 2, 14)),))
    p = program(paused, leader("U2"))
    items = plan(p)
    pre_days = {i.occasion for i in of(items, K.ONE_ON_ONE_PRE, "U1")}
    assert date(2027, 1, 25) in pre_days
    assert date(2027, 2, 1) not in pre_days
    assert date(2027, 2, 8) not in pre_days
    assert date(2027, 2, 15) in pre_days
    # The pod meets on the 2nd Tuesday (9 Feb): U1 is on holiday, U2 and the coach are not.
    assert date(2027, 2, 9) not in {i.occasion for i in of(items, K.POD_PRE, "U1")}
    assert date(2027, 2, 9) in {i.occasion for i in of(items, K.POD_PRE, "U2")}
    assert date(2027, 2, 9) in {i.occasion for i in of(items, K.POD_PRE, "C1")}
    assert len(of(items, K.THREE_SIXTY, "U1")) == 2
    skipped = skipped_in_pauses(p)
    assert [(s.kind, s.leader_id, s.occasion) for s in skipped] == [
        (SessionKind.ONE_ON_ONE, "U1", date(2027, 2, 1)),
        (SessionKind.ONE_ON_ONE, "U1", date(2027, 2, 8)),
        (SessionKind.POD, "U1", date(2027, 2, 9)),
    ]
    assert skipped[0].key == "one_on_one:U1:U1:2027-02-01"
    assert skipped[2].key == "pod:P1:U1:2027-02-09"
    assert skipped[0].start == datetime(2027, 2, 1, 14, 0, tzinfo=UTC)


def test_pod_with_everyone_paused_sends_the_coach_nothing() -> None:
    away = (Pause(date(2027, 2, 8), date(2027, 2, 10)),)
    items = plan(program(leader(pauses=away), leader("U2", pauses=away)))
    assert date(2027, 2, 9) not in {i.occasion for i in of(items, K.POD_PRE, "C1")}
    assert len(skipped_in_pauses(program(leader(pauses=away), leader("U2", pauses=away)))) == 4


def test_a_leader_who_left_gets_nothing_after_their_last_day() -> None:
    p = program(
        leader(left_on=date(2027, 3, 10)), leader("U2", manager_id="M2", report_ids=("R3",))
    )
    items = plan(p)
    left_at = datetime(2027, 3, 11, 5, 0, tzinfo=UTC)  # midnight after 10 Mar, EST
    about_u1 = [i for i in items if "U1" in (i.about, i.recipient)]
    assert about_u1
    assert max(i.due for i in about_u1) < left_at
    assert max(i.occasion for i in of(items, K.ONE_ON_ONE_LOG) if i.about == "U1") == date(
        2027, 3, 8
    )
    assert not [i for i in items if i.recipient == "M1"]  # the month-3 360 is after they left
    assert [i.occasion for i in of(items, K.SURVEY, "R1")] == [date(2027, 1, 4)]
    assert len(of(items, K.THREE_SIXTY, "M2")) == 2


# --- rules as functions --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("setup", "kickoff", "expected"),
    [
        (date(2026, 11, 30), date(2027, 1, 4), date(2026, 12, 21)),  # setup week 4
        (date(2026, 12, 14), date(2027, 1, 4), date(2026, 12, 28)),  # a week before kickoff
        (date(2027, 1, 1), date(2027, 1, 4), date(2027, 1, 1)),  # never before setup
    ],
)
def test_baseline_survey_day(setup: date, kickoff: date, expected: date) -> None:
    assert baseline_survey_day(setup, kickoff) == expected


def test_baseline_survey_is_before_kickoff_even_far_west_of_the_program_zone() -> None:
    kiritimati = "Pacific/Kiritimati"  # UTC+14; the report sits in Pago Pago, UTC-11
    p = dataclasses.replace(
        program(leader(timezone=kiritimati, report_ids=("R1",)), timezone=kiritimati),
        setup_date=date(2027, 1, 3),
        person_zones=(("R1", "Pacific/Pago_Pago"),),
    )
    baseline = [i for i in of(plan(p), K.SURVEY, "R1") if i.occasion == p.kickoff]
    # 10:00 in Pago Pago on 3 Jan is 21:00 UTC, after kickoff began in Kiritimati (10:00 UTC).
    assert [i.due for i in baseline] == [datetime(2027, 1, 3, 9, 0, tzinfo=UTC)]
    usual = [i for i in of(plan(program()), K.SURVEY, "R1") if i.occasion == date(2027, 1, 4)]
    assert [i.due for i in usual] == [datetime(2026, 12, 21, 15, 0, tzinfo=UTC)]  # 10:00 EST


@given(
    setup=st.dates(min_value=date(2026, 1, 1), max_value=date(2030, 1, 1)),
    lead=st.integers(1, 120),
)
def test_baseline_survey_is_between_setup_and_kickoff(setup: date, lead: int) -> None:
    kickoff = setup + timedelta(days=lead)
    assert setup <= baseline_survey_day(setup, kickoff) < kickoff


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2027, 4, 5), date(2027, 4, 1)),  # Monday -> Thursday
        (date(2027, 4, 6), date(2027, 4, 2)),  # Tuesday -> Friday
        (date(2027, 4, 7), date(2027, 4, 5)),  # Wednesday -> Monday
        (date(2027, 7, 4), date(2027, 7, 1)),  # Sunday -> Thursday
        (date(2027, 7, 3), date(2027, 7, 1)),  # Saturday -> Thursday
    ],
)
def test_business_days_before(day: date, expected: date) -> None:
    assert business_days_before(day, 2) == expected


def test_longer_programs_get_a_360_per_full_quarter() -> None:
    items = plan(program(months=9))
    # Sun 4 April and Sun 4 July move to the Monday; Mon 4 October stays.
    assert [i.occasion for i in of(items, K.THREE_SIXTY, "U1")] == [
        date(2027, 4, 5),
        date(2027, 7, 5),
        date(2027, 10, 4),
    ]
    assert [i.occasion for i in of(items, K.CHECKPOINT_PUBLISH)] == [
        date(2027, 4, 5),
        date(2027, 10, 4),
    ]


def test_keys_are_stable_when_only_the_time_of_day_moves() -> None:
    early = plan(program(leader(at=time(9, 0))))
    late = plan(program(leader(at=time(11, 0))))
    assert {i.key for i in early} == {i.key for i in late}
    assert "one_on_one_pre:U1:U1:2027-01-11" in {i.key for i in early}
    assert "survey:U1:R1:2027-01-04" in {i.key for i in early}


@pytest.mark.parametrize(
    "build",
    [
        lambda: Pause(date(2027, 2, 2), date(2027, 2, 1)),
        lambda: MonthlySlot(5, 1, time(15)),
        lambda: MonthlySlot(1, 7, time(15)),
        lambda: leader(weekday=7),
        lambda: program(months=5),
        lambda: dataclasses.replace(program(), setup_date=date(2027, 1, 4)),
    ],
)
def test_inputs_are_validated(build: Callable[[], object]) -> None:
    with pytest.raises(ValueError, match=r"\w"):
        build()


def test_unknown_zone_fails_planning_with_the_friendly_error() -> None:
    with pytest.raises(UnknownTimezoneError):
        plan(program(leader(timezone="Mars/Olympus_Mons")))


# --- grace --------------------------------------------------------------------------------


def test_every_kind_has_a_grace_window_and_only_the_public_record_is_never_dropped() -> None:
    never = [kind for kind in AgendaKind if grace_window(kind) is None]
    assert never == [
        K.CHECKPOINT_PUBLISH,
        K.COMMITMENT_POST,
        K.COMMITMENT_COPY,
        K.DEVIATION_POST,
        K.CHECKPOINT_CHART,
        K.DEVIATION_CHANGE,
        K.COMMITMENT_RECORD,
        K.CLOSING_SUMMARY,
        K.CLOSING_SUMMARY_OWNER,
    ]


def test_is_late() -> None:
    due = datetime(2027, 3, 8, 12, 0, tzinfo=UTC)
    assert not is_late(K.ONE_ON_ONE_PRE, due, due + ONE_ON_ONE_PRE_LEAD)
    assert is_late(K.ONE_ON_ONE_PRE, due, due + ONE_ON_ONE_PRE_LEAD + timedelta(seconds=1))
    assert not is_late(K.SURVEY, due, due + timedelta(days=2))
    assert is_late(K.SURVEY, due, due + timedelta(days=4))
    assert not is_late(K.CHECKPOINT_PUBLISH, due, due + timedelta(days=400))
    with pytest.raises(ValueError, match="aware"):
        is_late(K.SURVEY, due, datetime(2027, 3, 9))


# --- re-planning ---------------------------------------------------------------------------


def test_moving_a_slot_replans_only_future_one_on_ones() -> None:
    old = plan(program(leader(), leader("U2", weekday=2)))
    new = plan(program(leader(weekday=1, at=time(10, 0)), leader("U2", weekday=2)))
    now = datetime(2027, 3, 3, 12, 0, tzinfo=UTC)
    to_cancel, to_add = replan_from(old, new, now)
    by_key = {i.key: i for i in old}
    assert to_cancel
    assert {by_key[k].kind for k in to_cancel} == {
        K.ONE_ON_ONE_PRE,
        K.ONE_ON_ONE_POST,
        K.ONE_ON_ONE_LOG,
    }
    assert all(by_key[k].due > now and by_key[k].about == "U1" for k in to_cancel)
    assert {(i.kind, i.about) for i in to_add} == {
        (K.ONE_ON_ONE_PRE, "U1"),
        (K.ONE_ON_ONE_POST, "U1"),
        (K.ONE_ON_ONE_LOG, "U1"),
    }
    assert all(i.due > now and i.occasion.weekday() == 1 for i in to_add)
    assert to_add == sorted(to_add, key=lambda i: (i.due, i.key))


def test_a_new_time_on_the_same_day_updates_in_place() -> None:
    old = plan(program(leader(at=time(9, 0))))
    new = plan(program(leader(at=time(11, 0))))
    now = datetime(2027, 3, 3, 12, 0, tzinfo=UTC)
    to_cancel, to_add = replan_from(old, new, now)
    assert to_cancel == []
    assert to_add
    assert all(i.due > now and i.kind.startswith("one_on_one") for i in to_add)


def test_a_past_row_is_never_rearmed() -> None:
    old = plan(program(leader(at=time(9, 0))))
    new = plan(program(leader(at=time(15, 0))))
    now = datetime(2027, 3, 8, 13, 0, tzinfo=UTC)  # 08:00 EST, after the 07:00 pre-prompt
    _, to_add = replan_from(old, new, now)
    assert "one_on_one_pre:U1:U1:2027-03-08" not in {i.key for i in to_add}
    assert "one_on_one_post:U1:U1:2027-03-08" in {i.key for i in to_add}


def test_replan_refuses_a_naive_now() -> None:
    with pytest.raises(ValueError, match="aware"):
        replan_from([], [], datetime(2027, 3, 3))


@st.composite
def replans(draw: st.DrawFn) -> tuple[PlanProgram, PlanProgram, datetime]:
    before = draw(programs(same_zone=False))
    pod = before.pods[0]
    first = pod.leaders[0]
    changed = dataclasses.replace(
        first,
        one_on_one_weekday=draw(st.integers(0, 6)),
        one_on_one_time=draw(daytime),
        pauses=(
            *first.pauses,
            Pause(before.kickoff + timedelta(days=60), before.kickoff + timedelta(days=70)),
        ),
    )
    after_pod = dataclasses.replace(pod, leaders=(changed, *pod.leaders[1:]))
    after = dataclasses.replace(before, pods=(after_pod, *before.pods[1:]))
    now = to_instant(before.kickoff, time(0), "UTC") + timedelta(hours=draw(st.integers(-48, 4500)))
    return before, after, now


@settings(max_examples=40, deadline=None)
@given(replans())
def test_applying_a_replan_gives_the_new_future_and_keeps_the_past(
    case: tuple[PlanProgram, PlanProgram, datetime],
) -> None:
    before, after, now = case
    old, new = plan(before), plan(after)
    to_cancel, to_add = replan_from(old, new, now)
    stored = {i.key: i for i in old}
    for key in to_cancel:
        del stored[key]
    stored.update((i.key, i) for i in to_add)
    old_past = {i.key: i for i in old if i.due <= now}
    assert {k: i for k, i in stored.items() if k in old_past} == old_past
    future = {i.key: i for i in new if i.due > now and i.key not in old_past}
    assert {k: i for k, i in stored.items() if k not in old_past} == future
    assert all(i.due > now for i in to_add)
    assert replan_from(new, new, now) == ([], [])


# --- scale -----------------------------------------------------------------------------------


def scale_program(n: int) -> PlanProgram:
    zones = ZONES[n % 3 :] + ZONES[: n % 3]
    leaders = tuple(
        leader(
            f"L{j}", timezone=zones[j], weekday=j, manager_id=f"M{j}", report_ids=("R1", "R2", "R3")
        )
        for j in range(4)
    )
    base = program(*leaders, kickoff=date(2027, 1, 4) + timedelta(days=n % 365), timezone=zones[4])
    return dataclasses.replace(base, program_id=f"PR{n}")


def test_zones_are_resolved_once_not_per_item(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[str] = []

    def counting_zone(name: str) -> ZoneInfo:
        built.append(name)
        return ZoneInfo(name)

    localtime.get_zone.cache_clear()
    monkeypatch.setattr(localtime, "ZoneInfo", counting_zone)
    try:
        items = sum(len(plan(scale_program(n))) for n in range(50))
    finally:
        localtime.get_zone.cache_clear()
    assert items > 50 * 400
    assert sorted(built) == sorted(ZONES)  # each zone built once, however many items


@given(st.dates(min_value=date(2026, 1, 1), max_value=date(2035, 1, 1)))
def test_a_checkpoint_survey_is_open_five_days_before_its_round_closes(checkpoint: date) -> None:
    from bot.domain.cadence import PREVIEW_BUSINESS_DAYS, checkpoint_survey_day

    day = checkpoint_survey_day(checkpoint)
    closes = business_days_before(checkpoint, PREVIEW_BUSINESS_DAYS)
    assert day.weekday() < 5
    assert (closes - day).days >= 5
    assert 7 <= (checkpoint - day).days <= 11


@given(programs(same_zone=False))
@settings(max_examples=40, deadline=None)
def test_no_direct_report_is_surveyed_when_no_criterion_uses_emcoachs_survey(
    p: PlanProgram,
) -> None:
    without = plan(dataclasses.replace(p, emcoach_survey=False))
    kinds = Counter(item.kind for item in without)
    assert kinds[AgendaKind.SURVEY] == 0
    # Everything else is planned exactly as with the survey.
    assert [i for i in plan(p) if i.kind is not AgendaKind.SURVEY] == without
