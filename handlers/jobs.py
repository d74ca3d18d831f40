"""Scheduled jobs: thin adapters from APScheduler ticks to storage and domain calls."""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import partial

from apscheduler.schedulers.base import BaseScheduler

from bot.services import Services
from storage.events import prune_events

logger = logging.getLogger("emcoach.jobs")

# Slack's last retry of an event comes about 5 minutes after the first try; a day is ample.
EVENT_MEMORY = timedelta(days=1)
PRUNE_EVERY = timedelta(hours=1)


def prune_processed_events(*, services: Services) -> int:
    removed = prune_events(services.engine, older_than=services.clock.now() - EVENT_MEMORY)
    if removed:
        logger.info("forgot %d handled event ids older than %s", removed, EVENT_MEMORY)
    return removed


def register(scheduler: BaseScheduler, services: Services) -> None:
    scheduler.add_job(
        partial(prune_processed_events, services=services),
        trigger="interval",
        seconds=PRUNE_EVERY.total_seconds(),
        id="prune_processed_events",
        replace_existing=True,
    )
