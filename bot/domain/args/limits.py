"""What any typed text must be before it goes further: no NUL character, not too long.

Checked once, where text enters (the /emcoach router, every modal submission), so no handler
meets a NUL byte (Postgres refuses it in any text column) or a paste longer than a Slack
section can echo back.
"""

from __future__ import annotations

from typing import Final

from bot.domain.args.errors import ArgumentError

# Well above any real command (a deviation's reason is a sentence or two; four leaders'
# mentions are ~120 characters), well below a Block Kit section's 3,000 that a reply may echo.
COMMAND_TEXT_MAX: Final = 2_000
# Slack's own ceiling for a plain_text_input's max_length.
INPUT_TEXT_MAX: Final = 3_000
NUL: Final = "\x00"


def check_text(text: str, *, limit: int, what: str) -> None:
    """Raises ``ArgumentError`` saying what is accepted when ``text`` cannot be taken."""
    if NUL in text:
        raise ArgumentError(
            f"{what} contains an invisible NUL character (it often comes with pasted text), "
            "which I can't store — type it again, or paste it as plain text.",
            example="",
        )
    if len(text) > limit:
        raise ArgumentError(
            f"{what} is {len(text):,} characters long; I take at most {limit:,}. "
            "Shorten it and send it again.",
            example="",
        )
