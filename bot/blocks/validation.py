"""Answers to input emcoach cannot use, each saying what to do instead."""

from __future__ import annotations

from typing import Any, Final

from bot.blocks.reply import Reply, build_notice_modal
from bot.slack_names import COMMAND

OUT_OF_DATE_BUTTON: Final = f"That button is out of date. Type `{COMMAND} help` to start again."
OUT_OF_DATE_FORM: Final = (
    f"This form is out of date. Close it and type `{COMMAND} help` to start again."
)


def build_out_of_date_button() -> Reply:
    return Reply(text=OUT_OF_DATE_BUTTON)


def build_out_of_date_form() -> dict[str, Any]:
    return build_notice_modal(title="Out of date", text=OUT_OF_DATE_FORM)
