"""Interaction latency, emcoach against bare Bolt on the same stack (issues #2 and #12).

    python -m benchmarks.ack_latency [--scenario help|status|mixed] [--connections 1,8,32]
        [--seconds 10] [--rounds 2] [--database-url URL] [--soak-minutes 10]

Starts the Slack stand-in (a process of its own), ``emcoach serve`` on a fresh database (a
temporary SQLite file, or a schema of its own on a Postgres ``--database-url``) and a bare Bolt
app (``benchmarks.bare_bolt``) on the same gunicorn stack, then drives signed requests at each
over keep-alive connections (benchmarks/interactions.py describes the scenarios: `help`,
an owner's `status`, and a mix of status, answers and log clicks that write). Runs alternate
between the two servers (emcoach, bare, bare, emcoach, ...) so drift in the machine's speed
hits both alike. Besides latency it reports each server's CPU per request (its processes'
user + system time over the measured window): on a shared machine the steadier figure.

``--soak-minutes N`` then keeps emcoach under the same load for N minutes and reports each
minute: throughput, p99, failed requests, the worker's RSS, open database connections and
ERROR lines in its log. It reports and never fails on a miss: the exit status is 0 unless
the servers cannot start.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory
from types import FrameType

from sqlalchemy import make_url, text
from sqlalchemy.engine import Engine

from benchmarks.dispatch import StandIn, make_dispatcher, standin_process
from benchmarks.interactions import (
    NO_WORLD,
    SCENARIOS,
    Signer,
    World,
    bodies,
    seed_world,
)
from benchmarks.load import LoadResult, Target, combine, post_request, run_load
from bot.clock import SystemClock
from bot.config import normalise_database_url
from bot.server import EVENTS_PATH, HEALTH_PATH
from storage.db import make_engine
from storage.migrate import upgrade_to_head

REPO_ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
# `emcoach serve`'s defaults (bot.config: WEB_CONCURRENCY=1, WEB_THREADS=10), passed to both
# servers explicitly so the comparison holds even if those defaults change.
WORKERS = 1
THREADS = 10
# Issue #12's targets: `help` as close to bare Bolt as it was; interactions that read and
# write the database within a quarter of it.
TARGETS = {"help": (0.90, 1.15), "status": (0.80, 1.25), "mixed": (0.80, 1.25)}
STARTUP_SECONDS = 60.0
STOP_SECONDS = 10.0
SOAK_WINDOW_SECONDS = 60.0
# The help reply's plain-text fallback starts with this (bot.blocks.help.build_help); a 200
# without it means the request did not reach the help subcommand.
HELP_TEXT = b"emcoach commands:"
APPLICATION_NAME = "emcoach-bench"

EMCOACH = "emcoach serve"
BARE = "bare bolt"


@dataclass(frozen=True, slots=True, kw_only=True)
class Server:
    name: str
    port: int
    pid: int
    log: Path
    expect: bytes | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Measured:
    load: LoadResult
    cpu_seconds: float  # the server's processes, over the measured windows

    @property
    def cpu_ms_per_request(self) -> float:
        return self.cpu_seconds / self.load.requests * 1000 if self.load.requests else float("nan")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def parse_connections(text: str) -> list[int]:
    """``"1,8,32"`` -> ``[1, 8, 32]``."""
    try:
        counts = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a comma-separated list of numbers: {text!r}"
        ) from None
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError("connection counts must be positive")
    return counts


@contextmanager
def spawned(
    argv: Sequence[str], *, env: dict[str, str], cwd: Path, log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """A server subprocess that is stopped on the way out, however the way out happens.

    It runs in its own session so a Ctrl+C here reaches only this process, which then stops
    the gunicorn master with SIGINT (its quick shutdown); the master stops its workers.
    """
    with log.open("wb") as output:
        process = subprocess.Popen(
            argv, env=env, cwd=cwd, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(STOP_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_healthy(*, port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    url = f"http://{HOST}:{port}{HEALTH_PATH}"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"exited with status {process.returncode}:\n{_tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    raise RuntimeError(
        f"GET {HEALTH_PATH} was not 200 within {STARTUP_SECONDS:.0f} s:\n{_tail(log)}"
    )


def _tail(log: Path, lines: int = 20) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def _server_env(**variables: str) -> dict[str, str]:
    env = dict(os.environ)
    # cwd is a temporary directory (so no stray .env is read); the code comes from the repo.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    env.update(variables)
    return env


def gunicorn_argv(*, port: int, app: str, control_socket: Path) -> list[str]:
    """The gunicorn command line matching the options `emcoach serve` sets in bot/cli.py.

    Its own control socket: gunicorn 27 otherwise uses ~/.gunicorn/gunicorn.ctl, the one
    `emcoach serve` already holds (it does not affect the request path).
    """
    return [
        sys.executable, "-m", "gunicorn",
        "-w", str(WORKERS), "--threads", str(THREADS), "-k", "gthread",
        "-b", f"{HOST}:{port}", "--timeout", "30", "--graceful-timeout", "20",
        "--log-level", "warning", "--control-socket", str(control_socket), app,
    ]  # fmt: skip


# --- the database -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Database:
    engine: Engine  # the harness's own (seeding, counting connections)
    server_url: str  # what `emcoach serve` is given as DATABASE_URL
    description: str


@contextmanager
def fresh_database(url: str | None, workdir: Path) -> Iterator[Database]:
    """A migrated database for this run: a SQLite file in ``workdir``, or a schema of its own
    on the Postgres ``url`` (dropped afterwards). The server's connections to Postgres carry
    an application_name of their own, so the soak can count them."""
    if url is None or not normalise_database_url(url).startswith("postgresql"):
        path = (
            workdir / "emcoach.db" if url is None else Path(make_url(url).database or "emcoach.db")
        )
        server_url = f"sqlite:///{path}"
        engine = make_engine(server_url)
        try:
            upgrade_to_head(engine)
            yield Database(engine=engine, server_url=server_url, description=f"SQLite ({path})")
        finally:
            engine.dispose()
        return
    base = normalise_database_url(url)
    schema = f"bench_interactions_{uuid.uuid4().hex[:8]}"
    admin = make_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    parsed = make_url(base)
    server_url = parsed.update_query_dict(
        {"options": f"-csearch_path={schema}", "application_name": APPLICATION_NAME}
    ).render_as_string(hide_password=False)
    engine = make_engine(base, connect_args={"options": f"-csearch_path={schema}"})
    try:
        upgrade_to_head(engine)
        shown = parsed.render_as_string(hide_password=True)
        yield Database(
            engine=engine, server_url=server_url, description=f"Postgres ({shown}, {schema})"
        )
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def database_connections(database: Database, server: Server) -> int:
    """Connections `emcoach serve` holds open: Postgres backends by application_name, or the
    worker's open file descriptors on the SQLite file (its -wal and -shm included)."""
    if database.engine.dialect.name == "postgresql":
        with database.engine.connect() as connection:
            count = connection.execute(
                text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :name"),
                {"name": APPLICATION_NAME},
            ).scalar_one()
            return int(count)
    path = make_url(database.server_url).database or ""
    opened = 0
    for pid in process_tree(server.pid):
        with_fds = Path(f"/proc/{pid}/fd")
        try:
            links = [os.readlink(fd) for fd in with_fds.iterdir()]
        except OSError:
            continue
        opened += sum(1 for link in links if link == path)
    return opened


# --- the servers --------------------------------------------------------------------------------


def start_servers(
    stack: ExitStack, *, secret: str, workdir: Path, api_url: str, database_url: str
) -> list[Server]:
    emcoach_port, bare_port = free_port(), free_port()
    emcoach_log, bare_log = workdir / "emcoach.log", workdir / "bare.log"
    emcoach = stack.enter_context(
        spawned(
            [sys.executable, "-m", "bot", "serve", "--port", str(emcoach_port),
             "--workers", str(WORKERS), "--threads", str(THREADS)],
            env=_server_env(
                SLACK_BOT_TOKEN="xoxb-benchmark",
                SLACK_SIGNING_SECRET=secret,
                SLACK_API_URL=api_url,
                DATABASE_URL=database_url,
                LOG_LEVEL="WARNING",
            ),
            cwd=workdir,
            log=emcoach_log,
        )
    )  # fmt: skip
    bare = stack.enter_context(
        spawned(
            gunicorn_argv(
                port=bare_port, app="benchmarks.bare_bolt:wsgi", control_socket=workdir / "bare.ctl"
            ),
            env=_server_env(SLACK_SIGNING_SECRET=secret, SLACK_API_URL=api_url),
            cwd=workdir,
            log=bare_log,
        )
    )
    for name, port, process, log in (
        (EMCOACH, emcoach_port, emcoach, emcoach_log),
        (BARE, bare_port, bare, bare_log),
    ):
        try:
            wait_healthy(port=port, process=process, log=log)
        except RuntimeError as exc:
            raise RuntimeError(f"{name} did not start: {exc}") from None
    return [
        Server(name=EMCOACH, port=emcoach_port, pid=emcoach.pid, log=emcoach_log, expect=None),
        Server(name=BARE, port=bare_port, pid=bare.pid, log=bare_log, expect=None),
    ]


def process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants (the gunicorn master and its workers)."""
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                queue += [int(child) for child in task.read_text().split()]
            except OSError:
                continue
    return found


def cpu_seconds(pid: int) -> float:
    """User + system time of ``pid``'s process tree so far (Linux /proc)."""
    ticks = 0
    for member in process_tree(pid):
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # exited meanwhile
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def worker_rss_mb(pid: int) -> float:
    """Resident memory of the server's workers (not the master), in MB."""
    total_kb = 0
    for member in process_tree(pid)[1:]:
        try:
            status = Path(f"/proc/{member}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total_kb += int(line.split()[1])
    return total_kb / 1024


def rows_written(database: Database) -> str:
    """What emcoach stored from the answers and clicks: proof the mixed run wrote."""
    with database.engine.connect() as connection:
        ratings = connection.execute(text("SELECT count(*) FROM rating")).scalar_one()
        logs = connection.execute(text("SELECT count(*) FROM session_log")).scalar_one()
    return f"ratings {ratings}, 1:1 logs {logs}"


def error_lines(log: Path) -> int:
    return sum(1 for line in log.read_text(errors="replace").splitlines() if "ERROR" in line)


# --- measuring ----------------------------------------------------------------------------------


def signed_target(
    server: Server, *, scenario: str, world: World, signer: Signer, expect_help: bool
) -> Target:
    """The scenario's requests signed now; each run signs afresh, so a run only has to stay
    inside Bolt's 5-minute window (load.MAX_RUN_SECONDS checks that)."""
    stamp = int(SystemClock().now().timestamp())
    requests = []
    for body in bodies(scenario, world, response_url=signer.response_url):
        encoded, headers = signer.sign(body, timestamp=stamp)
        requests.append(
            post_request(
                host=HOST, port=server.port, path=EVENTS_PATH, body=encoded, headers=headers
            )
        )
    return Target(
        host=HOST,
        port=server.port,
        request=requests[0],
        more=requests[1:],
        # The help reply's text proves the request reached the help subcommand; other
        # answers are an empty ack or a modal, checked by status only.
        expect=HELP_TEXT if expect_help else None,
    )


def measure_once(
    server: Server, target: Target, *, connections: int, seconds: float, warmup: float
) -> Measured:
    try:
        if warmup:
            asyncio.run(run_load(target, connections=connections, warmup=0, seconds=warmup))
        started = cpu_seconds(server.pid)
        result = asyncio.run(run_load(target, connections=connections, warmup=0, seconds=seconds))
        return Measured(load=result, cpu_seconds=cpu_seconds(server.pid) - started)
    except ExceptionGroup as failures:
        # Refused connections: the server died mid-benchmark; its log has the reason.
        raise RuntimeError(
            f"{server.name} stopped accepting connections: {failures.exceptions[0]!r}"
        ) from failures


def measure(
    servers: Sequence[Server],
    *,
    scenario: str,
    world: World,
    signer: Signer,
    connections: int,
    seconds: float,
    warmup: float,
    rounds: int,
) -> dict[str, Measured]:
    """Each server for ``seconds`` in all, split into ``rounds`` runs in alternating order."""
    runs: dict[str, list[Measured]] = {server.name: [] for server in servers}
    for round_index in range(rounds):
        order = servers if round_index % 2 == 0 else list(reversed(servers))
        for server in order:
            print(f"  {scenario} / {server.name}: {connections} connections, run "
                  f"{round_index + 1}/{rounds}", file=sys.stderr, flush=True)  # fmt: skip
            target = signed_target(
                server,
                scenario=scenario,
                world=world,
                signer=signer,
                expect_help=scenario == "help" and server.name == EMCOACH,
            )
            runs[server.name].append(
                measure_once(
                    server,
                    target,
                    connections=connections,
                    seconds=seconds / rounds,
                    warmup=warmup,
                )
            )
    return {
        name: Measured(
            load=combine([run.load for run in results]),
            cpu_seconds=sum(run.cpu_seconds for run in results),
        )
        for name, results in runs.items()
    }


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f}"


HEADER = (
    f"{'scenario':<9}{'target':<14}{'conns':>6}{'req/s':>9}{'p50 ms':>8}{'p99 ms':>8}"
    f"{'errors':>8}{'cpu ms/req':>11}"
)


def format_rows(*, scenario: str, connections: int, emcoach: Measured, bare: Measured) -> list[str]:
    rows = [
        f"{scenario:<9}{name:<14}{connections:>6}{m.load.throughput:>9.1f}{_ms(m.load.p50)}"
        f"{_ms(m.load.p99)}{m.load.errors:>8}{m.cpu_ms_per_request:>11.2f}"
        for name, m in ((EMCOACH, emcoach), (BARE, bare))
    ]
    e, b = emcoach.load, bare.load
    throughput = e.throughput / b.throughput if b.throughput else float("nan")
    p50 = e.p50 / b.p50 if b.ok else float("nan")
    p99 = e.p99 / b.p99 if b.ok else float("nan")
    cpu = emcoach.cpu_ms_per_request / bare.cpu_ms_per_request
    rows.append(
        f"{scenario:<9}{'ratio':<14}{connections:>6}{throughput:>8.2f}x{p50:>7.2f}x{p99:>7.2f}x"
        f"{'':>8}{cpu:>10.2f}x  "
        f"{verdict(scenario, throughput=throughput, p99=p99, errors=e.errors + b.errors)}"
    )
    return rows


def verdict(scenario: str, *, throughput: float, p99: float, errors: int) -> str:
    throughput_target, p99_target = TARGETS[scenario]
    targets = f"(target: throughput >= {throughput_target:.2f}x, p99 <= {p99_target:.2f}x)"
    if errors:
        return f"INVALID: {errors} failed requests {targets}"
    misses = [
        label
        for label, met in (
            ("throughput", throughput >= throughput_target),
            ("p99", p99 <= p99_target),
        )
        if not met
    ]
    return f"MISS ({', '.join(misses)}) {targets}" if misses else f"PASS {targets}"


# --- the soak -----------------------------------------------------------------------------------


SOAK_HEADER = (
    f"{'minute':>6}{'req/s':>9}{'p50 ms':>8}{'p99 ms':>8}{'errors':>8}{'cpu ms/req':>11}"
    f"{'RSS MB':>8}{'db conns':>9}{'ERROR lines':>12}"
)


def soak(
    server: Server,
    *,
    minutes: int,
    scenario: str,
    world: World,
    signer: Signer,
    standin: StandIn,
    database: Database,
    connections: int,
) -> list[str]:
    """Steady load on ``server`` for ``minutes``, one row a minute (signed afresh each)."""
    lines = [
        f"soak: {scenario} at {connections} connections on {server.name} for {minutes} min",
        SOAK_HEADER,
    ]
    rss: list[float] = []
    errors = 0
    for minute in range(1, minutes + 1):
        print(f"  soak: minute {minute}/{minutes}", file=sys.stderr, flush=True)
        target = signed_target(
            server, scenario=scenario, world=world, signer=signer, expect_help=scenario == "help"
        )
        measured = measure_once(
            server, target, connections=connections, seconds=SOAK_WINDOW_SECONDS, warmup=0
        )
        standin.forget_calls()
        rss.append(worker_rss_mb(server.pid))
        load = measured.load
        errors += load.errors
        lines.append(
            f"{minute:>6}{load.throughput:>9.1f}{_ms(load.p50)}{_ms(load.p99)}{load.errors:>8}"
            f"{measured.cpu_ms_per_request:>11.2f}{rss[-1]:>8.1f}"
            f"{database_connections(database, server):>9}{error_lines(server.log):>12}"
        )
    growth = (rss[-1] - rss[0]) / rss[0] * 100 if rss and rss[0] else float("nan")
    flat = "flat (within 10%)" if abs(growth) <= 10 else "NOT flat"
    lines.append(
        f"RSS minute 1 -> {minutes}: {rss[0]:.1f} -> {rss[-1]:.1f} MB ({growth:+.1f}%, {flat}); "
        f"failed requests: {errors}; ERROR lines in the server log: {error_lines(server.log)}"
    )
    return lines


# --- the command --------------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.ack_latency", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--scenario",
        choices=SCENARIOS,
        default="help",
        help="what to send (benchmarks/interactions.py; default help)",
    )
    parser.add_argument(
        "--connections",
        type=parse_connections,
        default=[32],
        help="comma-separated connection counts, e.g. 1,8,32 (default 32)",
    )
    parser.add_argument(
        "--seconds",
        type=float,
        default=10.0,
        help="measured seconds per server and connection count (default 10)",
    )
    parser.add_argument(
        "--warmup", type=float, default=2.0, help="unmeasured seconds before each run (default 2)"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="runs per server, alternating, sharing --seconds (default 2)",
    )
    parser.add_argument(
        "--database-url",
        default=None,
        help="emcoach's database: a temporary SQLite file by default, or "
        "postgresql+psycopg://... (a fresh schema, dropped afterwards)",
    )
    parser.add_argument(
        "--programs",
        type=int,
        default=50,
        help="committed programs seeded for status and mixed (default 50)",
    )
    parser.add_argument(
        "--soak-minutes",
        type=int,
        default=0,
        help="then keep emcoach under the same load this long, a row a minute",
    )
    return parser  # fmt: skip


def _exit_on_sigterm(_signum: int, _frame: FrameType | None) -> None:
    # SystemExit unwinds through the ExitStack, which stops the servers.
    raise SystemExit(128 + signal.SIGTERM)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.rounds < 1 or args.seconds <= 0 or args.warmup < 0 or args.soak_minutes < 0:
        print("--rounds must be >= 1, --seconds > 0, --warmup and --soak-minutes >= 0",
              file=sys.stderr)  # fmt: skip
        return 2
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    secret = secrets.token_hex(16)
    lines = [HEADER]
    soaked: list[str] = []
    try:
        with ExitStack() as stack:
            workdir = Path(stack.enter_context(TemporaryDirectory(prefix="emcoach-bench-")))
            standin = stack.enter_context(standin_process())
            database = stack.enter_context(fresh_database(args.database_url, workdir))
            world = NO_WORLD
            if args.scenario != "help":
                print(f"  seeding {args.programs} programs and sending their 1:1 prompts",
                      file=sys.stderr, flush=True)  # fmt: skip
                world = seed_world(
                    database.engine,
                    programs=args.programs,
                    dispatcher=make_dispatcher(database.engine, standin),
                )
            signer = Signer(secret=secret, response_url=standin.response_url())
            servers = start_servers(
                stack,
                secret=secret,
                workdir=workdir,
                api_url=standin.api_url,
                database_url=database.server_url,
            )
            for connections in args.connections:
                results = measure(
                    servers,
                    scenario=args.scenario,
                    world=world,
                    signer=signer,
                    connections=connections,
                    seconds=args.seconds,
                    warmup=args.warmup,
                    rounds=args.rounds,
                )
                lines += format_rows(
                    scenario=args.scenario,
                    connections=connections,
                    emcoach=results[EMCOACH],
                    bare=results[BARE],
                )
                standin.forget_calls()
            logged = [f"ERROR lines in the logs: emcoach {error_lines(servers[0].log)}, "
                      f"bare {error_lines(servers[1].log)}; rows emcoach stored: "
                      f"{rows_written(database)}"]  # fmt: skip
            if args.soak_minutes:
                soaked = soak(
                    servers[0],
                    minutes=args.soak_minutes,
                    scenario=args.scenario,
                    world=world,
                    signer=signer,
                    standin=standin,
                    database=database,
                    connections=max(args.connections),
                )
    except RuntimeError as exc:
        print(f"ack_latency: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    load = os.getloadavg()
    print(
        f"{args.scenario}: {args.seconds:g} s measured per server and connection count in "
        f"{args.rounds} alternating runs, {args.warmup:g} s warm-up each; gunicorn gthread "
        f"{WORKERS} worker x {THREADS} threads; database {database.description}; "
        f"{len(world.owners)} programs; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    print("\n".join([*lines, *logged]))
    if soaked:
        print("\n".join(soaked))
    return 0


if __name__ == "__main__":
    sys.exit(main())
