"""/emcoach schedule: upcoming prompts, grouped by day in the reader's own time zone."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from itertools import groupby
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks.pause import day_text
from bot.blocks.reply import Reply
from bot.domain.cadence import AgendaKind
from bot.domain.localtime import format_local, local_date
from bot.domain.mrkdwn import mention, plain, user_mention
from bot.domain.schedule import SPAN_DAYS, Scope, Span
from bot.slack_names import COMMAND

SCHEDULE_USAGE = "schedule [all | @person] [week | month | everything] [program]"
SECTION_MAX = 3000  # Slack: characters in a section's text
# The paging buttons; their value is the page's state (``page_value``).
SCHEDULE_PAGE_PREVIOUS = "schedule_page_previous"
SCHEDULE_PAGE_NEXT = "schedule_page_next"


@dataclass(frozen=True, slots=True, kw_only=True)
class PromptLine:
    """One pending prompt with the names needed to say what it is."""

    due: datetime
    kind: str
    recipient: str
    occasion: date
    leader_id: str | None = None  # the leader it is about, if any
    partner_id: str | None = None  # the other person of a 1:1: the coach, or for a log the leader
    pod_name: str | None = None
    program_name: str | None = None  # set when the list spans several programs


def _person(user_id: str | None, fallback: str) -> str:
    return user_mention(user_id) if user_id else fallback


_DESCRIPTIONS: dict[str, Callable[[PromptLine], str]] = {
    AgendaKind.ONE_ON_ONE_PRE: lambda line: (
        f"1:1 with {_person(line.partner_id, 'your coach')} — prep: bring one decision"
    ),
    AgendaKind.ONE_ON_ONE_POST: lambda line: (
        f"1:1 with {_person(line.partner_id, 'your coach')} — rate it, note what you decided"
    ),
    AgendaKind.ONE_ON_ONE_LOG: lambda line: (
        f"1:1 with {_person(line.leader_id, 'a leader')} — log whether it was held"
    ),
    AgendaKind.POD_PRE: lambda line: (
        f"Pod “{plain(line.pod_name or '?')}” session prep — bring one real challenge"
    ),
    AgendaKind.POD_POST: lambda line: f"Pod “{plain(line.pod_name or '?')}” session — rate it",
    AgendaKind.THREE_SIXTY: lambda line: (
        f"Quarterly 360 for {_person(line.leader_id, 'a leader')} — invitation"
    ),
    AgendaKind.SURVEY: lambda line: (
        f"1:1-quality survey about {_person(line.leader_id, 'a leader')}"
    ),
    AgendaKind.SURVEY_REMINDER: lambda _line: "Survey reminder",
    AgendaKind.COACH_DIGEST: lambda _line: "Weekly coach digest",
    AgendaKind.CHECKPOINT_PREVIEW: lambda line: (
        f"Preview of the {day_text(line.occasion)} checkpoint results"
    ),
    AgendaKind.CHECKPOINT_PUBLISH: lambda line: (
        f"Checkpoint results posted in {mention(line.recipient)}"
    ),
    AgendaKind.SETUP_NUDGE: lambda _line: "Setup sprint nudge",
    AgendaKind.OWNER_ALERT: lambda _line: "Alert: a prompt couldn't be delivered",
    AgendaKind.COMMITMENT_POST: lambda line: (
        f"The pre-commitment, posted in {mention(line.recipient)}"
    ),
    AgendaKind.COMMITMENT_COPY: lambda _line: "Your copy of the pre-commitment",
    AgendaKind.DEVIATION_POST: lambda line: f"A deviation, posted in {mention(line.recipient)}",
    AgendaKind.CHECKPOINT_CHART: lambda line: (
        f"The checkpoint results chart, in the post's thread in {mention(line.recipient)}"
    ),
    AgendaKind.DEVIATION_CHANGE: lambda line: (
        f"What a deviation changed, posted in {mention(line.recipient)}"
    ),
    AgendaKind.COMMITMENT_RECORD: lambda line: (
        f"The locked record, in the pre-commitment's thread in {mention(line.recipient)}"
    ),
    AgendaKind.CLOSING_SUMMARY: lambda _line: "The program's closing summary",
    AgendaKind.CLOSING_SUMMARY_OWNER: lambda _line: (
        "The program's closing summary, under the month-6 preview"
    ),
}


def describe(line: PromptLine) -> str:
    """What the prompt is, from its recipient's side: "1:1 with @cora — prep: bring one
    decision"; with the program's name in front when the list spans several."""
    describer = _DESCRIPTIONS.get(line.kind)
    text = describer(line) if describer is not None else "Prompt"
    if line.program_name:
        text = f"*{plain(line.program_name)}*: {text}"
    return text


def _line_text(line: PromptLine, *, zone: str, show_recipient: bool) -> str:
    at = format_local(line.due, zone).partition(", ")[2]
    who = f"{mention(line.recipient)} · " if show_recipient else ""
    return f"• {at} — {who}{describe(line)}"


def _day_sections(title: str, lines: list[str]) -> list[SectionBlock]:
    """One section per day, split where a day's lines would pass Slack's section limit."""
    sections: list[SectionBlock] = []
    current = f"*{title}*"
    for line in lines:
        if len(current) + 1 + len(line) > SECTION_MAX:
            sections.append(SectionBlock(text=MarkdownTextObject(text=current)))
            current = f"*{title}* (continued)"
        current += "\n" + line
    sections.append(SectionBlock(text=MarkdownTextObject(text=current)))
    return sections


# --- paging -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class PageState:
    """Everything a paging button needs to show another page of the same list."""

    scope: Scope
    span: Span
    since: datetime  # the first page's "now": every page of one list starts there
    page: int
    person: str | None = None
    program_id: int | None = None


def page_value(state: PageState) -> str:
    """A button's value: a flat JSON object of strings and ints (Slack: 2000 characters)."""
    return json.dumps(
        {
            "scope": state.scope.value,
            "span": state.span.value,
            "since": state.since.isoformat(),
            "page": state.page,
            "person": state.person or "",
            "program": state.program_id or 0,
        }
    )


def read_page_value(value: str) -> PageState | None:
    """The state in a paging button's value; None when it is not one of ours."""
    try:
        found: Any = json.loads(value)
        since = datetime.fromisoformat(str(found["since"]))
        page, program = found["page"], found["program"]
        if not isinstance(page, int) or not isinstance(program, int) or since.tzinfo is None:
            return None
        return PageState(
            scope=Scope(found["scope"]),
            span=Span(found["span"]),
            since=since,
            page=page,
            person=str(found["person"]) or None,
            program_id=program or None,
        )
    except (ValueError, KeyError, TypeError):
        return None


def _paging_buttons(state: PageState, pages: int) -> ActionsBlock | None:
    buttons = []
    if state.page > 1:
        earlier = replace(state, page=state.page - 1)
        buttons.append(
            ButtonElement(
                text="Previous", action_id=SCHEDULE_PAGE_PREVIOUS, value=page_value(earlier)
            )
        )
    if state.page < pages:
        later = replace(state, page=state.page + 1)
        buttons.append(
            ButtonElement(text="Next", action_id=SCHEDULE_PAGE_NEXT, value=page_value(later))
        )
    return ActionsBlock(elements=buttons) if buttons else None


# --- the reply --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Schedule:
    title: str  # plain text, e.g. "Your prompts, next 14 days"
    lines: Sequence[PromptLine]  # this page's, sorted by due
    total: int  # how many match in all pages
    zone: str  # the reader's zone: every time is shown in it
    show_recipient: bool  # a whole program's view says whose prompt each one is
    empty: str  # what to say when there is nothing in the window
    intro: str | None = None  # mrkdwn: whose, and why the span is what it is
    outlook: Sequence[str] = ()  # what comes later or when the program starts
    hint: str | None = None
    paging: PageState | None = None
    pages: int = 1


def build_schedule(schedule: Schedule) -> Reply:
    blocks: list[Block] = [HeaderBlock(text=schedule.title[:150])]
    if schedule.intro:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=schedule.intro)))
    if schedule.lines:
        # The notification fallback; the blocks carry the list itself.
        text = f"{plain(schedule.title)}: {schedule.total} upcoming"
    else:
        text = "\n".join([schedule.empty, *schedule.outlook])
        blocks.append(SectionBlock(text=MarkdownTextObject(text=text)))
    for day, group in groupby(schedule.lines, key=lambda line: local_date(line.due, schedule.zone)):
        day_lines = [
            _line_text(line, zone=schedule.zone, show_recipient=schedule.show_recipient)
            for line in group
        ]
        blocks.extend(_day_sections(day_text(day), day_lines))
    notes = [f"Times are in your time zone ({schedule.zone})."]
    if schedule.paging is not None and schedule.pages > 1:
        notes.insert(
            0, f"Page {schedule.paging.page} of {schedule.pages} · {schedule.total} in all."
        )
        buttons = _paging_buttons(schedule.paging, schedule.pages)
        if buttons is not None:
            blocks.append(buttons)
    if schedule.hint:
        notes.append(schedule.hint)
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=" ".join(notes))]))
    return Reply(text=text, blocks=[block.to_dict() for block in blocks])


MINE_HINT = (
    f"`{COMMAND} schedule week`, `month` or `everything` change the span. Owners and coaches "
    f"see a whole program's with `{COMMAND} schedule all`, one person's with "
    f"`{COMMAND} schedule @person`."
)
MINE_SPAN_HINT = f"`{COMMAND} schedule week`, `month` or `everything` change the span."


def span_words(span: Span, *, until: date | None, to_kickoff: bool) -> str:
    """``"next 14 days"``, ``"everything planned"``, ``"until Mon 15 Feb 2027"``."""
    if to_kickoff and until is not None:
        return f"until {day_text(until)}"
    days = SPAN_DAYS.get(span)
    return f"next {days} days" if days else "everything planned"


def schedule_title(
    scope: Scope, *, span: str, program_name: str | None = None, person_name: str | None = None
) -> str:
    """The header (plain text): whose prompts, over which span."""
    if scope is Scope.PROGRAM and program_name:
        return f"{program_name}, {span}"[:150]
    if scope is Scope.PERSON:
        return f"{person_name or 'One person'}'s prompts, {span}"[:150]
    return f"Your prompts, {span}"


def kickoff_intro(starts: Sequence[tuple[str, date]]) -> str | None:
    """Why the span reaches past 14 days: the program starts later and its first weeks show."""
    if not starts:
        return None
    name, kickoff = min(starts, key=lambda start: start[1])
    return (
        f"*{plain(name)}* starts on {day_text(kickoff)}: this covers everything until its first "
        "14 days are over."
    )


def person_intro(person: str, program_names: Sequence[str]) -> str:
    where = ", ".join(f"*{plain(name)}*" for name in program_names)
    return f"Prompts to {user_mention(person)} in {where}."


def empty_text(scope: Scope, *, span: str, program_name: str | None, person: str | None) -> str:
    if scope is Scope.PROGRAM and program_name:
        return f"Nothing is planned in *{plain(program_name)}* for the {span}."
    if scope is Scope.PERSON and person:
        return f"Nothing is planned for {user_mention(person)} ({span})."
    return f"Nothing is coming up for you ({span})."


def closed_outlook(program_name: str) -> str:
    return f"*{plain(program_name)}* is closed: its results are published."


def setup_outlook(program_name: str, kickoff: date | None) -> str:
    starts = f"starts on {day_text(kickoff)}" if kickoff else "starts on its kickoff date"
    return (
        f"*{plain(program_name)}* is still being set up. Once an owner commits it with "
        f"`{COMMAND} commit`, it {starts} and the prompts begin."
    )


def next_outlook(
    program_name: str,
    *,
    starts_on: date | None,
    next_line: PromptLine | None,
    zone: str,
    for_one: bool,
) -> str:
    """What comes after a quiet span: when the program starts and its next prompt."""
    name = f"*{plain(program_name)}*"
    starts = f"{name} starts on {day_text(starts_on)}. " if starts_on else ""
    if next_line is None:
        return f"{starts}Nothing more is planned in {name}" + (" for you." if for_one else ".")
    return f"{starts}Next in {name}: {format_local(next_line.due, zone)} — {describe(next_line)}."


def not_overseer_text() -> str:
    return (
        "Only a program's owners and coaches can see its whole schedule, or another person's. "
        f"You can see your own upcoming prompts with `{COMMAND} schedule` (add `week`, `month` "
        "or `everything`)."
    )


def not_a_program_text(typed: str, *, first: str) -> str:
    return (
        f"“{plain(typed)}” isn't a program you own or coach here. "
        f"`{COMMAND} schedule all` shows *{plain(first)}*."
    )


def no_program_text() -> str:
    return f"You aren't in any program here yet. Type `{COMMAND} help` to see what you can do."


def not_in_your_programs_text(person: str) -> str:
    return (
        f"{user_mention(person)} has nothing in the programs you own or coach, and you can see "
        f"only those. `{COMMAND} schedule all` shows everyone's there."
    )


def unknown_words_text(message: str) -> str:
    return (
        f"{message} `{COMMAND} schedule` shows your own upcoming prompts (add `week`, `month` "
        f"or `everything`); `{COMMAND} schedule all [program]` a whole program's and "
        f"`{COMMAND} schedule @person` one person's (owners and coaches)."
    )


def out_of_date_text() -> str:
    return f"That page is out of date. Type `{COMMAND} schedule` to see the schedule again."
