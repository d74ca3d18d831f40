"""APScheduler owns the clock; the database owns the agenda.

Jobs live in a memory job store: each scheduler process re-registers them at start, so no job
store is ever shared between schedulers (SLACK.md "APScheduler"). What a job should do next is
always read from the database.
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import timedelta
from typing import Any

from apscheduler.events import EVENT_JOB_EXECUTED
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from slack_sdk import WebClient
from sqlalchemy.exc import SQLAlchemyError

from bot.compose import Runtime, build_dispatch_client, workspace_clients
from bot.engine.dispatch import Dispatcher, TickReport
from bot.engine.render import render
from bot.metrics import DispatchTotals
from handlers import jobs
from storage.heartbeat import beat

logger = logging.getLogger("emcoach.scheduler")

JOB_DEFAULTS = {
    "coalesce": True,  # after a pause, run a missed interval job once, not once per missed tick
    "max_instances": 1,  # a slow run is never overlapped by the next tick of the same job
    "misfire_grace_time": 60,
}
# The job whose completion is the heartbeat: a clock that runs but cannot dispatch (its
# database gone, a tick stuck) stops beating, and `emcoach health` says so.
HEARTBEAT_JOB = "dispatch_due"


class HeartbeatWriter:
    """After each completed dispatch tick: add its report to this process's totals and write
    them with the beat (storage/heartbeat.py)."""

    def __init__(self, services: Runtime, *, kind: str) -> None:
        self._services = services
        self.kind = kind
        self.process = f"{kind}:{socket.gethostname()}:{os.getpid()}"
        self._started_at = services.clock.now()
        self.totals = DispatchTotals()

    def __call__(self, event: Any) -> None:
        if event.job_id != HEARTBEAT_JOB or not isinstance(event.retval, TickReport):
            return
        self.totals.add(event.retval)
        try:
            beat(
                self._services.engine,
                process=self.process,
                kind=self.kind,
                started_at=self._started_at,
                now=self._services.clock.now(),
                stats=self.totals.to_json(),
            )
        except SQLAlchemyError as error:
            # The tick itself just wrote to this database, so this is rare; the next tick
            # beats again, and a beat that stays missing is what `emcoach health` reports.
            logger.warning("could not write the heartbeat: %s", type(error).__name__)


def build_dispatcher(services: Runtime) -> Dispatcher:
    """The clock's dispatcher, and the web process's for posts a person is waiting for: each
    row goes out with its workspace's token (SLACK_BOT_TOKEN's in single-workspace mode)."""
    settings = services.settings

    def make_client(token: str) -> WebClient:
        return build_dispatch_client(settings, token=token, senders=settings.DISPATCH_SENDERS)

    return Dispatcher(
        engine=services.engine,
        clients=workspace_clients(settings, services.engine, make_client),
        clock=services.clock,
        render=render,
        stale_after=timedelta(seconds=settings.DISPATCH_STALE_SECONDS),
        senders=settings.DISPATCH_SENDERS,
    )


def build_scheduler(services: Runtime, *, blocking: bool) -> BaseScheduler:
    """``blocking``: `emcoach clock`'s scheduler (the process's main loop); else `emcoach run`'s,
    beside Socket Mode."""
    scheduler_class = BlockingScheduler if blocking else BackgroundScheduler
    scheduler: BaseScheduler = scheduler_class(timezone="UTC", job_defaults=JOB_DEFAULTS)
    jobs.register(scheduler, services, build_dispatcher(services))
    scheduler.add_listener(
        HeartbeatWriter(services, kind="clock" if blocking else "run"), EVENT_JOB_EXECUTED
    )
    return scheduler
