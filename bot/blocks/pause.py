"""Replies of /emcoach pause, resume and leave: what changed on the agenda, what to do next."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from slack_sdk.models.blocks import ContextBlock, MarkdownTextObject, SectionBlock

from bot.blocks.reply import Reply
from bot.domain.cadence import SessionKind
from bot.domain.localtime import format_day, format_local
from bot.domain.mrkdwn import plain, user_mention
from bot.slack_names import COMMAND

PAUSE_USAGE = "pause [program] @leader [from DATE] until DATE [reason…]"
RESUME_USAGE = "resume [program] @leader"
LEAVE_USAGE = "leave [program] @leader [on DATE] [reason…]"
# Slack: 3000 characters a section; a resumed pause lists its sessions, each line ~40.
MAX_SESSIONS_LISTED = 20


day_text = format_day


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def sessions_phrase(kinds: Sequence[SessionKind]) -> str:
    """``"2 weekly 1:1s and 1 pod session"`` (only the kinds present; "no sessions" if none)."""
    one_on_ones = sum(kind is SessionKind.ONE_ON_ONE for kind in kinds)
    pods = sum(kind is SessionKind.POD for kind in kinds)
    parts = [
        plural(count, noun)
        for count, noun in ((one_on_ones, "weekly 1:1"), (pods, "pod session"))
        if count
    ]
    return " and ".join(parts) or "no sessions"


def _reply(text: str, *, note: str | None = None) -> Reply:
    blocks = [SectionBlock(text=MarkdownTextObject(text=text))]
    if note:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=note)))
    fallback = text if not note else f"{text}\n{note}"
    context = ContextBlock(elements=[MarkdownTextObject(text="Only you can see this.")])
    return Reply(text=fallback, blocks=[block.to_dict() for block in [*blocks, context]])


def _reason(reason: str | None) -> str:
    return f" ({plain(reason)})" if reason else ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Paused:
    leader_id: str
    program_name: str
    start: date
    end: date
    reason: str | None
    running: bool  # committed: the agenda exists and was re-planned
    kickoff: date | None
    skipped: tuple[SessionKind, ...]  # the sessions inside the pause, now "skipped" rows


def build_paused(paused: Paused) -> Reply:
    who = user_mention(paused.leader_id)
    text = (
        f"Paused {who} in *{plain(paused.program_name)}* from "
        f"{day_text(paused.start)} to {day_text(paused.end)}{_reason(paused.reason)}."
    )
    if paused.running:
        text += (
            f" Skipped: {sessions_phrase(paused.skipped)} — they show as skipped, not missed. "
            f"{who}'s 360s and direct-report surveys still go out."
        )
    else:
        starts = f" on {day_text(paused.kickoff)}" if paused.kickoff else ""
        text += (
            " The program isn't running yet, so nothing is planned: the pause applies once it is "
            f"committed with `{COMMAND} commit` and starts{starts}."
        )
    note = f"Back early? `{COMMAND} resume {who}` ends the pause today."
    return _reply(text, note=note)


@dataclass(frozen=True, slots=True, kw_only=True)
class BackSession:
    kind: SessionKind
    start: datetime  # the session's start, shown in ``zone``
    zone: str


def _session_line(session: BackSession) -> str:
    what = "1:1" if session.kind is SessionKind.ONE_ON_ONE else "Pod session"
    return f"• {what}, {format_local(session.start, session.zone)}"


def build_resumed(
    *, leader_id: str, program_name: str, running: bool, back: Sequence[BackSession]
) -> Reply:
    who = user_mention(leader_id)
    text = f"Resumed {who} in *{plain(program_name)}*: the pause ends today."
    if not running:
        text += " The program isn't running yet, so no session was affected."
        return _reply(text, note=f"Pause again any time with `{COMMAND} pause {who} until DATE`.")
    if not back:
        text += " No upcoming session was inside it, so the agenda is unchanged."
        return _reply(text)
    kinds = [session.kind for session in back]
    lines = [_session_line(session) for session in back[:MAX_SESSIONS_LISTED]]
    if len(back) > MAX_SESSIONS_LISTED:
        lines.append(f"…and {len(back) - MAX_SESSIONS_LISTED} more")
    text += f" Back on the agenda with their prompts: {sessions_phrase(kinds)}."
    return _reply(text, note="\n".join(lines))


@dataclass(frozen=True, slots=True, kw_only=True)
class Left:
    leader_id: str
    program_name: str
    left_on: date
    reason: str | None
    cancelled: int  # future prompt and skipped rows removed from the agenda
    pod_name: str
    coach_id: str | None
    leaders_staying: int


def build_left(left: Left) -> Reply:
    who = user_mention(left.leader_id)
    text = (
        f"{who} leaves *{plain(left.program_name)}* after "
        f"{day_text(left.left_on)}{_reason(left.reason)}. "
        f"{plural(left.cancelled, 'upcoming prompt')} about them "
        f"{'is' if left.cancelled == 1 else 'are'} cancelled. Their history stays: past "
        "sessions, ratings and baselines remain in the checkpoint results."
    )
    pod = f"Pod “{plain(left.pod_name)}”"
    if left.leaders_staying:
        coach = f" with {user_mention(left.coach_id)}" if left.coach_id else ""
        note = (
            f"{pod} keeps running{coach} and {plural(left.leaders_staying, 'other leader')}. "
            f"See what comes next with `{COMMAND} schedule all`."
        )
    else:
        note = (
            f"{pod} has no leaders left, so its sessions stop. Add a leader with "
            f"`{COMMAND} pod` if the pod should go on."
        )
    return _reply(text, note=note)


def build_refusal(text: str) -> Reply:
    """A refusal: one sentence of what is wrong and the exact command to run instead."""
    return _reply(text)
