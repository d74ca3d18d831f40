"""Arguments of ``/emcoach`` subcommands: Slack's escaped text in, typed values out.

Pure: no Slack SDK, no clock. Every parser returns a value or raises ``ArgumentError`` whose
message is a sentence a handler can show the person as it is.
"""

from bot.domain.args.commands import closest_subcommand, split_subcommand
from bot.domain.args.dates import DATE_EXAMPLE, parse_date
from bot.domain.args.durations import format_minutes, parse_duration_minutes
from bot.domain.args.errors import ArgumentError, escape_mrkdwn
from bot.domain.args.limits import COMMAND_TEXT_MAX, INPUT_TEXT_MAX, check_text
from bot.domain.args.numbers import MONEY_EXAMPLE, format_dollars, parse_int, parse_money
from bot.domain.args.refs import channels, usergroups, users, words
from bot.domain.args.slots import (
    MONTHLY_SLOT_EXAMPLE,
    WEEKLY_SLOT_EXAMPLE,
    MonthlySlot,
    WeeklySlot,
    parse_monthly_slot,
    parse_weekday_time,
)
from bot.domain.args.times import TIME_EXAMPLE, parse_time
from bot.domain.args.tokens import (
    ChannelName,
    ChannelRef,
    SpecialMention,
    Token,
    UserGroupRef,
    UserName,
    UserRef,
    Word,
    tokenize,
    unescape,
)
from bot.domain.args.weekdays import WEEKDAY_EXAMPLE, parse_weekday
from bot.domain.localtime import LAST

__all__ = [
    "COMMAND_TEXT_MAX",
    "DATE_EXAMPLE",
    "INPUT_TEXT_MAX",
    "LAST",
    "MONEY_EXAMPLE",
    "MONTHLY_SLOT_EXAMPLE",
    "TIME_EXAMPLE",
    "WEEKDAY_EXAMPLE",
    "WEEKLY_SLOT_EXAMPLE",
    "ArgumentError",
    "ChannelName",
    "ChannelRef",
    "MonthlySlot",
    "SpecialMention",
    "Token",
    "UserGroupRef",
    "UserName",
    "UserRef",
    "WeeklySlot",
    "Word",
    "channels",
    "check_text",
    "closest_subcommand",
    "escape_mrkdwn",
    "format_dollars",
    "format_minutes",
    "parse_date",
    "parse_duration_minutes",
    "parse_int",
    "parse_money",
    "parse_monthly_slot",
    "parse_time",
    "parse_weekday",
    "parse_weekday_time",
    "split_subcommand",
    "tokenize",
    "unescape",
    "usergroups",
    "users",
    "words",
]
