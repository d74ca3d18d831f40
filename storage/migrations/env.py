"""Alembic environment: the engine (or the connection holding the migration lock) comes from
storage.migrate, the target is SQLModel.metadata and the
Slack OAuth stores' tables (storage/installations.py)."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from storage.installations import OAUTH_METADATA

config = context.config
locked = config.attributes.get("connection")


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=[SQLModel.metadata, OAUTH_METADATA],
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if locked is not None:
    # The migration lock is this connection's: migrate on it, in one transaction.
    with locked.begin():
        run(locked)
else:
    with config.attributes["engine"].begin() as connection:
        run(connection)
