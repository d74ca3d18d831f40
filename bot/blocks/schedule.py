"""/emcoach schedule: upcoming prompts, grouped by day in the reader's own time zone."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import groupby

from slack_sdk.models.blocks import (
    Block,
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
from bot.slack_names import COMMAND

SCHEDULE_USAGE = "schedule [all [program]]"
WINDOW = timedelta(days=14)
MINE_LIMIT = 20
# A whole program's fortnight can hold hundreds of prompts; past this many the reply says how
# many more there are. With ~200 characters a line and sections split at SECTION_MAX, 60 lines
# stay far inside Slack's 50 blocks a message.
ALL_LIMIT = 60
SECTION_MAX = 3000  # Slack: characters in a section's text


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


@dataclass(frozen=True, slots=True, kw_only=True)
class Schedule:
    title: str  # e.g. "Your next 14 days" or "Pilot — next 14 days"
    lines: Sequence[PromptLine]  # sorted by due, at most the limit
    total: int  # how many match in all
    zone: str  # the reader's zone: every time is shown in it
    show_recipient: bool  # the whole program's view says whose prompt each one is
    empty: str  # what to say when there is nothing in the window
    outlook: Sequence[str] = ()  # what comes later or when the program starts
    hint: str | None = None


def build_schedule(schedule: Schedule) -> Reply:
    blocks: list[Block] = [HeaderBlock(text=schedule.title[:150])]
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
    more = schedule.total - len(schedule.lines)
    if more > 0:
        extra = f"…and {more} more in the same {WINDOW.days} days."
        blocks.append(SectionBlock(text=MarkdownTextObject(text=extra)))
    notes = [f"Times are in your time zone ({schedule.zone})."]
    if schedule.hint:
        notes.append(schedule.hint)
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=" ".join(notes))]))
    return Reply(text=text, blocks=[block.to_dict() for block in blocks])


MINE_HINT = f"Owners and coaches can see a whole program's with `{COMMAND} schedule all`."
