"""Time-of-day sanity: who would meet before 07:00 or after 21:00 their time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from bot.domain.args import MonthlySlot, WeeklySlot
from bot.domain.hours import (
    Participant,
    Zones,
    first_day,
    is_odd,
    leader_warnings,
    next_monthly,
    next_weekly,
    odd_hours,
    pod_warnings,
)

WARSAW, SYDNEY = "Europe/Warsaw", "Australia/Sydney"
FEB = date(2027, 2, 1)  # a Monday; Sydney is ten hours ahead of Warsaw in February


def test_the_waking_day_is_0700_to_2100_inclusive() -> None:
    assert [is_odd(time(h, m)) for h, m in ((6, 59), (7, 0), (21, 0), (21, 1))] == [
        True,
        False,
        False,
        True,
    ]


def test_next_occurrences_are_on_or_after_the_day() -> None:
    assert next_weekly(FEB, weekday=0, at=time(9), zone="UTC") == datetime(
        2027, 2, 1, 9, tzinfo=UTC
    )
    assert next_weekly(FEB, weekday=1, at=time(9), zone="UTC").date() == date(2027, 2, 2)
    # The first Monday of February is the 1st; of March, the 1st too.
    assert next_monthly(date(2027, 2, 2), ordinal=1, weekday=0, at=time(9), zone="UTC").date() == (
        date(2027, 3, 1)
    )


def test_odd_hours_name_each_person_once_in_their_own_time() -> None:
    start = datetime(2027, 2, 2, 13, 0, tzinfo=UTC)  # 14:00 Warsaw, 00:00 Sydney
    people = [Participant("U1", WARSAW), Participant("U2", SYDNEY), Participant("U2", SYDNEY)]
    [hour] = odd_hours(start, people)
    assert (hour.user_id, f"{hour.local:%a %H:%M}") == ("U2", "Wed 00:00")


def test_a_pod_session_and_a_one_on_one_at_night_for_a_sydney_coach() -> None:
    zones = Zones(known={"COACH": SYDNEY}, program=WARSAW, first_day=FEB)
    warnings = pod_warnings(
        zones,
        coach_id="COACH",
        session=MonthlySlot(ordinal=1, weekday=1, time=time(15, 0)),
        leaders=[("LENA", WeeklySlot(weekday=1, time=time(12, 0))), ("LEO", None)],
    )
    assert [(w.leader_id, [h.user_id for h in w.hours]) for w in warnings] == [
        (None, ["COACH"]),
        ("LENA", ["COACH"]),
    ]


def test_a_leader_at_dawn_is_warned_about_themselves() -> None:
    zones = Zones(known={}, program=WARSAW, first_day=FEB)
    slot = WeeklySlot(weekday=1, time=time(6, 30))
    [warning] = leader_warnings(zones, leader_id="LENA", coach_id=None, slot=slot)
    assert [hour.user_id for hour in warning.hours] == ["LENA"]
    assert leader_warnings(zones, leader_id="LENA", coach_id=None, slot=None) == []


def test_slots_are_checked_from_the_kickoff_when_it_is_later() -> None:
    assert first_day(date(2027, 1, 4), FEB) == FEB
    assert first_day(date(2027, 3, 4), FEB) == date(2027, 3, 4)
    assert first_day(date(2027, 3, 4), None) == date(2027, 3, 4)
