"""usergroups.list and usergroups.users.list: who is in a user group such as @backend-team.

Slack answers ``no_such_subteam`` for an id it does not know. People type a group's handle,
not its id, so the app looks a typed handle up in usergroups.list first.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.sim.standin.wire import ApiFailure, flag, text_arg
from bot.sim.standin.workspace import Workspace


def list_groups(ws: Workspace, args: Mapping[str, Any]) -> dict[str, Any]:
    include_users = flag(args.get("include_users"))
    return {
        "usergroups": [
            group.describe(team_id=ws.team_id, include_users=include_users)
            for group in ws.usergroups.values()
        ]
    }


def users_list(ws: Workspace, args: Mapping[str, Any]) -> dict[str, Any]:
    group = ws.usergroups.get(text_arg(args, "usergroup", missing="no_such_subteam"))
    if group is None:
        raise ApiFailure("no_such_subteam")
    return {"users": list(group.user_ids)}
