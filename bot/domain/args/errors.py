"""The one error every argument parser raises, written for the person who typed the command."""

from __future__ import annotations

import re

from bot.domain.mrkdwn import plain

# Typed text reaches the parsers unescaped (``<!channel>`` included); echoed back without
# escaping it would ping a whole channel. The old name stays for the parsers and handlers.
escape_mrkdwn = plain

# Long pastes are cut when echoed back: the reply is about the mistake, not a copy of the input.
_ECHO_LIMIT = 40


class ArgumentError(ValueError):
    """An argument a person typed that we cannot use.

    ``message`` is a complete, friendly sentence (what was typed, what we expected, an example)
    that a handler can show as it is; ``example`` is the short hint on its own, for usage lines.
    """

    def __init__(self, message: str, *, example: str) -> None:
        super().__init__(message)
        self.message = message
        self.example = example


def typed(text: str) -> str:
    """What the person typed, quoted for an error message: whitespace collapsed, long input cut,
    Slack's control characters escaped."""
    shown = re.sub(r"\s+", " ", text).strip()
    if len(shown) > _ECHO_LIMIT:
        shown = shown[: _ECHO_LIMIT - 1].rstrip() + "…"
    return f"“{escape_mrkdwn(shown)}”"


def normalize(text: str) -> str:
    """Lower case, single spaces, no surrounding whitespace: the form every parser matches on."""
    return re.sub(r"\s+", " ", text).strip().lower()
