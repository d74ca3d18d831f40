"""Replies of /emcoach pause, resume and leave: what changed on the agenda, what to do next."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from slack_sdk.models.blocks import (
    ContextBlock,
    DatePickerElement,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.blocks.reply import Reply, not_told_text, program_metadata
from bot.domain.cadence import SessionKind
from bot.domain.localtime import format_day, format_local
from bot.domain.mrkdwn import plain, user_mention
from bot.domain.pause import REASON_MAX, SELF, LeaveProblem, PauseProblem
from bot.slack_names import COMMAND

PAUSE_USAGE = "pause [program] @leader [from DATE] until DATE [reason…]"
RESUME_USAGE = "resume [program] @leader"
SELF_PAUSE_USAGE = "pause me [from DATE] until DATE [reason…]"
SELF_RESUME_USAGE = "resume me"
LEAVE_USAGE = "leave [program] @leader [on DATE] [reason…]"
# A leader's own pause from App Home: the buttons (rendered there, value = the program's id)
# and the modal asking until when.
SELF_PAUSE_OPEN_ACTION = "self_pause_open"
SELF_RESUME_ACTION = "self_resume"
SELF_PAUSE_VIEW = "self_pause"
SELF_PAUSE_UNTIL = "self_pause_until"
SELF_PAUSE_REASON = "self_pause_reason"
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
    self_service: bool = False  # the leader paused themselves


def build_paused(paused: Paused, *, not_told: Sequence[str] = ()) -> Reply:
    """``not_told``: the coach or owners a leader's own pause did not reach by DM."""
    who = "you" if paused.self_service else user_mention(paused.leader_id)
    whose = "Your" if paused.self_service else f"{who}'s"
    text = (
        f"Paused {who} in *{plain(paused.program_name)}* from "
        f"{day_text(paused.start)} to {day_text(paused.end)}{_reason(paused.reason)}."
    )
    if paused.running:
        text += (
            f" Skipped: {sessions_phrase(paused.skipped)} — they show as skipped, not missed. "
            f"{whose} 360s and direct-report surveys still go out."
        )
    else:
        starts = f" on {day_text(paused.kickoff)}" if paused.kickoff else ""
        text += (
            " The program isn't running yet, so nothing is planned: the pause applies once it is "
            f"committed with `{COMMAND} commit` and starts{starts}."
        )
    if paused.self_service:
        told = (
            not_told_text(not_told) if not_told else "Your coach and the program's owners are told."
        )
        note = f"{told} Back early? `{COMMAND} resume {SELF}` ends the pause today."
    else:
        note = f"Back early? `{COMMAND} resume {who}` ends the pause today."
    return _reply(text, note=note)


def build_pause_notice(paused: Paused) -> Reply:
    """For the coach and owners: a leader paused themselves."""
    who = user_mention(paused.leader_id)
    text = (
        f"{who} paused themselves in *{plain(paused.program_name)}* from "
        f"{day_text(paused.start)} to {day_text(paused.end)}{_reason(paused.reason)}."
    )
    if paused.running:
        text += f" Skipped: {sessions_phrase(paused.skipped)} — shown as skipped, not missed."
    note = (
        f"Nothing to do. To end it early, they run `{COMMAND} resume {SELF}` (or an owner or "
        f"the coach runs `{COMMAND} resume {who}`)."
    )
    return _notice(text, note=note)


def _notice(text: str, *, note: str) -> Reply:
    blocks = [
        SectionBlock(text=MarkdownTextObject(text=text)),
        ContextBlock(elements=[MarkdownTextObject(text=note)]),
    ]
    return Reply(text=text, blocks=[block.to_dict() for block in blocks])


@dataclass(frozen=True, slots=True, kw_only=True)
class BackSession:
    kind: SessionKind
    start: datetime  # the session's start, shown in ``zone``
    zone: str


def _session_line(session: BackSession) -> str:
    what = "1:1" if session.kind is SessionKind.ONE_ON_ONE else "Pod session"
    return f"• {what}, {format_local(session.start, session.zone)}"


def build_resumed(
    *,
    leader_id: str,
    program_name: str,
    running: bool,
    back: Sequence[BackSession],
    self_service: bool = False,
) -> Reply:
    who = "you" if self_service else user_mention(leader_id)
    text = f"Resumed {who} in *{plain(program_name)}*: the pause ends today."
    if not running:
        text += " The program isn't running yet, so no session was affected."
        again = SELF if self_service else who
        return _reply(text, note=f"Pause again any time with `{COMMAND} pause {again} until DATE`.")
    if not back:
        text += " No upcoming session was inside it, so the agenda is unchanged."
        return _reply(text)
    kinds = [session.kind for session in back]
    lines = [_session_line(session) for session in back[:MAX_SESSIONS_LISTED]]
    if len(back) > MAX_SESSIONS_LISTED:
        lines.append(f"…and {len(back) - MAX_SESSIONS_LISTED} more")
    text += f" Back on the agenda with their prompts: {sessions_phrase(kinds)}."
    return _reply(text, note="\n".join(lines))


def build_resume_notice(*, leader_id: str, program_name: str, back: int) -> Reply:
    """For the coach and owners: a leader ended their own pause."""
    text = (
        f"{user_mention(leader_id)} ended their pause in *{plain(program_name)}* today: "
        f"{plural(back, 'upcoming session')} {'is' if back == 1 else 'are'} back on the agenda."
    )
    return _notice(text, note=f"Nothing to do. `{COMMAND} schedule all` shows what comes next.")


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


# --- refusals -------------------------------------------------------------------------------

_VERBS = {"pause": "pause", "resume": "resume", "leave": "record the leaving of"}


def with_usage(message: str, usage: str) -> str:
    return f"{message} The whole command: `{COMMAND} {usage}`."


def command_line(usage: str) -> str:
    return f"{COMMAND} {usage}"


def not_a_leader_text(*, leader_id: str, program_name: str | None, self_service: bool) -> str:
    where = " any program"
    if program_name:
        where = f" a program called “{plain(program_name)}”"
    if self_service:
        return (
            f"You aren't a leader in{where} here, so there is no pause of yours to change. "
            f"`{COMMAND} schedule` shows what you take part in; `{COMMAND} help` what you can do."
        )
    return (
        f"{user_mention(leader_id)} isn't a leader in{where} here. Check the name, or see each "
        f"program's leaders with `{COMMAND} pod`."
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class WhoCan:
    """Who may change a leader, for the refusal of someone who may not."""

    program_name: str
    owner_ids: Sequence[str]
    coach_id: str | None  # set when the pod's coach may too
    pod_name: str
    leader_id: str


def who_can_text(who_can: WhoCan, *, subcommand: str) -> str:
    owners = " ".join(user_mention(owner) for owner in who_can.owner_ids)
    who = f"the owners of *{plain(who_can.program_name)}* ({owners})"
    if who_can.coach_id:
        who += f" or {user_mention(who_can.coach_id)}, the coach of pod “{plain(who_can.pod_name)}”"
    leader = user_mention(who_can.leader_id)
    text = (
        f"Only {who} can {_VERBS[subcommand]} {leader}. Ask one of them "
        f"to run `{COMMAND} {subcommand} {leader} …`."
    )
    if subcommand in ("pause", "resume"):
        text += f" A leader pauses only themselves: `{COMMAND} {subcommand} {SELF} …`."
    return text


def pause_refusal_text(
    problem: PauseProblem,
    *,
    program_name: str,
    start: date,
    end: date | None,
    today: date,
    last: date | None,
    left_on: date | None,
    self_service: bool = False,
) -> str:
    """Why a pause cannot be stored, with the command to run instead."""
    whom = SELF if self_service else "@leader"
    example = f"`{COMMAND} pause {whom} until {(today + timedelta(days=14)).isoformat()}`"
    name = f"*{plain(program_name)}*"
    if problem is PauseProblem.NO_END or end is None:
        return f"Say until when (the last day away), like {example}."
    if problem is PauseProblem.STARTS_IN_PAST:
        return (
            f"A pause can't start in the past ({day_text(start)}): sessions already due stay "
            f"as they were. Start it today or later, like {example}."
        )
    if problem is PauseProblem.ENDS_BEFORE_START:
        return (
            f"The pause would end ({day_text(end)}) before it starts ({day_text(start)}). "
            f"Give the last day away, like {example}."
        )
    if problem is PauseProblem.AFTER_PROGRAM:
        assert last is not None
        instead = (
            "if you won't come back, tell the program's owners"
            if self_service
            else f"if the leader won't come back, use `{COMMAND} leave @leader`"
        )
        return (
            f"{name} ends after {day_text(last)}: pause until that day at the latest — or, "
            f"{instead}."
        )
    assert left_on is not None
    who = "You" if self_service else "That leader"
    return (
        f"{who} left {name} after {day_text(left_on)}: there is nothing left to pause. "
        f"`{COMMAND} schedule all` shows what is still planned."
    )


def nothing_to_resume_text(*, leader_id: str, program_name: str, self_service: bool) -> str:
    if self_service:
        return (
            f"You have no current or upcoming pause in *{plain(program_name)}*, so there is "
            f"nothing to resume. To pause yourself: `{COMMAND} pause {SELF} until DATE`."
        )
    who = user_mention(leader_id)
    return (
        f"{who} has no current or upcoming pause in *{plain(program_name)}*, so there is "
        f"nothing to resume. To pause them: `{COMMAND} pause {who} until DATE`."
    )


def pick_from_home_text() -> str:
    return (
        f"You lead in more than one program: use the button of one of them in App Home, or "
        f'type `{COMMAND} pause "program" {SELF} until DATE`.'
    )


def leave_refusal_text(
    problem: LeaveProblem, *, program_name: str, left_on: date | None, last: date | None
) -> str:
    name = f"*{plain(program_name)}*"
    if problem is LeaveProblem.ALREADY_LEFT:
        assert left_on is not None
        return (
            f"That leader already left {name} after {day_text(left_on)}. Their history stays "
            f"in the results; see who is left with `{COMMAND} pod`."
        )
    if problem is LeaveProblem.NOT_RUNNING:
        return (
            f"{name} hasn't started, so there is nothing to leave: take the leader out of "
            f"their pod with `{COMMAND} pod` instead."
        )
    assert last is not None
    return (
        f"{name} ends after {day_text(last)} anyway. Give a day up to then, like "
        f"`{COMMAND} leave @leader on {last.isoformat()}`."
    )


# --- a leader's own pause, from App Home ----------------------------------------------------


def build_self_pause_modal(*, program_id: int, program_name: str, today: date) -> dict[str, Any]:
    """Until when (the last day away) and an optional reason; the program in the metadata."""
    view = View(
        type="modal",
        callback_id=SELF_PAUSE_VIEW,
        title="Pause my sessions",
        submit="Pause",
        close="Cancel",
        private_metadata=program_metadata(program_id),
        blocks=[
            SectionBlock(
                text=MarkdownTextObject(
                    text=(
                        f"Away for a while from *{plain(program_name)}*? Your 1:1s and pod "
                        "sessions inside the pause are skipped, not missed; it starts today."
                    )
                )
            ),
            InputBlock(
                block_id=SELF_PAUSE_UNTIL,
                label="Last day away",
                element=DatePickerElement(
                    action_id=SELF_PAUSE_UNTIL,
                    initial_date=(today + timedelta(days=14)).isoformat(),
                ),
            ),
            InputBlock(
                block_id=SELF_PAUSE_REASON,
                label="Reason",
                optional=True,
                element=PlainTextInputElement(action_id=SELF_PAUSE_REASON, max_length=REASON_MAX),
                hint="Optional. Your coach and the program's owners see it.",
            ),
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text="Your coach and the program's owners are told who paused, until when."
                    )
                ]
            ),
        ],
    )
    return view.to_dict()


@dataclass(frozen=True, slots=True)
class SelfPause:
    until: date
    reason: str | None


def parse_self_pause(values: Mapping[str, Any]) -> SelfPause | dict[str, str]:
    """The submitted pause, or inline errors by block id."""
    picked = ((values.get(SELF_PAUSE_UNTIL) or {}).get(SELF_PAUSE_UNTIL) or {}).get("selected_date")
    try:
        until = date.fromisoformat(str(picked))
    except ValueError:
        return {SELF_PAUSE_UNTIL: "Pick the last day you'll be away."}
    typed = ((values.get(SELF_PAUSE_REASON) or {}).get(SELF_PAUSE_REASON) or {}).get("value")
    reason = (typed.strip() or None) if isinstance(typed, str) else None
    if reason is not None and len(reason) > REASON_MAX:
        return {
            SELF_PAUSE_REASON: f"Keep it under {REASON_MAX} characters: a few words are enough."
        }
    return SelfPause(until=until, reason=reason)
