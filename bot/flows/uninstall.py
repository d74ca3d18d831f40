"""Uninstall and reinstall: a removed app stops sending at once and keeps its data.

Slack says emcoach was removed in two ways: the ``app_uninstalled`` / ``tokens_revoked``
events, and — when those were missed — ``token_revoked``, ``account_inactive`` or
``invalid_auth`` answered to a call. Either marks the workspace (``uninstalled_at``); the
dispatcher's claim then leaves every row of its programs pending, so no call is even tried.

The next verified request from the team (a command, the App Home, any event) means emcoach is
back: rows still inside their grace window go out on the next tick, rows past it are marked
missed with :data:`UNINSTALLED_REASON`, and the workspace is installed again.

Why not Bolt's ``app.enable_token_revocation_listeners()`` alone: it only deletes
installations from an OAuth installation store (single-token mode has none and it raises
there), and deleting is not what this is about — the workspace's data is kept for a
reinstall. With OAuth, handlers/uninstall.py calls those same listener functions after
stopping the workspace, so the revoked tokens go from the store; stopping the sending is here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine

from bot.domain.cadence import AgendaKind, is_late
from storage.db import session_scope
from storage.deadline import within
from storage.workspaces import (
    clear_uninstalled,
    held_rows,
    mark_missed,
    mark_uninstalled,
    uninstalled_since,
)

logger = logging.getLogger("emcoach.uninstall")

UNINSTALLED_REASON = "emcoach was uninstalled from the workspace"
# Slack's answers meaning the token is gone for the whole workspace, whatever the call.
WORKSPACE_GONE = frozenset({"token_revoked", "account_inactive", "invalid_auth"})


def stop_workspace(engine: Engine, *, team_id: str, now: datetime, why: str) -> bool:
    """Stop all sending for ``team_id``; one WARNING when this call stopped it, none after.
    Returns whether it was this call."""
    stopped = mark_uninstalled(engine, team_id=team_id, now=now)
    if stopped:
        logger.warning(
            "workspace %s: %s; nothing is sent there until it is reinstalled (data kept)",
            team_id,
            why,
        )
    return stopped


def revoked_bot(event: dict[str, object]) -> bool:
    """Whether a ``tokens_revoked`` event takes the bot's token (user tokens alone do not
    stop emcoach, which sends as the bot)."""
    tokens = event.get("tokens")
    return isinstance(tokens, dict) and bool(tokens.get("bot"))


@dataclass(frozen=True, slots=True)
class Resumed:
    """What a reinstall found: held rows still due (sent by the next tick) and missed."""

    still_due: int
    missed: int


def resume_workspace(engine: Engine, *, team_id: str, now: datetime) -> Resumed | None:
    """The team is back: rows past their grace window are missed with the reason, the rest
    go out on the next tick. None when the workspace was not stopped (nothing to do)."""
    with session_scope(engine) as session:
        if uninstalled_since(session, team_id=team_id) is None:
            return None
        held = held_rows(session, team_id=team_id)
        late = [
            row.id
            for row in held
            if row.id is not None and is_late(AgendaKind(row.kind), row.due_at, now)
        ]
        missed = mark_missed(session, row_ids=late, reason=UNINSTALLED_REASON)
        if not clear_uninstalled(session, team_id=team_id):
            return None  # another request resumed it first (its transaction won)
    logger.info(
        "workspace %s reinstalled: %d held prompts still due, %d missed",
        team_id,
        len(held) - missed,
        missed,
    )
    return Resumed(still_due=len(held) - missed, missed=missed)


def resume_workspace_within(
    engine: Engine, *, team_id: str, now: datetime, seconds: float
) -> Resumed | None:
    """``resume_workspace`` answered within ``seconds``, or DatabaseUnavailable (a request's
    middleware must not wait on a hung database)."""
    return within(seconds, lambda: resume_workspace(engine, team_id=team_id, now=now))
