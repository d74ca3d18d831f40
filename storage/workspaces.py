"""Queries for the workspace aggregate."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from storage.models import Workspace


def ensure_workspace(session: Session, *, team_id: str, now: datetime, name: str = "") -> Workspace:
    """The workspace row for ``team_id``, created on first sight."""
    workspace = session.get(Workspace, team_id)
    if workspace is None:
        workspace = Workspace(team_id=team_id, name=name, first_seen_at=now)
        session.add(workspace)
        session.flush()
    elif name and workspace.name != name:
        workspace.name = name
    return workspace
