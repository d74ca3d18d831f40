from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from bot.sim.standin import SlackStandIn, StandInUser
from tests.support.blockkit import MESSAGE_METHODS, VIEW_METHODS, assert_valid_payload
from tests.support.databases import backend_engine
from tests.support.live import TEAM_ID, LiveApp, live_app

PEOPLE = [
    StandInUser(id="U0OWNER", name="olga", real_name="Olga Owner", tz="Europe/Warsaw"),
    StandInUser(id="U0CFO", name="carl", real_name="Carl CFO", tz="America/New_York"),
    StandInUser(id="U0COACH", name="cora", real_name="Cora Coach", tz="Europe/London"),
    StandInUser(id="U0LEAD1", name="lena", real_name="Lena Lead", tz="Europe/Warsaw"),
    StandInUser(id="U0LEAD2", name="leo", real_name="Leo Lead", tz="Australia/Sydney"),
    StandInUser(id="U0STRANGER", name="sam", real_name="Sam Stranger", tz="UTC"),
]


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    with SlackStandIn(team_id=TEAM_ID, users=PEOPLE) as standin:
        yield standin


@pytest.fixture
def scenario_engine(tmp_path: Path) -> Iterator[Engine]:
    """Scenarios run on SQLite (a copy of the schema migrated once per run); storage and
    concurrency tests cover Postgres."""
    with backend_engine("sqlite", tmp_path, migrated=True) as engine:
        yield engine


@pytest.fixture
def live(slack: SlackStandIn, scenario_engine: Engine) -> Iterator[LiveApp]:
    with live_app(slack, scenario_engine) as app:
        yield app
    assert_all_block_kit_valid(app)


def assert_all_block_kit_valid(app: LiveApp) -> None:
    """Every view and message of the scenario, whichever way it went out, is valid Block Kit."""
    for call in app.slack.calls:
        if call.method in VIEW_METHODS | MESSAGE_METHODS:
            assert_valid_payload(call.args)
    for body in app.slack.responses():
        assert_valid_payload(body)
    for result in app.sender.results:
        if result.status == 200 and result.body.startswith("{"):
            assert_valid_payload(result.json())
