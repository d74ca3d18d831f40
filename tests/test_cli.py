"""The `emcoach` command as a new user meets it: a subprocess with a clean environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

# Every test starts the real command in a subprocess: the slow set (`pytest -m slow`).
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent


def emcoach(
    *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("SLACK_") and key not in {"DATABASE_URL", "PORT"}
    }
    clean["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_help_lists_every_subcommand(tmp_path: Path) -> None:
    result = emcoach("--help", cwd=tmp_path)
    assert result.returncode == 0
    for word in ("run", "serve", "clock", "migrate", "demo", "health"):
        assert word in result.stdout


@pytest.mark.parametrize("subcommand", ["run", "serve", "clock", "migrate", "demo", "health"])
def test_each_subcommand_has_its_own_help(tmp_path: Path, subcommand: str) -> None:
    result = emcoach(subcommand, "--help", cwd=tmp_path)
    assert result.returncode == 0
    assert f"usage: emcoach {subcommand}" in result.stdout


@pytest.mark.parametrize(
    ("subcommand", "env", "variable"),
    [
        ("run", {}, "SLACK_BOT_TOKEN"),
        ("run", {"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_APP_TOKEN"),
        ("serve", {"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
        ("clock", {}, "SLACK_BOT_TOKEN"),
        ("run", {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xoxb-2"}, "SLACK_APP_TOKEN"),
        ("migrate", {"DATABASE_URL": "mysql://nope"}, "DATABASE_URL"),
        ("serve", {"PORT": "99999"}, "PORT"),
        ("clock", {"SLACK_BOT_TOKEN": "xoxb-1", "DISPATCH_SENDERS": "17"}, "DISPATCH_SENDERS"),
        ("clock", {"SLACK_BOT_TOKEN": "xoxb-1", "DISPATCH_SENDERS": "0"}, "DISPATCH_SENDERS"),
        # Installs through OAuth: no SLACK_BOT_TOKEN needed, but both client credentials.
        ("serve", {"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "s"}, "SLACK_SIGNING_SECRET"),
        ("clock", {"SLACK_CLIENT_ID": "1.2"}, "SLACK_CLIENT_SECRET"),
        ("serve", {"SLACK_CLIENT_SECRET": "s", "SLACK_SIGNING_SECRET": "x"}, "SLACK_CLIENT_ID"),
    ],
)
def test_missing_or_malformed_settings_end_with_one_line_and_status_2(
    tmp_path: Path, subcommand: str, env: dict[str, str], variable: str
) -> None:
    result = emcoach(subcommand, cwd=tmp_path, env=env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"emcoach: {variable} ")
    assert "Get it from:" in lines[0]
    assert "Traceback" not in result.stderr


def test_run_is_one_workspace_and_says_what_to_run_for_many(tmp_path: Path) -> None:
    env = {"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "s", "SLACK_APP_TOKEN": "xapp-1"}
    result = emcoach("run", cwd=tmp_path, env=env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "emcoach serve" in lines[0] and "emcoach clock" in lines[0]


def test_migrate_creates_the_sqlite_file_in_the_working_directory(tmp_path: Path) -> None:
    result = emcoach("migrate", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "emcoach.db").exists()
    again = emcoach("migrate", cwd=tmp_path)
    assert again.returncode == 0, again.stderr


def test_unreachable_database_is_one_line(tmp_path: Path) -> None:
    result = emcoach(
        "migrate", cwd=tmp_path, env={"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("emcoach: cannot reach the database")


def test_dot_env_in_working_directory_is_used(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("SLACK_BOT_TOKEN=xoxb-from-dotenv\n", encoding="utf-8")
    result = emcoach("run", cwd=tmp_path)
    assert result.returncode == 2
    assert "SLACK_APP_TOKEN is not set" in result.stderr


def test_demo_runs_a_whole_program_without_slack(tmp_path: Path) -> None:
    out_dir = tmp_path / "posts"
    result = emcoach(
        "demo",
        "--database",
        str(tmp_path / "demo.db"),
        "--out",
        str(out_dir),
        cwd=tmp_path,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout
    assert "Posted in #engineering:" in out
    assert "PRE-COMMITMENT: PILOT 2027" in out
    assert out.count("Published in #engineering on") == 2
    assert "0 missed, 0 failed" in out
    # People answered: a line per month of what they did, the owner's values and decision.
    assert out.count("What people did:") >= 6
    assert "only after a reminder" in out
    assert "enters the month-6 values with /emcoach metrics" in out
    assert "/emcoach adjust continue" in out
    # The monthly summary counts in words: one post, not "1 public checkpoint posts".
    assert "1 public checkpoint post," in out and "1 public checkpoint posts" not in out
    # The checkpoint posts carry numbers and verdicts, not "no data".
    month_6 = out[out.index("MONTH-6 EVALUATION") :]
    assert "no data" not in month_6
    assert "within the expected range" in month_6
    assert "short of the expected range" in month_6
    assert "Traceback" not in result.stderr
    assert (tmp_path / "demo.db").exists()
    # Each results post has its chart in its thread; --out holds the posts and the images.
    assert out.count("In its thread: the chart") == 2
    charts = sorted(out_dir.glob("emcoach-month-*.png"))
    assert [path.name[:16] for path in charts] == ["emcoach-month-3-", "emcoach-month-6-"]
    assert all(path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") for path in charts)
    assert len(sorted(out_dir.glob("results-*.txt"))) == 2
    # At the end every kind of person opens emcoach's App Home, and the transcript shows it.
    homes = out[out.index("EVERYONE'S APP HOME, AT THE END") :]
    for role in ("owner", "budget owner", "coach", "leader", "leader's manager"):
        assert f"sees in emcoach's App Home ({role}):" in homes
    assert "PILOT 2027 — YOU ARE ITS BUDGET OWNER" in homes
    assert "one EM departure costs $200,000–$400,000" in homes
    # The demo ends with the program closed: its leaders are offered no pause.
    assert "*Your ratings over time*" in homes and "[Pause]" not in homes
    assert "This program is closed: no more sessions or prompts." in homes
    assert "*The quarterly 360*" in homes
    assert "about 5.1 hours per leader per month" in homes
