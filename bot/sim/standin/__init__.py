"""A local stand-in for Slack's Web API (tests and ``emcoach demo``); see ``server``."""

from bot.sim.standin.faults import Fault, RateLimited, ServerError, SlackError, Timeout
from bot.sim.standin.records import Call, SharedFile, StandInUser
from bot.sim.standin.server import SlackStandIn

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
