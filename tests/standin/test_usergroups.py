"""usergroups.list and usergroups.users.list on the stand-in, through a real WebClient."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.sim.standin import SlackStandIn


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    with SlackStandIn() as standin:
        standin.add_usergroup("S0BACKEND", "@backend", ["U0A", "U0B"])
        standin.add_usergroup("S0EMPTY", "nobody", [])
        yield standin


@pytest.fixture
def client(slack: SlackStandIn) -> WebClient:
    return WebClient(token="xoxb-test", base_url=slack.api_url)


def test_users_list_answers_the_members_in_order(client: WebClient) -> None:
    assert client.usergroups_users_list(usergroup="S0BACKEND")["users"] == ["U0A", "U0B"]
    assert client.usergroups_users_list(usergroup="S0EMPTY")["users"] == []


@pytest.mark.parametrize("group", ["S0MISSING", ""])
def test_an_unknown_group_is_no_such_subteam(client: WebClient, group: str) -> None:
    with pytest.raises(SlackApiError) as raised:
        client.usergroups_users_list(usergroup=group)
    assert raised.value.response["error"] == "no_such_subteam"


def test_list_finds_groups_by_handle_without_the_at(client: WebClient) -> None:
    groups = client.usergroups_list()["usergroups"]
    assert [(group["id"], group["handle"]) for group in groups] == [
        ("S0BACKEND", "backend"),
        ("S0EMPTY", "nobody"),
    ]
    assert "users" not in groups[0]
    with_users = client.usergroups_list(include_users=True)["usergroups"]
    assert with_users[0]["users"] == ["U0A", "U0B"]
    assert with_users[0]["user_count"] == 2


def test_calls_are_recorded_like_any_other(slack: SlackStandIn, client: WebClient) -> None:
    client.usergroups_users_list(usergroup="S0BACKEND")
    [call] = slack.calls_to("usergroups.users.list")
    assert call.args["usergroup"] == "S0BACKEND"


def test_group_ids_must_look_like_slack_ids(slack: SlackStandIn) -> None:
    with pytest.raises(ValueError, match="start with S"):
        slack.add_usergroup("G0NOPE", "nope", [])
