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
    PARTICIPANTS = "participants"  # anyone with any role in a program


_ROLE_FOR_AUDIENCE = {
    Audience.OWNERS: Role.OWNER,
    Audience.BUDGET_OWNERS: Role.BUDGET_OWNER,
    Audience.COACHES: Role.COACH,
}


def allows(audience: Audience, roles: Set[Role]) -> bool:
    if audience is Audience.EVERYONE:
        return True
    if audience is Audience.PARTICIPANTS:
        return bool(roles)
    return _ROLE_FOR_AUDIENCE[audience] in roles
