"""/emcoach owner: add, remove and list a program's co-owners (only owners may)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlmodel import Session

from bot.domain.args import ArgumentError, Word, escape_mrkdwn, split_subcommand, tokenize, users
from bot.domain.roles import Role
from bot.flows.programs import Chosen, NotChosen, ProgramAsk, choose_program
from storage.programs import add_member, find_program, has_role, is_member, members, remove_member
from storage.uow import UnitOfWork

ADD: Final = "add"
REMOVE: Final = "remove"
LIST: Final = "list"
VERBS: Final = frozenset({ADD, REMOVE, LIST})


@dataclass(frozen=True, slots=True)
class Usage:
    message: str  # what was wrong with the command, before its usage


@dataclass(frozen=True, slots=True)
class NotPartOf:
    program_name: str  # a program the caller has no role in: nobody who runs it is named


@dataclass(frozen=True, slots=True)
class NotOwner:
    program_name: str
    owners: list[str]  # the caller is in the program: these are whom to ask


@dataclass(frozen=True, slots=True)
class LastOwner:
    program_name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Listed:
    program_name: str
    owners: list[str]
    budget_owner: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Added:
    program_name: str
    added: list[str]  # to be welcomed by DM, after the unit of work
    already: list[str]
    owners: list[str]


@dataclass(frozen=True, slots=True, kw_only=True)
class Removed:
    program_name: str
    removed: list[str]
    not_owners: list[str]
    owners: list[str]


OwnerOutcome = NotChosen | Usage | NotPartOf | NotOwner | LastOwner | Listed | Added | Removed


def change_owners(uow: UnitOfWork, *, ask: ProgramAsk, now: datetime) -> OwnerOutcome:
    """`/emcoach owner [program] [add|remove|list] [@people]`, in one unit of work."""
    with uow as session:
        refusal = _someone_elses_program(session, ask)
        if refusal is not None:
            return refusal
        chosen = choose_program(session, ask)
        if not isinstance(chosen, Chosen):
            return chosen
        verb, rest = split_subcommand(chosen.args)
        verb = verb or LIST
        if verb not in VERBS:
            return Usage(f"I don't know “{escape_mrkdwn(verb)}”.")
        try:
            people = [ref.id for ref in users(tokenize(rest))]
        except ArgumentError as error:
            return Usage(error.message)
        program = chosen.program
        assert program.id is not None
        if verb == LIST:
            owners = members(session, program_id=program.id, role=Role.OWNER)
            return Listed(
                program_name=program.name, owners=owners, budget_owner=program.budget_owner_id
            )
        if not people:
            return Usage(f"Mention the person to {verb}.")
        if verb == ADD:
            return _add(session, program.id, program.name, people, by=ask.user_id, now=now)
        return _remove(session, program.id, program.name, people)


def _someone_elses_program(session: Session, ask: ProgramAsk) -> NotPartOf | NotOwner | None:
    """A refusal naming the owners when the command names a program the caller doesn't own.

    choose_program only sees the caller's own programs, so without this the name would be
    read as an unknown word instead of getting the answer "ask these people".
    """
    if ask.program_id is not None:
        return None
    tokens = tokenize(ask.args)
    first = tokens[0] if tokens else None
    if not isinstance(first, Word) or first.text.lower() in VERBS:
        return None
    program = find_program(session, team_id=ask.team_id, name=first.text)
    if program is None or program.id is None:
        return None
    if has_role(session, program_id=program.id, user_id=ask.user_id, role=Role.OWNER):
        return None
    if not is_member(session, team_id=ask.team_id, program_id=program.id, user_id=ask.user_id):
        return NotPartOf(program.name)
    return NotOwner(program.name, members(session, program_id=program.id, role=Role.OWNER))


def _add(
    session: Session, program_id: int, name: str, people: list[str], *, by: str, now: datetime
) -> Added:
    added: list[str] = []
    already: list[str] = []
    for user_id in people:
        is_new = add_member(
            session, program_id=program_id, user_id=user_id, role=Role.OWNER, added_by=by, now=now
        )
        (added if is_new else already).append(user_id)
    owners = members(session, program_id=program_id, role=Role.OWNER)
    return Added(program_name=name, added=added, already=already, owners=owners)


def _remove(session: Session, program_id: int, name: str, people: list[str]) -> Removed | LastOwner:
    current = members(session, program_id=program_id, role=Role.OWNER)
    removed = [user_id for user_id in people if user_id in current]
    not_owners = [user_id for user_id in people if user_id not in current]
    if removed and len(current) <= len(removed):
        return LastOwner(name)
    for user_id in removed:
        remove_member(session, program_id=program_id, user_id=user_id, role=Role.OWNER)
    owners = members(session, program_id=program_id, role=Role.OWNER)
    return Removed(program_name=name, removed=removed, not_owners=not_owners, owners=owners)
