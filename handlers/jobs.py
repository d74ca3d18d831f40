"""Scheduled jobs: thin adapters from APScheduler ticks to the engine, storage and domain."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import partial

from apscheduler.schedulers.base import BaseScheduler
from slack_sdk import WebClient

from bot.engine.dispatch import Dispatcher, TickReport
from bot.engine.homes import publish_with
from bot.engine.planning import replan_program
from bot.flows import clock
from bot.flows.close import close_finished
from bot.flows.commit import settle_commits
from bot.flows.home import PublishHome, refresh_program_homes
from bot.services import Services

logger = logging.getLogger("emcoach.jobs")

# Slack's last retry of an event comes about 5 minutes after the first try; a day is ample.
EVENT_MEMORY = timedelta(days=1)
PRUNE_EVERY = timedelta(hours=1)
# A prompt is due at a minute boundary; a 10 s tick sends it within seconds and stays cheap
# when nothing is due (one indexed query).
DISPATCH_EVERY = timedelta(seconds=10)
NUDGE_EVERY = timedelta(hours=1)
# A reminder is created due at once; every few minutes keeps it within minutes of 24 h / 72 h.
REMIND_EVERY = timedelta(minutes=5)
REPLAN_EVERY = timedelta(hours=24)
# App Homes after what the clock sent (a checkpoint post, a settled commit, a 1:1 that ended):
# within a minute, and one cheap query when nothing was sent.
HOMES_EVERY = timedelta(minutes=1)


def prune_processed_events(*, services: Services) -> int:
    removed = clock.forget_handled_events(
        services.engine, older_than=services.clock.now() - EVENT_MEMORY
    )
    if removed:
        logger.info("forgot %d handled event ids older than %s", removed, EVENT_MEMORY)
    return removed


def dispatch_due(*, dispatcher: Dispatcher) -> TickReport:
    report = dispatcher.tick()
    if report.sent or report.missed or report.failed or report.reconciled:
        logger.info("dispatch: %s", report)
    return report


def remind_surveys(*, services: Services) -> int:
    return clock.remind_surveys(services.engine, now=services.clock.now())


def nudge_setup(*, services: Services) -> int:
    return clock.nudge_setup(services.engine, now=services.clock.now())


def replan_stale(*, services: Services) -> int:
    """Settle pre-commitments whose post went out (or was refused) since the last tick, then
    re-plan programs whose cohort, slots or dates changed."""
    settle_commits(services.engine, now=services.clock.now())
    close_finished(services.engine, now=services.clock.now())  # after the month-6 post
    return _replan(services, clock.stale_to_replan(services.engine))


def replan_running(*, services: Services) -> int:
    """Daily: refresh people's time zones and re-plan every running program's future."""
    return _replan(services, clock.running_to_replan(services.engine), count_changes=True)


def _replan(
    services: Services, programs: list[tuple[int, str]], *, count_changes: bool = False
) -> int:
    """Re-plan each program with its workspace's client (users.info for time zones); a
    workspace emcoach holds no token for is skipped (the dispatcher stops it). Returns how many
    programs were re-planned, or with ``count_changes`` how many rows changed."""
    clients: dict[str, WebClient | None] = {}
    done = 0
    for program_id, team_id in programs:
        if team_id not in clients:
            clients[team_id] = services.client_for(team_id)
        client = clients[team_id]
        if client is None:
            continue
        change = replan_program(
            services.engine, client, program_id=program_id, now=services.clock.now()
        )
        done += change.added + change.moved + change.removed if count_changes else 1
    return done


class HomesAfterSends:
    """Each run: the App Homes (of people who opened theirs) in programs with a prompt or post
    sent since the last run, published again where they now read differently."""

    def __init__(self, services: Services) -> None:
        self._services = services
        self._since: datetime | None = None

    def __call__(self) -> int:
        services = self._services
        now = services.clock.now()
        since = self._since or now - HOMES_EVERY
        stopped = clock.stopped_workspaces(services.engine)

        def publish_for(team_id: str) -> PublishHome | None:
            # Each workspace's own token; none for a stopped or uninstalled workspace.
            client = None if team_id in stopped else services.client_for(team_id)
            return None if client is None else publish_with(client)

        refreshed = refresh_program_homes(
            services.engine, since=since, now=now, publish_for=publish_for
        )
        self._since = now
        return refreshed


def register(scheduler: BaseScheduler, services: Services, dispatcher: Dispatcher) -> None:
    jobs = [
        ("prune_processed_events", partial(prune_processed_events, services=services), PRUNE_EVERY),
        ("replan_stale", partial(replan_stale, services=services), DISPATCH_EVERY),
        ("dispatch_due", partial(dispatch_due, dispatcher=dispatcher), DISPATCH_EVERY),
        ("nudge_setup", partial(nudge_setup, services=services), NUDGE_EVERY),
        ("remind_surveys", partial(remind_surveys, services=services), REMIND_EVERY),
        ("replan_running", partial(replan_running, services=services), REPLAN_EVERY),
        ("refresh_homes", HomesAfterSends(services), HOMES_EVERY),
    ]
    for job_id, function, every in jobs:
        scheduler.add_job(
            function,
            trigger="interval",
            seconds=every.total_seconds(),
            id=job_id,
            replace_existing=True,
            # First run at start: a restarted clock catches up at once, not an interval later.
            next_run_time=services.clock.now(),
        )
