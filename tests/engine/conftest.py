from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from bot.clock import FixedClock
from bot.sim.standin import SlackStandIn, StandInUser

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)

PEOPLE = [
    StandInUser(id="U0OWNER", name="olga", real_name="Olga Owner", tz="Europe/Warsaw"),
    StandInUser(id="U0CFO", name="carl", real_name="Carl CFO", tz="America/New_York"),
    StandInUser(id="U0COACH", name="cora", real_name="Cora Coach", tz="Europe/London"),
    StandInUser(id="U0LEAD1", name="lena", real_name="Lena Lead", tz="Europe/Warsaw"),
    StandInUser(id="U0LEAD2", name="leo", real_name="Leo Lead", tz="Australia/Sydney"),
    StandInUser(id="U0MGR", name="max", real_name="Max Manager", tz="Europe/Warsaw"),
    StandInUser(id="U0REP1", name="rita", real_name="Rita Report", tz="Europe/Warsaw"),
    StandInUser(id="U0REP2", name="rob", real_name="Rob Report", tz="Europe/Warsaw"),
    StandInUser(id="U0REP3", name="ria", real_name="Ria Report", tz="Europe/Warsaw"),
    StandInUser(id="U0GONE", name="gone", real_name="Gone User", tz="UTC", deleted=True),
]


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def slack(clock: FixedClock) -> Iterator[SlackStandIn]:
    """The stand-in stamps message ts with the same clock, as Slack and the engine share time."""
    with SlackStandIn(users=PEOPLE, clock=clock) as standin:
        yield standin
