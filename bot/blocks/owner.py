"""/emcoach owner: who runs a program, and the messages about adding and removing co-owners."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from bot.blocks.reply import Reply, not_told_text, text_reply
from bot.domain.mrkdwn import plain, user_mention
from bot.domain.mrkdwn import user_mentions as mentions
from bot.slack_names import COMMAND

OWNER_USAGE: Final = "owner [program] add @name [@name…] | remove @name | list"


def build_owner_usage(problem: str) -> Reply:
    return text_reply(
        f"{problem} Try `{COMMAND} owner add @anna`, `{COMMAND} owner remove @anna` or "
        f"`{COMMAND} owner list` (name the program first if you run several: "
        f'`{COMMAND} owner "Pilot" list`).'
    )


def build_not_owner(program_name: str, owners: Sequence[str], *, instead: str = "") -> Reply:
    """A polite refusal that says whom to ask; ``instead`` adds another way forward."""
    text = (
        f"Only the owners of *{plain(program_name)}* can change it, and you aren't one of them. "
        f"Ask {mentions(owners)} to add you with `{COMMAND} owner add @you`."
    )
    return text_reply(f"{text} {instead}".strip())


def build_owner_list(
    program_name: str, *, owners: Sequence[str], budget_owner: str | None
) -> Reply:
    budget = (
        f"Budget owner (signs off the criteria): {user_mention(budget_owner)}."
        if budget_owner
        else "No budget owner yet."
    )
    return text_reply(
        f"Owners of *{plain(program_name)}*: {mentions(owners)}. {budget}\n"
        f"Add a co-owner with `{COMMAND} owner add @name`; remove one with "
        f"`{COMMAND} owner remove @name`."
    )


def build_owners_added(
    program_name: str,
    *,
    added: Sequence[str],
    already: Sequence[str],
    not_told: Sequence[str],
    owners: Sequence[str],
) -> Reply:
    parts: list[str] = []
    if added:
        parts.append(f"Added {mentions(added)} as co-owner(s) of *{plain(program_name)}*.")
        told = [user_id for user_id in added if user_id not in not_told]
        if told:
            parts.append(f"I've sent {mentions(told)} a direct message saying what they can do.")
    if not_told:
        parts.append(not_told_text(not_told))
    if already:
        parts.append(f"{mentions(already)} already owned it.")
    parts.append(f"Owners now: {mentions(owners)}.")
    return text_reply(" ".join(parts))


def build_co_owner_welcome(program_name: str, *, added_by: str) -> Reply:
    """The DM to a new co-owner: who added them and what owners do."""
    return text_reply(
        f"{user_mention(added_by)} added you as a co-owner of the EM mentoring program "
        f"*{plain(program_name)}*. "
        "Owners run the four-week setup sprint: the success criteria, the coach decision, the "
        "pods, the baselines and the public pre-commitment. See where it stands and what's "
        f'next with `{COMMAND} status "{plain(program_name)}"`.'
    )


def build_owners_removed(
    program_name: str, *, removed: Sequence[str], not_owners: Sequence[str], owners: Sequence[str]
) -> Reply:
    parts: list[str] = []
    if removed:
        parts.append(f"Removed {mentions(removed)} from the owners of *{plain(program_name)}*.")
    if not_owners:
        parts.append(f"{mentions(not_owners)} wasn't an owner, so nothing changed for them.")
    parts.append(f"Owners now: {mentions(owners)}.")
    return text_reply(" ".join(parts))


def build_last_owner(program_name: str) -> Reply:
    return text_reply(
        f"*{plain(program_name)}* needs at least one owner, so I didn't remove anyone. Add the "
        f"person who takes over first with `{COMMAND} owner add @name`, then remove again."
    )
