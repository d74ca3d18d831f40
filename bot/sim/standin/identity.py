"""auth.test and users.info: who the bot is and who the people are."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from bot.sim.standin.wire import text_arg
from bot.sim.standin.workspace import Workspace


def auth_test(ws: Workspace, args: Mapping[str, Any]) -> dict[str, Any]:
    del args  # auth.test takes none beyond the token
    subdomain = re.sub(r"[^a-z0-9]+", "-", ws.team_name.lower()).strip("-") or "workspace"
    return {
        "url": f"https://{subdomain}.slack.com/",
        "team": ws.team_name,
        "user": "emcoach",
        "team_id": ws.team_id,
        "user_id": ws.bot_user_id,
        "bot_id": ws.bot_id,
        "is_enterprise_install": False,
    }


def users_info(ws: Workspace, args: Mapping[str, Any]) -> dict[str, Any]:
    user = ws.user(text_arg(args, "user", missing="user_not_found"))
    # tz_offset is for the current instant, so it follows daylight saving like Slack's does.
    local = ws.clock.now().astimezone(ZoneInfo(user.tz))
    offset = local.utcoffset()
    return {
        "user": {
            "id": user.id,
            "team_id": ws.team_id,
            "name": user.name,
            "deleted": user.deleted,
            "real_name": user.real_name,
            "tz": user.tz,
            "tz_label": local.tzname(),
            "tz_offset": int(offset.total_seconds()) if offset is not None else 0,
            "is_bot": user.is_bot,
            "is_admin": False,
            "profile": {
                "real_name": user.real_name,
                "real_name_normalized": user.real_name,
                "display_name": user.name,
                "display_name_normalized": user.name,
            },
        }
    }
