"""A whole simulated world for a scenario: its own SQLite database, Slack stand-in and app,
all on one simulated clock (the demo's START unless given)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path

from bot.clock import FixedClock
from bot.sim.demo.harness import START, TEAM_ID, LiveApp, live_app
from bot.sim.standin import SlackStandIn, StandInUser
from tests.support.databases import SQLITE_FILE, backend_engine


@contextmanager
def simulated_world(
    people: Sequence[StandInUser],
    *,
    clock: FixedClock | None = None,
    database: Path | None = None,
    slack_timeout: float | None = None,
) -> Iterator[LiveApp]:
    """``database``: a copy of that SQLite file instead of a fresh migrated one.
    ``slack_timeout``: seconds the app's Slack clients wait (live_app's)."""
    clock = clock or FixedClock(START)
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        if database is None:
            # A copy of the schema migrated once per run (tests/support/databases.py).
            engine = stack.enter_context(backend_engine("sqlite", folder, migrated=True))
        else:
            shutil.copyfile(database, folder / SQLITE_FILE)
            engine = stack.enter_context(backend_engine("sqlite", folder))
        slack = stack.enter_context(SlackStandIn(team_id=TEAM_ID, users=people, clock=clock))
        yield stack.enter_context(live_app(slack, engine, clock=clock, slack_timeout=slack_timeout))
