"""APScheduler owns the clock; the database owns the agenda.

Jobs live in a memory job store: each scheduler process re-registers them at start, so no job
store is ever shared between schedulers (SLACK.md "APScheduler"). What a job should do next is
always read from the database.
"""

from __future__ import annotations

from datetime import timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from bot.engine.dispatch import Dispatcher, build_dispatch_client
from bot.engine.render import render
from bot.services import Services
from handlers import jobs

JOB_DEFAULTS = {
    "coalesce": True,  # after a pause, run a missed interval job once, not once per missed tick
    "max_instances": 1,  # a slow run is never overlapped by the next tick of the same job
    "misfire_grace_time": 60,
}


def build_dispatcher(services: Services) -> Dispatcher:
    """The clock's dispatcher, and the web process's for posts a person is waiting for."""
    settings = services.settings
    return Dispatcher(
        engine=services.engine,
        client=build_dispatch_client(settings, senders=settings.DISPATCH_SENDERS),
        clock=services.clock,
        render=render,
        stale_after=timedelta(seconds=settings.DISPATCH_STALE_SECONDS),
        senders=settings.DISPATCH_SENDERS,
    )


def build_scheduler(services: Services, *, blocking: bool) -> BaseScheduler:
    scheduler_class = BlockingScheduler if blocking else BackgroundScheduler
    scheduler: BaseScheduler = scheduler_class(timezone="UTC", job_defaults=JOB_DEFAULTS)
    jobs.register(scheduler, services, build_dispatcher(services))
    return scheduler
