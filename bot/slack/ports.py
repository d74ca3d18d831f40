"""What flows ask of Slack, as plain values; ``bot.slack.directory`` answers over the Web API
and tests pass a fake. A flow calls these only while its unit of work is closed."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Protocol


class GroupError(Exception):
    """A user group we can't read; the message says what to do instead."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SlackUnavailable(Exception):
    """Slack did not answer (a timeout, a dropped connection): go on without what was asked."""


@dataclass(frozen=True, slots=True)
class ZoneAnswer:
    """What users.info said about one person's zone."""

    timezone: str | None
    deleted: bool
    answered: bool  # False when Slack refused for another reason: keep what we knew


class Directory(Protocol):
    def group_members(
        self, *, group_ids: Sequence[str] = (), handles: Sequence[str] = ()
    ) -> list[str]:
        """Everyone in the named user groups, in order, each once; raises GroupError."""
        ...

    def zones(self, user_ids: Collection[str]) -> dict[str, ZoneAnswer]:
        """Each person's zone as Slack has it now; raises SlackUnavailable."""
        ...
