"""The state of the pretend workspace: people, conversations, messages, views and files.

Not thread-safe on its own: the server holds one lock around every request.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.clock import Clock
from bot.sim.standin.records import SharedFile, StandInUser, UserGroup
from bot.sim.standin.wire import ApiFailure

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


@dataclass
class Conversation:
    """A channel (C/G) or a bot-to-user DM (D, with ``user`` set)."""

    id: str
    name: str
    bot_is_member: bool = True
    archived: bool = False
    user: str | None = None

    def describe(self) -> dict[str, Any]:
        """The conversation object conversations.info / .join / .open return."""
        if self.user is not None:
            return {"id": self.id, "is_im": True, "user": self.user, "is_open": True}
        return {
            "id": self.id,
            "name": self.name,
            "is_channel": self.id.startswith("C"),
            "is_group": self.id.startswith("G"),
            "is_im": False,
            "is_private": self.id.startswith("G"),
            "is_archived": self.archived,
            "is_member": self.bot_is_member,
        }


@dataclass
class PendingFile:
    """A file between files.getUploadURLExternal and files.completeUploadExternal."""

    id: str
    filename: str
    length: int
    content: bytes | None = None


@dataclass
class Workspace:
    team_id: str
    team_name: str
    bot_user_id: str
    clock: Clock
    root_url: str = ""
    # What apps.connections.open answers with: a test's local Socket Mode server.
    socket_url: str = ""
    users: dict[str, StandInUser] = field(default_factory=dict)
    conversations: dict[str, Conversation] = field(default_factory=dict)
    dm_by_user: dict[str, str] = field(default_factory=dict)
    messages: list[dict[str, Any]] = field(default_factory=list)
    views: dict[str, dict[str, Any]] = field(default_factory=dict)
    home_by_user: dict[str, str] = field(default_factory=dict)
    used_triggers: set[str] = field(default_factory=set)
    pending_files: dict[str, PendingFile] = field(default_factory=dict)
    shared_files: list[SharedFile] = field(default_factory=list)
    usergroups: dict[str, UserGroup] = field(default_factory=dict)
    _ids: itertools.count[int] = field(init=False, default_factory=lambda: itertools.count(1))
    _last_ts: int = field(init=False, default=0)

    @property
    def bot_id(self) -> str:
        return "B" + self.bot_user_id.removeprefix("U")

    def share_ids_with(self, other: Workspace) -> None:
        """Draw ids from ``other``'s sequence: like Slack's, unique across workspaces."""
        self._ids = other._ids

    def new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):08d}"

    def next_ts(self) -> str:
        """A ts at the clock's instant, strictly after the previous one: Slack's ts are unique."""
        now_micros = (self.clock.now() - _EPOCH) // _MICROSECOND
        self._last_ts = max(self._last_ts + 1, now_micros)
        return micros_to_ts(self._last_ts)

    # --- people -------------------------------------------------------------------------

    def knows_user(self, user_id: str) -> bool:
        """Registered, or any U/W id while none are registered (so tests need little setup)."""
        if self.users:
            return user_id in self.users
        return user_id.startswith(("U", "W"))

    def user(self, user_id: str) -> StandInUser:
        found = self.users.get(user_id)
        if found is None:
            raise ApiFailure("user_not_found")
        return found

    # --- conversations ------------------------------------------------------------------

    def dm_with(self, user_id: str) -> Conversation:
        """The bot's DM with a user: one stable D id per user, created on first use."""
        dm_id = self.dm_by_user.get(user_id)
        if dm_id is None:
            dm_id = self.new_id("D")
            self.dm_by_user[user_id] = dm_id
            self.conversations[dm_id] = Conversation(id=dm_id, name=dm_id, user=user_id)
        return self.conversations[dm_id]

    def conversation(self, channel_id: str) -> Conversation:
        """An existing conversation by id; unregistered C/G ids exist with the bot as member."""
        found = self.conversations.get(channel_id)
        if found is not None:
            return found
        if channel_id.startswith(("C", "G")):
            created = Conversation(id=channel_id, name=channel_id.lower())
            self.conversations[channel_id] = created
            return created
        raise ApiFailure("channel_not_found")

    def destination(self, channel_id: str) -> Conversation:
        """Where a post lands: like Slack, a user id means the bot's DM with that user."""
        if channel_id.startswith(("U", "W")):
            if not self.knows_user(channel_id):
                raise ApiFailure("channel_not_found")
            return self.dm_with(channel_id)
        return self.conversation(channel_id)

    def writable(self, channel_id: str) -> Conversation:
        """A destination the bot may post into right now."""
        found = self.destination(channel_id)
        if found.archived:
            raise ApiFailure("is_archived")
        if not found.bot_is_member:
            raise ApiFailure("not_in_channel")
        return found

    # --- messages -----------------------------------------------------------------------

    def store_message(self, *, channel: str, fields: dict[str, Any]) -> dict[str, Any]:
        """Record a bot message; ``fields`` are Slack message keys (text, blocks, ...)."""
        ts = self.next_ts()
        message = {
            "type": "message",
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "team": self.team_id,
            "ts": ts,
            **{key: value for key, value in fields.items() if value is not None},
            "channel": channel,
        }
        self.messages.append(message)
        return message

    def find_message(self, *, channel: str, ts: str) -> dict[str, Any]:
        for message in self.messages:
            if message["channel"] == channel and message["ts"] == ts:
                return message
        raise ApiFailure("message_not_found")

    def clear_traffic(self) -> None:
        """Forget what was sent; keep who and where (users, channels, DM ids)."""
        self.messages.clear()
        self.views.clear()
        self.home_by_user.clear()
        self.used_triggers.clear()
        self.pending_files.clear()
        self.shared_files.clear()


def micros_to_ts(micros: int) -> str:
    seconds, fraction = divmod(micros, 1_000_000)
    return f"{seconds}.{fraction:06d}"


def ts_to_micros(ts: str, *, invalid: str) -> int:
    """A Slack ts ("1700000000.000100") as integer microseconds; ``invalid`` is the error code."""
    seconds, _, fraction = ts.partition(".")
    if not seconds.isdigit() or (fraction and not fraction.isdigit()) or len(fraction) > 6:
        raise ApiFailure(invalid)
    return int(seconds) * 1_000_000 + int(fraction.ljust(6, "0"))


def slack_message(message: dict[str, Any], *, include_metadata: bool) -> dict[str, Any]:
    """A stored message as Slack returns it: no channel key, metadata only when asked."""
    hidden = {"channel"} if include_metadata else {"channel", "metadata"}
    return {key: value for key, value in message.items() if key not in hidden}
