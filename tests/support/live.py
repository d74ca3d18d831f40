"""The live app for scenario tests is the demo's harness: one way to run the real app locally."""

from bot.sim.demo.harness import (
    SIGNING_SECRET,
    START,
    TEAM_ID,
    LiveApp,
    live_app,
    serve,
    standin_settings,
)

__all__ = ["SIGNING_SECRET", "START", "TEAM_ID", "LiveApp", "live_app", "serve", "standin_settings"]
