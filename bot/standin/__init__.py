"""A local stand-in for Slack's Web API (tests and ``emcoach demo``); see ``server``."""

from bot.standin.faults import Fault, RateLimited, ServerError, SlackError, Timeout
from bot.standin.records import Call, SharedFile, StandInUser
from bot.standin.server import SlackStandIn

__all__ = [
    "Call",
    "Fault",
    "RateLimited",
    "ServerError",
    "SharedFile",
    "SlackError",
    "SlackStandIn",
    "StandInUser",
    "Timeout",
]
