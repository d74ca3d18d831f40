"""The `emcoach` command: the composition root that builds settings, storage and the app."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType

from flask import Flask
from slack_bolt import App
from slack_bolt.error import BoltError
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError, ProgrammingError

from bot.clock import SystemClock
from bot.compose import Runtime, compose_services
from bot.config import ConfigError, Settings, load_settings
from bot.logging_setup import configure_logging
from storage.db import make_engine
from storage.heartbeat import last_beat
from storage.migrate import upgrade_to_head

logger = logging.getLogger("emcoach")

EXIT_CONFIG = 2
HEARTBEAT_KINDS = ("clock", "run")
EXIT_RUNTIME = 1

DESCRIPTION = (
    "emcoach runs a mentoring program for new engineering managers in Slack: "
    "eligibility check, setup sprint, six-month cadence and published results."
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="emcoach",
        description=DESCRIPTION,
        epilog="Configuration comes from environment variables or a .env file; see README.md.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    sub.add_parser(
        "run",
        help="one process: Socket Mode, scheduler inside, SQLite by default (needs "
        "SLACK_BOT_TOKEN and SLACK_APP_TOKEN)",
        description="Run emcoach as one process over Socket Mode, with the scheduler inside. "
        "Needs SLACK_BOT_TOKEN and SLACK_APP_TOKEN; no public URL required.",
    )
    serve = sub.add_parser(
        "serve",
        help="HTTP on $PORT under gunicorn: POST /slack/events, GET /healthz (needs "
        "SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN, or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET "
        "for installs in many workspaces through GET /slack/install)",
        description="Serve Slack's HTTP requests on $PORT (default 3000) under gunicorn. "
        "Run `emcoach clock` once beside it for the scheduled prompts.",
    )
    serve.add_argument("--port", type=int, help="overrides $PORT")
    serve.add_argument("--workers", type=int, help="worker processes (overrides $WEB_CONCURRENCY)")
    serve.add_argument("--threads", type=int, help="threads per worker (overrides $WEB_THREADS)")
    sub.add_parser(
        "clock",
        help="the scheduler alone: the Procfile's one clock process (needs SLACK_BOT_TOKEN, "
        "or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET)",
        description="Run the scheduler without serving HTTP. Run exactly one per deployment "
        "next to `emcoach serve`; a second one is safe but unnecessary.",
    )
    demo = sub.add_parser(
        "demo",
        help="see it work without Slack: a sample company's setup sprint and six months, "
        "simulated against a local Slack stand-in in under a minute",
        description="Run a sample company's whole program — the setup sprint and six months of "
        "prompts and checkpoints — through the real app against a local stand-in for Slack's "
        "API. Needs no Slack account, no tokens and no network.",
    )
    demo.add_argument("--database", type=Path, help="keep the demo's SQLite database here")
    demo.add_argument(
        "--out",
        type=Path,
        metavar="FOLDER",
        dest="out_dir",
        help="write the results posts and their chart images (PNG) into this folder",
    )
    health = sub.add_parser(
        "health",
        help="exit 0 if the scheduler (clock or run) completed a tick within "
        "HEALTH_MAX_AGE_SECONDS, else 1 with the reason: a container health check",
        description="Read the scheduler's heartbeat from the database. Exit 0 when a process of "
        "the given kind (default: either) completed a dispatch tick within "
        "HEALTH_MAX_AGE_SECONDS (default 120), else exit 1 with one line saying why.",
    )
    health.add_argument("kind", nargs="?", choices=HEARTBEAT_KINDS, help="clock or run")
    health.add_argument("--max-age", type=int, help="seconds (overrides $HEALTH_MAX_AGE_SECONDS)")
    sub.add_parser(
        "migrate",
        help="upgrade the database to the newest schema (run/serve/clock also do this at start)",
        description="Apply every pending database migration (Alembic upgrade to head).",
    )
    purge = sub.add_parser(
        "purge",
        help="delete everything emcoach holds about one workspace (asks for --yes)",
        description="Delete a workspace's data: its programs and everything in them, its "
        "people's cached profiles and its processed events. Without --yes it only prints "
        "what it would delete, by table. An OAuth install's token stays, so emcoach goes on "
        "working there from a clean slate; removing emcoach from the workspace deletes it.",
    )
    purge.add_argument("--team", required=True, help="the workspace's team id, e.g. T0123ABCD")
    purge.add_argument("--yes", action="store_true", help="delete for real")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    commands: dict[str, Callable[[Settings, argparse.Namespace], None]] = {
        "run": _run,
        "serve": _serve,
        "clock": _clock,
        "migrate": _migrate,
        "demo": _demo,
        "health": _health,
        "purge": _purge,
    }
    try:
        settings = load_settings(**_overrides(args))
        _configure_logging(settings)
        commands[args.command](settings, args)
    except ConfigError as exc:
        print(f"emcoach: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except StartupError as exc:
        print(f"emcoach: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 0
    return 0


def _overrides(args: argparse.Namespace) -> dict[str, object]:
    """Command-line options that stand in for settings, validated like the environment."""
    names = {
        "port": "PORT",
        "workers": "WEB_CONCURRENCY",
        "threads": "WEB_THREADS",
        "max_age": "HEALTH_MAX_AGE_SECONDS",
    }
    return {
        setting: getattr(args, option)
        for option, setting in names.items()
        if getattr(args, option, None) is not None
    }


class StartupError(Exception):
    def __init__(self, message: str, *, exit_code: int = EXIT_RUNTIME) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def _configure_logging(settings: Settings) -> None:
    configure_logging(
        level=settings.LOG_LEVEL, log_format=settings.LOG_FORMAT, secrets=settings.secret_values
    )


def _migrated_engine(settings: Settings) -> Engine:
    engine = make_engine(settings.DATABASE_URL)
    try:
        upgrade_to_head(engine)
    except OperationalError as exc:
        raise StartupError(
            f"cannot reach the database at DATABASE_URL ({engine.url.render_as_string()}): "
            f"{' '.join(str(exc.orig).split())}"
        ) from None
    return engine


def build_services(settings: Settings) -> Runtime:
    return compose_services(
        settings, engine=make_engine(settings.DATABASE_URL), clock=SystemClock()
    )


def _require_tokens(settings: Settings, *names: str) -> None:
    """SLACK_BOT_TOKEN (one workspace) unless installs go through OAuth (both client
    credentials set: each workspace's token is in the database)."""
    settings.require_oauth_pair()
    if settings.oauth_enabled:
        names = tuple(name for name in names if name != "SLACK_BOT_TOKEN")
    settings.require(*names)


def _migrate(settings: Settings, _args: argparse.Namespace) -> None:
    _migrated_engine(settings)
    logger.info("database is at the newest schema")


def _purge(settings: Settings, args: argparse.Namespace) -> None:
    from storage.db import session_scope
    from storage.purge import count_workspace, purge_workspace

    team_id = str(args.team).strip()
    engine = _migrated_engine(settings)
    with session_scope(engine) as session:
        counts = count_workspace(session, team_id=team_id)
    if not any(counts.values()):
        print(f"emcoach holds nothing for workspace {team_id}; nothing to delete.")
        return
    if not args.yes:
        print(f"emcoach would delete these rows of workspace {team_id}:")
        _print_counts(counts)
        raise StartupError(
            f"nothing was deleted; re-run with --yes to delete them: "
            f"emcoach purge --team {team_id} --yes"
        )
    with session_scope(engine) as session:
        deleted = purge_workspace(session, team_id=team_id)
    print(f"Deleted every row of workspace {team_id}:")
    _print_counts(deleted)


def _print_counts(counts: dict[str, int]) -> None:
    for table, count in counts.items():
        if count:
            print(f"  {table:<18} {count}")


def _build_app(services: Runtime, *, socket_mode: bool) -> App:
    from bot.app import build_app

    try:
        app, _router = build_app(services, socket_mode=socket_mode)
    except BoltError as exc:
        raise StartupError(
            f"Slack rejected SLACK_BOT_TOKEN ({exc}). Copy the Bot User OAuth Token (xoxb-…) "
            "from your Slack app's OAuth & Permissions page.",
            exit_code=EXIT_CONFIG,
        ) from None
    return app


def _health(settings: Settings, args: argparse.Namespace) -> None:
    """One line and an exit code, for a platform's health check: no migration, no Slack."""
    kinds = (args.kind,) if args.kind else HEARTBEAT_KINDS
    engine = make_engine(settings.DATABASE_URL)
    try:
        last = last_beat(engine, kinds=kinds)
    except (OperationalError, ProgrammingError) as exc:
        raise StartupError(
            f"unhealthy: cannot read the heartbeat ({' '.join(str(exc.orig).split())[:200]})"
        ) from None
    finally:
        engine.dispose()
    who = " or ".join(f"emcoach {kind}" for kind in kinds)
    if last is None:
        raise StartupError(f"unhealthy: {who} has never completed a tick")
    age = (SystemClock().now() - last).total_seconds()
    if age > settings.HEALTH_MAX_AGE_SECONDS:
        raise StartupError(
            f"unhealthy: {who} last completed a tick {age:.0f} s ago "
            f"(more than {settings.HEALTH_MAX_AGE_SECONDS} s)"
        )
    print(f"healthy: {who} completed a tick {age:.0f} s ago")


def _demo(_settings: Settings, args: argparse.Namespace) -> None:
    from bot.sim.demo.run import run_demo

    run_demo(database=args.database, out_dir=args.out_dir)


def _run(settings: Settings, _args: argparse.Namespace) -> None:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.scheduler import build_scheduler

    settings.require_oauth_pair()
    if settings.oauth_enabled:
        raise StartupError(
            "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET are set, but `emcoach run` serves one "
            "workspace over Socket Mode: for installs in many workspaces run `emcoach serve` "
            "and `emcoach clock`; for one, unset both.",
            exit_code=EXIT_CONFIG,
        )
    settings.require("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN")
    _migrated_engine(settings)
    services = build_services(settings)
    app = _build_app(services, socket_mode=True)
    scheduler = build_scheduler(services, blocking=False)
    scheduler.start()
    handler = SocketModeHandler(app, settings.app_token)
    # SocketModeHandler.start() blocks on an event nothing can set: connect, then wait on our
    # own event so SIGTERM (a platform's stop, `kill`) ends the process cleanly.
    stopping = threading.Event()
    _stop_on_sigterm(stopping.set)
    try:
        handler.connect()  # type: ignore[no-untyped-call]
        logger.info("emcoach is running over Socket Mode; press Ctrl+C to stop")
        stopping.wait()
    finally:
        handler.close()  # type: ignore[no-untyped-call]
        scheduler.shutdown(wait=True)


def _clock(settings: Settings, _args: argparse.Namespace) -> None:
    from bot.scheduler import build_scheduler

    _require_tokens(settings, "SLACK_BOT_TOKEN")
    _migrated_engine(settings)
    services = build_services(settings)
    scheduler = build_scheduler(services, blocking=True)
    _stop_on_sigterm(lambda: scheduler.shutdown(wait=False))
    logger.info("emcoach clock started")
    scheduler.start()


def _serve(settings: Settings, _args: argparse.Namespace) -> None:
    from bot.server import GunicornServer, build_wsgi

    _require_tokens(settings, "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")
    _migrated_engine(settings)

    def load_wsgi() -> Flask:
        services = build_services(settings)
        app = _build_app(services, socket_mode=False)
        return build_wsgi(app, engine=services.engine, signing_secret=settings.signing_secret)

    options = {
        "bind": f"0.0.0.0:{settings.PORT}",
        "workers": settings.WEB_CONCURRENCY,
        "threads": settings.WEB_THREADS,
        "worker_class": "gthread",
        "accesslog": None,
        "loglevel": settings.LOG_LEVEL.lower(),
        "timeout": 30,
        "graceful_timeout": 20,
    }
    GunicornServer(load_wsgi, options).run()


def _stop_on_sigterm(stop: Callable[[], None]) -> None:
    def handle(_signum: int, _frame: FrameType | None) -> None:
        stop()

    signal.signal(signal.SIGTERM, handle)


if __name__ == "__main__":
    sys.exit(main())
