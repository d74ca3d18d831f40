"""/emcoach pod: the cohort overview, the pod and leader modals, and their ids."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import time
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
    TimePickerElement,
    UserMultiSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.blocks.reply import SECTION_MAX, Reply
from bot.domain.args import LAST, MonthlySlot, WeeklySlot
from bot.domain.args.weekdays import DAY_NAMES
from bot.domain.mrkdwn import clip, plain, user_mention
from bot.domain.program_rules import (
    MONTHLY_POD_SESSION_MINUTES,
    POD_MAX_LEADERS,
    WEEKLY_ONE_ON_ONE_MINUTES,
)
from bot.slack_names import COMMAND

# Buttons of the overview.
POD_NEW = "pod_new"  # value: program id
POD_ADD_LEADER = "pod_add_leader"  # value: program id
POD_EDIT = "pod_edit"  # value: pod id
POD_EDIT_LEADER = "pod_edit_leader"  # value: leader id
# Modals; each input's action_id equals its block_id.
POD_VIEW = "pod_modal"
POD_NAME = "pod_name"
POD_COACH = "pod_coach"
POD_SESSION_WEEK = "pod_session_week"
POD_SESSION_DAY = "pod_session_day"
POD_SESSION_TIME = "pod_session_time"
POD_LEADER_VIEW = "pod_leader_modal"
LEADER_POD = "pod_leader_pod"
LEADER_USER = "pod_leader_user"
LEADER_MANAGER = "pod_leader_manager"
LEADER_REPORTS = "pod_leader_reports"
LEADER_GROUP = "pod_leader_group"
LEADER_DAY = "pod_leader_day"
LEADER_TIME = "pod_leader_time"
# The inputs whose change re-checks the slot against everyone's waking hours (views.update).
POD_NIGHT_INPUTS = (POD_COACH, POD_SESSION_WEEK, POD_SESSION_DAY, POD_SESSION_TIME)
LEADER_NIGHT_INPUTS = (LEADER_POD, LEADER_USER, LEADER_DAY, LEADER_TIME)
NIGHT_NOTE = "pod_night_note"  # the warning's section, on top of either modal

POD_NAME_MAX = 80  # Pod.name's column
# Slack: 50 blocks a message. A pod takes at most 2 + POD_MAX_LEADERS + 1 blocks, the frame 4.
MAX_PODS_SHOWN = 6
ORDINAL_WORDS = {1: "first", 2: "second", 3: "third", 4: "fourth", LAST: "last"}
_MAX_OPTIONS = 100  # Slack: static_select options


@dataclass(frozen=True, slots=True, kw_only=True)
class LeaderLine:
    id: int
    user_id: str
    manager_id: str | None
    reports: tuple[str, ...]
    one_on_one: WeeklySlot | None


@dataclass(frozen=True, slots=True, kw_only=True)
class PodLine:
    id: int
    name: str
    coach_id: str | None
    session: MonthlySlot | None
    leaders: tuple[LeaderLine, ...] = ()
    gaps: tuple[str, ...] = ()  # what the cohort check still misses in this pod


def weekday_name(weekday: int) -> str:
    return DAY_NAMES[weekday].title()


def describe_session(slot: MonthlySlot | None, *, timezone: str) -> str:
    """``the first Tuesday of each month, 15:00 Europe/Warsaw (90 min)``."""
    if slot is None:
        return "no monthly session slot yet"
    return (
        f"the {ORDINAL_WORDS[slot.ordinal]} {weekday_name(slot.weekday)} of each month, "
        f"{slot.time:%H:%M} {timezone} ({MONTHLY_POD_SESSION_MINUTES} min)"
    )


def describe_one_on_one(slot: WeeklySlot | None) -> str:
    """``1:1 Tuesdays 10:00 their time (45 min)``."""
    if slot is None:
        return "no weekly 1:1 slot yet"
    return (
        f"1:1 {weekday_name(slot.weekday)}s {slot.time:%H:%M} their time "
        f"({WEEKLY_ONE_ON_ONE_MINUTES} min)"
    )


def describe_leader(leader: LeaderLine) -> str:
    manager = (
        f"manager {user_mention(leader.manager_id)}" if leader.manager_id else "no manager yet"
    )
    count = len(leader.reports)
    reports = f"{count} direct report{'s' if count != 1 else ''}" if count else "no direct reports"
    slot = describe_one_on_one(leader.one_on_one)
    return f"{user_mention(leader.user_id)} — {manager}, {reports}, {slot}"


def _pod_blocks(pod: PodLine, *, timezone: str) -> list[Block]:
    coach = f"coach {user_mention(pod.coach_id)}" if pod.coach_id else "no coach yet"
    heading = (
        f"*Pod {plain(pod.name)}* — {coach}, {len(pod.leaders)} of {POD_MAX_LEADERS} leaders\n"
        f"Monthly session: {describe_session(pod.session, timezone=timezone)}"
    )
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(text=heading),
            accessory=ButtonElement(text="Edit pod", action_id=POD_EDIT, value=str(pod.id)),
        )
    ]
    blocks += [
        SectionBlock(
            text=MarkdownTextObject(text=describe_leader(leader)),
            accessory=ButtonElement(
                text="Edit leader", action_id=POD_EDIT_LEADER, value=str(leader.id)
            ),
        )
        for leader in pod.leaders
    ]
    status = (
        "Missing: " + "; ".join(pod.gaps) + "."
        if pod.gaps
        else "Complete: coach, leaders, managers, reports and slots are all set."
    )
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=status)]))
    return blocks


def build_cohort(
    *,
    program_id: int,
    program_name: str,
    timezone: str,
    pods: Sequence[PodLine],
    time_per_leader: str,
    committed: bool,
) -> Reply:
    """The cohort: each pod with its coach, leaders and slots, what is missing, and buttons."""
    if pods:
        intro = (
            f"Week 3 — structure the cohort. Pods of at most {POD_MAX_LEADERS} leaders, one "
            "coach each; every leader needs their manager, their direct reports and a weekly "
            f"1:1 slot. {time_per_leader}"
        )
    else:
        intro = (
            f"*{plain(program_name)}* has no pods yet. Start with *New pod*: a pod is up to "
            f"{POD_MAX_LEADERS} leaders with one coach, meeting monthly for "
            f"{MONTHLY_POD_SESSION_MINUTES} minutes. Then add each leader with *Add leader*."
        )
    if committed:
        intro += " The program is committed: cohort changes apply to future sessions."
    blocks: list[Block] = [
        HeaderBlock(text=f"Cohort of {program_name}"[:150]),
        SectionBlock(text=MarkdownTextObject(text=intro)),
    ]
    for pod in pods[:MAX_PODS_SHOWN]:
        blocks += [DividerBlock(), *_pod_blocks(pod, timezone=timezone)]
    buttons = [ButtonElement(text="New pod", action_id=POD_NEW, value=str(program_id))]
    if pods:
        buttons.append(
            ButtonElement(
                text="Add leader",
                action_id=POD_ADD_LEADER,
                value=str(program_id),
                style="primary",
            )
        )
    blocks.append(ActionsBlock(elements=buttons))
    hint = (
        f"Typing is faster once you know it: `{COMMAND} pod add Alpha`, "
        f"`{COMMAND} pod Alpha coach @cora`, `{COMMAND} pod Alpha session first tuesday 15:00`, "
        f"`{COMMAND} pod Alpha leader @lena manager @max reports @a @b 1:1 tue 10:00`."
    )
    if len(pods) > MAX_PODS_SHOWN:
        hidden = ", ".join(plain(pod.name) for pod in pods[MAX_PODS_SHOWN:])
        hint = f"Not shown here: {hidden} — type `{COMMAND} pod <name>` to see one. " + hint
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=clip(hint, SECTION_MAX))]))
    gaps = sum(len(pod.gaps) for pod in pods)
    text = f"Cohort of {plain(program_name)}: {len(pods)} pod(s), " + (
        f"{gaps} thing(s) missing." if gaps or not pods else "complete."
    )
    return Reply(text=text, blocks=[block.to_dict() for block in blocks])


def _option(text: str, value: str) -> Option:
    return Option(text=text[:75], value=value)


def _weekday_options() -> list[Option]:
    return [_option(weekday_name(day), str(day)) for day in range(len(DAY_NAMES))]


def _initial(options: Sequence[Option], value: object) -> Option | None:
    return next((option for option in options if option.value == str(value)), None)


def _time_text(at: time | None) -> str | None:
    return None if at is None else f"{at:%H:%M}"


def _night_blocks(night: str | None) -> list[Block]:
    """A warning on top when the slot falls in someone's night; saving stays possible."""
    if not night:
        return []
    warning = SectionBlock(
        block_id=NIGHT_NOTE, text=MarkdownTextObject(text=clip(night, SECTION_MAX))
    )
    return [warning, DividerBlock()]


def shown_night(view: Mapping[str, Any]) -> str | None:
    """The night-time warning a modal shows now, if any."""
    for block in view.get("blocks", []):
        if block.get("block_id") == NIGHT_NOTE:
            return str(block["text"]["text"])
    return None


def _watched(blocks: Sequence[Block], block_ids: Sequence[str]) -> list[Block]:
    """``blocks`` with the inputs in ``block_ids`` reporting each change (dispatch_action)."""
    for block in blocks:
        if isinstance(block, InputBlock) and block.block_id in block_ids:
            block.dispatch_action = True
    return list(blocks)


def build_pod_modal(
    *,
    program_id: int,
    timezone: str,
    pod: PodLine | None,
    new: bool | None = None,
    night: str | None = None,
) -> dict[str, Any]:
    """Create a pod (``pod`` None) or change its name, coach and monthly session slot.
    Updated while the owner fills it in (``pod`` then holds what is typed so far, ``new``
    when it is not saved yet) with ``night``, a warning that the slot falls in someone's
    night."""
    new = pod is None if new is None else new
    slot = pod.session if pod else None
    weeks = [_option(f"{word.title()} week", str(number)) for number, word in ORDINAL_WORDS.items()]
    days = _weekday_options()
    blocks: list[Block] = [
        *_night_blocks(night),
        InputBlock(
            block_id=POD_NAME,
            label="Pod name",
            element=PlainTextInputElement(
                action_id=POD_NAME,
                initial_value=pod.name if pod else None,
                max_length=POD_NAME_MAX,
                placeholder="Alpha",
            ),
            hint="People see it in reminders and results; keep it short.",
        ),
        InputBlock(
            block_id=POD_COACH,
            label="Coach",
            optional=True,
            element=UserSelectElement(
                action_id=POD_COACH,
                initial_user=pod.coach_id if pod and pod.coach_id else None,
                placeholder="Pick the coach",
            ),
            hint="One coach per pod: external, or an internal senior EM. You can add them later.",
        ),
        SectionBlock(
            text=MarkdownTextObject(
                text=(
                    f"*Monthly pod session* — {MONTHLY_POD_SESSION_MINUTES} minutes with all "
                    f"leaders and the coach, at this time in {timezone} (the program's time "
                    "zone). Leave it empty to set it later."
                )
            )
        ),
        InputBlock(
            block_id=POD_SESSION_WEEK,
            label="Week of the month",
            optional=True,
            element=StaticSelectElement(
                action_id=POD_SESSION_WEEK,
                options=weeks,
                initial_option=_initial(weeks, slot.ordinal) if slot else None,
                placeholder="First week",
            ),
        ),
        *_day_and_time(
            day=(POD_SESSION_DAY, "Day"), at=(POD_SESSION_TIME, "Time"), days=days, slot=slot
        ),
    ]
    return form_modal(
        callback_id=POD_VIEW,
        title="New pod" if new else "Edit pod",
        blocks=_watched(blocks, POD_NIGHT_INPUTS),
        metadata={"program": program_id, "pod": None if new or not pod else pod.id},
    )


def build_leader_modal(
    *,
    program_id: int,
    pods: Sequence[tuple[int, str]],
    pod_id: int | None,
    leader: LeaderLine | None,
    new: bool | None = None,
    group: str = "",
    night: str | None = None,
) -> dict[str, Any]:
    """Add a leader (``leader`` None) or change their pod, manager, reports and 1:1 slot.
    Updated while the owner fills it in (``leader`` holding what is picked so far, ``new``
    when it is not saved yet, ``group`` the user group typed) with ``night``, a warning that
    the 1:1 falls in someone's night."""
    new = leader is None if new is None else new
    pod_options = [_option(name, str(number)) for number, name in pods[:_MAX_OPTIONS]]
    days = _weekday_options()
    slot = leader.one_on_one if leader else None
    blocks: list[Block] = [
        *_night_blocks(night),
        InputBlock(
            block_id=LEADER_POD,
            label="Pod",
            element=StaticSelectElement(
                action_id=LEADER_POD,
                options=pod_options,
                initial_option=_initial(pod_options, pod_id),
                placeholder="Pick a pod",
            ),
            hint=f"At most {POD_MAX_LEADERS} leaders in a pod.",
        ),
        InputBlock(
            block_id=LEADER_USER,
            label="Leader",
            element=UserSelectElement(
                action_id=LEADER_USER,
                initial_user=leader.user_id if leader else None,
                placeholder="The engineering manager being coached",
            ),
        ),
        InputBlock(
            block_id=LEADER_MANAGER,
            label="Their manager",
            optional=True,
            element=UserSelectElement(
                action_id=LEADER_MANAGER,
                initial_user=leader.manager_id if leader and leader.manager_id else None,
                placeholder="Who they report to",
            ),
            hint="Joins the quarterly 360 and rates the leader.",
        ),
        InputBlock(
            block_id=LEADER_REPORTS,
            label="Their direct reports",
            optional=True,
            element=UserMultiSelectElement(
                action_id=LEADER_REPORTS,
                initial_users=list(leader.reports) if leader and leader.reports else None,
                placeholder="Everyone who reports to them",
            ),
            hint="They answer the anonymous 1:1-quality survey and count for retention.",
        ),
        InputBlock(
            block_id=LEADER_GROUP,
            label="…or a user group of their team",
            optional=True,
            element=PlainTextInputElement(
                action_id=LEADER_GROUP, initial_value=group or None, placeholder="@backend-team"
            ),
            hint="Everyone in this Slack user group is added as a direct report (not the "
            "leader themselves).",
        ),
        SectionBlock(
            text=MarkdownTextObject(
                text=(
                    f"*Weekly 1:1 with the coach* — {WEEKLY_ONE_ON_ONE_MINUTES} minutes, at this "
                    "time in the leader's own time zone."
                )
            )
        ),
        *_day_and_time(
            day=(LEADER_DAY, "1:1 day"), at=(LEADER_TIME, "1:1 time"), days=days, slot=slot
        ),
    ]
    return form_modal(
        callback_id=POD_LEADER_VIEW,
        title="Add a leader" if new else "Edit leader",
        blocks=_watched(blocks, LEADER_NIGHT_INPUTS),
        metadata={"program": program_id, "leader": None if new or not leader else leader.id},
    )


def _day_and_time(
    *,
    day: tuple[str, str],
    at: tuple[str, str],
    days: Sequence[Option],
    slot: WeeklySlot | MonthlySlot | None,
) -> list[InputBlock]:
    """A weekday select and a time picker (block id, label each), prefilled from ``slot``;
    optional in the form: a missing slot is listed as missing, not refused."""
    (day_id, day_label), (time_id, time_label) = day, at
    return [
        InputBlock(
            block_id=day_id,
            label=day_label,
            optional=True,
            element=StaticSelectElement(
                action_id=day_id,
                options=days,
                initial_option=_initial(days, slot.weekday) if slot else None,
                placeholder="Tuesday",
            ),
        ),
        InputBlock(
            block_id=time_id,
            label=time_label,
            optional=True,
            element=TimePickerElement(
                action_id=time_id, initial_time=_time_text(slot.time if slot else None)
            ),
        ),
    ]


def form_modal(
    *, callback_id: str, title: str, blocks: Sequence[Block], metadata: Mapping[str, Any]
) -> dict[str, Any]:
    """A modal with inputs, Save and Cancel, carrying ``metadata`` as JSON."""
    view = View(
        type="modal",
        callback_id=callback_id,
        title=title,
        submit="Save",
        close="Cancel",
        private_metadata=json.dumps(metadata),
        blocks=list(blocks),
    )
    return view.to_dict()


class ViewState:
    """The values of a submitted modal whose inputs use their block id as action id."""

    def __init__(self, values: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> None:
        self._values = values

    def _field(self, block_id: str) -> Mapping[str, Any]:
        return self._values.get(block_id, {}).get(block_id, {})

    def text(self, block_id: str) -> str:
        return str(self._field(block_id).get("value") or "").strip()

    def user(self, block_id: str) -> str | None:
        return self._field(block_id).get("selected_user") or None

    def users(self, block_id: str) -> tuple[str, ...]:
        return tuple(self._field(block_id).get("selected_users") or ())

    def option(self, block_id: str) -> str | None:
        selected = self._field(block_id).get("selected_option") or {}
        return selected.get("value") or None

    def time(self, block_id: str) -> time | None:
        selected = self._field(block_id).get("selected_time")
        return time.fromisoformat(selected) if selected else None
