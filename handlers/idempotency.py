"""A retried Events API delivery never has a second effect, and a failed one gets another go.

Slack resends an event it thinks failed (header ``X-Slack-Retry-Num``) with the same
``event_id``; Bolt passes retries through, so the first delivery claims the id in the database
and later ones are acknowledged and dropped while it stands. A listener whose handling fails
gives its claim back (``released_if_failed``), so Slack's next retry is handled anew.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

from bot.flows.events import first_delivery, give_back
from bot.services import Services

logger = logging.getLogger("emcoach.events")


class SkipRepeatedEvents(Middleware):
    """An event delivery whose ``event_id`` was claimed before is acknowledged and dropped.

    A ``Middleware`` subclass rather than a function: Bolt inspects a function middleware's
    arguments on every request (~20 µs); ``process`` is called as it is."""

    def __init__(self, services: Services) -> None:
        self._services = services

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        body = req.body
        event_id = body.get("event_id")
        if body.get("type") == "event_callback" and isinstance(event_id, str):
            first = first_delivery(
                self._services.engine,
                event_id=event_id,
                team_id=str(body.get("team_id", "")),
                now=self._services.clock.now(),
            )
            if not first:
                logger.info("event %s already handled; acknowledging the retry only", event_id)
                return BoltResponse(status=200, body="")
        return next()


@contextmanager
def released_if_failed(services: Services, body: dict[str, Any]) -> Iterator[None]:
    """Around an event listener's work: if it raises, the event's claim is given back."""
    try:
        yield
    except BaseException:
        event_id = body.get("event_id")
        if isinstance(event_id, str):
            try:
                give_back(services.engine, event_id=event_id)
            except Exception:
                logger.exception("could not release event %s for Slack's retry", event_id)
        raise


def register(app: App, services: Services) -> None:
    app.use(SkipRepeatedEvents(services))
