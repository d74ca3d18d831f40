"""Days of the week by name. English names are spelled out here rather than taken from
``calendar.day_name``, which follows the server's locale."""

from __future__ import annotations

from bot.domain.args.commands import closest_subcommand
from bot.domain.args.errors import ArgumentError, normalize, typed

WEEKDAY_EXAMPLE = "tuesday"

DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_EXTRA_ABBREVIATIONS = {"tues": 1, "weds": 2, "thur": 3, "thurs": 3}
_WEEKDAYS: dict[str, int] = {
    **{name: index for index, name in enumerate(DAY_NAMES)},
    **{name[:3]: index for index, name in enumerate(DAY_NAMES)},
    **_EXTRA_ABBREVIATIONS,
}


def weekday_number(word: str) -> int | None:
    """The weekday a lower-case word names, or None; for parsers that try several readings."""
    index = _WEEKDAYS.get(word)
    if index is None and word.endswith("s"):
        index = _WEEKDAYS.get(word[:-1])
    return index


def parse_weekday(text: str) -> int:
    """0 for Monday … 6 for Sunday, from ``"Tuesday"``, ``"tue"``, ``"tues"`` or ``"tuesdays"``."""
    word = normalize(text).rstrip(".,")
    index = weekday_number(word)
    if index is not None:
        return index
    if not word:
        raise ArgumentError(
            "I need a day of the week here, like tuesday or tue.", example=WEEKDAY_EXAMPLE
        )
    guess = closest_subcommand(word, DAY_NAMES)
    hint = f" Did you mean {guess}?" if guess else ""
    raise ArgumentError(
        f"{typed(text)} isn't a day of the week — use a name like tuesday or tue.{hint}",
        example=WEEKDAY_EXAMPLE,
    )
