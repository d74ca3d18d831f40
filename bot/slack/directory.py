"""People and user groups as Slack's Web API describes them (users.info, usergroups.*)."""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.blocks.cohort import group_gone_text, no_such_group_text
from bot.slack.ports import GroupError, SlackUnavailable, ZoneAnswer

logger = logging.getLogger("emcoach.people")


class SlackDirectory:
    """``bot.slack.ports.Directory`` over one WebClient."""

    def __init__(self, client: WebClient) -> None:
        self._client = client

    def group_members(
        self, *, group_ids: Sequence[str] = (), handles: Sequence[str] = ()
    ) -> list[str]:
        return group_members(self._client, group_ids=group_ids, handles=handles)

    def zones(self, user_ids: Collection[str]) -> dict[str, ZoneAnswer]:
        try:
            return {user_id: lookup_zone(self._client, user_id) for user_id in sorted(user_ids)}
        except (SlackClientError, OSError) as error:  # an API error is an answer: not these
            logger.warning("no time zones for %s: %s", sorted(user_ids), error)
            raise SlackUnavailable(str(error)) from error


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
                raise GroupError(no_such_group_text(bare))
            ids.append(known[bare])
    members: list[str] = []
    for group_id in ids:
        try:
            found = client.usergroups_users_list(usergroup=group_id)["users"]
        except SlackApiError as error:
            if error.response.get("error") != "no_such_subteam":
                raise
            raise GroupError(group_gone_text()) from error
        members += [member for member in found if member not in members]
    return members


def lookup_zone(client: WebClient, user_id: str) -> ZoneAnswer:
    try:
        user = client.users_info(user=user_id)["user"]
    except SlackApiError as error:
        code = error.response.get("error")
        logger.warning("users.info %s failed: %s", user_id, code)
        return ZoneAnswer(timezone=None, deleted=code == "user_not_found", answered=False)
    return ZoneAnswer(
        timezone=user.get("tz") or None, deleted=bool(user.get("deleted")), answered=True
    )
