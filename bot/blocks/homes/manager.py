"""A leader's manager's part: what the 360 is and when theirs is due."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot.blocks.homes.common import heading
from bot.blocks.homes.data import ManagedLeader, ManagerPart
from bot.blocks.homes.text import listed, section
from bot.domain.localtime import format_day
from bot.domain.mrkdwn import user_mention

WHAT_IT_IS = (
    "Once a quarter, emcoach asks you to rate how effective your report is as a manager, on a "
    "1–5 agree scale, while they rate their own self-efficacy; their coach joins. It takes a "
    "few minutes. Your rating is pooled with the other managers' in the checkpoint posts, "
    "never shown as your figure."
)


def _leader_line(leader: ManagedLeader) -> str:
    who = user_mention(leader.leader_id)
    coming = [item for item in leader.three_sixty if not item.sent]
    open_ = [item for item in leader.three_sixty if item.sent and not item.answered]
    if open_:
        return f"• {who}: the 360 of {format_day(open_[0].occasion)} waits for your rating."
    if coming:
        return f"• {who}: next 360 on {format_day(coming[0].occasion)}."
    if leader.three_sixty:
        last = format_day(leader.three_sixty[-1].occasion)
        return f"• {who}: every 360 so far has your rating (the last on {last})."
    return f"• {who}: no 360 is planned yet; the first comes before the month-3 checkpoint."


def manager_blocks(part: ManagerPart) -> list[Block]:
    lines = [_leader_line(leader) for leader in part.leaders]
    return [
        heading(part.program, role="you manage a coached leader"),
        section("The quarterly 360", [WHAT_IT_IS]),
        section("When yours is due", listed(lines, more="in your messages with emcoach")),
    ]
