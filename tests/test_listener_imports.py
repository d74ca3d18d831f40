"""Listeners reach data only through flows: no handlers module imports storage (or a
database library), and none imports another listener — only the shared plumbing."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

HANDLERS = Path(__file__).resolve().parents[1] / "handlers"
# Shared by every listener (the router, guards, the apology, event idempotency, errors).
PLUMBING = frozenset(
    {
        "handlers.router",
        "handlers.guard",
        "handlers.payload_shape",
        "handlers.idempotency",
        "handlers.unavailable",
        "handlers.commands",
        "handlers.errors",
    }
)
FORBIDDEN = ("storage", "sqlalchemy", "sqlmodel")


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            if node.module == "handlers":
                found.update(f"handlers.{alias.name}" for alias in node.names)
    return found


MODULES = sorted(path for path in HANDLERS.glob("*.py") if path.name != "__init__.py")


@pytest.mark.parametrize("path", MODULES, ids=[path.stem for path in MODULES])
def test_a_listener_imports_no_storage_and_no_other_listener(path: Path) -> None:
    imports = _imports(path)
    assert not {name for name in imports if name.split(".")[0] in FORBIDDEN}
    listeners = {name for name in imports if name.startswith("handlers.")} - PLUMBING
    assert listeners == set()


def test_the_listener_list_is_read() -> None:
    # handlers/__init__.py registers every listener, so it alone imports them all.
    assert len(MODULES) > 20
    assert "handlers.pod" in _imports(HANDLERS / "__init__.py")
