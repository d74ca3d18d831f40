"""What the owners are told by the engine: an unfinished setup week, an undeliverable prompt.

An alert turns Slack's error code into what happened, in plain words, and the one thing the
owner can do about it; the rest of the program carries on either way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from bot.blocks.prompts.common import context, reply, section
from bot.blocks.prompts.data import OwnerAlert, PromptContext, SetupNudge
from bot.blocks.reply import Reply
from bot.domain.cadence import AgendaKind
from bot.domain.localtime import format_day
from bot.domain.mrkdwn import mention, plain
from bot.domain.sprint import SPRINT_WEEKS, WEEKS
from bot.slack_names import COMMAND

INVITE: Final = "`/invite @emcoach`"

# What each kind of prompt is, as the owner would call it.
PROMPT_NAMES: Final = {
    AgendaKind.ONE_ON_ONE_PRE: "the reminder before a 1:1",
    AgendaKind.ONE_ON_ONE_POST: "the questions after a 1:1",
    AgendaKind.ONE_ON_ONE_LOG: "the request to log a 1:1",
    AgendaKind.POD_PRE: "the reminder before a pod session",
    AgendaKind.POD_POST: "the rating after a pod session",
    AgendaKind.THREE_SIXTY: "the quarterly 360 invitation",
    AgendaKind.SURVEY: "the anonymous 1:1 survey",
    AgendaKind.SURVEY_REMINDER: "a reminder about the 1:1 survey",
    AgendaKind.COACH_DIGEST: "the coach's weekly digest",
    AgendaKind.CHECKPOINT_PREVIEW: "the checkpoint preview",
    AgendaKind.CHECKPOINT_PUBLISH: "the checkpoint results post",
    AgendaKind.SETUP_NUDGE: "a setup sprint reminder",
    AgendaKind.OWNER_ALERT: "an alert to the owners",
    AgendaKind.COMMITMENT_POST: "the public pre-commitment",
    AgendaKind.COMMITMENT_COPY: "the budget owner's copy of the pre-commitment",
    AgendaKind.DEVIATION_POST: "a deviation post",
    AgendaKind.CHECKPOINT_CHART: "the chart under the checkpoint results post",
    AgendaKind.DEVIATION_CHANGE: "the old → new values of a deviation",
    AgendaKind.COMMITMENT_RECORD: "the locked record in the pre-commitment's thread",
    AgendaKind.CLOSING_SUMMARY: "the budget owner's closing summary",
    AgendaKind.CLOSING_SUMMARY_OWNER: "an owner's copy of the closing summary",
}
# Kinds whose recipient is always a leader: if their account is gone, they have left.
_LEADER_KINDS: Final = frozenset(
    {AgendaKind.ONE_ON_ONE_PRE, AgendaKind.ONE_ON_ONE_POST, AgendaKind.POD_POST}
)


def build_setup_nudge(prompt: PromptContext, nudge: SetupNudge) -> Reply:
    if not 1 <= nudge.week <= SPRINT_WEEKS:
        raise ValueError(f"setup week must be 1–{SPRINT_WEEKS}, got {nudge.week}")
    step = WEEKS[nudge.week - 1]
    when = f"was due on {format_day(nudge.due)}" if nudge.due < prompt.occasion else "is due today"
    text = (
        f"Setup week {step.week} of *{plain(prompt.program_name)}*, “{step.title}”, "
        f"{when}. {step.what_to_do}"
    )
    next_step = f"Next: `{COMMAND} {step.subcommand}`. The whole checklist: `{COMMAND} status`."
    return reply(f"{text} {next_step}", [section(text), section(next_step)])


def _account_fix(alert: OwnerAlert) -> str:
    if alert.kind in _LEADER_KINDS:
        return f"record that they left with `{COMMAND} leave @name`"
    return f"remove them from the pod with `{COMMAND} pod`"


# error code → (what happened, what to do), both given the alert.
_REASONS: Final[dict[str, Callable[[OwnerAlert, str], tuple[str, str]]]] = {
    "account_inactive": lambda alert, who: (
        f"{who}'s Slack account is deactivated",
        _account_fix(alert),
    ),
    "user_disabled": lambda alert, who: (
        f"{who}'s Slack account is deactivated",
        _account_fix(alert),
    ),
    "user_not_found": lambda alert, who: (
        f"I can't find {who} in this workspace",
        _account_fix(alert),
    ),
    "user_not_visible": lambda alert, who: (
        f"Slack doesn't let me see {who} (often a guest or another workspace's account)",
        f"make them a full member, or {_account_fix(alert)}",
    ),
    "cannot_dm_bot": lambda alert, who: (
        f"{who} is a bot, and bots can't receive prompts",
        f"put a person in their place with `{COMMAND} pod`",
    ),
    "not_in_channel": lambda _alert, where: (
        f"I'm not a member of {where}",
        f"invite me to {where} with {INVITE}",
    ),
    "is_archived": lambda _alert, where: (
        f"{where} is archived",
        "unarchive it in the channel's settings",
    ),
    "channel_not_found": lambda _alert, where: (
        f"I can't find {where}: it was deleted, or it is private and I'm not in it",
        f"if it is private, invite me with {INVITE}; if it was deleted, ask a Slack admin to "
        "restore it",
    ),
    "restricted_action": lambda _alert, where: (
        f"the workspace's settings don't let me post in {where}",
        "ask a Slack admin to allow emcoach to post there",
    ),
}


def alert_reason(alert: OwnerAlert) -> tuple[str, str]:
    """(what happened, what the owner can do) for Slack's ``alert.error``."""
    who = mention(alert.recipient_id)
    explain = _REASONS.get(alert.error)
    if explain is not None:
        return explain(alert, who)
    return (
        f"Slack refused it for {who} with `{plain(alert.error)}`",
        f"check {who} is still in the workspace and in the program (`{COMMAND} pod`)",
    )


def build_owner_alert(prompt: PromptContext, alert: OwnerAlert) -> Reply:
    happened, fix = alert_reason(alert)
    what = PROMPT_NAMES[alert.kind]
    text = (
        f"I couldn't deliver {what} in *{plain(prompt.program_name)}*: {happened}. "
        f"To fix it, {fix}."
    )
    if alert.kind is AgendaKind.CHECKPOINT_PUBLISH:
        text += " The results are not public until this is fixed."
        note = "Nothing else in the program is held up by it."
    else:
        note = "I won't send this prompt again; the rest of the program carries on as planned."
    return reply(text, [section(text), context(note)])
