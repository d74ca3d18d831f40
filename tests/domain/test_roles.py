import pytest

from bot.domain.roles import Audience, Role, allows

ALL_ROLES = frozenset(Role)


@pytest.mark.parametrize(
    ("audience", "roles", "expected"),
    [
        (Audience.EVERYONE, frozenset(), True),
        (Audience.EVERYONE, ALL_ROLES, True),
        (Audience.PARTICIPANTS, frozenset(), False),
        (Audience.PARTICIPANTS, {Role.LEADER}, True),
        (Audience.OWNERS, frozenset(), False),
        (Audience.OWNERS, {Role.OWNER}, True),
        (Audience.OWNERS, ALL_ROLES - {Role.OWNER}, False),
        (Audience.BUDGET_OWNERS, {Role.BUDGET_OWNER}, True),
        (Audience.BUDGET_OWNERS, {Role.OWNER}, False),
        (Audience.COACHES, {Role.COACH}, True),
        (Audience.COACHES, {Role.LEADER, Role.MANAGER}, False),
    ],
)
def test_allows(audience: Audience, roles: frozenset[Role], expected: bool) -> None:
    assert allows(audience, roles) is expected


def test_every_audience_is_decided() -> None:
    for audience in Audience:
        allows(audience, ALL_ROLES)  # raises KeyError if an audience has no rule
