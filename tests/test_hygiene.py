"""Lint, format, strict typing and the import contracts are part of the test suite, so the
README's test command checks everything CI checks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ["bot", "handlers", "storage", "tests", "benchmarks"]


# lint-imports has no `python -m` form; it sits beside this interpreter in the virtualenv.
LINT_IMPORTS = str(Path(sys.executable).with_name("lint-imports"))


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    command = (
        [LINT_IMPORTS, *args[1:]] if args[0] == "lint-imports" else [sys.executable, "-m", *args]
    )
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)


@pytest.mark.parametrize(
    "command",
    [
        ("ruff", "check", *SOURCES),
        ("ruff", "format", "--check", *SOURCES),
        ("mypy", "bot", "handlers", "storage", "benchmarks"),
        # The contracts are [tool.importlinter] in pyproject.toml.
        ("lint-imports", "--no-logo"),
    ],
    ids=["ruff-check", "ruff-format", "mypy-strict", "import-contracts"],
)
def test_code_is_clean(command: tuple[str, ...]) -> None:
    result = _run(*command)
    assert result.returncode == 0, result.stdout + result.stderr
