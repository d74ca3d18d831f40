"""Session lengths in minutes: ``45``, ``45m``, ``90 min``, ``1h30``, ``1.5 hours``."""

from __future__ import annotations

import re
from decimal import Decimal

from bot.domain.args.errors import ArgumentError, normalize, typed

_PREFERRED_EXAMPLE_MINUTES = 45

_HOURS = r"(?:hours|hour|hrs|hr|h)"
_MINUTES = r"(?:minutes|minute|mins|min|m)"
# Hours may be fractional ("1.5h"); minutes are whole. A bare number counts minutes.
_DURATION = re.compile(rf"(?:(\d{{1,3}}(?:\.\d{{1,2}})?){_HOURS})?(?:(\d{{1,4}}){_MINUTES}?)?")
# The seed's sessions are 45 and 90 minutes; a typo like "450" should not book half a day.
DEFAULT_MINIMUM_MINUTES = 5
DEFAULT_MAXIMUM_MINUTES = 240


def parse_duration_minutes(
    text: str,
    *,
    minimum: int = DEFAULT_MINIMUM_MINUTES,
    maximum: int = DEFAULT_MAXIMUM_MINUTES,
) -> int:
    """A length in whole minutes within ``minimum..maximum``."""
    compact = normalize(text).replace(" ", "")
    example = format_minutes(max(minimum, min(_PREFERRED_EXAMPLE_MINUTES, maximum)))
    allowed = f"use between {format_minutes(minimum)} and {format_minutes(maximum)}"
    match = _DURATION.fullmatch(compact)
    if not compact or match is None or not any(match.groups()):
        what = f"{typed(text)} isn't a length I can read" if compact else "I need a length here"
        raise ArgumentError(
            f"{what} — write minutes or hours, like {example}, 90 min or 1h30.", example=example
        )
    hours, minutes = match.group(1) or "0", match.group(2) or "0"
    total = Decimal(hours) * 60 + int(minutes)
    if total != total.to_integral_value():
        raise ArgumentError(
            f"{typed(text)} isn't a whole number of minutes — {allowed}, like {example}.",
            example=example,
        )
    if not minimum <= total <= maximum:
        direction = "long" if total > maximum else "short"
        raise ArgumentError(
            f"{typed(text)} is too {direction} here — {allowed}, like {example}.",
            example=example,
        )
    return int(total)


def format_minutes(minutes: int) -> str:
    """``45 min``, ``1 h``, ``1 h 30 min``: how lengths read back in messages."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h" if not rest else f"{hours} h {rest} min"
