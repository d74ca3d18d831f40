"""The cadence engine driven by hand in scenario tests: one dispatch tick at a chosen time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.engine.dispatch import Dispatcher, TickReport
from bot.engine.planning import replan_program
from bot.engine.render import render
from tests.support.live import LiveApp
from tests.support.programs import make_program


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


def planned_program(live: LiveApp, **spec: Any) -> int:
    """A program put straight into the database (``make_program``'s ``spec``) and planned as
    commit plans it: its agenda rows, with everyone's zone from the stand-in."""
    program_id = make_program(live.services.engine, **spec)
    replan_program(
        live.services.engine, live.services.client, program_id=program_id, now=live.clock.now()
    )
    return program_id
