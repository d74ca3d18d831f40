"""/emcoach criteria: the picker modal, the budget owner's sign-off request and its answers."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.blocks.reply import Reply, not_told_text, text_reply
from bot.domain.localtime import format_day, format_local
from bot.domain.metrics import Direction, Instrument, MetricDefinition, instrument_options
from bot.domain.mrkdwn import clip, plain, user_mention, user_mentions
from bot.domain.program_rules import MAX_CRITERIA, MIN_CRITERIA
from bot.slack_names import COMMAND

# The picker modal; its checkboxes use the block id as action id.
CRITERIA_VIEW = "criteria_modal"
CRITERIA_PICK = "criteria_pick"
# Where a survey criterion's values come from (radio buttons; block id = action id).
CRITERIA_INSTRUMENT = "criteria_instrument"
# The budget owner's buttons; value: ``pack_signoff(...)``.
CRITERIA_APPROVE = "criteria_approve"
CRITERIA_REQUEST_CHANGES = "criteria_request_changes"
# The "what should change?" modal; its text input uses the block id as action id.
CRITERIA_CHANGES_VIEW = "criteria_changes_modal"
CRITERIA_COMMENT = "criteria_comment"

COMMENT_MAX_CHARS = 1500  # quoted in up to one DM per owner: well inside a section's 3000
OPTION_DESCRIPTION_MAX = 75  # Slack's limit; slack_sdk does not check an option's description
_SECTION_MAX = 3000

_DIRECTION_WORDS = {
    Direction.LOWER_IS_BETTER.value: "lower is better",
    Direction.HIGHER_IS_BETTER.value: "higher is better",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class SignoffRef:
    """What a sign-off button (and the changes modal) carries: which request it answers.

    ``channel`` and ``ts`` locate the request message once it was clicked, so the modal's
    submission can update it.
    """

    program_id: int
    criteria_hash: str
    requested_by: str
    channel: str = ""
    ts: str = ""


def pack_signoff(ref: SignoffRef) -> str:
    data = {"p": ref.program_id, "h": ref.criteria_hash, "by": ref.requested_by}
    if ref.channel:
        data |= {"c": ref.channel, "ts": ref.ts}
    return json.dumps(data, separators=(",", ":"))


def unpack_signoff(value: str) -> SignoffRef:
    """The reference in a button value or modal metadata; ValueError when it is not one."""
    try:
        data = json.loads(value)
        return SignoffRef(
            program_id=int(data["p"]),
            criteria_hash=str(data["h"]),
            requested_by=str(data["by"]),
            channel=str(data.get("c", "")),
            ts=str(data.get("ts", "")),
        )
    except (TypeError, KeyError, json.JSONDecodeError) as error:
        raise ValueError(f"not a sign-off reference: {value!r}") from error


@dataclass(frozen=True, slots=True, kw_only=True)
class SignoffRequest:
    program_id: int
    program_name: str
    criteria: Sequence[Mapping[str, Any]]  # the frozen definitions (MetricDefinition.to_dict())
    criteria_hash: str
    requested_by: str
    self_approved: bool = False  # the budget owner is also an owner of the program

    @property
    def ref(self) -> SignoffRef:
        return SignoffRef(
            program_id=self.program_id,
            criteria_hash=self.criteria_hash,
            requested_by=self.requested_by,
        )


SELF_APPROVED_NOTE = "self-approved: the budget owner is also an owner of this program"


def signoff_text(signed_off_by: str, *, self_approved: bool, on: date | None = None) -> str:
    """``*Signed off* by @X on Mon 4 Jan 2027 (self-approved: …)``: who vouched for the
    criteria, and plainly when nobody independent did. Every public post says it this way."""
    text = f"*Signed off* by {user_mention(signed_off_by)}"
    if on is not None:
        text += f" on {format_day(on)}"
    return f"{text} ({SELF_APPROVED_NOTE})" if self_approved else text


def _names(names: Sequence[str]) -> str:
    return ", ".join(plain(name) for name in names)


def direction_words(direction: str) -> str:
    return _DIRECTION_WORDS[direction]


def criterion_text(definition: Mapping[str, Any], *, number: int | None = None) -> str:
    """One frozen definition as mrkdwn: exactly what is signed off and later published."""
    # The definitions come from our catalog, but they are stored and read back, so they are
    # escaped like any text that could have been edited on the way.
    name = plain(str(definition["name"]))
    title = f"{number}. {name}" if number is not None else name
    lines = [
        f"*{title}* — {plain(str(definition['unit']))}; {direction_words(definition['direction'])}",
        plain(str(definition["definition"])),
        f"_Data source:_ {plain(str(definition['data_source']))}",
    ]
    if definition.get("dora_report_year"):
        lines.append(
            f"_Performance bands:_ DORA, Accelerate State of DevOps Report "
            f"{definition['dora_report_year']}"
        )
    expected = definition.get("expected")
    if expected:
        lines.append(
            f"_Expected 6-month change (program framework):_ {plain(str(expected['seed_text']))}"
        )
    return "\n".join(lines)


def option_description(metric: MetricDefinition) -> str:
    """Unit, direction and the expected 6-month range, in Slack's 75 characters for a
    description (the range drops out only if a future metric's text would not fit)."""
    parts = [metric.unit, direction_words(metric.direction.value)]
    if metric.expected is not None:
        with_range = " · ".join([*parts, metric.expected.seed_text])
        if len(with_range) <= OPTION_DESCRIPTION_MAX:
            return with_range
    return " · ".join(parts)[:OPTION_DESCRIPTION_MAX]


def _option(metric: MetricDefinition) -> Option:
    return Option(value=metric.id.value, label=metric.name, description=option_description(metric))


_INSTRUMENT_DESCRIPTIONS = {
    Instrument.EMCOACH_SURVEY: (
        "Baseline in week 4, month 3 and month 6: same statement, same people"
    ),
    Instrument.COMPANY_SURVEY: "You enter each pod's result at baseline, month 3 and month 6",
}


def _instrument_option(instrument: Instrument) -> Option:
    label = instrument.label[0].upper() + instrument.label[1:]
    return Option(
        value=instrument.value,
        label=label,
        description=_INSTRUMENT_DESCRIPTIONS[instrument][:OPTION_DESCRIPTION_MAX],
    )


def instrument_block(
    catalog: Sequence[MetricDefinition], instrument: Instrument | None
) -> InputBlock | None:
    """The choice of instrument for the criterion that offers one (1:1 quality), locked with
    the criteria; None when no catalog metric offers a choice."""
    survey = next((metric for metric in catalog if len(instrument_options(metric)) > 1), None)
    if survey is None:
        return None
    options = [_instrument_option(option) for option in instrument_options(survey)]
    initial = next((o for o in options if instrument is not None and o.value == instrument), None)
    return InputBlock(
        block_id=CRITERIA_INSTRUMENT,
        label=f"If you pick {survey.short_name}: where its values come from",
        optional=True,
        element=RadioButtonsElement(
            action_id=CRITERIA_INSTRUMENT, options=options, initial_option=initial
        ),
        hint=(
            "Locked with the criteria: the budget owner signs it off, and after commit it "
            "changes only as a public deviation. The change is only ever computed within the "
            "one you choose, never one survey against the other."
        ),
    )


def build_criteria_modal(
    *,
    program_id: int,
    program_name: str,
    catalog: Sequence[MetricDefinition],
    selected: Sequence[str],
    note: str | None = None,
    instrument: Instrument | None = None,
) -> dict[str, Any]:
    """The picker: every catalog metric with its full definition, then the checkboxes."""
    intro = (
        f"*{plain(program_name)}* — week 1: pick {MIN_CRITERIA} or {MAX_CRITERIA} outcome metrics. "
        "Each is frozen exactly as written below and sent to the budget owner for sign-off; "
        "the program is judged against them at month 3 and month 6."
    )
    if note:
        intro += f"\n{note}"
    options = {metric.id.value: _option(metric) for metric in catalog}
    initial = [options[metric_id] for metric_id in selected if metric_id in options]
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=intro))]
    blocks += [
        SectionBlock(text=MarkdownTextObject(text=criterion_text(metric.to_dict())))
        for metric in catalog
    ]
    blocks += [
        DividerBlock(),
        InputBlock(
            block_id=CRITERIA_PICK,
            label=f"Success criteria ({MIN_CRITERIA} or {MAX_CRITERIA})",
            element=CheckboxesElement(
                action_id=CRITERIA_PICK,
                options=list(options.values()),
                initial_options=initial or None,
            ),
            hint=(
                f"Fewer than {MIN_CRITERIA} lets one noisy number decide; more than "
                f"{MAX_CRITERIA} and none gets real attention."
            ),
        ),
    ]
    if (choice := instrument_block(catalog, instrument)) is not None:
        blocks.append(choice)
    view = View(
        type="modal",
        callback_id=CRITERIA_VIEW,
        private_metadata=json.dumps({"program": program_id}),
        title="Success criteria",
        submit="Send for sign-off",
        close="Cancel",
        blocks=blocks,
    )
    return view.to_dict()


def selected_metric_ids(values: Mapping[str, Any]) -> list[str]:
    """The metric ids ticked in a submitted picker, in the order Slack lists them."""
    field = values.get(CRITERIA_PICK, {}).get(CRITERIA_PICK, {})
    return [str(option["value"]) for option in field.get("selected_options") or []]


def selected_instrument(values: Mapping[str, Any]) -> str | None:
    """The instrument chosen in a submitted picker, or None."""
    field = values.get(CRITERIA_INSTRUMENT, {}).get(CRITERIA_INSTRUMENT, {})
    option = field.get("selected_option") or {}
    return str(option["value"]) if option.get("value") else None


def picker_note(*, signed_off_by: str | None, committed: bool) -> str | None:
    """What saving will do beyond storing the choice, said before the person saves."""
    if committed:
        return (
            "The program is committed: saving a different set uses up the deviation you "
            "posted and asks the budget owner to sign off again."
        )
    if signed_off_by:
        return (
            f"These are signed off by {user_mention(signed_off_by)}. Saving a different set "
            "clears that sign-off and sends a new request."
        )
    return None


def slack_time(at: datetime, timezone: str) -> str:
    """A time each reader sees in their own zone; the fallback is the program's zone."""
    return (
        f"<!date^{int(at.timestamp())}^{{date_short_pretty}} at {{time}}|"
        f"{format_local(at, timezone)}>"
    )


def quote(text: str) -> str:
    """A person's ``text`` as a mrkdwn block quote, every line of it, escaped by ``plain``."""
    return "\n".join(f">{line}" for line in plain(text.strip()).splitlines())


# --- the request to the budget owner ------------------------------------------------------


def build_signoff_request(request: SignoffRequest, *, outcome: str | None = None) -> Reply:
    """The DM to the budget owner: the exact definitions, their hash and two buttons.

    Once answered, ``outcome`` takes the buttons' place (the same message is updated).
    """
    names = ", ".join(plain(str(criterion["name"])) for criterion in request.criteria)
    intro = (
        f"{user_mention(request.requested_by)} asks you, as budget owner of "
        f"*{plain(request.program_name)}*, to "
        "sign off its success criteria. Approving freezes these exact definitions: the "
        "program's results are measured against them at month 3 and month 6 and published "
        "whatever they show."
    )
    blocks: list[Block] = [
        HeaderBlock(text=f"Sign-off: {request.program_name}"[:150]),
        SectionBlock(text=MarkdownTextObject(text=intro)),
    ]
    if request.self_approved:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=(
                        "*Self-approved:* you are also an owner of this program, so this "
                        "sign-off approves your own criteria. That is allowed, and the "
                        "pre-commitment and every results post will say so plainly: "
                        f"“{SELF_APPROVED_NOTE}”."
                    )
                )
            )
        )
    blocks += [
        SectionBlock(text=MarkdownTextObject(text=criterion_text(criterion, number=number)))
        for number, criterion in enumerate(request.criteria, start=1)
    ]
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(text=f"Frozen definitions SHA-256: `{request.criteria_hash}`")
            ]
        )
    )
    if outcome is None:
        value = pack_signoff(request.ref)
        blocks += [
            ActionsBlock(
                elements=[
                    ButtonElement(
                        text="Approve", action_id=CRITERIA_APPROVE, value=value, style="primary"
                    ),
                    ButtonElement(
                        text="Request changes", action_id=CRITERIA_REQUEST_CHANGES, value=value
                    ),
                ]
            ),
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=(
                            "Only you can sign these off. *Request changes* sends your comment "
                            "to the program's owners; the criteria stay unsigned until you "
                            "approve a version."
                        )
                    )
                ]
            ),
        ]
    else:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=clip(outcome, _SECTION_MAX))))
    text = (
        f"{user_mention(request.requested_by)} asks you to sign off the success criteria of "
        f"{plain(request.program_name)}: {names}."
    )
    if request.self_approved:
        text += f" ({SELF_APPROVED_NOTE})"
    return Reply(text=text, blocks=[block.to_dict() for block in blocks])


def approved_outcome(
    *, at: datetime, timezone: str, criteria_hash: str, not_told: Sequence[str] = ()
) -> str:
    """What the request says once approved; ``not_told``: owners the DM about it missed."""
    told = not_told_text(not_told) if not_told else "The owners have been told."
    return (
        f":white_check_mark: *Approved by you at {slack_time(at, timezone)}* "
        f"(SHA-256 `{criteria_hash}`). {told} You'll get the public pre-commitment when they "
        "post it."
    )


def changes_outcome(
    *, at: datetime, timezone: str, comment: str, not_reached: Sequence[str] = ()
) -> str:
    """What the request says once changes were asked; ``not_reached``: owners the comment
    missed, whom the budget owner tells instead."""
    went = (
        _comment_missed_text(not_reached)
        if not_reached
        else "Your comment went to the program's owners."
    )
    return (
        f"*You asked for changes at {slack_time(at, timezone)}:*\n{quote(comment)}\n"
        f"{went} When they change the criteria, a new request will come here; these stay "
        "unsigned."
    )


def _comment_missed_text(not_reached: Sequence[str]) -> str:
    return (
        f"I couldn't send your comment to {user_mentions(not_reached)}; please pass it on to "
        "them yourself."
    )


def build_comment_not_delivered(
    *, program_name: str, not_reached: Sequence[str], comment: str
) -> Reply:
    """For the budget owner when their comment missed some owners and the request message
    could not be updated to say so: the comment exists nowhere else, so it comes back."""
    return text_reply(
        f"About the success criteria of *{plain(program_name)}*: "
        f"{_comment_missed_text(not_reached)} Your comment:\n{quote(comment)}"
    )


def build_changes_modal(*, ref: SignoffRef, program_name: str) -> dict[str, Any]:
    text = (
        f"What should the owners of *{plain(program_name)}* change? Your comment goes to them "
        "by DM; the criteria stay unsigned until you approve a new version."
    )
    view = View(
        type="modal",
        callback_id=CRITERIA_CHANGES_VIEW,
        private_metadata=pack_signoff(ref),
        title="Request changes",
        submit="Send to owners",
        close="Cancel",
        blocks=[
            SectionBlock(text=MarkdownTextObject(text=text)),
            InputBlock(
                block_id=CRITERIA_COMMENT,
                label="What should change, and why?",
                element=PlainTextInputElement(
                    action_id=CRITERIA_COMMENT,
                    multiline=True,
                    max_length=COMMENT_MAX_CHARS,
                    placeholder="e.g. Swap Deployment Frequency for Report Retention: …",
                ),
            ),
        ],
    )
    return view.to_dict()


def comment_of(values: Mapping[str, Any]) -> str:
    field = values.get(CRITERIA_COMMENT, {}).get(CRITERIA_COMMENT, {})
    return str(field.get("value") or "").strip()


# --- what the owners are told --------------------------------------------------------------


def build_approved_notice(
    *, program_name: str, approved_by: str, at: datetime, timezone: str, criteria_hash: str
) -> Reply:
    return text_reply(
        f"{user_mention(approved_by)} approved the success criteria of *{plain(program_name)}* at "
        f"{slack_time(at, timezone)} (SHA-256 `{criteria_hash}`). Week 1 is done. Next: weigh "
        f"an internal against an external coach with `{COMMAND} coach`, or see the whole "
        f"checklist with `{COMMAND} status`."
    )


def build_changes_notice(*, program_name: str, budget_owner_id: str, comment: str) -> Reply:
    return text_reply(
        f"{user_mention(budget_owner_id)} asked for changes to the success criteria of "
        f"*{plain(program_name)}*:\n{quote(comment)}\nThey stay unsigned. Change them with "
        f'`{COMMAND} criteria "{plain(program_name)}"` — saving sends a new sign-off request.'
    )


def comment_sent_text(*, program_name: str, owners: Sequence[str]) -> str:
    who = ", ".join(user_mention(owner) for owner in owners) or "the program's owners"
    return (
        f"Sent your comment to {who}. The criteria of *{plain(program_name)}* stay unsigned; "
        "when the owners change them, a new request will come to your DMs."
    )


def request_sent_text(
    *, program_name: str, names: Sequence[str], budget_owner_id: str, resent: bool
) -> str:
    what = (
        "They were already saved and not yet signed off, so I sent the request again"
        if resent
        else "I sent the sign-off request"
    )
    return (
        f"Saved the success criteria of *{plain(program_name)}*: {_names(names)}. {what} to "
        f"{user_mention(budget_owner_id)} by DM; you'll get a DM when they answer. Meanwhile, "
        f"go on with week 2: `{COMMAND} coach`."
    )


def unchanged_text(*, program_name: str, signed_off_by: str) -> str:
    return (
        f"Nothing changed: *{plain(program_name)}* keeps the criteria "
        f"{user_mention(signed_off_by)} signed off. "
        f"`{COMMAND} status` shows what's next."
    )


def no_budget_owner_text(*, program_name: str, names: Sequence[str]) -> str:
    return (
        f"Saved the success criteria of *{plain(program_name)}*: {_names(names)}. It has no budget "
        f"owner, so nobody can sign them off yet: set one in `{COMMAND} setup`, then run "
        f"`{COMMAND} criteria` and save again to send the request."
    )


def delivery_failed_text(*, program_name: str, budget_owner_id: str, error: str | None) -> str:
    """``error``: Slack's refusal; None when Slack did not confirm it (no answer, or an error
    of its own), so the request may or may not have arrived."""
    budget_owner = user_mention(budget_owner_id)
    resend = f'`{COMMAND} criteria "{plain(program_name)}"` and save again to resend it.'
    if error is None:
        return (
            f"Slack did not confirm the sign-off request I sent for *{plain(program_name)}* "
            f"to {budget_owner}, so it may not have arrived. The criteria are saved. If "
            f"{budget_owner} doesn't have it, run {resend}"
        )
    return (
        f"I couldn't deliver the sign-off request for *{plain(program_name)}* to "
        f"{budget_owner} (Slack said `{plain(error)}`). The criteria are saved. Run {resend}"
    )


def build_delivery_failed(*, program_name: str, budget_owner_id: str, error: str | None) -> Reply:
    return text_reply(
        delivery_failed_text(
            program_name=program_name, budget_owner_id=budget_owner_id, error=error
        )
    )


# --- refusals of a click -----------------------------------------------------------------


def not_budget_owner_text(*, program_name: str, budget_owner_id: str | None) -> str:
    if budget_owner_id is None:
        return (
            f"*{plain(program_name)}* has no budget owner yet, so nobody can sign off its "
            "criteria; your click wasn't counted. A program owner can set one up."
        )
    return (
        f"Thanks — but only {user_mention(budget_owner_id)}, the budget owner of "
        f"*{plain(program_name)}*, can "
        "sign off its success criteria, so your click wasn't counted. If someone else should "
        "sign off, ask a program owner."
    )


def superseded_text() -> str:
    return (
        "These criteria were changed since this request was sent; the newer request is in "
        "your DMs. Nothing was recorded."
    )


def already_signed_text(*, at: datetime, timezone: str) -> str:
    return f"You already approved these criteria at {slack_time(at, timezone)}; nothing else to do."


def program_gone_text() -> str:
    return f"That program no longer exists. Type `{COMMAND} help` to see what you can do."
