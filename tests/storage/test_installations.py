"""slack_sdk's installation and state stores on the tables migration 0015 creates, on SQLite and
Postgres: what Bolt's OAuth flow and authorize call, and emcoach's own lookup by team."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from slack_sdk.oauth.installation_store import Installation
from sqlalchemy.engine import Engine

from storage.installations import installation_store, latest_bot, state_store

CLIENT_ID = "1111.2222"


def _installation(
    team_id: str, token: str, *, at: datetime, enterprise_id: str | None = None
) -> Installation:
    return Installation(
        app_id="A0EMCOACH",
        enterprise_id=enterprise_id,
        team_id=team_id,
        team_name=f"Team {team_id}",
        bot_token=token,
        bot_id="B0BOT",
        bot_user_id="U0BOT",
        bot_scopes="commands,chat:write",
        user_id="U0INSTALLER",
        installed_at=at.timestamp(),
    )


def test_an_installation_is_saved_and_found_as_bolt_finds_it(engine: Engine) -> None:
    store = installation_store(engine, client_id=CLIENT_ID)
    first = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
    store.save(_installation("T0001", "xoxb-old", at=first))
    store.save(_installation("T0001", "xoxb-new", at=first + timedelta(days=1)))
    store.save(_installation("T0002", "xoxb-other", at=first))
    found = store.find_installation(enterprise_id=None, team_id="T0001")
    assert found is not None and found.bot_token == "xoxb-new"
    bot = store.find_bot(enterprise_id=None, team_id="T0001")
    assert bot is not None and bot.bot_token == "xoxb-new"
    assert store.find_bot(enterprise_id=None, team_id="T0003") is None
    other_app = installation_store(engine, client_id="9999.0000")
    assert other_app.find_bot(enterprise_id=None, team_id="T0001") is None


def test_the_clock_finds_a_workspaces_newest_token_whatever_its_organisation(
    engine: Engine,
) -> None:
    store = installation_store(engine, client_id=CLIENT_ID)
    at = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
    store.save(_installation("T0001", "xoxb-grid", at=at, enterprise_id="E0001"))
    store.save(_installation("T0002", "xoxb-plain", at=at))
    grid = latest_bot(engine, client_id=CLIENT_ID, team_id="T0001")
    assert grid is not None and grid.bot_token == "xoxb-grid"
    plain = latest_bot(engine, client_id=CLIENT_ID, team_id="T0002")
    assert plain is not None and plain.bot_token == "xoxb-plain"
    assert latest_bot(engine, client_id=CLIENT_ID, team_id="T0009") is None
    assert latest_bot(engine, client_id="9999.0000", team_id="T0002") is None
    store.delete_bot(enterprise_id=None, team_id="T0002")
    assert latest_bot(engine, client_id=CLIENT_ID, team_id="T0002") is None


def test_a_state_is_used_once(engine: Engine) -> None:
    states = state_store(engine, expiration_seconds=600)
    state = states.issue()
    assert states.consume(state) is True
    assert states.consume(state) is False
    assert states.consume("never-issued") is False
    expired = state_store(engine, expiration_seconds=-1).issue()
    assert states.consume(expired) is False
