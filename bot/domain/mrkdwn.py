"""Person-supplied text made safe for Slack mrkdwn, and mentions of ids Slack gave us.

It lives in the domain because the domain words mrkdwn too (what a program still misses,
argument errors quoting what was typed); the builders in ``bot/blocks`` use it the same way.

Everything a person typed (program and pod names, reasons, comments, notes, sources) goes
through ``plain`` before it is put into mrkdwn or into a message's ``text``: the notification
``text`` of ``chat.postMessage`` is parsed like mrkdwn, so a raw ``<!channel>`` there pings a
whole channel even when the blocks are safe. ``plain_text`` objects (titles, labels, buttons,
options) never render markup and take the text as it is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

# Slack's three control characters and their entities; nothing else is entity-encoded.
_ENTITIES: Final = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
# Slack has no escape for its formatting characters, so the ones that could open or close
# bold, italic, strike or code become look-alikes (the same ones jsx-slack's <Escape> uses
# inside links). Fullwidth forms format too in Slack's clients.
_LOOKALIKES: Final = {
    "*": "\u2217",  # ∗ asterisk operator
    "\uff0a": "\ufe61",  # ＊ → ﹡ small asterisk
    "_": "\u02cd",  # ˍ modifier letter low macron
    "\uff3f": "\u2e0f",  # ＿ → ⸏ paragraphos
    "~": "\u223c",  # ∼ tilde operator
    "`": "\u02cb",  # ˋ modifier letter grave accent
    "\uff40": "\u02cb",  # ｀ → ˋ
}
# Slack formats only at word boundaries: ``snake_case``, ``a*b`` and the underscores of an
# emoji code or a URL render as typed. Keeping those keeps names and links readable and
# copyable; backticks always go, since code spans are not bound to word boundaries.
_FORMATTING: Final = re.compile(r"(?<![A-Za-z0-9])[*_~＊＿]|[*_~＊＿](?![A-Za-z0-9])|[`｀]")
# A line starting with ">" (escaped or not) or "＞" is a block quote; an invisible soft hyphen
# in front keeps it a plain character. The start of the text counts as a line start, since
# the caller may put it at the start of one.
_QUOTE_START: Final = re.compile(r"^([ \t]*)(?=&gt;|＞)", re.MULTILINE)
_SOFT_HYPHEN: Final = "\u00ad"
# NUL and the other control characters mean nothing in a message (Postgres refuses NUL
# outright); tabs and line breaks are kept.
_CONTROL: Final = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

_ELLIPSIS: Final = "…"
# What a cut must not leave half of: an entity ("&am…" shows a stray "&"; the longest is
# "&amp;") or our own markup ("<@U1…" is no mention and shows its insides).
_OPEN_TAIL: Final = re.compile(r"&[a-z]{0,3}$|<[^<>]*$")

_USER_ID: Final = re.compile(r"[UWB][A-Z0-9]+")
_CHANNEL_ID: Final = re.compile(r"[CGD][A-Z0-9]+")


def plain(text: str) -> str:
    """``text`` as mrkdwn that shows exactly what was typed and nothing more.

    No mention, channel link, user group, date or link can form (``&``, ``<`` and ``>`` become
    Slack's entities, so a typed ``&lt;`` shows as ``&lt;`` and never decodes into ``<``), and
    no bold, italic, strike, code or quote: their characters become look-alikes. Apply it once,
    to raw text, where the text is put into a message.
    """
    # Every line break Python knows (\r, \u2028, …) becomes "\n", so each line's start is
    # seen, and a client that breaks lines on them shows no quote either.
    lines = "\n".join(text.splitlines())
    escaped = _CONTROL.sub("", lines).translate(_ENTITIES)
    unformatted = _FORMATTING.sub(lambda match: _LOOKALIKES[match.group()], escaped)
    return _QUOTE_START.sub(lambda match: match.group(1) + _SOFT_HYPHEN, unformatted)


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis, never inside an entity or a
    mention."""
    if len(text) <= limit:
        return text
    kept = text[: limit - len(_ELLIPSIS)]
    return _OPEN_TAIL.sub("", kept) + _ELLIPSIS


def user_mention(user_id: str) -> str:
    """``<@U123>`` for an id Slack gave us; anything else is shown as text, never as markup."""
    return f"<@{user_id}>" if _USER_ID.fullmatch(user_id) else plain(user_id)


def user_mentions(user_ids: Sequence[str]) -> str:
    """``<@A>``, ``<@A> and <@B>``, ``<@A>, <@B> and <@C>``."""
    linked = [user_mention(user_id) for user_id in user_ids]
    if len(linked) <= 1:
        return "".join(linked)
    return ", ".join(linked[:-1]) + " and " + linked[-1]


def channel_mention(channel_id: str) -> str:
    """``<#C123>`` for a channel id Slack gave us; anything else is shown as text."""
    return f"<#{channel_id}>" if _CHANNEL_ID.fullmatch(channel_id) else plain(channel_id)


def mention(slack_id: str) -> str:
    """A user or channel id as Slack shows it: channels (C…, G…) linked, people mentioned."""
    return channel_mention(slack_id) if slack_id[:1] in ("C", "G") else user_mention(slack_id)
