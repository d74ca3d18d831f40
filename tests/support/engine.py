"""The cadence engine driven by hand in scenario tests: one dispatch tick at a chosen time."""

from __future__ import annotations

from datetime import datetime

from bot.engine.dispatch import Dispatcher, TickReport
from bot.engine.render import render
from tests.support.live import LiveApp


def deliver_at(live: LiveApp, at: datetime | None = None) -> TickReport:
    """The engine's dispatch tick at ``at`` (default: now): what is due goes out, prompts
    older than their grace window are missed."""
    if at is not None:
        live.clock.set(at)
    return Dispatcher(
        engine=live.services.engine,
        client=live.services.client,
        clock=live.clock,
        render=render,
        worker="test-clock",
    ).tick()
