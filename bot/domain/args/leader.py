"""The typed `leader` clause of /emcoach pod:
``@lena manager @max reports @a @b @team 1:1 tue 10:00``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot.domain.args.errors import ArgumentError
from bot.domain.args.refs import usergroups, users, words
from bot.domain.args.slots import WeeklySlot, parse_weekday_time
from bot.domain.args.tokens import SpecialMention, Token, UserName, UserRef, Word
from bot.slack_names import COMMAND

LEADER_EXAMPLE = f"{COMMAND} pod Alpha leader @lena manager @max reports @a @b 1:1 tue 10:00"


@dataclass(frozen=True, slots=True, kw_only=True)
class TypedLeader:
    """A typed `leader` clause; None means "not said", so only what was said changes."""

    user_id: str
    manager_id: str | None = None
    reports: tuple[str, ...] | None = None
    group_ids: tuple[str, ...] = ()
    one_on_one: WeeklySlot | None = None


_LEADER_KEYWORDS = {
    "manager": "manager",
    "reports": "reports",
    "report": "reports",
    "1:1": "1:1",
    "1on1": "1:1",
    "one-on-one": "1:1",
}


def parse_typed_leader(tokens: Sequence[Token]) -> TypedLeader:
    """``@lena manager @max reports @a @b @team 1:1 tue 10:00`` (every part after the leader
    optional, in any order)."""
    if not tokens or not isinstance(tokens[0], UserRef | UserName | SpecialMention):
        raise ArgumentError(
            f"Mention the leader right after `leader`, like `{LEADER_EXAMPLE}`.",
            example=LEADER_EXAMPLE,
        )
    leader = users(tokens[:1])[0]
    parts: dict[str, list[Token]] = {}
    current: list[Token] | None = None
    for token in tokens[1:]:
        if isinstance(token, Word) and token.text.lower() in _LEADER_KEYWORDS:
            current = parts.setdefault(_LEADER_KEYWORDS[token.text.lower()], [])
        elif current is None:
            raise ArgumentError(
                f"After the leader, say `manager`, `reports` or `1:1`, like `{LEADER_EXAMPLE}`.",
                example=LEADER_EXAMPLE,
            )
        else:
            current.append(token)
    typed = TypedLeader(user_id=leader.id)
    if "manager" in parts:
        managers = users(parts["manager"])
        if len(managers) != 1 or words(parts["manager"]):
            raise ArgumentError(
                "Mention exactly one manager, like `manager @max`.", example="manager @max"
            )
        typed = replace(typed, manager_id=managers[0].id)
    if "reports" in parts:
        reports = users(parts["reports"])
        groups = usergroups(parts["reports"])
        stray = [word for word in words(parts["reports"]) if word.lower() != "and"]
        if stray or not (reports or groups):
            raise ArgumentError(
                "After `reports`, mention people or a user group, like `reports @a @b "
                "@backend-team`.",
                example="reports @a @b",
            )
        typed = replace(
            typed,
            reports=tuple(ref.id for ref in reports),
            group_ids=tuple(ref.id for ref in groups),
        )
    if "1:1" in parts:
        typed = replace(typed, one_on_one=parse_weekday_time(" ".join(words(parts["1:1"]))))
    return typed
