"""A retried Events API delivery never has a second effect.

Slack resends an event it thinks failed (header ``X-Slack-Retry-Num``) with the same
``event_id``; Bolt passes retries through, so the first delivery claims the id in the database
and every later one is acknowledged and dropped.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from slack_bolt import App, BoltResponse

from bot.services import Services
from storage.events import claim_event

logger = logging.getLogger("emcoach.events")


def skip_repeated_events(
    body: dict[str, Any], next: Any, *, services: Services
) -> BoltResponse | None:
    event_id = body.get("event_id")
    if body.get("type") == "event_callback" and isinstance(event_id, str):
        first = claim_event(
            services.engine,
            event_id=event_id,
            team_id=str(body.get("team_id", "")),
            now=services.clock.now(),
        )
        if not first:
            logger.info("event %s already handled; acknowledging the retry only", event_id)
            return BoltResponse(status=200, body="")
    next()
    return None


def register(app: App, services: Services) -> None:
    app.use(partial(skip_repeated_events, services=services))
