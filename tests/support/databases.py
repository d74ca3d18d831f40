"""Test databases: SQLite always; Postgres too when TEST_DATABASE_URL is set (CI sets it).

Each Postgres test gets a schema of its own (search_path), so tests never see each other's rows.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine

from bot.config import normalise_database_url
from storage.db import make_engine

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = ["sqlite", "postgres"] if POSTGRES_URL else ["sqlite"]


@contextmanager
def backend_engine(backend: str, tmp_path: Path) -> Iterator[Engine]:
    if backend == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'emcoach-test.db'}")
        try:
            yield engine
        finally:
            engine.dispose()
        return
    assert POSTGRES_URL, "the postgres backend needs TEST_DATABASE_URL"
    url = normalise_database_url(POSTGRES_URL)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    # The schema travels in the URL itself, so a subprocess given url_of(engine) sees it too.
    engine = make_engine(f"{url}?options=-csearch_path%3D{schema}")
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)
