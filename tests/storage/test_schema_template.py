"""The `engine` fixture's database is a copy of a template migrated once per run
(tests/support/databases.py). That copy must be exactly what Alembic's upgrade gives a new
database: same tables, columns, types, defaults, keys, indexes, constraints and rows."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

from storage.migrate import current_revision, head_revision, upgrade_to_head


def _schema(engine: Engine) -> dict[str, Any]:
    inspector = inspect(engine)
    tables: dict[str, Any] = {}
    for table in sorted(inspector.get_table_names()):
        tables[table] = {
            "columns": [
                (c["name"], str(c["type"]), c["nullable"], str(c.get("default")))
                for c in inspector.get_columns(table)
            ],
            "primary key": inspector.get_pk_constraint(table),
            "foreign keys": _sorted(inspector.get_foreign_keys(table)),
            "indexes": _sorted(inspector.get_indexes(table)),
            "unique": _sorted(inspector.get_unique_constraints(table)),
            "checks": _sorted(inspector.get_check_constraints(table)),
        }
    with engine.connect() as connection:
        for table, facts in tables.items():
            rows = connection.execute(text(f'SELECT * FROM "{table}"')).all()
            facts["rows"] = sorted(map(repr, rows))
        if engine.dialect.name == "sqlite":
            # SQLite keeps each object's DDL as written: compare it line by line. Alembic's
            # batch mode writes a rebuilt table's constraints in an order that varies from one
            # process to the next (set order), so the lines are compared as a set.
            tables["sqlite_master"] = [
                (kind, name, sorted(line.strip(" ,") for line in (sql or "").splitlines()))
                for kind, name, sql in connection.execute(
                    text("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")
                )
            ]
            tables["pragmas"] = [
                connection.execute(text(f"PRAGMA {name}")).scalar()
                for name in ("journal_mode", "user_version", "application_id", "auto_vacuum")
            ]
        else:
            # Sequences (SERIAL columns) are where a copy could differ from a new database.
            tables["sequences"] = connection.execute(
                text(
                    "SELECT sequencename, data_type, start_value, increment_by, last_value "
                    "FROM pg_sequences WHERE schemaname = current_schema() "
                    "ORDER BY sequencename"
                )
            ).all()
    return tables


def _sorted(items: list[Any]) -> list[str]:
    """Reflected items in a stable order; SQL expressions (a partial index's WHERE) as text."""
    return sorted(repr({key: _plain(value) for key, value in item.items()}) for item in items)


def _plain(value: object) -> object:
    if isinstance(value, dict):
        return {key: _plain(inner) for key, inner in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(inner) for inner in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def test_the_copied_schema_is_exactly_the_migrated_one(engine: Engine, bare_engine: Engine) -> None:
    upgrade_to_head(bare_engine)
    assert current_revision(engine) == head_revision()
    copied, migrated = _schema(engine), _schema(bare_engine)
    assert len(copied) > 10
    assert copied == migrated


@pytest.mark.parametrize("attempt", [1, 2])
def test_each_test_gets_its_own_copy(engine: Engine, attempt: int) -> None:
    """Rows written by the first attempt are gone for the second: a new copy per test."""
    with engine.begin() as connection:
        assert connection.execute(text("SELECT count(*) FROM workspace")).scalar_one() == 0
        connection.execute(
            text(
                "INSERT INTO workspace (team_id, name, first_seen_at) "
                "VALUES ('T1', 'Acme', '2027-01-04 09:00:00+00:00')"
            )
        )
