"""The one exception type for a domain rule saying no.

Handlers catch ``DomainError`` and show its message to the person as it stands, so every message
is a whole, friendly sentence that says what to do instead. Programming mistakes (an impossible
week number, a naive datetime) stay ``ValueError``/``TypeError`` and reach the error handler.
"""

from __future__ import annotations


class DomainError(Exception):
    """A refusal by a program rule; ``str(error)`` is the sentence to show the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
