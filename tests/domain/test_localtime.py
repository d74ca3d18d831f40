from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.localtime import (
    LAST,
    UnknownTimezoneError,
    format_local,
    get_zone,
    local_date,
    nth_weekday_of_month,
    to_instant,
)

DST_ZONES = [
    "America/New_York",
    "Europe/Warsaw",
    "Australia/Sydney",
    "Pacific/Chatham",
    "Asia/Kolkata",
    "UTC",
]


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "wall", "zone", "expected"),
    [
        # New York, spring forward 2027-03-14 02:00 EST -> 03:00 EDT.
        (date(2027, 3, 13), time(9, 0), "America/New_York", utc(2027, 3, 13, 14, 0)),
        (date(2027, 3, 14), time(1, 59), "America/New_York", utc(2027, 3, 14, 6, 59)),
        (date(2027, 3, 14), time(2, 0), "America/New_York", utc(2027, 3, 14, 7, 0)),
        (date(2027, 3, 14), time(2, 30), "America/New_York", utc(2027, 3, 14, 7, 30)),
        (date(2027, 3, 14), time(3, 30), "America/New_York", utc(2027, 3, 14, 7, 30)),
        (date(2027, 3, 15), time(9, 0), "America/New_York", utc(2027, 3, 15, 13, 0)),
        # New York, fall back 2027-11-07 02:00 EDT -> 01:00 EST: 01:30 happens twice.
        (date(2027, 11, 7), time(1, 30), "America/New_York", utc(2027, 11, 7, 5, 30)),
        (date(2027, 11, 7), time(2, 30), "America/New_York", utc(2027, 11, 7, 7, 30)),
        # Warsaw, spring forward 2027-03-28 02:00 CET -> 03:00 CEST.
        (date(2027, 3, 28), time(2, 30), "Europe/Warsaw", utc(2027, 3, 28, 1, 30)),
        (date(2027, 3, 28), time(9, 0), "Europe/Warsaw", utc(2027, 3, 28, 7, 0)),
        # Warsaw, fall back 2027-10-31 03:00 CEST -> 02:00 CET: 02:30 happens twice.
        (date(2027, 10, 31), time(2, 30), "Europe/Warsaw", utc(2027, 10, 31, 0, 30)),
        (date(2027, 10, 31), time(3, 0), "Europe/Warsaw", utc(2027, 10, 31, 2, 0)),
        # Sydney (southern hemisphere): DST starts 2027-10-03 02:00 AEST -> 03:00 AEDT ...
        (date(2027, 10, 3), time(2, 30), "Australia/Sydney", utc(2027, 10, 2, 16, 30)),
        (date(2027, 10, 4), time(9, 0), "Australia/Sydney", utc(2027, 10, 3, 22, 0)),
        # ... and ends 2027-04-04 03:00 AEDT -> 02:00 AEST: 02:30 happens twice.
        (date(2027, 4, 4), time(2, 30), "Australia/Sydney", utc(2027, 4, 3, 15, 30)),
        (date(2027, 4, 5), time(9, 0), "Australia/Sydney", utc(2027, 4, 4, 23, 0)),
        # No DST at all.
        (date(2027, 3, 14), time(9, 0), "Asia/Kolkata", utc(2027, 3, 14, 3, 30)),
        (date(2027, 10, 31), time(9, 0), "Asia/Kolkata", utc(2027, 10, 31, 3, 30)),
        (date(2027, 3, 14), time(2, 30), "UTC", utc(2027, 3, 14, 2, 30)),
        # Chatham: +12:45 / +13:45, switching at 02:45 local standard time.
        (date(2027, 9, 26), time(2, 44), "Pacific/Chatham", utc(2027, 9, 25, 13, 59)),
        (date(2027, 9, 26), time(2, 45), "Pacific/Chatham", utc(2027, 9, 25, 14, 0)),
        (date(2027, 9, 26), time(3, 0), "Pacific/Chatham", utc(2027, 9, 25, 14, 15)),
        (date(2027, 9, 26), time(3, 45), "Pacific/Chatham", utc(2027, 9, 25, 14, 0)),
        (date(2027, 4, 4), time(2, 45), "Pacific/Chatham", utc(2027, 4, 3, 13, 0)),
        (date(2027, 4, 4), time(3, 0), "Pacific/Chatham", utc(2027, 4, 3, 13, 15)),
        (date(2027, 4, 4), time(3, 45), "Pacific/Chatham", utc(2027, 4, 3, 15, 0)),
    ],
)
def test_to_instant_exact_utc(day: date, wall: time, zone: str, expected: datetime) -> None:
    instant = to_instant(day, wall, zone)
    assert instant == expected
    assert instant.tzinfo is UTC


def test_gap_moves_forward_by_the_gap_length() -> None:
    instant = to_instant(date(2027, 3, 14), time(2, 30), "America/New_York")
    assert format_local(instant, "America/New_York") == "Sun 14 Mar, 03:30 EDT"


def test_repeated_wall_time_is_its_first_occurrence_even_when_asked_for_the_second() -> None:
    second = time(1, 30, fold=1)
    instant = to_instant(date(2027, 11, 7), second, "America/New_York")
    assert format_local(instant, "America/New_York") == "Sun 7 Nov, 01:30 EDT"


@settings(max_examples=300)
@given(
    day=st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)),
    wall=st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 44, 45, 59])),
    zone=st.sampled_from(DST_ZONES),
)
def test_dst_policy_never_skips_and_never_repeats(day: date, wall: time, zone: str) -> None:
    tz = ZoneInfo(zone)
    instant = to_instant(day, wall, zone)
    shown = instant.astimezone(tz).replace(tzinfo=None)
    asked = datetime.combine(day, wall)
    earlier = datetime.combine(day, wall, tzinfo=tz)
    later = earlier.replace(fold=1)
    if shown == asked:
        # The wall time exists: the first of (at most) two occurrences.
        assert instant == min(earlier.astimezone(UTC), later.astimezone(UTC))
    else:
        # In a gap: moved forward by exactly the gap's length, never backwards.
        gap = later.utcoffset() - earlier.utcoffset()  # type: ignore[operator]
        assert gap > timedelta(0)
        assert shown == asked + gap


def test_to_instant_refuses_an_aware_wall_time() -> None:
    with pytest.raises(ValueError, match="naive"):
        to_instant(date(2027, 1, 4), time(9, 0, tzinfo=UTC), "Europe/Warsaw")


@pytest.mark.parametrize(
    "name", ["Mars/Olympus_Mons", "", "europe/warsaw", "Europe", "../etc/passwd", "/etc/localtime"]
)
def test_unknown_zone_is_a_friendly_value_error(name: str) -> None:
    with pytest.raises(UnknownTimezoneError, match="IANA") as caught:
        to_instant(date(2027, 1, 4), time(9, 0), name)
    assert isinstance(caught.value, ValueError)
    assert caught.value.name == name


def test_get_zone_is_cached() -> None:
    get_zone("Europe/Warsaw")
    hits = get_zone.cache_info().hits
    assert get_zone("Europe/Warsaw") is get_zone("Europe/Warsaw")
    assert get_zone.cache_info().hits == hits + 2


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("Europe/Warsaw", date(2027, 1, 5)),
        ("America/New_York", date(2027, 1, 4)),
        ("Asia/Kolkata", date(2027, 1, 5)),
        ("Pacific/Chatham", date(2027, 1, 5)),
        ("UTC", date(2027, 1, 4)),
    ],
)
def test_local_date(zone: str, expected: date) -> None:
    assert local_date(utc(2027, 1, 4, 23, 30), zone) == expected


@pytest.mark.parametrize(
    ("instant", "zone", "expected"),
    [
        (utc(2026, 3, 3, 14, 0), "Europe/Warsaw", "Tue 3 Mar, 15:00 CET"),
        (utc(2027, 7, 14, 7, 5), "Europe/Warsaw", "Wed 14 Jul, 09:05 CEST"),
        (utc(2027, 3, 15, 13, 0), "America/New_York", "Mon 15 Mar, 09:00 EDT"),
        (utc(2027, 1, 4, 3, 30), "Asia/Kolkata", "Mon 4 Jan, 09:00 IST"),
        (utc(2027, 1, 3, 20, 15), "Pacific/Chatham", "Mon 4 Jan, 10:00 +1345"),
        (utc(2027, 12, 31, 23, 59), "UTC", "Fri 31 Dec, 23:59 UTC"),
    ],
)
def test_format_local(instant: datetime, zone: str, expected: str) -> None:
    assert format_local(instant, zone) == expected


def test_local_helpers_refuse_naive_instants() -> None:
    with pytest.raises(ValueError, match="aware"):
        local_date(datetime(2027, 1, 4, 9, 0), "UTC")
    with pytest.raises(ValueError, match="aware"):
        format_local(datetime(2027, 1, 4, 9, 0), "UTC")


@pytest.mark.parametrize(
    ("year", "month", "ordinal", "weekday", "expected"),
    [
        (2027, 1, 1, 0, date(2027, 1, 4)),
        (2027, 3, 2, 1, date(2027, 3, 9)),
        (2027, 3, 1, 0, date(2027, 3, 1)),
        (2027, 4, 4, 4, date(2027, 4, 23)),
        (2027, 2, LAST, 6, date(2027, 2, 28)),
        (2027, 12, LAST, 4, date(2027, 12, 31)),
        (2028, 2, LAST, 1, date(2028, 2, 29)),
    ],
)
def test_nth_weekday_of_month(
    year: int, month: int, ordinal: int, weekday: int, expected: date
) -> None:
    assert nth_weekday_of_month(year, month, ordinal, weekday) == expected


@given(
    year=st.integers(1990, 2100),
    month=st.integers(1, 12),
    ordinal=st.sampled_from([1, 2, 3, 4, LAST]),
    weekday=st.integers(0, 6),
)
def test_nth_weekday_is_that_weekday_in_that_position(
    year: int, month: int, ordinal: int, weekday: int
) -> None:
    day = nth_weekday_of_month(year, month, ordinal, weekday)
    assert (day.year, day.month, day.weekday()) == (year, month, weekday)
    if ordinal == LAST:
        assert (day + timedelta(days=7)).month != month
    else:
        assert (day.day - 1) // 7 == ordinal - 1


@pytest.mark.parametrize(("ordinal", "weekday"), [(0, 0), (5, 0), (-2, 0), (1, 7), (1, -1)])
def test_nth_weekday_refuses_bad_arguments(ordinal: int, weekday: int) -> None:
    with pytest.raises(ValueError, match="must be"):
        nth_weekday_of_month(2027, 1, ordinal, weekday)
