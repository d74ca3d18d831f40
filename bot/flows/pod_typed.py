"""The typed forms of /emcoach pod: `pod`, `pod add Alpha`, `pod Alpha coach @cora`,
`pod Alpha session first tuesday 15:00`, `pod Alpha leader @lena manager @max reports @a @b
1:1 tue 10:00`. User groups mentioned are asked of Slack before the unit of work opens."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlmodel import Session

from bot.blocks.cohort import NAME_THE_NEW_POD, one_coach_typed, pod_usage, unknown_pod
from bot.domain.args import (
    ArgumentError,
    Token,
    Word,
    parse_monthly_slot,
    tokenize,
    usergroups,
    users,
    words,
)
from bot.domain.args.leader import TypedLeader, parse_typed_leader
from bot.flows.pod import (
    Cohort,
    Refusal,
    Said,
    change_leader,
    change_pod,
    cohort,
    saved_leader,
    saved_pod,
    with_group,
)
from bot.flows.programs import Chosen, NotChosen, ProgramAsk, choose_program
from bot.slack.ports import Directory, GroupError
from storage.models import Pod, Program
from storage.pods import LeaderPlan, find_leader, find_pod, monthly_slot_of, plan_of
from storage.setup_state import pods_of
from storage.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class _Groups:
    """User-group members asked of Slack before the unit of work opened, by group id."""

    members: Mapping[str, list[str] | GroupError]

    def of(self, group_ids: Sequence[str]) -> list[str]:
        """Everyone in these groups, in order, each once; raises the first group's error."""
        found: list[str] = []
        for group_id in group_ids:
            answer = self.members[group_id]
            if isinstance(answer, GroupError):
                raise answer
            found += [member for member in answer if member not in found]
        return found


def typed_pod(
    uow: UnitOfWork, directory: Directory, *, ask: ProgramAsk, now: datetime
) -> NotChosen | Said | Cohort:
    """`/emcoach pod [program] [pod] [add|coach|session|leader …]`."""
    groups = _ask_groups(directory, ask.args)
    with uow as session:
        chosen = choose_program(session, ask)
        if not isinstance(chosen, Chosen):
            return chosen
        try:
            tokens = tokenize(chosen.args)
            return _typed(session, chosen.program, tokens, groups, by=ask.user_id, now=now)
        except ArgumentError as error:
            return Said(error.message)


def _ask_groups(directory: Directory, args: str) -> _Groups:
    """The members of every user group mentioned, asked before any transaction opens (only a
    `leader … reports @group` clause uses them)."""
    try:
        group_ids = list(dict.fromkeys(ref.id for ref in usergroups(tokenize(args))))
    except ArgumentError:
        return _Groups(members={})  # the parse in the unit of work says what is wrong
    members: dict[str, list[str] | GroupError] = {}
    for group_id in group_ids:
        try:
            members[group_id] = directory.group_members(group_ids=[group_id])
        except GroupError as error:
            members[group_id] = error
    return _Groups(members=members)


def _typed(
    session: Session,
    program: Program,
    tokens: list[Token],
    groups: _Groups,
    *,
    by: str,
    now: datetime,
) -> Said | Cohort:
    if not tokens:
        return cohort(session, program)
    if isinstance(tokens[0], Word) and tokens[0].text.lower() == "add":
        return _typed_add(session, program, tokens[1:], by=by, now=now)
    pod, rest = _leading_pod(session, program, tokens)
    if pod is None:
        assert program.id is not None
        return Said(
            unknown_pod(
                program_name=program.name,
                typed=tokens[0].text if isinstance(tokens[0], Word) else "that",
                pod_names=[row.name for row in pods_of(session, program_id=program.id)],
            )
        )
    keyword = rest[0].text.lower() if rest and isinstance(rest[0], Word) else ""
    if not rest:
        return cohort(session, program, only=pod.id)
    if keyword == "coach":
        return _typed_coach(session, program, pod, rest[1:], by=by, now=now)
    if keyword == "session":
        slot = parse_monthly_slot(" ".join(words(rest[1:])))
        outcome = change_pod(
            session,
            program,
            pod=pod,
            name=pod.name,
            coach_id=pod.coach_id,
            slot=slot,
            by=by,
            now=now,
        )
        return _pod_said(session, program, outcome)
    if keyword == "leader":
        typed = parse_typed_leader(rest[1:])
        return _typed_leader(session, program, pod, typed, groups, by=by, now=now)
    return Said(pod_usage(pod.name))


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


def _typed_add(
    session: Session, program: Program, tokens: list[Token], *, by: str, now: datetime
) -> Said:
    if not tokens or not all(isinstance(token, Word) for token in tokens):
        return Said(NAME_THE_NEW_POD)
    name = " ".join(words(tokens))
    outcome = change_pod(
        session, program, pod=None, name=name, coach_id=None, slot=None, by=by, now=now
    )
    return _pod_said(session, program, outcome, created=True)


def _typed_coach(
    session: Session, program: Program, pod: Pod, tokens: list[Token], *, by: str, now: datetime
) -> Said:
    coaches = users(tokens)
    if len(coaches) != 1 or words(tokens):
        return Said(one_coach_typed(pod.name))
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
    return _pod_said(session, program, outcome)


def _pod_said(
    session: Session,
    program: Program,
    outcome: Pod | Refusal,
    *,
    created: bool = False,
) -> Said:
    if isinstance(outcome, Refusal):
        return Said(outcome.message)
    return saved_pod(session, program, outcome, created=created)


def _typed_leader(
    session: Session,
    program: Program,
    pod: Pod,
    typed: TypedLeader,
    groups: _Groups,
    *,
    by: str,
    now: datetime,
) -> Said:
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
            members = groups.of(typed.group_ids)
        except GroupError as error:
            return Said(error.message)
        plan, left_out = with_group(plan, members)
    outcome = change_leader(session, program, leader=leader, plan=plan, by=by, now=now)
    if isinstance(outcome, Refusal):
        return Said(outcome.message)
    return saved_leader(session, program, outcome, left_out=left_out)
