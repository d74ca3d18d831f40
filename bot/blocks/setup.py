"""/emcoach setup: the program modal, the confirmation shown in its place, the budget owner's
heads-up."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    ConversationFilter,
    ConversationSelectElement,
    DatePickerElement,
    InputBlock,
    MarkdownTextObject,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    SectionBlock,
    StaticSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.blocks.owner import build_not_owner
from bot.blocks.refusals import build_not_part_of
from bot.blocks.reply import Reply, text_reply
from bot.blocks.status import day_text
from bot.domain.cost import CostModel
from bot.domain.mrkdwn import channel_mention, plain, user_mention
from bot.domain.timeline import Timeline
from bot.slack_names import COMMAND

SETUP_VIEW: Final = "setup_program"
SETUP_DONE_VIEW: Final = "setup_done"
# Each input's block_id and action_id are the same string: one constant names the field.
SETUP_NAME: Final = "setup_name"
SETUP_CHANNEL: Final = "setup_channel"
SETUP_KICKOFF: Final = "setup_kickoff"
SETUP_TIMEZONE: Final = "setup_timezone"
SETUP_MONTHS: Final = "setup_months"
SETUP_BUDGET_OWNER: Final = "setup_budget_owner"
SETUP_MODEL: Final = "setup_model"
SETUP_THRESHOLD: Final = "setup_threshold"  # committed programs only: a locked field

# The Program.name column's length.
NAME_MAX: Final = 80
# Slack: at most 100 options in a static_select.
MAX_ZONE_OPTIONS: Final = 100
# Zones offered in the picker, west to east; the owner's own zone is added when it is missing.
COMMON_ZONES: Final = (
    "Pacific/Honolulu",
    "America/Anchorage",
    "America/Los_Angeles",
    "America/Vancouver",
    "America/Phoenix",
    "America/Denver",
    "America/Chicago",
    "America/Mexico_City",
    "America/New_York",
    "America/Toronto",
    "America/Bogota",
    "America/Lima",
    "America/Halifax",
    "America/Santiago",
    "America/Sao_Paulo",
    "America/Argentina/Buenos_Aires",
    "Atlantic/Reykjavik",
    "UTC",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Lisbon",
    "Africa/Lagos",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Amsterdam",
    "Europe/Brussels",
    "Europe/Madrid",
    "Europe/Rome",
    "Europe/Zurich",
    "Europe/Vienna",
    "Europe/Prague",
    "Europe/Warsaw",
    "Europe/Stockholm",
    "Europe/Oslo",
    "Europe/Copenhagen",
    "Europe/Athens",
    "Europe/Bucharest",
    "Europe/Helsinki",
    "Europe/Kyiv",
    "Africa/Cairo",
    "Africa/Johannesburg",
    "Europe/Istanbul",
    "Africa/Nairobi",
    "Asia/Jerusalem",
    "Asia/Dubai",
    "Asia/Karachi",
    "Asia/Kolkata",
    "Asia/Dhaka",
    "Asia/Bangkok",
    "Asia/Jakarta",
    "Asia/Singapore",
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Taipei",
    "Asia/Manila",
    "Australia/Perth",
    "Asia/Seoul",
    "Asia/Tokyo",
    "Australia/Adelaide",
    "Australia/Brisbane",
    "Australia/Melbourne",
    "Australia/Sydney",
    "Pacific/Auckland",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class SetupForm:
    """What the setup modal shows, or what came back from it; None is an empty field."""

    name: str | None = None
    channel_id: str | None = None
    kickoff: date | None = None
    months: int | None = None
    timezone: str | None = None
    budget_owner_id: str | None = None
    model: str | None = None
    anonymity_threshold: int | None = None  # offered once committed, as a deviation


def zone_choices(preselected: str) -> list[str]:
    """The zones the picker offers: the common ones, with ``preselected`` first if missing."""
    zones = list(COMMON_ZONES)
    if preselected not in zones:
        zones.insert(0, preselected)
    return zones[:MAX_ZONE_OPTIONS]


def _zone_option(zone: str) -> Option:
    return Option(value=zone, text=zone.replace("_", " ")[:75])


def _model_option(model: CostModel) -> Option:
    profile = model.profile
    return Option(value=model.value, text=profile.label, description=profile.best_for[:75])


def _model_label(model: str | None) -> str:
    try:
        return CostModel(model or "").profile.label
    except ValueError:
        return "not chosen"


def _name(form: SetupForm) -> str:
    return plain(form.name or "")


def _facts_text(form: SetupForm) -> str:
    lines = [
        f"*Results channel:* {channel_mention(form.channel_id)}" if form.channel_id else "",
        f"*Time zone:* {plain(form.timezone)}" if form.timezone else "",
        f"*Budget owner:* {user_mention(form.budget_owner_id)}" if form.budget_owner_id else "",
        f"*Coaching model:* {_model_label(form.model)}",
    ]
    if form.kickoff is not None and form.months is not None:
        timeline = Timeline(kickoff=form.kickoff, months=form.months)
        lines.append(
            f"*Kickoff:* {day_text(form.kickoff)} · *month 3:* {day_text(timeline.midpoint)} · "
            f"*month {form.months}:* {day_text(timeline.evaluation)}"
        )
    return "\n".join(line for line in lines if line)


def _name_input(form: SetupForm) -> InputBlock:
    return InputBlock(
        block_id=SETUP_NAME,
        label="Program name",
        hint="Unique in this workspace; you'll type it to pick the program, e.g. “Pilot 2027”.",
        element=PlainTextInputElement(
            action_id=SETUP_NAME, initial_value=form.name, max_length=NAME_MAX
        ),
    )


def _dates_inputs(form: SetupForm) -> list[Block]:
    return [
        InputBlock(
            block_id=SETUP_KICKOFF,
            label="Kickoff date",
            hint="The first day of coaching, usually after the four-week setup sprint. The "
            "month-3 and month-6 checkpoints are counted from it.",
            element=DatePickerElement(
                action_id=SETUP_KICKOFF,
                initial_date=form.kickoff.isoformat() if form.kickoff else None,
            ),
        ),
        InputBlock(
            block_id=SETUP_MONTHS,
            label="Execution length in months",
            hint="At least 6: shorter programs don't show measurable outcomes.",
            element=NumberInputElement(
                action_id=SETUP_MONTHS,
                is_decimal_allowed=False,
                initial_value=str(form.months) if form.months is not None else None,
            ),
        ),
    ]


def _threshold_input(form: SetupForm) -> InputBlock:
    return InputBlock(
        block_id=SETUP_THRESHOLD,
        label="Anonymity threshold (people)",
        hint="A survey figure from fewer people than this is never shown. At least 3.",
        element=NumberInputElement(
            action_id=SETUP_THRESHOLD,
            is_decimal_allowed=False,
            initial_value=(
                str(form.anonymity_threshold) if form.anonymity_threshold is not None else None
            ),
        ),
    )


def _other_inputs(form: SetupForm, *, default_zone: str) -> list[Block]:
    zone = form.timezone or default_zone
    zones = [_zone_option(choice) for choice in zone_choices(zone)]
    models = [_model_option(model) for model in CostModel]
    return [
        InputBlock(
            block_id=SETUP_CHANNEL,
            label="Channel to publish the results in",
            hint="The pre-commitment and the month-3 and month-6 results are posted here, "
            "whatever they show. Invite me there with /invite @emcoach before you commit.",
            element=ConversationSelectElement(
                action_id=SETUP_CHANNEL,
                initial_conversation=form.channel_id,
                filter=ConversationFilter(include=["public"], exclude_bot_users=True),
            ),
        ),
        InputBlock(
            block_id=SETUP_TIMEZONE,
            label="Program time zone",
            hint="Dates such as the kickoff and checkpoints are days in this zone; each "
            "person's own reminders follow their Slack time zone.",
            element=StaticSelectElement(
                action_id=SETUP_TIMEZONE,
                options=zones,
                initial_option=next(option for option in zones if option.value == zone),
            ),
        ),
        InputBlock(
            block_id=SETUP_BUDGET_OWNER,
            label="Budget owner",
            hint="Usually the CFO or an operating partner: they sign off the success "
            "criteria, and nobody else can.",
            element=UserSelectElement(
                action_id=SETUP_BUDGET_OWNER, initial_user=form.budget_owner_id
            ),
        ),
        InputBlock(
            block_id=SETUP_MODEL,
            label="Coaching model",
            hint=f"Not sure? Compare their prices with {COMMAND} cost.",
            element=RadioButtonsElement(
                action_id=SETUP_MODEL,
                options=models,
                initial_option=next((o for o in models if o.value == form.model), None),
            ),
        ),
    ]


def build_setup_modal(
    form: SetupForm,
    *,
    program_id: int | None,
    default_zone: str = "UTC",
    committed_on: date | None = None,
) -> dict[str, Any]:
    """A new program (``program_id`` None) or an existing one, prefilled from ``form``.

    Once committed (``committed_on``) only the dates are offered, and the modal says that
    changing them needs a deviation posted first.
    """
    blocks: list[Block]
    if committed_on is None:
        intro = (
            "Create the program the setup sprint is for. You'll be its owner; add co-owners "
            f"later with `{COMMAND} owner add @name`."
            if program_id is None
            else f"Change the setup of *{_name(form)}*."
        )
        blocks = [
            SectionBlock(text=MarkdownTextObject(text=intro)),
            _name_input(form),
            *_other_inputs(form, default_zone=default_zone),
            *_dates_inputs(form),
        ]
    else:
        locked = (
            f"*{_name(form)}* was committed on {day_text(committed_on)}. Its name, channel, "
            "time zone, budget owner and model are fixed. The kickoff date and length, and "
            "the anonymity threshold, change only as a deviation: post it with "
            f"`{COMMAND} deviation dates <reason>` (or `{COMMAND} deviation threshold "
            "<reason>`) first, then save the new value here."
        )
        blocks = [
            SectionBlock(text=MarkdownTextObject(text=locked)),
            SectionBlock(text=MarkdownTextObject(text=_facts_text(form))),
            *_dates_inputs(form),
            _threshold_input(form),
        ]
    view = View(
        type="modal",
        callback_id=SETUP_VIEW,
        title="Set up a program" if program_id is None else "Program setup",
        submit="Create program" if program_id is None else "Save changes",
        close="Cancel",
        private_metadata=json.dumps({"program_id": program_id}),
        blocks=blocks,
    )
    return view.to_dict()


def _value(values: Mapping[str, Any], field: str) -> Mapping[str, Any]:
    element = values.get(field, {}).get(field, {})
    return element if isinstance(element, Mapping) else {}


def _text(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _selected(element: Mapping[str, Any]) -> str | None:
    option = element.get("selected_option")
    return _text(option.get("value")) if isinstance(option, Mapping) else None


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _whole(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def form_from_state(values: Mapping[str, Any]) -> SetupForm:
    """The submitted ``view.state.values``; fields not in the modal (or unusable) are None."""
    return SetupForm(
        name=_text(_value(values, SETUP_NAME).get("value")),
        channel_id=_text(_value(values, SETUP_CHANNEL).get("selected_conversation")),
        kickoff=_date(_text(_value(values, SETUP_KICKOFF).get("selected_date"))),
        months=_whole(_text(_value(values, SETUP_MONTHS).get("value"))),
        timezone=_selected(_value(values, SETUP_TIMEZONE)),
        budget_owner_id=_text(_value(values, SETUP_BUDGET_OWNER).get("selected_user")),
        model=_selected(_value(values, SETUP_MODEL)),
        anonymity_threshold=_whole(_text(_value(values, SETUP_THRESHOLD).get("value"))),
    )


def build_setup_done(
    form: SetupForm, *, created: bool, changed: bool, owner_id: str, budget_owner_told: bool
) -> dict[str, Any]:
    """What happened and what to do next, shown in place of the submitted modal.

    ``budget_owner_told``: a heads-up DM goes to the (new) budget owner after this answer.
    """
    if not created and not changed:
        head = f"Nothing changed in *{_name(form)}*."
    else:
        head = (
            f"Created *{_name(form)}*. You're its owner."
            if created
            else f"Saved the setup of *{_name(form)}*."
        )
    if form.budget_owner_id == owner_id:
        signer = "You're also the budget owner, so you'll sign them off yourself."
    else:
        signer = f"{user_mention(form.budget_owner_id or '')} then signs them off."
    next_step = f"*Next — week 1:* choose 2–3 success criteria with `{COMMAND} criteria`. {signer}"
    more = (
        f"Add co-owners with `{COMMAND} owner add @name` · see the four-week checklist with "
        f"`{COMMAND} status` · check whether now is the time with `{COMMAND} check`."
    )
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=head)),
        SectionBlock(text=MarkdownTextObject(text=_facts_text(form))),
    ]
    if created:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=next_step)))
    if budget_owner_told:
        told = (
            f"I'm sending {user_mention(form.budget_owner_id or '')} a direct message saying "
            "they'll be asked to sign off the success criteria."
        )
        blocks.append(SectionBlock(text=MarkdownTextObject(text=told)))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=more)]))
    view = View(
        type="modal",
        callback_id=SETUP_DONE_VIEW,
        title="Program created" if created else "Program setup",
        close="Done",
        blocks=blocks,
    )
    return view.to_dict()


def build_budget_owner_heads_up(*, program_name: str, owner_id: str) -> Reply:
    """The DM to the budget owner: what they were named for, and that nothing is due yet."""
    return text_reply(
        f"{user_mention(owner_id)} set up the EM mentoring program *{plain(program_name)}* and "
        "named you its budget owner. In week 1 they'll pick 2–3 success criteria, and I'll ask "
        "you here to sign them off (or send them back with a comment) — only your approval "
        "counts. Nothing to do until then."
    )


def build_heads_up_not_delivered(*, program_name: str, budget_owner_id: str) -> Reply:
    """To the owner, when the budget owner's heads-up did not reach them."""
    return text_reply(
        f"You named {user_mention(budget_owner_id)} budget owner of *{plain(program_name)}*, "
        "but I couldn't send them a direct message; please let them know. The sign-off request "
        "in week 1 will try again."
    )


def build_setup_notice(text: str) -> dict[str, Any]:
    """A modal that only says why nothing was saved and what to do instead."""
    view = View(
        type="modal",
        callback_id=SETUP_DONE_VIEW,
        title="Program setup",
        close="Close",
        blocks=[SectionBlock(text=MarkdownTextObject(text=text))],
    )
    return view.to_dict()


def program_gone_text() -> str:
    return f"That program no longer exists. Start a new one with `{COMMAND} setup`."


def build_setup_not_yours(program_name: str, owners: Sequence[str] | None) -> Reply:
    """The name is someone else's program: whom to ask (people in it), or nothing about who
    runs it (anyone else)."""
    if owners is None:
        return build_not_part_of(program_name)
    return build_not_owner(
        program_name,
        owners,
        instead=f"To start a program of your own, run `{COMMAND} setup` and give it another name.",
    )
