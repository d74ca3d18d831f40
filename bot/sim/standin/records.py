"""What the stand-in holds about a workspace and what it records about traffic."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from bot.sim.standin.faults import Fault


@dataclass(frozen=True)
class StandInUser:
    """A workspace member as users.info describes them."""

    id: str
    name: str
    real_name: str
    tz: str = "Europe/Warsaw"
    deleted: bool = False
    is_bot: bool = False

    def __post_init__(self) -> None:
        # Fail at setup, not in the middle of a users.info answer.
        ZoneInfo(self.tz)


@dataclass(frozen=True)
class UserGroup:
    """A user group such as @backend-team; ``handle`` is what people type after the @."""

    id: str
    handle: str
    user_ids: tuple[str, ...]
    name: str = ""

    def describe(self, *, team_id: str, include_users: bool) -> dict[str, Any]:
        """The usergroup object as usergroups.list returns it."""
        described: dict[str, Any] = {
            "id": self.id,
            "team_id": team_id,
            "is_usergroup": True,
            "name": self.name or self.handle,
            "handle": self.handle,
            "user_count": len(self.user_ids),
        }
        if include_users:
            described["users"] = list(self.user_ids)
        return described


@dataclass(frozen=True)
class Call:
    """One Web API request as the stand-in saw it, faulted or not."""

    method: str
    args: dict[str, Any]
    headers: dict[str, str]
    status: int
    response: dict[str, Any]
    fault: Fault | None = None

    @property
    def error(self) -> str | None:
        """The Slack error code the request was answered with, if any."""
        value = self.response.get("error")
        return value if isinstance(value, str) else None


@dataclass(frozen=True)
class SharedFile:
    """A file uploaded through files_upload_v2 and completed (shared or not)."""

    id: str
    filename: str
    title: str | None
    content: bytes
    channel: str | None
    initial_comment: str | None = None
    thread_ts: str | None = None
