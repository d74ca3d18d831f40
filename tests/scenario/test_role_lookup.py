"""Every /emcoach call reads the caller's roles once: started on the request's thread
(handlers.router.StartRoleLookup) and waited for by the listener, never looked up twice."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from tests.support.live import LiveApp
from tests.support.programs import make_program

OWNER = "U0OWNER"


@contextmanager
def _role_queries(engine: Engine) -> Iterator[list[str]]:
    """The thread of every role lookup ``engine`` runs meanwhile."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "program_member.role" in statement:
            seen.append(threading.current_thread().name)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_help_reads_the_roles_once_and_answers_by_them(live: LiveApp) -> None:
    with _role_queries(live.services.engine) as seen:
        stranger = live.sender.command("help", user_id="U0NOBODY")
    assert stranger.status == 200
    assert "setup" in stranger.json()["text"]
    assert "`/emcoach status" not in stranger.json()["text"], "an owner's command"
    assert seen == ["emcoach-deadline"]

    make_program(live.services.engine, owner=OWNER)
    with _role_queries(live.services.engine) as seen:
        owner = live.sender.command("help", user_id=OWNER)
    assert "`/emcoach status" in owner.json()["text"]
    assert seen == ["emcoach-deadline"]
