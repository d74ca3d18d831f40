"""Who may do what. Roles are per program (PRODUCT.md "People")."""

from __future__ import annotations

import enum
from collections.abc import Set


class Role(enum.StrEnum):
    OWNER = "owner"
    BUDGET_OWNER = "budget_owner"
    COACH = "coach"
    LEADER = "leader"
    MANAGER = "manager"


class Audience(enum.StrEnum):
    """Who a subcommand is for; `help` lists only what the caller can use."""

    EVERYONE = "everyone"
    OWNERS = "owners"
    BUDGET_OWNERS = "budget_owners"
    COACHES = "coaches"
    OVERSEERS = "overseers"  # owners and coaches: those who look after a program's leaders
    LEADERS = "leaders"
    PARTICIPANTS = "participants"  # anyone with any role in a program


# Each audience is the people holding one of these roles in any program (roles are per program,
# so an owner of one program and a leader in another is in both audiences).
_ROLES_FOR_AUDIENCE: dict[Audience, frozenset[Role]] = {
    Audience.OWNERS: frozenset({Role.OWNER}),
    Audience.BUDGET_OWNERS: frozenset({Role.BUDGET_OWNER}),
    Audience.COACHES: frozenset({Role.COACH}),
    Audience.OVERSEERS: frozenset({Role.OWNER, Role.COACH}),
    Audience.LEADERS: frozenset({Role.LEADER}),
    Audience.PARTICIPANTS: frozenset(Role),
}


def allows(audience: Audience, roles: Set[Role]) -> bool:
    if audience is Audience.EVERYONE:
        return True
    return bool(_ROLES_FOR_AUDIENCE[audience] & roles)
