"""/emcoach export: what the owner reads about their export, and the file's comment."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from bot.blocks.reply import Reply, text_reply
from bot.domain.mrkdwn import plain
from bot.slack_names import COMMAND

# The owner's App Home button (rendered with the program's health); its value is the program id.
EXPORT_ACTION: Final = "owner_export"
EXPORT_COMMAND: Final = f"{COMMAND} export"


def export_comment(program_name: str, *, files: Sequence[str]) -> str:
    """The comment on the uploaded zip, in the owner's DM."""
    return (
        f"The record of *{plain(program_name)}*, as CSV files: {', '.join(files)}. The locked "
        "plan comes with its SHA-256 (README.txt says how to check it). Survey figures from "
        "fewer people than the anonymity threshold read “fewer than 3 responses”, and no file "
        "holds anyone's own survey answer."
    )


def build_export_sent(program_name: str, *, filename: str) -> Reply:
    return text_reply(
        f"Sent the record of *{plain(program_name)}* to your DM with emcoach: `{filename}`, "
        "a zip of CSV files."
    )


def build_export_not_committed(program_name: str) -> Reply:
    return text_reply(
        f"*{plain(program_name)}* isn't committed yet, so nothing is locked and there is no "
        f"record to export. `{COMMAND} status` shows what is still missing before commit."
    )


def build_export_not_owner(program_name: str) -> Reply:
    return text_reply(
        f"Only the owners of *{plain(program_name)}* can export its record. Ask one of them, or "
        f"have them add you with `{COMMAND} owner add @you`."
    )


def build_export_gone() -> Reply:
    return text_reply(
        f"That program no longer exists. `{EXPORT_COMMAND}` exports the programs you own."
    )


def build_export_failed(error: str) -> Reply:
    return text_reply(
        f"I couldn't put the export in your DM: Slack answered `{plain(error)}`. Nothing was "
        f"shared. Try again in a minute with `{EXPORT_COMMAND}`."
    )
