"""/emcoach pod: week 3, structure the cohort — pods, coaches, leaders, their people and slots.

`/emcoach pod` shows the cohort with buttons that open the pod and leader modals; the typed
forms (`pod add Alpha`, `pod Alpha coach @cora`, `pod Alpha session first tuesday 15:00`,
`pod Alpha leader @lena manager @max reports @a @b 1:1 tue 10:00`) do the same for people
who prefer typing. Both paths go through `change_pod` / `change_leader`, so the rules (the
fifth leader, one pod per leader, nobody their own manager or report) hold either way.
The cohort is not locked at commit: changes afterwards apply to future sessions.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlmodel import Session

from bot.blocks.pod import (
    LEADER_DAY,
    LEADER_GROUP,
    LEADER_MANAGER,
    LEADER_POD,
    LEADER_REPORTS,
    LEADER_TIME,
    LEADER_USER,
    POD_ADD_LEADER,
    POD_COACH,
    POD_EDIT,
    POD_EDIT_LEADER,
    POD_LEADER_VIEW,
    POD_NAME,
    POD_NAME_MAX,
    POD_NEW,
    POD_SESSION_DAY,
    POD_SESSION_TIME,
    POD_SESSION_WEEK,
    POD_VIEW,
    LeaderLine,
    PodLine,
    ViewState,
    build_cohort,
    build_leader_modal,
    build_pod_modal,
    describe_leader,
    describe_session,
)
from bot.blocks.reply import Reply, build_notice_modal
from bot.domain.args import (
    MONTHLY_SLOT_EXAMPLE,
    ArgumentError,
    MonthlySlot,
    SpecialMention,
    Token,
    UserName,
    UserRef,
    WeeklySlot,
    Word,
    escape_mrkdwn,
    parse_monthly_slot,
    parse_weekday_time,
    tokenize,
    usergroups,
    users,
    words,
)
from bot.domain.program_rules import (
    POD_MAX_LEADERS,
    PodFullError,
    ProgramField,
    check_pod_can_add_leader,
    cohort_gaps,
)
from bot.domain.roles import Audience
from bot.domain.sprint import leader_time_per_month
from bot.services import Services
from bot.slack_names import COMMAND
from handlers.conflicts import once_more_on_conflict
from handlers.locks import change_refusal
from handlers.programs import (
    Chosen,
    choose_program,
    clicked_program,
    owned_program,
    refuse_click,
    team_of,
)
from handlers.router import Invocation, Router, Subcommand
from storage.agenda import mark_agenda_stale
from storage.baselines import has_leader_baselines
from storage.db import session_scope
from storage.models import Leader, Pod, Program
from storage.pods import (
    LeaderPlan,
    find_leader,
    find_pod,
    get_leader,
    get_pod,
    monthly_slot_of,
    other_leaders,
    plan_of,
    save_leader,
    save_pod,
    weekly_slot_of,
)
from storage.setup_state import leaders_of, pods_of, reports_of, setup_state

LEADER_EXAMPLE = f"{COMMAND} pod Alpha leader @lena manager @max reports @a @b 1:1 tue 10:00"
_NOT_OWNER = (
    "Only the program's owners can change its pods. Ask an owner to add you with "
    f"`{COMMAND} owner add @you`."
)


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a change is not made; ``field`` is the modal input the message belongs to."""

    field: str
    message: str


# --- who and which program ----------------------------------------------------------------


# --- the rules of a change ------------------------------------------------------------------


def change_pod(
    session: Session,
    program: Program,
    *,
    pod: Pod | None,
    name: str,
    coach_id: str | None,
    slot: MonthlySlot | None,
    by: str,
    now: datetime,
) -> Pod | Refusal:
    """Create or change a pod, or say why not."""
    assert program.id is not None
    refusal = change_refusal(session, program, ProgramField.COHORT, now=now)
    if refusal:
        return Refusal(POD_NAME, refusal)
    name = " ".join(name.split())
    if not name:
        return Refusal(POD_NAME, "Give the pod a name, like Alpha.")
    if len(name) > POD_NAME_MAX:
        return Refusal(POD_NAME, f"Keep the pod's name to {POD_NAME_MAX} characters.")
    namesake = find_pod(session, program_id=program.id, name=name)
    if namesake is not None and (pod is None or namesake.id != pod.id):
        return Refusal(
            POD_NAME, f"{program.name} already has a pod called {namesake.name}; pick another name."
        )
    if pod is not None and pod.id is not None and coach_id in _leader_users(session, pod.id):
        return Refusal(
            POD_COACH,
            f"<@{coach_id}> is a leader in this pod, so they can't also coach it. Pick "
            "someone else as coach.",
        )
    saved = save_pod(
        session,
        program_id=program.id,
        pod=pod,
        name=name,
        coach_id=coach_id,
        session_slot=slot,
        by=by,
        now=now,
    )
    mark_agenda_stale(session, program)
    return saved


def _leader_users(session: Session, pod_id: int) -> set[str]:
    return {leader.user_id for leader in leaders_of(session, pod_id=pod_id)}


def change_leader(
    session: Session,
    program: Program,
    *,
    leader: Leader | None,
    plan: LeaderPlan,
    by: str,
    now: datetime,
) -> Leader | Refusal:
    """Add (``leader`` None) or change a leader, or say why not."""
    assert program.id is not None
    refusal = change_refusal(session, program, ProgramField.COHORT, now=now)
    if refusal:
        return Refusal(LEADER_USER, refusal)
    pod = get_pod(session, program_id=program.id, pod_id=plan.pod_id)
    if pod is None:
        return Refusal(LEADER_POD, "Pick one of the program's pods.")
    person = f"<@{plan.user_id}>"
    if plan.manager_id == plan.user_id:
        return Refusal(
            LEADER_MANAGER, f"{person} can't be their own manager — pick who they report to."
        )
    if plan.user_id in plan.reports:
        return Refusal(
            LEADER_REPORTS, f"{person} can't be their own direct report — leave them out."
        )
    if pod.coach_id == plan.user_id:
        return Refusal(
            LEADER_USER,
            f"{person} coaches pod {pod.name}, so they can't be a leader in it. Pick another "
            "leader, or change the pod's coach first.",
        )
    if (
        leader is not None
        and leader.id is not None
        and leader.user_id != plan.user_id
        and has_leader_baselines(session, leader_id=leader.id)
    ):
        return Refusal(
            LEADER_USER,
            f"Baselines are recorded for <@{leader.user_id}>, so this can't become someone "
            f"else. Add {person} as a new leader with *Add leader* instead.",
        )
    namesake = find_leader(session, program_id=program.id, user_id=plan.user_id)
    if namesake is not None and (leader is None or namesake.id != leader.id):
        home = get_pod(session, program_id=program.id, pod_id=namesake.pod_id)
        return Refusal(
            LEADER_USER,
            f"{person} is already a leader in pod {home.name if home else '?'}: each person "
            f"leads in one pod of a program. To change them, use *Edit leader* in `{COMMAND} "
            "pod`.",
        )
    try:
        check_pod_can_add_leader(len(other_leaders(session, pod_id=pod.id or 0, leader=leader)))
    except PodFullError as full:
        return Refusal(LEADER_POD, str(full))
    saved = save_leader(session, program_id=program.id, leader=leader, plan=plan, by=by, now=now)
    mark_agenda_stale(session, program)
    return saved


# --- user groups ----------------------------------------------------------------------------


class GroupError(Exception):
    """A user group we can't read; the message says what to do instead."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def group_members(
    client: WebClient, *, group_ids: Sequence[str] = (), handles: Sequence[str] = ()
) -> list[str]:
    """Everyone in the named user groups, in order, each once. ``handles`` are typed names
    (``@backend-team``), looked up in usergroups.list; ids come from Slack's mention markup."""
    ids = list(group_ids)
    if handles:
        known = {
            str(group.get("handle", "")).lower(): str(group["id"])
            for group in client.usergroups_list()["usergroups"]
        }
        for handle in handles:
            bare = handle.strip().removeprefix("@").lower()
            if bare not in known:
                raise GroupError(
                    f"There's no user group “@{escape_mrkdwn(bare)}” here. Type its handle as "
                    "Slack shows it, like @backend-team, or pick the people one by one."
                )
            ids.append(known[bare])
    members: list[str] = []
    for group_id in ids:
        try:
            found = client.usergroups_users_list(usergroup=group_id)["users"]
        except SlackApiError as error:
            if error.response.get("error") != "no_such_subteam":
                raise
            raise GroupError(
                "That user group doesn't exist in Slack any more. Mention the people one by "
                "one, or pick another group."
            ) from error
        members += [member for member in found if member not in members]
    return members


def with_group(plan: LeaderPlan, members: Sequence[str]) -> tuple[LeaderPlan, bool]:
    """The plan with a group's members added as reports; the leader is left out (a team's
    group usually includes its manager), and True says so."""
    added = [m for m in members if m != plan.user_id and m not in plan.reports]
    left_out = plan.user_id in members
    return replace(plan, reports=(*plan.reports, *added)), left_out


# --- what the person sees -------------------------------------------------------------------


def _leader_line(session: Session, leader: Leader) -> LeaderLine:
    assert leader.id is not None
    return LeaderLine(
        id=leader.id,
        user_id=leader.user_id,
        manager_id=leader.manager_id,
        reports=tuple(reports_of(session, leader_id=leader.id)),
        one_on_one=weekly_slot_of(leader),
    )


def pod_lines(session: Session, program: Program) -> list[PodLine]:
    """Every pod with its leaders and what the week-3 check still misses in it."""
    assert program.id is not None
    state = setup_state(session, program)
    lines: list[PodLine] = []
    for pod, setup in zip(pods_of(session, program_id=program.id), state.pods, strict=True):
        assert pod.id is not None
        slot = monthly_slot_of(pod)
        gaps = cohort_gaps([setup])
        if slot is None:
            gaps.append(f"a monthly session slot for pod “{escape_mrkdwn(pod.name)}”")
        leaders = tuple(_leader_line(session, row) for row in leaders_of(session, pod_id=pod.id))
        lines.append(
            PodLine(
                id=pod.id,
                name=pod.name,
                coach_id=pod.coach_id,
                session=slot,
                leaders=leaders,
                gaps=tuple(gaps),
            )
        )
    return lines


def cohort_reply(session: Session, program: Program, *, only: int | None = None) -> Reply:
    assert program.id is not None
    lines = [line for line in pod_lines(session, program) if only in (None, line.id)]
    return build_cohort(
        program_id=program.id,
        program_name=program.name,
        timezone=program.timezone,
        pods=lines,
        time_per_leader=leader_time_per_month().sentence,
        committed=program.committed_at is not None,
    )


def _after_commit(program: Program) -> str:
    if program.committed_at is None:
        return ""
    return " The program is already running: this applies to future sessions."


def _pod_status(session: Session, program: Program, pod_id: int | None) -> str:
    line = next(line for line in pod_lines(session, program) if line.id == pod_id)
    if line.gaps:
        return "Still missing: " + "; ".join(line.gaps) + "."
    return (
        f"Pod {escape_mrkdwn(line.name)} is complete. Next: enter the baselines with "
        f"`{COMMAND} baseline`."
    )


def pod_saved_text(session: Session, program: Program, pod: Pod, *, created: bool) -> str:
    coach = f"coach <@{pod.coach_id}>" if pod.coach_id else "no coach yet"
    session_text = describe_session(monthly_slot_of(pod), timezone=program.timezone)
    first = (
        f"{'Created' if created else 'Saved'} pod *{escape_mrkdwn(pod.name)}*: {coach}; "
        "monthly session: "
    )
    next_step = (
        f"Add its leaders with *Add leader* in `{COMMAND} pod`, or type `{COMMAND} pod "
        f"{escape_mrkdwn(pod.name)} leader @lena manager @max reports @a @b 1:1 tue 10:00`."
    )
    return (
        f"{first}{session_text}.{_after_commit(program)}\n"
        f"{_pod_status(session, program, pod.id)}\n{next_step}"
    )


def leader_saved_text(session: Session, program: Program, leader: Leader, *, left_out: bool) -> str:
    assert program.id is not None
    pod = get_pod(session, program_id=program.id, pod_id=leader.pod_id)
    assert pod is not None
    note = (
        f" <@{leader.user_id}> is in that user group too and was left out of their own reports."
        if left_out
        else ""
    )
    return (
        f"Saved in pod *{escape_mrkdwn(pod.name)}*: "
        f"{describe_leader(_leader_line(session, leader))}."
        f"{note}{_after_commit(program)}\n{_pod_status(session, program, pod.id)}\n"
        f"Type `{COMMAND} pod` to see the whole cohort."
    )


# --- /emcoach pod typed ---------------------------------------------------------------------


def run_pod(invocation: Invocation) -> Reply:
    chosen = choose_program(invocation, subcommand="pod")
    if not isinstance(chosen, Chosen):
        return chosen
    try:
        return _typed(invocation, chosen.program, tokenize(chosen.args))
    except ArgumentError as error:
        return Reply(text=error.message)


def _typed(invocation: Invocation, program: Program, tokens: list[Token]) -> Reply:
    assert program.id is not None
    now = invocation.services.clock.now()
    with session_scope(invocation.services.engine) as session:
        if not tokens:
            return cohort_reply(session, program)
        if isinstance(tokens[0], Word) and tokens[0].text.lower() == "add":
            return _typed_add(session, program, tokens[1:], by=invocation.user_id, now=now)
        pod, rest = _leading_pod(session, program, tokens)
        if pod is None:
            return Reply(text=_unknown_pod(session, program, tokens))
        keyword = rest[0].text.lower() if rest and isinstance(rest[0], Word) else ""
        if not rest:
            return cohort_reply(session, program, only=pod.id)
        if keyword == "coach":
            return _typed_coach(session, program, pod, rest[1:], by=invocation.user_id, now=now)
        if keyword == "session":
            slot = parse_monthly_slot(" ".join(words(rest[1:])))
            return _pod_outcome(
                session,
                program,
                change_pod(
                    session,
                    program,
                    pod=pod,
                    name=pod.name,
                    coach_id=pod.coach_id,
                    slot=slot,
                    by=invocation.user_id,
                    now=now,
                ),
            )
        if keyword == "leader":
            typed = parse_typed_leader(rest[1:])
            return _typed_leader(session, invocation, program, pod, typed, now=now)
        return Reply(text=_pod_usage(pod.name))


def _pod_usage(name: str) -> str:
    return (
        f"For pod {escape_mrkdwn(name)} I understand `coach @someone`, `session "
        f"{MONTHLY_SLOT_EXAMPLE}` and "
        f"`leader @someone manager @boss reports @a @b 1:1 tue 10:00`. Type `{COMMAND} pod` "
        "for the cohort with buttons."
    )


def _leading_pod(
    session: Session, program: Program, tokens: list[Token]
) -> tuple[Pod | None, list[Token]]:
    """The pod named by the leading words (quoted or not), and the tokens after its name."""
    assert program.id is not None
    leading = 0
    while leading < len(tokens) and isinstance(tokens[leading], Word):
        leading += 1
    for count in range(leading, 0, -1):
        name = " ".join(token.text for token in tokens[:count] if isinstance(token, Word))
        pod = find_pod(session, program_id=program.id, name=name)
        if pod is not None:
            return pod, tokens[count:]
    return None, tokens


def _unknown_pod(session: Session, program: Program, tokens: list[Token]) -> str:
    assert program.id is not None
    first = tokens[0].text if isinstance(tokens[0], Word) else "that"
    names = ", ".join(escape_mrkdwn(pod.name) for pod in pods_of(session, program_id=program.id))
    known = f" Its pods: {names}." if names else " It has no pods yet."
    return (
        f"There's no pod called “{escape_mrkdwn(first)}” in "
        f"*{escape_mrkdwn(program.name)}*.{known} Create one "
        f"with `{COMMAND} pod add {escape_mrkdwn(first)}`, or type `{COMMAND} pod` to see the "
        "cohort."
    )


def _typed_add(
    session: Session, program: Program, tokens: list[Token], *, by: str, now: datetime
) -> Reply:
    if not tokens or not all(isinstance(token, Word) for token in tokens):
        return Reply(text=f"Name the new pod in plain words, like `{COMMAND} pod add Alpha`.")
    name = " ".join(words(tokens))
    outcome = change_pod(
        session, program, pod=None, name=name, coach_id=None, slot=None, by=by, now=now
    )
    return _pod_outcome(session, program, outcome, created=True)


def _typed_coach(
    session: Session, program: Program, pod: Pod, tokens: list[Token], *, by: str, now: datetime
) -> Reply:
    coaches = users(tokens)
    if len(coaches) != 1 or words(tokens):
        return Reply(
            text=(
                f"Mention one person as coach, like `{COMMAND} pod {escape_mrkdwn(pod.name)} "
                "coach @cora`."
            )
        )
    outcome = change_pod(
        session,
        program,
        pod=pod,
        name=pod.name,
        coach_id=coaches[0].id,
        slot=monthly_slot_of(pod),
        by=by,
        now=now,
    )
    return _pod_outcome(session, program, outcome)


def _pod_outcome(
    session: Session, program: Program, outcome: Pod | Refusal, *, created: bool = False
) -> Reply:
    if isinstance(outcome, Refusal):
        return Reply(text=outcome.message)
    return Reply(text=pod_saved_text(session, program, outcome, created=created))


@dataclass(frozen=True, slots=True, kw_only=True)
class TypedLeader:
    """A typed `leader` clause; None means "not said", so only what was said changes."""

    user_id: str
    manager_id: str | None = None
    reports: tuple[str, ...] | None = None
    group_ids: tuple[str, ...] = ()
    one_on_one: WeeklySlot | None = None


_LEADER_KEYWORDS = {
    "manager": "manager",
    "reports": "reports",
    "report": "reports",
    "1:1": "1:1",
    "1on1": "1:1",
    "one-on-one": "1:1",
}


def parse_typed_leader(tokens: Sequence[Token]) -> TypedLeader:
    """``@lena manager @max reports @a @b @team 1:1 tue 10:00`` (every part after the leader
    optional, in any order)."""
    if not tokens or not isinstance(tokens[0], UserRef | UserName | SpecialMention):
        raise ArgumentError(
            f"Mention the leader right after `leader`, like `{LEADER_EXAMPLE}`.",
            example=LEADER_EXAMPLE,
        )
    leader = users(tokens[:1])[0]
    parts: dict[str, list[Token]] = {}
    current: list[Token] | None = None
    for token in tokens[1:]:
        if isinstance(token, Word) and token.text.lower() in _LEADER_KEYWORDS:
            current = parts.setdefault(_LEADER_KEYWORDS[token.text.lower()], [])
        elif current is None:
            raise ArgumentError(
                f"After the leader, say `manager`, `reports` or `1:1`, like `{LEADER_EXAMPLE}`.",
                example=LEADER_EXAMPLE,
            )
        else:
            current.append(token)
    typed = TypedLeader(user_id=leader.id)
    if "manager" in parts:
        managers = users(parts["manager"])
        if len(managers) != 1 or words(parts["manager"]):
            raise ArgumentError(
                "Mention exactly one manager, like `manager @max`.", example="manager @max"
            )
        typed = replace(typed, manager_id=managers[0].id)
    if "reports" in parts:
        reports = users(parts["reports"])
        groups = usergroups(parts["reports"])
        stray = [word for word in words(parts["reports"]) if word.lower() != "and"]
        if stray or not (reports or groups):
            raise ArgumentError(
                "After `reports`, mention people or a user group, like `reports @a @b "
                "@backend-team`.",
                example="reports @a @b",
            )
        typed = replace(
            typed,
            reports=tuple(ref.id for ref in reports),
            group_ids=tuple(ref.id for ref in groups),
        )
    if "1:1" in parts:
        typed = replace(typed, one_on_one=parse_weekday_time(" ".join(words(parts["1:1"]))))
    return typed


def _typed_leader(
    session: Session,
    invocation: Invocation,
    program: Program,
    pod: Pod,
    typed: TypedLeader,
    *,
    now: datetime,
) -> Reply:
    assert program.id is not None
    assert pod.id is not None
    existing = find_leader(session, program_id=program.id, user_id=typed.user_id)
    leader = existing if existing is not None and existing.pod_id == pod.id else None
    if leader is not None:
        plan = plan_of(session, leader)
    else:
        plan = LeaderPlan(
            pod_id=pod.id, user_id=typed.user_id, manager_id=None, reports=(), one_on_one=None
        )
    plan = replace(
        plan,
        manager_id=typed.manager_id or plan.manager_id,
        reports=plan.reports if typed.reports is None else typed.reports,
        one_on_one=typed.one_on_one or plan.one_on_one,
    )
    left_out = False
    if typed.group_ids:
        try:
            members = group_members(invocation.client, group_ids=typed.group_ids)
        except GroupError as error:
            return Reply(text=error.message)
        plan, left_out = with_group(plan, members)
    outcome = change_leader(
        session, program, leader=leader, plan=plan, by=invocation.user_id, now=now
    )
    if isinstance(outcome, Refusal):
        return Reply(text=outcome.message)
    return Reply(text=leader_saved_text(session, program, outcome, left_out=left_out))


# --- buttons: open the modals ---------------------------------------------------------------


def open_new_pod(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    *,
    services: Services,
) -> None:
    ack()
    with session_scope(services.engine) as session:
        program = clicked_program(session, body, program_id=int(action["value"]))
        if program is None or program.id is None:
            refuse_click(respond, _NOT_OWNER)
            return
        view = build_pod_modal(program_id=program.id, timezone=program.timezone, pod=None)
    client.views_open(trigger_id=body["trigger_id"], view=view)


def open_edit_pod(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    *,
    services: Services,
) -> None:
    ack()
    with session_scope(services.engine) as session:
        pod = session.get(Pod, int(action["value"]))
        program = None
        if pod is not None:
            program = clicked_program(session, body, program_id=pod.program_id)
        if pod is None or pod.id is None or program is None or program.id is None:
            refuse_click(respond, _NOT_OWNER)
            return
        line = PodLine(
            id=pod.id, name=pod.name, coach_id=pod.coach_id, session=monthly_slot_of(pod)
        )
        view = build_pod_modal(program_id=program.id, timezone=program.timezone, pod=line)
    client.views_open(trigger_id=body["trigger_id"], view=view)


def open_add_leader(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    *,
    services: Services,
) -> None:
    ack()
    with session_scope(services.engine) as session:
        program = clicked_program(session, body, program_id=int(action["value"]))
        if program is None or program.id is None:
            refuse_click(respond, _NOT_OWNER)
            return
        pods = pods_of(session, program_id=program.id)
        if not pods:
            refuse_click(respond, f"Create a pod first: *New pod* in `{COMMAND} pod`.")
            return
        room = [
            pod for pod in pods if len(leaders_of(session, pod_id=pod.id or 0)) < POD_MAX_LEADERS
        ]
        view = build_leader_modal(
            program_id=program.id,
            pods=[(pod.id or 0, pod.name) for pod in pods],
            pod_id=(room or pods)[0].id,
            leader=None,
        )
    client.views_open(trigger_id=body["trigger_id"], view=view)


def open_edit_leader(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    *,
    services: Services,
) -> None:
    ack()
    with session_scope(services.engine) as session:
        leader = session.get(Leader, int(action["value"]))
        program = None
        if leader is not None:
            program = clicked_program(session, body, program_id=leader.program_id)
        if leader is None or program is None or program.id is None:
            refuse_click(respond, _NOT_OWNER)
            return
        pods = pods_of(session, program_id=program.id)
        view = build_leader_modal(
            program_id=program.id,
            pods=[(pod.id or 0, pod.name) for pod in pods],
            pod_id=leader.pod_id,
            leader=_leader_line(session, leader),
        )
    client.views_open(trigger_id=body["trigger_id"], view=view)


# --- modals submitted -----------------------------------------------------------------------


def _errors(ack: Ack, field: str, message: str) -> None:
    ack(response_action="errors", errors={field: message})


def _notice(ack: Ack, title: str, text: str) -> None:
    ack(response_action="update", view=build_notice_modal(title=title, text=text))


def pod_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], *, services: Services
) -> None:
    state = ViewState(view["state"]["values"])
    week, day, at = (
        state.option(POD_SESSION_WEEK),
        state.option(POD_SESSION_DAY),
        state.time(POD_SESSION_TIME),
    )
    slot = None
    if week is not None and day is not None and at is not None:
        slot = MonthlySlot(ordinal=int(week), weekday=int(day), time=at)
    elif week is not None or day is not None or at is not None:
        chosen = {POD_SESSION_WEEK: week, POD_SESSION_DAY: day, POD_SESSION_TIME: at}
        unset = next(block for block, value in chosen.items() if value is None)
        _errors(ack, unset, "Pick the week, the day and the time — or leave all three empty.")
        return
    meta = json.loads(view["private_metadata"])
    user_id = body["user"]["id"]
    with session_scope(services.engine) as session:
        program = owned_program(
            session, team_id=team_of(body), program_id=int(meta["program"]), user_id=user_id
        )
        if program is None or program.id is None:
            _notice(ack, "Not changed", _NOT_OWNER)
            return
        pod = get_pod(session, program_id=program.id, pod_id=meta["pod"]) if meta["pod"] else None
        outcome = change_pod(
            session,
            program,
            pod=pod,
            name=state.text(POD_NAME),
            coach_id=state.user(POD_COACH),
            slot=slot,
            by=user_id,
            now=services.clock.now(),
        )
        if isinstance(outcome, Refusal):
            _errors(ack, outcome.field, outcome.message)
            return
        text = pod_saved_text(session, program, outcome, created=pod is None)
    _notice(ack, "Pod saved", text)


def leader_submitted(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    client: WebClient,
    *,
    services: Services,
) -> None:
    state = ViewState(view["state"]["values"])
    day, at = state.option(LEADER_DAY), state.time(LEADER_TIME)
    if (day is None) != (at is None):
        _errors(
            ack,
            LEADER_TIME if at is None else LEADER_DAY,
            "Pick both a day and a time, or neither.",
        )
        return
    user = state.user(LEADER_USER)
    if user is None:
        _errors(ack, LEADER_USER, "Pick the leader.")
        return
    plan = LeaderPlan(
        pod_id=int(state.option(LEADER_POD) or 0),
        user_id=user,
        manager_id=state.user(LEADER_MANAGER),
        reports=state.users(LEADER_REPORTS),
        one_on_one=None if day is None or at is None else WeeklySlot(weekday=int(day), time=at),
    )
    left_out = False
    if handle := state.text(LEADER_GROUP):
        try:
            members = group_members(client, handles=[handle])
        except GroupError as error:
            _errors(ack, LEADER_GROUP, error.message)
            return
        plan, left_out = with_group(plan, members)
    meta = json.loads(view["private_metadata"])
    user_id = body["user"]["id"]
    with session_scope(services.engine) as session:
        program = owned_program(
            session, team_id=team_of(body), program_id=int(meta["program"]), user_id=user_id
        )
        if program is None or program.id is None:
            _notice(ack, "Not changed", _NOT_OWNER)
            return
        leader = (
            get_leader(session, program_id=program.id, leader_id=meta["leader"])
            if meta["leader"]
            else None
        )
        outcome = change_leader(
            session, program, leader=leader, plan=plan, by=user_id, now=services.clock.now()
        )
        if isinstance(outcome, Refusal):
            _errors(ack, outcome.field, outcome.message)
            return
        text = leader_saved_text(session, program, outcome, left_out=left_out)
    _notice(ack, "Leader saved", text)


def register(app: App, services: Services, router: Router) -> None:
    """Adds the subcommand to ``router`` and its actions and views to ``app``."""
    router.add(
        Subcommand(
            name="pod",
            usage="pod [program] [pod] [add|coach|session|leader …]",
            summary=(
                f"week 3: form pods of up to {POD_MAX_LEADERS} leaders with a coach, each "
                "leader's manager, reports and 1:1 slot"
            ),
            audience=Audience.OWNERS,
            run=run_pod,
        )
    )
    app.action(POD_NEW)(partial(open_new_pod, services=services))
    app.action(POD_EDIT)(partial(open_edit_pod, services=services))
    app.action(POD_ADD_LEADER)(partial(open_add_leader, services=services))
    app.action(POD_EDIT_LEADER)(partial(open_edit_leader, services=services))
    # Two saves of the same new pod or leader at once: the loser answers as a duplicate.
    # (The partial inside: Bolt reads the argument names by unwrapping to it.)
    app.view(POD_VIEW)(once_more_on_conflict(partial(pod_submitted, services=services)))
    app.view(POD_LEADER_VIEW)(once_more_on_conflict(partial(leader_submitted, services=services)))
