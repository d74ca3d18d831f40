"""/emcoach renew: the next cohort's draft, what it carried over, and the sprint from there."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from bot.blocks.picker import pick_value
from bot.blocks.prompts.common import context, header, section
from bot.blocks.reply import Reply, text_reply
from bot.blocks.summary import SEED_INTERNAL_WORKS, SEED_NEXT_CYCLE
from bot.domain.analysis import Instrument
from bot.domain.cost import CostModel
from bot.domain.localtime import format_day
from bot.domain.mrkdwn import mention, plain
from bot.slack_names import ACTION_PICK_PROGRAM, COMMAND


@dataclass(frozen=True, slots=True, kw_only=True)
class Renewal:
    """The new draft and what it carried over."""

    program_id: int
    name: str
    source_name: str
    criteria: tuple[tuple[str, str], ...]  # (short name, instrument value)
    owners: tuple[str, ...]
    budget_owner_id: str
    channel_id: str | None
    kickoff: date
    months: int
    coaching_model: str | None
    previous_coach_decision: str | None


_LAST_TIME = {
    "external": "Last cycle had an external coach",
    "internal": "Last cycle had an internal mentor",
}


def coach_advice(previous_decision: str | None, *, program_name: str) -> str:
    """Week 2 revisited, in the seed's own words."""
    last = _LAST_TIME.get(previous_decision or "", "Last cycle's coach decision is not recorded")
    return (
        f"*Week 2, the coach decision, is open again.* {last}. The framework: “{SEED_NEXT_CYCLE}” "
        f"And: “{SEED_INTERNAL_WORKS}” If the last cycle's coached EMs include one who could "
        f'mentor now, consider an internal mentor for this cohort: `{COMMAND} coach "'
        f'{plain(program_name)}"` weighs it with you, opportunity cost included.'
    )


def _criteria_text(renewal: Renewal) -> str:
    lines = [
        f"• {plain(name)} — {Instrument(instrument).words}" for name, instrument in renewal.criteria
    ]
    return "\n".join(lines)


def _model(renewal: Renewal) -> str:
    try:
        return CostModel(renewal.coaching_model or "").profile.label
    except ValueError:
        return "no coaching model yet"


def build_renewed(renewal: Renewal, *, already: bool) -> Reply:
    name = plain(renewal.name)
    quoted = f'"{name}"'
    opening = (
        f"*{name}* already exists as the next cycle of *{plain(renewal.source_name)}*; here is "
        "where it starts from."
        if already
        else f"Started *{name}*, the next cohort of *{plain(renewal.source_name)}*, as a draft."
    )
    owners = ", ".join(mention(owner) for owner in renewal.owners)
    channel = mention(renewal.channel_id) if renewal.channel_id else "no channel yet"
    carried = (
        "*Carried over as defaults* (change any with "
        f"`{COMMAND} setup {quoted}`):\n"
        f"• Owners: {owners} · budget owner: {mention(renewal.budget_owner_id)} · results in "
        f"{channel}\n"
        f"• {renewal.months} months from a kickoff on {format_day(renewal.kickoff)}, after a new "
        f"four-week setup sprint · {_model(renewal)}"
    )
    criteria = (
        "*Week 1 — the same success criteria*, each on the same instrument (no values carried "
        f"over):\n{_criteria_text(renewal)}\n"
        f"{mention(renewal.budget_owner_id)} signs them off again for this cycle: send them with "
        f"`{COMMAND} criteria {quoted}` (they are preselected)."
    )
    rest = (
        f"*Week 3 — pods to fill anew:* `{COMMAND} pod {quoted}`. *Week 4 — fresh baselines* "
        f"(`{COMMAND} baseline {quoted}`), then the public pre-commitment."
    )
    blocks: list[Block] = [
        header(f"Next cohort: {renewal.name}"),
        section(opening),
        section(carried),
        section(criteria),
        section(coach_advice(renewal.previous_coach_decision, program_name=renewal.name)),
        section(rest),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text="Open its setup checklist",
                    action_id=f"{ACTION_PICK_PROGRAM}:{renewal.program_id}",
                    value=pick_value(subcommand="status", args="", program_id=renewal.program_id),
                    style="primary",
                )
            ]
        ),
        context(f"`{COMMAND} status {quoted}` shows the checklist with its due dates any time."),
    ]
    return Reply(
        text=f"{'Found' if already else 'Started'} the draft {name}: {SEED_NEXT_CYCLE}",
        blocks=[block.to_dict() for block in blocks],
    )


def build_renew_refused(program_name: str, *, reason: str) -> Reply:
    name = plain(program_name)
    texts = {
        "not_committed": (
            f"*{name}* is still in its setup sprint, so there is no cycle to start again from. "
            f"Finish it (`{COMMAND} status`), or start a separate program with "
            f"`{COMMAND} setup`."
        ),
        "no_budget_owner": (
            f"*{name}* has no budget owner any more, and the next cycle needs one to sign off "
            f"its criteria. Start it with `{COMMAND} setup` and name one there."
        ),
        "not_owner": (
            f"Only the owners of *{name}* can start its next cycle. Ask one of them, or start "
            f"your own program with `{COMMAND} setup`."
        ),
    }
    return text_reply(
        texts.get(reason, f"That program no longer exists. `{COMMAND} status` lists yours.")
    )
