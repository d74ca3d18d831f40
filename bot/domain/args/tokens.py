"""Slash-command text split into typed tokens.

Slack sends the command text with ``&``, ``<`` and ``>`` escaped as entities, and (when the
command escapes channels and users) mentions as ``<@U123|anna>``, ``<#C123|general>``,
``<!subteam^S123|@team>`` and ``<!here>``. A raw ``<`` is therefore always the start of Slack
markup, so we split on it before unescaping anything; unescaping first would let a typed
``&lt;@U1&gt;`` pose as a mention. Mentions Slack could not resolve stay plain (``@anna``,
``#engineering``) and become ``UserName`` / ``ChannelName`` so callers can say so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

SpecialKind = Literal["here", "channel", "everyone"]

_USER_ID = re.compile(r"[UW][A-Z0-9]+")
_CHANNEL_ID = re.compile(r"[CGD][A-Z0-9]+")
_USERGROUP_ID = re.compile(r"S[A-Z0-9]+")
_ENTITY = re.compile(r"&(amp|lt|gt);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">"}
# "<!group>" is Slack's legacy spelling of "<!channel>".
_SPECIAL: dict[str, SpecialKind] = {
    "here": "here",
    "channel": "channel",
    "group": "channel",
    "everyone": "everyone",
}
# Phones and macOS turn "..." into “...”; German keyboards open with „.
_OPEN_QUOTES = frozenset('"“”„')
_CLOSE_QUOTES = '"”“'
# People separate names with commas ("@anna, @bob"); a bare comma is not an argument.
_SEPARATORS = ",;"
_TRAILING_PUNCTUATION = ",;.:!?"


@dataclass(frozen=True, slots=True)
class UserRef:
    """A person Slack resolved: ``<@U123>`` or ``<@U123|anna>`` (W… ids on Enterprise Grid)."""

    id: str
    name: str | None = None


@dataclass(frozen=True, slots=True)
class ChannelRef:
    """A channel Slack resolved: ``<#C123>`` or ``<#C123|general>``."""

    id: str
    name: str | None = None


@dataclass(frozen=True, slots=True)
class UserGroupRef:
    """A user group: ``<!subteam^S123>`` or ``<!subteam^S123|@backend>`` (handle without @)."""

    id: str
    handle: str | None = None


@dataclass(frozen=True, slots=True)
class SpecialMention:
    """``<!here>``, ``<!channel>`` or ``<!everyone>`` (also typed plain as ``@here``)."""

    kind: SpecialKind


@dataclass(frozen=True, slots=True)
class UserName:
    """``@anna`` left as text: Slack found nobody by that name, or the command isn't escaping."""

    name: str


@dataclass(frozen=True, slots=True)
class ChannelName:
    """``#engineering`` left as text: no channel Slack could link (or one hidden from us)."""

    name: str


@dataclass(frozen=True, slots=True)
class Word:
    """Anything else, with Slack's entities turned back into ``&``, ``<`` and ``>``.

    A quoted phrase is one word, taken literally: ``"@anna's team"`` stays a ``Word``.
    """

    text: str


Token = UserRef | ChannelRef | UserGroupRef | SpecialMention | UserName | ChannelName | Word


def unescape(text: str) -> str:
    """Undo Slack's three entities in one pass, so ``&amp;lt;`` becomes ``&lt;``, not ``<``."""
    return _ENTITY.sub(lambda match: _ENTITIES[match.group(1)], text)


def tokenize(text: str) -> list[Token]:
    """Split command text into tokens; never raises, whatever the text."""
    tokens: list[Token] = []
    position, end = 0, len(text)
    while position < end:
        char = text[position]
        if char.isspace():
            position += 1
        elif char in _OPEN_QUOTES:
            position = _read_quoted(text, position, tokens)
        elif char == "<" and (close := text.find(">", position + 1)) != -1:
            tokens.append(_markup_token(text[position + 1 : close]))
            position = close + 1
        else:
            position = _read_plain(text, position, tokens)
    return tokens


def _read_quoted(text: str, start: int, tokens: list[Token]) -> int:
    """Append the quoted phrase starting at ``start``; an unclosed quote runs to the end."""
    close = next((i for i in range(start + 1, len(text)) if text[i] in _CLOSE_QUOTES), len(text))
    tokens.append(Word(unescape(text[start + 1 : close])))
    return close + 1


def _read_plain(text: str, start: int, tokens: list[Token]) -> int:
    """Append the plain word starting at ``start``; it ends at whitespace or Slack markup."""
    stop = start + 1
    while stop < len(text) and not text[stop].isspace() and text[stop] != "<":
        stop += 1
    token = _plain_token(text[start:stop])
    if token is not None:
        tokens.append(token)
    return stop


def _plain_token(raw: str) -> Token | None:
    if not raw.strip(_SEPARATORS):
        return None
    sigil, name = raw[0], unescape(raw[1:].rstrip(_TRAILING_PUNCTUATION))
    if sigil == "@" and name:
        kind = _SPECIAL.get(name.lower())
        return SpecialMention(kind) if kind is not None else UserName(name)
    if sigil == "#" and name:
        return ChannelName(name)
    return Word(unescape(raw))


def _markup_token(body: str) -> Token:
    """One ``<...>`` escape. Links and dates become the words the person actually typed."""
    target, _, raw_label = body.partition("|")
    label = unescape(raw_label).strip() or None
    if target.startswith("@") and _USER_ID.fullmatch(target[1:]):
        return UserRef(target[1:], _without_at(label))
    if target.startswith("#") and _CHANNEL_ID.fullmatch(target[1:]):
        return ChannelRef(target[1:], label)
    if target.startswith("!subteam^") and _USERGROUP_ID.fullmatch(target[9:]):
        return UserGroupRef(target[9:], _without_at(label))
    kind = _SPECIAL.get(target[1:]) if target.startswith("!") else None
    if kind is not None:
        return SpecialMention(kind)
    return Word(label or unescape(target))


def _without_at(label: str | None) -> str | None:
    return (label.removeprefix("@") or None) if label is not None else None
