"""A budget owner's part: the sign-off, what the program costs so far, the published results."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot.blocks.homes.common import heading, published_block
from bot.blocks.homes.data import BudgetPart, CostSoFar
from bot.blocks.homes.text import section
from bot.domain.cost import format_usd_range
from bot.domain.localtime import format_day
from bot.domain.mrkdwn import plain


def _signoff_text(part: BudgetPart) -> tuple[str, str]:
    names = ", ".join(plain(name) for name in part.criteria) or "none chosen yet"
    if part.signed_off is not None:
        note = " Self-approved: you are also an owner, and every post says so." * part.self_approved
        return (
            "Sign-off",
            f"You signed off the criteria ({names}) on {format_day(part.signed_off)}.{note}",
        )
    if part.signoff_requested is not None:
        return (
            ":hourglass_flowing_sand: Waiting for your sign-off",
            f"Since {format_day(part.signoff_requested)}, the owners ask you to sign off the "
            f"success criteria: {names}. Open the request in your messages with emcoach (the "
            "Messages tab) and choose *Approve* or *Request changes*; only you can sign them "
            "off.",
        )
    return "Sign-off", f"Nothing to sign yet: the owners haven't sent you the criteria ({names})."


def _cost_lines(cost: CostSoFar) -> list[str]:
    return [
        f"{cost.model_label}: {cost.leaders} leaders × {cost.months} months, planned at "
        f"{format_usd_range(cost.planned)} (cash and the mentor's time).",
        f"So far ({cost.months_elapsed} of {cost.months} months): {format_usd_range(cost.so_far)}.",
        f"Against that: one EM departure costs {format_usd_range(cost.departure)} in "
        f"{cost.departure_why}. {cost.break_even}",
    ]


def budget_blocks(part: BudgetPart) -> list[Block]:
    title, text = _signoff_text(part)
    blocks: list[Block] = [
        heading(part.program, role="you are its budget owner"),
        section(title, [text]),
    ]
    if part.cost is not None:
        blocks.append(section("Cost", _cost_lines(part.cost)))
    published = published_block(part.published)
    if published is not None:
        blocks.append(published)
    return blocks
