from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables)
from storage.installations import OAUTH_METADATA
from storage.migrate import alembic_config, current_revision, upgrade_to_head


def test_empty_database_upgrades_to_head(bare_engine: Engine) -> None:
    assert current_revision(bare_engine) is None
    upgrade_to_head(bare_engine)
    head = ScriptDirectory.from_config(alembic_config(bare_engine)).get_current_head()
    assert current_revision(bare_engine) == head
    tables = set(inspect(bare_engine).get_table_names())
    assert {"workspace", "program", "program_member", "processed_event"} <= tables


def test_upgrade_twice_is_a_no_op(engine: Engine) -> None:
    before = current_revision(engine)
    upgrade_to_head(engine)
    assert current_revision(engine) == before


def test_models_and_migrations_do_not_drift(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        # Slack's OAuth store tables are not SQLModel models: their own metadata, compared too
        # (a table in the database that no metadata describes would show as "remove_table").
        differences = compare_metadata(context, [SQLModel.metadata, OAUTH_METADATA])
    assert differences == []


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: object) -> None:
    from pathlib import Path

    from storage.db import make_engine

    engine = make_engine(f"sqlite:///{Path(str(tmp_path)) / 'wal.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()


def test_upgrade_keeps_existing_programs(bare_engine: Engine) -> None:
    from alembic import command

    command.upgrade(alembic_config(bare_engine), "0001")
    with bare_engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO workspace (team_id, name, first_seen_at) "
                "VALUES ('T1', 'Acme', '2027-01-04 09:00:00+00:00')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO program (team_id, name, status, months, timezone, created_by, "
                "created_at) VALUES ('T1', 'Pilot', 'draft', 6, 'UTC', 'U1', "
                "'2027-01-04 09:00:00+00:00')"
            )
        )
    upgrade_to_head(bare_engine)
    with bare_engine.connect() as connection:
        row = connection.execute(
            text("SELECT name, anonymity_threshold, eligibility_override FROM program")
        ).one()
    assert (row[0], row[1], bool(row[2])) == ("Pilot", 3, False)
