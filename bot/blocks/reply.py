"""What a handler hands back to the person: message text (the notification fallback) and blocks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Reply:
    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)

    def as_ephemeral(self) -> dict[str, Any]:
        """Keyword arguments for ack()/respond(): visible only to the person who asked."""
        return {"response_type": "ephemeral", "text": self.text, "blocks": self.blocks}
