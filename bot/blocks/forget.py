"""Forget-me and deleting a program: the confirmation with its buttons, and the outcomes."""

from __future__ import annotations

from datetime import date

from slack_sdk.models.blocks import ActionsBlock, ButtonElement

from bot.blocks.reply import Reply, section_block, text_reply
from bot.domain.localtime import format_day
from bot.domain.mrkdwn import plain
from bot.slack_names import COMMAND

FORGET_CONFIRM = "forget_me_confirm"
FORGET_CANCEL = "forget_me_cancel"
DELETE_CONFIRM = "delete_program_confirm"
DELETE_CANCEL = "delete_program_cancel"


def build_forget_confirm() -> Reply:
    text = (
        "*Forget me?* emcoach deletes what identifies you in this workspace: your roles in "
        "programs that are not running, your cached time zone, and the prompts still due to "
        "you. In running programs your place stays filled by an anonymous id, so the counts "
        "and published results stay as they are; your anonymous survey answers were never "
        "linked to you. This cannot be undone. If you own a running program, add another owner "
        f"first with `{COMMAND} owner add @name`. If you only want fewer messages, ask a "
        "program's owner to take you out of the program instead."
    )
    buttons = ActionsBlock(
        elements=[
            ButtonElement(
                text="Forget me", action_id=FORGET_CONFIRM, value="forget", style="danger"
            ),
            ButtonElement(text="Keep my data", action_id=FORGET_CANCEL, value="keep"),
        ]
    )
    return Reply(
        text="Forget me? This cannot be undone.",
        blocks=[section_block(text).to_dict(), buttons.to_dict()],
    )


def build_forgotten(*, memberships_removed: int, prompts_dropped: int) -> Reply:
    return text_reply(
        f"Done: emcoach has forgotten you. {memberships_removed} role(s) removed, "
        f"{prompts_dropped} prompt(s) that were still due to you dropped; in running programs "
        "an anonymous id keeps your place. Messages already posted in Slack are Slack's: to "
        "remove one, delete it in Slack or ask a workspace admin."
    )


def build_forget_cancelled() -> Reply:
    return text_reply(
        f"Nothing was deleted. Run `{COMMAND} forget-me` again if you change your mind."
    )


def build_delete_confirm(program_name: str, *, program_id: int) -> Reply:
    text = (
        f"*Delete {plain(program_name)}?* Everything emcoach holds about it goes: people, "
        "criteria, baselines, prompts, answers and results. Posts already in Slack stay. "
        f"This cannot be undone: to keep the record, run `{COMMAND} export` first."
    )
    buttons = ActionsBlock(
        elements=[
            ButtonElement(
                text="Delete the program",
                action_id=DELETE_CONFIRM,
                value=str(program_id),
                style="danger",
            ),
            ButtonElement(text="Keep it", action_id=DELETE_CANCEL, value=str(program_id)),
        ]
    )
    return Reply(
        text=f"Delete {plain(program_name)}? This cannot be undone.",
        blocks=[section_block(text).to_dict(), buttons.to_dict()],
    )


def build_delete_refused(
    program_name: str, *, evaluation: date | None, closing: bool = False
) -> Reply:
    if closing:
        return text_reply(
            f"*{plain(program_name)}*'s evaluation is published and it is closing: the budget "
            "owner's summary goes out first, within a minute. It can't be deleted yet; run "
            f"`{COMMAND} delete` again once `{COMMAND} status` says it is closed."
        )
    when = f" on {format_day(evaluation)}" if evaluation is not None else ""
    return text_reply(
        f"*{plain(program_name)}* is running, and its pre-commitment promises results{when}, "
        "so it can't be deleted yet. Delete it once its evaluation is published and it is "
        f"closed; to stop prompts for someone meanwhile, take them out with `{COMMAND} leave`, "
        f"or pause them with `{COMMAND} pause`."
    )


def build_deleted(program_name: str) -> Reply:
    return text_reply(
        f"Deleted *{plain(program_name)}* and everything emcoach held about it. Start a new "
        f"cycle with `{COMMAND} setup`."
    )


def build_delete_gone() -> Reply:
    return text_reply(
        f"That program no longer exists. `{COMMAND} status` shows the programs you run."
    )


def build_delete_not_owner() -> Reply:
    return text_reply(
        "Only the program's owners can delete it. Ask one of them, or have them add you with "
        f"`{COMMAND} owner add @you`."
    )
