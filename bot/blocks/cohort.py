"""Every sentence of /emcoach pod that is not a modal or the overview: refusals, what was
saved and what is still missing, the typed form's usage, and night-time warnings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.blocks.pod import LeaderLine, PodLine, describe_leader, describe_session, weekday_name
from bot.domain.args import MONTHLY_SLOT_EXAMPLE
from bot.domain.hours import EARLIEST, LATEST, OddHour, SlotWarning
from bot.domain.mrkdwn import plain, user_mention
from bot.slack_names import COMMAND

NOT_OWNER = (
    "Only the program's owners can change its pods. Ask an owner to add you with "
    f"`{COMMAND} owner add @you`."
)
CREATE_A_POD_FIRST = f"Create a pod first: *New pod* in `{COMMAND} pod`."


# --- refusals -------------------------------------------------------------------------------

NAME_A_POD = "Give the pod a name, like Alpha."
PICK_A_POD = "Pick one of the program's pods."
NAME_THE_NEW_POD = f"Name the new pod in plain words, like `{COMMAND} pod add Alpha`."


def pod_name_too_long(limit: int) -> str:
    return f"Keep the pod's name to {limit} characters."


def pod_name_taken(program_name: str, pod_name: str) -> str:
    return f"{program_name} already has a pod called {pod_name}; pick another name."


def coach_leads_this_pod(coach_id: str | None) -> str:
    return (
        f"<@{coach_id}> is a leader in this pod, so they can't also coach it. Pick "
        "someone else as coach."
    )


def own_manager(person: str) -> str:
    return f"{person} can't be their own manager — pick who they report to."


def own_report(person: str) -> str:
    return f"{person} can't be their own direct report — leave them out."


def leader_coaches_pod(person: str, pod_name: str) -> str:
    return (
        f"{person} coaches pod {pod_name}, so they can't be a leader in it. Pick another "
        "leader, or change the pod's coach first."
    )


def baselines_bind_leader(old_user_id: str, person: str) -> str:
    return (
        f"Baselines are recorded for <@{old_user_id}>, so this can't become someone "
        f"else. Add {person} as a new leader with *Add leader* instead."
    )


def leads_elsewhere(person: str, pod_name: str) -> str:
    return (
        f"{person} is already a leader in pod {pod_name}: each person "
        f"leads in one pod of a program. To change them, use *Edit leader* in `{COMMAND} "
        "pod`."
    )


def one_coach_typed(pod_name: str) -> str:
    return f"Mention one person as coach, like `{COMMAND} pod {plain(pod_name)} coach @cora`."


def no_such_group_text(handle: str) -> str:
    return (
        f"There's no user group “@{plain(handle)}” here. Type its handle as "
        "Slack shows it, like @backend-team, or pick the people one by one."
    )


def group_gone_text() -> str:
    return (
        "That user group doesn't exist in Slack any more. Mention the people one by "
        "one, or pick another group."
    )


# --- the typed form -------------------------------------------------------------------------


def pod_usage(name: str) -> str:
    return (
        f"For pod {plain(name)} I understand `coach @someone`, `session "
        f"{MONTHLY_SLOT_EXAMPLE}` and "
        f"`leader @someone manager @boss reports @a @b 1:1 tue 10:00`. Type `{COMMAND} pod` "
        "for the cohort with buttons."
    )


def unknown_pod(*, program_name: str, typed: str, pod_names: Sequence[str]) -> str:
    names = ", ".join(plain(name) for name in pod_names)
    known = f" Its pods: {names}." if names else " It has no pods yet."
    return (
        f"There's no pod called “{plain(typed)}” in "
        f"*{plain(program_name)}*.{known} Create one "
        f"with `{COMMAND} pod add {plain(typed)}`, or type `{COMMAND} pod` to see the "
        "cohort."
    )


# --- what was saved -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class SavedPod:
    """A saved pod as the owner is told about it, with what the week-3 check still misses."""

    line: PodLine
    timezone: str
    committed: bool
    created: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class SavedLeader:
    leader: LeaderLine
    pod: PodLine
    committed: bool
    left_out: bool = False  # the leader was in their team's user group and left out of it


def _after_commit(committed: bool) -> str:
    if not committed:
        return ""
    return " The program is already running: this applies to future sessions."


def _pod_status(line: PodLine) -> str:
    if line.gaps:
        return "Still missing: " + "; ".join(line.gaps) + "."
    return (
        f"Pod {plain(line.name)} is complete. Next: enter the baselines with `{COMMAND} baseline`."
    )


def pod_saved_text(saved: SavedPod) -> str:
    pod = saved.line
    coach = f"coach <@{pod.coach_id}>" if pod.coach_id else "no coach yet"
    session_text = describe_session(pod.session, timezone=saved.timezone)
    first = (
        f"{'Created' if saved.created else 'Saved'} pod *{plain(pod.name)}*: {coach}; "
        "monthly session: "
    )
    next_step = (
        f"Add its leaders with *Add leader* in `{COMMAND} pod`, or type `{COMMAND} pod "
        f"{plain(pod.name)} leader @lena manager @max reports @a @b 1:1 tue 10:00`."
    )
    after = _after_commit(saved.committed)
    return f"{first}{session_text}.{after}\n{_pod_status(pod)}\n{next_step}"


def leader_saved_text(saved: SavedLeader) -> str:
    note = (
        f" <@{saved.leader.user_id}> is in that user group too and was left out of their own "
        "reports."
        if saved.left_out
        else ""
    )
    return (
        f"Saved in pod *{plain(saved.pod.name)}*: "
        f"{describe_leader(saved.leader)}."
        f"{note}{_after_commit(saved.committed)}\n{_pod_status(saved.pod)}\n"
        f"Type `{COMMAND} pod` to see the whole cohort."
    )


# --- night-time warnings --------------------------------------------------------------------


def _local(hour: OddHour) -> str:
    return f"{weekday_name(hour.local.weekday())} {hour.local:%H:%M}"


def odd_hours_text(warnings: Sequence[SlotWarning], *, typed: bool = False) -> str:
    """Who would meet at night, in their own time, and what to do about it: in the modal
    before saving, or (``typed``) after a typed change was saved."""
    lines = []
    for warning in warnings:
        what = (
            "The monthly pod session"
            if warning.leader_id is None
            else f"The weekly 1:1 of {user_mention(warning.leader_id)}"
        )
        who = ", ".join(
            f"{_local(hour)} for {user_mention(hour.user_id)} ({plain(hour.zone)})"
            for hour in warning.hours
        )
        lines.append(f"• {what} starts at {who}.")
    return (
        f":warning: *Outside {EARLIEST:%H:%M}–{LATEST:%H:%M} for someone.*\n"
        + "\n".join(lines)
        + (
            f"\nSaved as typed. To move it, type `{COMMAND} pod` with the pod's `session` or "
            "the leader's `1:1` again, at another day or time; keep it if it suits them."
            if typed
            else "\nPick another day or time, or save to keep this one if it suits them."
        )
    )
