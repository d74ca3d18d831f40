"""Events about people: a profile change (``user_change``) carries their new time zone."""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from slack_bolt import App

from bot.flows.profile_change import apply_profile_change
from bot.services import Services
from handlers.idempotency import released_if_failed

logger = logging.getLogger("emcoach.people")

# Person.timezone's column size; a longer name is not an IANA zone.
MAX_ZONE_LENGTH = 64


def on_user_change(
    event: dict[str, Any], body: dict[str, Any], context: dict[str, Any], *, services: Services
) -> None:
    user = event.get("user")
    team_id = context.get("team_id")
    if not isinstance(user, dict) or not isinstance(user.get("id"), str) or not team_id:
        return
    zone = user.get("tz") or None
    if not isinstance(zone, str) or len(zone) > MAX_ZONE_LENGTH:
        zone = None
    with released_if_failed(services, body):
        stale = apply_profile_change(
            services.engine,
            team_id=team_id,
            user_id=user["id"],
            timezone=zone,
            deleted=bool(user.get("deleted")),
            now=services.clock.now(),
        )
    if stale:
        logger.info("%s's profile changed: re-planning programs %s", user["id"], stale)


def register(app: App, services: Services) -> None:
    app.event("user_change")(partial(on_user_change, services=services))
