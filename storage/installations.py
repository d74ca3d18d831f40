"""Slack's OAuth installations and states, in emcoach's own database.

The tables are slack_sdk's (``SQLAlchemyInstallationStore`` and ``SQLAlchemyOAuthStateStore``
read and write them), built here by slack_sdk's own table builders on a metadata of their own:
migration 0015 creates them, the drift test compares them, and they stay out of
``SQLModel.metadata`` (they are not emcoach's models, and a workspace purge keeps its tokens:
an uninstall deletes them, handlers/uninstall.py).
"""

from __future__ import annotations

from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import MetaData, Table, desc, select
from sqlalchemy.engine import Engine

BOTS_TABLE = SQLAlchemyInstallationStore.default_bots_table_name
INSTALLATIONS_TABLE = SQLAlchemyInstallationStore.default_installations_table_name
STATES_TABLE = SQLAlchemyOAuthStateStore.default_table_name

OAUTH_METADATA = MetaData()
BOTS: Table = SQLAlchemyInstallationStore.build_bots_table(OAUTH_METADATA, BOTS_TABLE)
INSTALLATIONS: Table = SQLAlchemyInstallationStore.build_installations_table(
    OAUTH_METADATA, INSTALLATIONS_TABLE
)
STATES: Table = SQLAlchemyOAuthStateStore.build_oauth_states_table(OAUTH_METADATA, STATES_TABLE)


def installation_store(engine: Engine, *, client_id: str) -> SQLAlchemyInstallationStore:
    return SQLAlchemyInstallationStore(
        client_id=client_id,
        engine=engine,
        bots_table_name=BOTS_TABLE,
        installations_table_name=INSTALLATIONS_TABLE,
    )


def state_store(engine: Engine, *, expiration_seconds: int) -> SQLAlchemyOAuthStateStore:
    return SQLAlchemyOAuthStateStore(
        expiration_seconds=expiration_seconds, engine=engine, table_name=STATES_TABLE
    )


def latest_bot(engine: Engine, *, client_id: str, team_id: str) -> Bot | None:
    """The newest bot installation of ``team_id`` that has a token, whatever its Enterprise
    Grid organisation (emcoach's rows know their team, not the organisation), or None when
    emcoach was never installed there through OAuth."""
    c = BOTS.c
    query = (
        select(BOTS)
        .where(c.client_id == client_id, c.team_id == team_id, c.bot_token.is_not(None))
        .order_by(desc(c.installed_at), desc(c.id))
        .limit(1)
    )
    with engine.connect() as connection:
        row = connection.execute(query).mappings().first()
    return None if row is None else SQLAlchemyInstallationStore.build_bot_entity(row)
