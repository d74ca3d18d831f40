"""Typed references pulled out of a token list, for commands that take people or channels.

A plain ``@anna`` or ``#engineering`` means Slack couldn't link it (a typo, someone outside the
workspace, a private channel we aren't in). Quietly dropping it would add a pod without Anna, so
these helpers refuse with a sentence that says how to pick the name instead.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import TypeVar

from bot.domain.args.errors import ArgumentError, escape_mrkdwn
from bot.domain.args.tokens import (
    ChannelName,
    ChannelRef,
    SpecialMention,
    Token,
    UserGroupRef,
    UserName,
    UserRef,
    Word,
)

USER_EXAMPLE = "@anna"
CHANNEL_EXAMPLE = "#engineering"

_T = TypeVar("_T")


def users(tokens: Sequence[Token]) -> list[UserRef]:
    """Every person mentioned, in order, each once.

    Raises ``ArgumentError`` for names Slack didn't link and for ``@here``-style mentions,
    which would otherwise disappear without a word.
    """
    unresolved = [f"@{token.name}" for token in tokens if isinstance(token, UserName)]
    if unresolved:
        raise ArgumentError(
            f"I can't tell who {_listed(unresolved)} {_verb(unresolved, 'is', 'are')} — pick "
            "people from the list Slack shows as you type @, so each name turns into a link.",
            example=USER_EXAMPLE,
        )
    specials = [f"@{token.kind}" for token in tokens if isinstance(token, SpecialMention)]
    if specials:
        raise ArgumentError(
            f"{_listed(specials)} {_verb(specials, 'stands', 'stand')} for a whole crowd — "
            f"mention each person, like {USER_EXAMPLE} @bob.",
            example=USER_EXAMPLE,
        )
    return _unique([t for t in tokens if isinstance(t, UserRef)], key=lambda ref: ref.id)


def channels(tokens: Sequence[Token]) -> list[ChannelRef]:
    """Every channel mentioned, in order, each once; refuses channel names Slack didn't link."""
    unresolved = [f"#{token.name}" for token in tokens if isinstance(token, ChannelName)]
    if unresolved:
        raise ArgumentError(
            f"I can't find {_listed(unresolved)} — pick the channel from the list Slack shows "
            "as you type #. For a private channel, invite me to it first.",
            example=CHANNEL_EXAMPLE,
        )
    return _unique([t for t in tokens if isinstance(t, ChannelRef)], key=lambda ref: ref.id)


def usergroups(tokens: Sequence[Token]) -> list[UserGroupRef]:
    """Every user group mentioned (``@backend`` picked from Slack's list), in order, each once."""
    return _unique([t for t in tokens if isinstance(t, UserGroupRef)], key=lambda ref: ref.id)


def words(tokens: Sequence[Token]) -> list[str]:
    """The plain words, in order: what is left once the mentions are taken out."""
    return [token.text for token in tokens if isinstance(token, Word)]


def _unique(items: Iterable[_T], *, key: Callable[[_T], Hashable]) -> list[_T]:
    seen: set[Hashable] = set()
    kept: list[_T] = []
    for item in items:
        if key(item) not in seen:
            seen.add(key(item))
            kept.append(item)
    return kept


def _listed(names: list[str]) -> str:
    quoted = [f"“{escape_mrkdwn(name)}”" for name in names]
    if len(quoted) == 1:
        return quoted[0]
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _verb(names: list[str], singular: str, plural: str) -> str:
    return singular if len(names) == 1 else plural
