"""`emcoach purge --team T…`: asks for --yes, prints what it would delete, then deletes."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from storage.db import make_engine, session_scope
from storage.migrate import upgrade_to_head
from storage.purge import count_workspace
from tests.support.programs import PodSpec, make_program


def _database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'purge.db'}"
    engine = make_engine(url)
    upgrade_to_head(engine)
    make_program(engine, team_id="T0001", pods=(PodSpec(),))
    make_program(engine, team_id="T0002", pods=(PodSpec(),))
    engine.dispose()
    return url


def _counts(url: str, team_id: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        with session_scope(engine) as session:
            return count_workspace(session, team_id=team_id)
    finally:
        engine.dispose()


def test_purge_refuses_without_yes_and_says_what_it_would_delete(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = _database(tmp_path)
    monkeypatch.setenv("DATABASE_URL", url)
    before = _counts(url, "T0001")
    assert main(["purge", "--team", "T0001"]) == 1
    out, err = capsys.readouterr()
    assert "program" in out and "leader" in out and "--yes" in err
    assert _counts(url, "T0001") == before

    assert main(["purge", "--team", "T0001", "--yes"]) == 0
    assert set(_counts(url, "T0001").values()) == {0}
    assert any(_counts(url, "T0002").values()), "another workspace is untouched"
    assert main(["purge", "--team", "T0001"]) == 0
    assert "nothing to delete" in capsys.readouterr().out
