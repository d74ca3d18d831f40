"""The live app for scenario tests is the demo's harness: one way to run the real app locally."""

from __future__ import annotations

from bot.sim.demo.harness import (
    SIGNING_SECRET,
    START,
    TEAM_ID,
    LiveApp,
    live_app,
    serve,
    standin_settings,
)

__all__ = [
    "SIGNING_SECRET",
    "START",
    "TEAM_ID",
    "LiveApp",
    "failed_dms",
    "live_app",
    "serve",
    "standin_settings",
]


def failed_dms(live: LiveApp) -> list[str]:
    """Whom a chat.postMessage went to that Slack answered with an injected fault (an error,
    or no answer in time), in order."""
    return [
        str(call.args["channel"])
        for call in live.slack.calls_to("chat.postMessage")
        if call.fault is not None
    ]
