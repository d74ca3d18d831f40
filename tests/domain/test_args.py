from collections.abc import Callable
from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.args import (
    LAST,
    ArgumentError,
    ChannelName,
    ChannelRef,
    MonthlySlot,
    SpecialMention,
    Token,
    UserGroupRef,
    UserName,
    UserRef,
    WeeklySlot,
    Word,
    channels,
    closest_subcommand,
    format_dollars,
    format_minutes,
    parse_date,
    parse_duration_minutes,
    parse_int,
    parse_money,
    parse_monthly_slot,
    parse_time,
    parse_weekday,
    parse_weekday_time,
    split_subcommand,
    tokenize,
    unescape,
    usergroups,
    users,
    words,
)

# A Monday, so weekday arithmetic in the tables is easy to check by eye.
TODAY = date(2027, 1, 4)

slack_ids = st.from_regex(r"[A-Z0-9]{2,11}", fullmatch=True)
# Display names as Slack sends them inside an escape: no markup characters, no leading "@".
names = st.text(
    alphabet=st.characters(blacklist_characters="<>|&@", blacklist_categories=("Cs", "Cc")),
    min_size=1,
    max_size=30,
).filter(lambda name: name.strip() == name and name != "")


def message_of(parse: Callable[[], object]) -> str:
    with pytest.raises(ArgumentError) as caught:
        parse()
    return caught.value.message


# --- tokenize -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("   ", []),
        ("setup", [Word("setup")]),
        (
            "pause <@U123ABC|anna> until 2027-03-01 family leave",
            [
                Word("pause"),
                UserRef("U123ABC", "anna"),
                Word("until"),
                Word("2027-03-01"),
                Word("family"),
                Word("leave"),
            ],
        ),
        (
            "pod add <@U1> <@U2|bob> <!subteam^S0123|@backend>",
            [
                Word("pod"),
                Word("add"),
                UserRef("U1"),
                UserRef("U2", "bob"),
                UserGroupRef("S0123", "backend"),
            ],
        ),
        ("owner add <@W9ENTERPRISE>", [Word("owner"), Word("add"), UserRef("W9ENTERPRISE")]),
        ("setup <#C123|engineering>", [Word("setup"), ChannelRef("C123", "engineering")]),
        ("<#C123>", [ChannelRef("C123")]),
        # Newer clients send an empty label for channels.
        ("<#C123|>", [ChannelRef("C123")]),
        ("<#G0PRIVATE|secret>", [ChannelRef("G0PRIVATE", "secret")]),
        ("<!subteam^S1>", [UserGroupRef("S1")]),
        (
            "<!here> <!channel> <!everyone>",
            [SpecialMention("here"), SpecialMention("channel"), SpecialMention("everyone")],
        ),
        ("<!here|here> <!group>", [SpecialMention("here"), SpecialMention("channel")]),
        ("setup #engineering", [Word("setup"), ChannelName("engineering")]),
        (
            "@anna @here @Channel",
            [UserName("anna"), SpecialMention("here"), SpecialMention("channel")],
        ),
        # Commas between names are separators, not arguments.
        ("<@U1>, <@U2>,<@U3>", [UserRef("U1"), UserRef("U2"), UserRef("U3")]),
        ("@anna, @bob.", [UserName("anna"), UserName("bob")]),
        ("R&amp;D &lt;team&gt;", [Word("R&D"), Word("<team>")]),
        # One pass: an escaped entity stays an entity.
        ("&amp;lt;", [Word("&lt;")]),
        # An escaped "<@U1>" is text the person typed, never a mention.
        ("&lt;@U1&gt;", [Word("<@U1>")]),
        ('note "family leave" done', [Word("note"), Word("family leave"), Word("done")]),
        ("note “family leave” done", [Word("note"), Word("family leave"), Word("done")]),
        ("„Familie“", [Word("Familie")]),
        ('"@anna\'s team"', [Word("@anna's team")]),
        ('"unclosed quote', [Word("unclosed quote")]),
        ('""', [Word("")]),
        ("a<@U1>b", [Word("a"), UserRef("U1"), Word("b")]),
        ("<https://example.com|example.com>", [Word("example.com")]),
        ("<https://example.com>", [Word("https://example.com")]),
        ("<!date^1392734382^{date_short}|Feb 18, 2014>", [Word("Feb 18, 2014")]),
        ("<@lowercase>", [Word("@lowercase")]),
        ("a < b", [Word("a"), Word("<"), Word("b")]),
        ("1,500 $1,500", [Word("1,500"), Word("$1,500")]),
        ("#", [Word("#")]),
        ("@", [Word("@")]),
        ("tabs\tand\nnewlines", [Word("tabs"), Word("and"), Word("newlines")]),
    ],
)
def test_tokenize(text: str, expected: list[Token]) -> None:
    assert tokenize(text) == expected


@given(st.text())
def test_tokenize_never_raises(text: str) -> None:
    assert isinstance(tokenize(text), list)


@given(slack_ids, names, st.sampled_from("UW"))
def test_formatted_user_mentions_round_trip(id_tail: str, name: str, prefix: str) -> None:
    user_id = prefix + id_tail
    assert tokenize(f"pod add <@{user_id}|{name}> x") == [
        Word("pod"),
        Word("add"),
        UserRef(user_id, name),
        Word("x"),
    ]


@given(slack_ids, names)
def test_formatted_channel_and_group_mentions_round_trip(id_tail: str, name: str) -> None:
    assert tokenize(f"<#C{id_tail}|{name}><!subteam^S{id_tail}|@{name}>") == [
        ChannelRef("C" + id_tail, name),
        UserGroupRef("S" + id_tail, name),
    ]


@given(st.lists(st.from_regex(r"[a-z0-9][a-z0-9.\-]{0,15}", fullmatch=True), max_size=8))
def test_plain_words_split_on_whitespace(parts: list[str]) -> None:
    assert words(tokenize("  ".join(parts))) == parts


@pytest.mark.parametrize(
    ("text", "expected"),
    [("&amp;", "&"), ("&lt;&gt;", "<>"), ("&amp;amp;", "&amp;"), ("&copy;", "&copy;"), ("", "")],
)
def test_unescape_only_slacks_three_entities(text: str, expected: str) -> None:
    assert unescape(text) == expected


# --- refs -----------------------------------------------------------------------------------


def test_users_in_order_without_duplicates_and_ignoring_groups() -> None:
    tokens = tokenize("pod add <@U2|bob> <@U1> <!subteam^S1|@be> <@U2> <#C1> words")
    assert users(tokens) == [UserRef("U2", "bob"), UserRef("U1")]
    assert usergroups(tokens) == [UserGroupRef("S1", "be")]
    assert channels(tokens) == [ChannelRef("C1")]
    assert words(tokens) == ["pod", "add", "words"]


def test_usergroups_dedupe() -> None:
    assert usergroups(tokenize("<!subteam^S1> <!subteam^S1|@x> <!subteam^S2>")) == [
        UserGroupRef("S1"),
        UserGroupRef("S2"),
    ]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("<@U1> @anna", "I can't tell who “@anna” is"),
        ("@anna @bob", "“@anna” and “@bob” are"),
        ("@a @b @c", "“@a”, “@b” and “@c” are"),
        ("<@U1> <!here>", "“@here” stands for a whole crowd"),
        ("@channel @everyone", "“@channel” and “@everyone” stand for"),
    ],
)
def test_users_refuse_names_slack_did_not_link(text: str, fragment: str) -> None:
    assert fragment in message_of(lambda: users(tokenize(text)))


def test_unresolved_names_are_escaped_when_echoed() -> None:
    message = message_of(lambda: users([UserName("<!channel>")]))
    assert "<" not in message
    assert "&lt;!channel&gt;" in message


def test_channels_refuse_unlinked_channel_names() -> None:
    message = message_of(lambda: channels(tokenize("setup #engineering")))
    assert message.startswith("I can't find “#engineering”")
    assert "invite me" in message


def test_channels_ignore_users() -> None:
    assert channels(tokenize("<@U1> @anna")) == []


# --- subcommands ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ("", "")),
        ("   ", ("", "")),
        ("Status", ("status", "")),
        ("  POD  add <@U1|Anna>  ", ("pod", "add <@U1|Anna>")),
        ("pause\t<@U1> until  2027-03-01", ("pause", "<@U1> until  2027-03-01")),
    ],
)
def test_split_subcommand(text: str, expected: tuple[str, str]) -> None:
    assert split_subcommand(text) == expected


CHOICES = ["setup", "status", "check", "cost", "pod", "pause", "owner", "help"]


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("stauts", "status"),
        ("STATUS", "status"),
        ("pods", "pod"),
        ("paus", "pause"),
        ("ownr", "owner"),
        ("setpu", "setup"),
        ("xyzzy", None),
        ("", None),
    ],
)
def test_closest_subcommand(word: str, expected: str | None) -> None:
    assert closest_subcommand(word, CHOICES) == expected


@given(st.sampled_from(CHOICES))
def test_closest_subcommand_finds_exact_choice(word: str) -> None:
    assert closest_subcommand(word, iter(CHOICES)) == word


# --- weekdays -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("monday", 0),
        ("Mon", 0),
        ("MONDAYS", 0),
        ("tue", 1),
        ("tues", 1),
        ("Tuesday", 1),
        ("wed", 2),
        ("weds", 2),
        ("thu", 3),
        ("thur", 3),
        ("thurs", 3),
        ("thursdays", 3),
        ("fri", 4),
        ("Saturday", 5),
        ("sun", 6),
        (" sundays, ", 6),
    ],
)
def test_parse_weekday(text: str, expected: int) -> None:
    assert parse_weekday(text) == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("funday", "“funday” isn't a day of the week — use a name like tuesday or tue."),
        ("tuseday", "Did you mean tuesday?"),
        ("", "I need a day of the week here"),
        ("mo", "“mo” isn't a day of the week"),
    ],
)
def test_parse_weekday_refuses(text: str, fragment: str) -> None:
    assert fragment in message_of(lambda: parse_weekday(text))


# --- dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2027-03-01", date(2027, 3, 1)),
        ("2027-3-1", date(2027, 3, 1)),
        ("2027/03/01", date(2027, 3, 1)),
        (" 2028-02-29 ", date(2028, 2, 29)),
        ("today", TODAY),
        ("Today", TODAY),
        ("tomorrow", date(2027, 1, 5)),
        # TODAY is a Monday: "monday" is the next one, a week ahead.
        ("monday", date(2027, 1, 11)),
        ("mon", date(2027, 1, 11)),
        ("tuesday", date(2027, 1, 5)),
        ("next fri", date(2027, 1, 8)),
        ("on sunday", date(2027, 1, 10)),
        ("in 3 days", date(2027, 1, 7)),
        ("in 1 day", date(2027, 1, 5)),
        ("in 0 days", TODAY),
        ("in a week", date(2027, 1, 11)),
        ("in 2 weeks", date(2027, 1, 18)),
        ("in 3 months", date(2027, 4, 4)),
        ("in one month", date(2027, 2, 4)),
        ("1 March 2027", date(2027, 3, 1)),
        ("1st of March 2027", date(2027, 3, 1)),
        ("March 1 2027", date(2027, 3, 1)),
        ("March 1, 2027", date(2027, 3, 1)),
        ("march 1st, 2027.", date(2027, 3, 1)),
        ("Sept 30 2027", date(2027, 9, 30)),
        ("Mar 1", date(2027, 3, 1)),
        ("1 mar", date(2027, 3, 1)),
        # Without a year: the next occurrence on or after today.
        ("jan 4", TODAY),
        ("jan 3", date(2028, 1, 3)),
        ("dec 31", date(2027, 12, 31)),
        ("29 feb", date(2028, 2, 29)),
    ],
)
def test_parse_date(text: str, expected: date) -> None:
    assert parse_date(text, today=TODAY) == expected


def test_bare_29_february_skips_to_a_leap_year() -> None:
    assert parse_date("feb 29", today=date(2028, 3, 1)) == date(2032, 2, 29)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "2027-13-01",
            "“2027-13-01” isn't a date I can read — months go from 01 to 12; use YYYY-MM-DD, "
            "like 2027-03-01.",
        ),
        ("2027-02-30", "“2027-02-30” isn't a real date — February 2027 has 28 days."),
        ("2028-02-30", "“2028-02-30” isn't a real date — February 2028 has 29 days."),
        ("31 April 2027", "“31 April 2027” isn't a real date — April 2027 has 30 days."),
        ("feb 30", "“feb 30” isn't a real date — February has 29 days."),
        ("0 march", "“0 march” isn't a real date — March has 31 days."),
        (
            "03/01/2027",
            "“03/01/2027” reads differently around the world — write it as YYYY-MM-DD, "
            "like 2027-03-01.",
        ),
        ("1.3.2027", "reads differently around the world"),
        ("", "I need a date here — use YYYY-MM-DD, like 2027-03-01."),
        ("soon", "“soon” isn't a date I can read — use YYYY-MM-DD, like 2027-03-01."),
        ("monkey", "“monkey” isn't a date I can read"),
        ("next week", "“next week” isn't a date I can read"),
        ("march", "“march” isn't a date I can read"),
        ("march 1 27", "“march 1 27” isn't a date I can read"),
        ("in 99999 days", "is further ahead than I plan"),
        ("in 121 months", "is further ahead than I plan"),
        ("in 9999999999 days", "“in 9999999999 days” isn't a date I can read"),
        ("0000-01-01", "“0000-01-01” isn't a date I can read"),
    ],
)
def test_parse_date_refuses(text: str, message: str) -> None:
    assert message in message_of(lambda: parse_date(text, today=TODAY))


def test_long_input_is_cut_when_echoed() -> None:
    message = message_of(lambda: parse_date("x" * 500, today=TODAY))
    assert "x" * 39 + "…”" in message
    assert "x" * 40 not in message


def test_date_errors_carry_the_example() -> None:
    with pytest.raises(ArgumentError) as caught:
        parse_date("soon", today=TODAY)
    assert caught.value.example == "2027-03-01"
    assert str(caught.value) == caught.value.message


# Spelled out: strftime("%B") would follow the machine's locale.
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
todays = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))


@given(todays, todays)
def test_iso_dates_round_trip(day: date, today: date) -> None:
    assert parse_date(day.isoformat(), today=today) == day


@given(todays, st.sampled_from(["monday", "tue", "Wednesdays", "thu", "fri", "sat", "sunday"]))
def test_weekday_dates_fall_within_the_next_week(today: date, name: str) -> None:
    day = parse_date(name, today=today)
    assert today < day <= today + timedelta(days=7)
    assert day.weekday() == parse_weekday(name)


@given(todays, st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)))
def test_dates_without_a_year_are_the_next_occurrence(today: date, day: date) -> None:
    text = f"{day.day} {MONTHS[day.month - 1]}"
    parsed = parse_date(text, today=today)
    assert (parsed.month, parsed.day) == (day.month, day.day)
    assert parsed >= today
    if (day.month, day.day) != (2, 29):
        assert parsed < today + timedelta(days=366)


@given(todays, st.integers(0, 3653))
def test_in_n_days(today: date, days: int) -> None:
    assert parse_date(f"in {days} days", today=today) == today + timedelta(days=days)


# --- times ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15:00", time(15, 0)),
        ("9:30", time(9, 30)),
        ("09:30", time(9, 30)),
        ("00:00", time(0, 0)),
        ("23:59", time(23, 59)),
        ("9.30", time(9, 30)),
        ("9am", time(9, 0)),
        ("9 AM", time(9, 0)),
        ("9 a.m.", time(9, 0)),
        ("9:30pm", time(21, 30)),
        ("9:30 p.m.", time(21, 30)),
        ("12am", time(0, 0)),
        ("12:15am", time(0, 15)),
        ("12pm", time(12, 0)),
        ("12:45pm", time(12, 45)),
        ("1pm", time(13, 0)),
        ("15h", time(15, 0)),
        ("15h30", time(15, 30)),
        ("0h", time(0, 0)),
        ("noon", time(12, 0)),
        ("Midday", time(12, 0)),
        ("midnight", time(0, 0)),
    ],
)
def test_parse_time(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "24:00",
            "“24:00” is the end of the day — the clock runs from 00:00 to 23:59; "
            "use 00:00 for midnight.",
        ),
        ("24h", "is the end of the day"),
        ("25:00", "“25:00” isn't a time — hours go from 00 to 23, like 15:00."),
        ("9:60", "“9:60” isn't a time — minutes go from 00 to 59, like 15:30."),
        ("9:75pm", "minutes go from 00 to 59"),
        ("13pm", "“13pm” isn't a time — with pm the hours go from 1 to 12; write 13:00 or 1pm."),
        ("13:30am", "write 13:30 or 1:30pm"),
        ("0am", "write 12am or 00:00 for midnight"),
        ("25pm", "with pm the hours go from 1 to 12, like 3pm."),
        ("9", "“9” needs a little more — write 9am, 9pm or 09:00."),
        ("15", "“15” needs a little more — write 15:00."),
        ("99", "write a time like 15:00 or 3pm"),
        ("", "I need a time of day here, like 15:00 or 3pm."),
        ("9:5", "“9:5” isn't a time I can read — use the 24-hour clock, like 15:00, or 3pm."),
        ("15:00:00", "isn't a time I can read"),
        ("teatime", "isn't a time I can read"),
    ],
)
def test_parse_time_refuses(text: str, message: str) -> None:
    assert message in message_of(lambda: parse_time(text))


@given(st.integers(0, 99), st.integers(0, 99), st.booleans())
def test_parse_time_accepts_exactly_the_clock(hour: int, minute: int, pad: bool) -> None:
    text = f"{hour:02d}:{minute:02d}" if pad else f"{hour}:{minute:02d}"
    if hour < 24 and minute < 60:
        assert parse_time(text) == time(hour, minute)
    else:
        with pytest.raises(ArgumentError):
            parse_time(text)


@given(st.integers(1, 12), st.integers(0, 59), st.sampled_from(["am", "pm"]))
def test_twelve_hour_clock_matches_twenty_four(hour: int, minute: int, half: str) -> None:
    parsed = parse_time(f"{hour}:{minute:02d}{half}")
    assert parsed.minute == minute
    assert parsed.hour % 12 == hour % 12
    assert (parsed.hour >= 12) == (half == "pm")


# --- slots ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tue 15:00", WeeklySlot(1, time(15, 0))),
        ("Tuesdays at 3pm", WeeklySlot(1, time(15, 0))),
        ("every thursday 9:30 am", WeeklySlot(3, time(9, 30))),
        ("on fri, noon", WeeklySlot(4, time(12, 0))),
    ],
)
def test_parse_weekday_time(text: str, expected: WeeklySlot) -> None:
    assert parse_weekday_time(text) == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("tue", "“tue” needs both a day and a time, like “tue 15:00”."),
        ("", "This needs both a day and a time"),
        ("15:00 tue", "“15:00” isn't a day of the week"),
        ("tue 25:00", "hours go from 00 to 23"),
    ],
)
def test_parse_weekday_time_refuses(text: str, fragment: str) -> None:
    assert fragment in message_of(lambda: parse_weekday_time(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("first tuesday 15:00", MonthlySlot(1, 1, time(15, 0))),
        ("1st tue 15:00", MonthlySlot(1, 1, time(15, 0))),
        ("second wed 9am", MonthlySlot(2, 2, time(9, 0))),
        ("2nd wednesday 9am", MonthlySlot(2, 2, time(9, 0))),
        ("third thu 10:30", MonthlySlot(3, 3, time(10, 30))),
        ("3rd thu 10:30", MonthlySlot(3, 3, time(10, 30))),
        ("Fourth Friday 4 pm", MonthlySlot(4, 4, time(16, 0))),
        ("4th fri 16:00", MonthlySlot(4, 4, time(16, 0))),
        ("last friday of the month at 3pm", MonthlySlot(LAST, 4, time(15, 0))),
        ("every first monday at noon", MonthlySlot(1, 0, time(12, 0))),
    ],
)
def test_parse_monthly_slot(text: str, expected: MonthlySlot) -> None:
    assert parse_monthly_slot(text) == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("5th tue 15:00", "“5th” isn't a week of the month I can use"),
        ("fifth tue 15:00", "A fifth week only comes in some months."),
        ("first tuesday", "needs which week, a day and a time, like “first tuesday 15:00”."),
        ("first funday 15:00", "Did you mean sunday?"),
        ("first tue 24:00", "is the end of the day"),
    ],
)
def test_parse_monthly_slot_refuses(text: str, fragment: str) -> None:
    assert fragment in message_of(lambda: parse_monthly_slot(text))


@pytest.mark.parametrize(("ordinal", "weekday"), [(0, 1), (5, 1), (-2, 1), (1, 7), (1, -1)])
def test_monthly_slot_rejects_impossible_values(ordinal: int, weekday: int) -> None:
    with pytest.raises(ValueError, match="must be"):
        MonthlySlot(ordinal, weekday, time(15, 0))


@pytest.mark.parametrize(
    ("slot", "year", "month", "expected"),
    [
        (MonthlySlot(1, 1, time(15, 0)), 2027, 1, date(2027, 1, 5)),
        (MonthlySlot(1, 4, time(15, 0)), 2027, 1, date(2027, 1, 1)),
        (MonthlySlot(4, 4, time(15, 0)), 2027, 1, date(2027, 1, 22)),
        (MonthlySlot(LAST, 4, time(15, 0)), 2027, 1, date(2027, 1, 29)),
        (MonthlySlot(LAST, 0, time(15, 0)), 2027, 2, date(2027, 2, 22)),
        (MonthlySlot(LAST, 1, time(15, 0)), 2028, 2, date(2028, 2, 29)),
    ],
)
def test_monthly_slot_day_in(slot: MonthlySlot, year: int, month: int, expected: date) -> None:
    assert slot.day_in(year, month) == expected


@given(
    st.sampled_from([1, 2, 3, 4, LAST]),
    st.integers(0, 6),
    st.integers(1990, 2100),
    st.integers(1, 12),
)
def test_monthly_slot_day_is_that_weekday_of_that_week(
    ordinal: int, weekday: int, year: int, month: int
) -> None:
    day = MonthlySlot(ordinal, weekday, time(15, 0)).day_in(year, month)
    assert (day.year, day.month, day.weekday()) == (year, month, weekday)
    if ordinal == LAST:
        assert (day + timedelta(days=7)).month != month
    else:
        assert (day.day - 1) // 7 + 1 == ordinal


# --- durations ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("45", 45),
        ("45m", 45),
        ("45 min", 45),
        ("45 mins", 45),
        ("45 minutes", 45),
        ("90 min", 90),
        ("1h", 60),
        ("1 hour", 60),
        ("2 hours", 120),
        ("1h30", 90),
        ("1h30m", 90),
        ("1 h 30 min", 90),
        ("1 hour 30 minutes", 90),
        ("1.5h", 90),
        ("1.25 hrs", 75),
        ("4h", 240),
        ("5", 5),
    ],
)
def test_parse_duration_minutes(text: str, expected: int) -> None:
    assert parse_duration_minutes(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("500", "“500” is too long here — use between 5 min and 4 h, like 45 min."),
        ("4", "“4” is too short here — use between 5 min and 4 h, like 45 min."),
        ("0", "is too short here"),
        ("1.01h", "“1.01h” isn't a whole number of minutes"),
        ("1.5", "“1.5” isn't a length I can read"),
        ("an hour", "isn't a length I can read — write minutes or hours, like 45 min, 90 min"),
        ("h", "isn't a length I can read"),
        ("", "I need a length here"),
        ("-45", "isn't a length I can read"),
    ],
)
def test_parse_duration_minutes_refuses(text: str, message: str) -> None:
    assert message in message_of(lambda: parse_duration_minutes(text))


def test_duration_bounds_and_example_follow_the_caller() -> None:
    assert parse_duration_minutes("8h", maximum=600) == 480
    message = message_of(lambda: parse_duration_minutes("30", minimum=60, maximum=120))
    assert message == "“30” is too short here — use between 1 h and 2 h, like 1 h."


@given(st.integers(0, 4), st.integers(0, 59))
def test_hours_and_minutes_add_up(hours: int, minutes: int) -> None:
    total = hours * 60 + minutes
    text = f"{hours}h{minutes:02d}"
    if 5 <= total <= 240:
        assert parse_duration_minutes(text) == total
    else:
        with pytest.raises(ArgumentError):
            parse_duration_minutes(text)


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [(0, "0 min"), (45, "45 min"), (60, "1 h"), (90, "1 h 30 min"), (240, "4 h")],
)
def test_format_minutes(minutes: int, expected: str) -> None:
    assert format_minutes(minutes) == expected


# --- numbers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("6", 6), (" 12 ", 12), ("+7", 7), ("24", 24), ("1,000", 1000)],
)
def test_parse_int(text: str, expected: int) -> None:
    assert parse_int(text, name="months", minimum=6, maximum=1000) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("5", "“5” is too low for months — use a whole number from 6 to 24."),
        ("25", "“25” is too high for months — use a whole number from 6 to 24."),
        (
            "six",
            "“six” isn't a whole number — for months, use a whole number from 6 to 24, like 6.",
        ),
        ("6.5", "isn't a whole number"),
        ("1,00", "isn't a whole number"),
        ("9" * 40, "isn't a whole number"),
        ("", "I need a number for months here — use a whole number from 6 to 24."),
    ],
)
def test_parse_int_refuses(text: str, message: str) -> None:
    assert message in message_of(lambda: parse_int(text, name="months", minimum=6, maximum=24))


@given(st.integers(-10_000, 10_000), st.integers(-100, 100), st.integers(0, 200))
def test_parse_int_accepts_exactly_the_range(value: int, minimum: int, span: int) -> None:
    maximum = minimum + span
    if minimum <= value <= maximum:
        assert parse_int(str(value), name="n", minimum=minimum, maximum=maximum) == value
    else:
        with pytest.raises(ArgumentError):
            parse_int(str(value), name="n", minimum=minimum, maximum=maximum)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$1,500", Decimal(1500)),
        ("1500", Decimal(1500)),
        ("1.5k", Decimal(1500)),
        ("1.5K", Decimal(1500)),
        ("$2,500.50", Decimal("2500.50")),
        ("$2M", Decimal(2_000_000)),
        ("0", Decimal(0)),
        ("$0", Decimal(0)),
        ("900 USD", Decimal(900)),
        ("usd 900", Decimal(900)),
        ("900 dollars", Decimal(900)),
        ("US$900", Decimal(900)),
        ("900$", Decimal(900)),
        ("$ 1 500", Decimal(1500)),
        ("1.2345k", Decimal("1234.50")),
        ("$10,000,000", Decimal(10_000_000)),
    ],
)
def test_parse_money(text: str, expected: Decimal) -> None:
    parsed = parse_money(text)
    assert parsed == expected
    assert parsed.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "€500",
            "“€500” isn't in dollars — I count costs in US dollars; write the amount like $1,500.",
        ),
        ("500 EUR", "isn't in dollars"),
        ("£1k", "isn't in dollars"),
        ("-500", "“-500” is below zero — write a cost as a positive amount, like $1,500."),
        ("$-500", "is below zero"),
        ("1.555", "“1.555” goes below a cent — use at most two decimals, like $1,500.50."),
        ("1.000001k", "goes below a cent"),
        ("$20m", "“$20m” is more than I'd expect here — keep it at or under $10,000,000."),
        ("lots", "“lots” isn't an amount I can read — write dollars like $1,500, 1500 or 1.5k."),
        ("1,5k", "isn't an amount I can read"),
        ("15,00", "isn't an amount I can read"),
        ("$", "isn't an amount I can read"),
        ("", "I need an amount in dollars here, like $1,500."),
    ],
)
def test_parse_money_refuses(text: str, message: str) -> None:
    assert message in message_of(lambda: parse_money(text))


def test_money_maximum_follows_the_caller() -> None:
    assert parse_money("$400k", maximum=Decimal(400_000)) == Decimal(400_000)
    message = message_of(lambda: parse_money("$3,600", maximum=Decimal("3500.50")))
    assert "keep it at or under $3,500.50" in message


@given(st.integers(0, 10_000_000))
def test_formatted_dollars_round_trip(amount: int) -> None:
    assert parse_money(f"${amount:,}") == amount
    assert parse_money(str(amount)) == amount
    assert parse_money(format_dollars(Decimal(amount))) == amount


@given(st.decimals(min_value=0, max_value=10_000_000, places=2))
def test_cents_round_trip(amount: Decimal) -> None:
    assert parse_money(format_dollars(amount)) == amount


# --- every parser ---------------------------------------------------------------------------

PARSERS: list[Callable[[str], object]] = [
    lambda text: parse_date(text, today=TODAY),
    parse_weekday,
    parse_time,
    parse_weekday_time,
    parse_monthly_slot,
    parse_duration_minutes,
    lambda text: parse_int(text, name="months", minimum=6, maximum=24),
    parse_money,
]


def error_from(parse: Callable[[str], object], text: str) -> ArgumentError | None:
    try:
        parse(text)
    except ArgumentError as error:
        return error
    return None


@given(st.sampled_from(PARSERS), st.text(max_size=60))
def test_parsers_return_or_raise_a_safe_sentence(parse: Callable[[str], object], text: str) -> None:
    # Anything but ArgumentError escapes and fails the test.
    error = error_from(parse, text)
    if error is not None:
        # Echoed input is escaped, so an error can never ping @channel or fake a mention.
        assert "<" not in error.message
        assert error.message[-1] in ".?"
        assert error.example


@pytest.mark.parametrize("parse", PARSERS)
def test_parsers_escape_markup_they_echo(parse: Callable[[str], object]) -> None:
    message = message_of(lambda: parse("<!channel> x y z"))
    assert "<!channel>" not in message
