"""Issue #2's acceptance benchmark: `/emcoach help` ack latency, emcoach against bare Bolt.

    python -m benchmarks.ack_latency --connections 1,8,32 --seconds 10 --warmup 2

Starts the Slack stand-in, ``emcoach serve`` on a temporary SQLite database and a bare Bolt app
(``benchmarks.bare_bolt``) on the same gunicorn stack, then drives signed `/emcoach help`
requests at each over keep-alive connections. Runs alternate between the two servers
(emcoach, bare, bare, emcoach, ...) so drift in the machine's speed hits both alike.
It reports and never fails on a miss: the exit status is 0 unless the servers cannot start.
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
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory
from types import FrameType

from benchmarks.load import (
    LoadResult,
    Target,
    combine,
    post_request,
    run_load,
    signed_slash_command,
)
from bot.clock import SystemClock
from bot.server import EVENTS_PATH, HEALTH_PATH
from bot.standin import SlackStandIn

REPO_ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
# `emcoach serve`'s defaults (bot.config: WEB_CONCURRENCY=1, WEB_THREADS=10), passed to both
# servers explicitly so the comparison holds even if those defaults change.
WORKERS = 1
THREADS = 10
THROUGHPUT_TARGET = 0.80  # emcoach req/s >= this x bare Bolt's
P99_TARGET = 1.25  # emcoach p99 <= this x bare Bolt's
STARTUP_SECONDS = 60.0
STOP_SECONDS = 10.0
# The help reply's plain-text fallback starts with this (bot.blocks.help.build_help); a 200
# without it means the request did not reach the help subcommand.
HELP_TEXT = b"emcoach commands:"

EMCOACH = "emcoach serve"
BARE = "bare bolt"


@dataclass(frozen=True, slots=True, kw_only=True)
class Server:
    name: str
    port: int
    expect: bytes | None


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


def start_servers(stack: ExitStack, *, secret: str) -> list[Server]:
    workdir = Path(stack.enter_context(TemporaryDirectory(prefix="emcoach-bench-")))
    standin = stack.enter_context(SlackStandIn())
    emcoach_port, bare_port = free_port(), free_port()
    emcoach_log, bare_log = workdir / "emcoach.log", workdir / "bare.log"
    emcoach = stack.enter_context(
        spawned(
            [sys.executable, "-m", "bot", "serve", "--port", str(emcoach_port),
             "--workers", str(WORKERS), "--threads", str(THREADS)],
            env=_server_env(
                SLACK_BOT_TOKEN="xoxb-benchmark",
                SLACK_SIGNING_SECRET=secret,
                SLACK_API_URL=standin.api_url,
                DATABASE_URL=f"sqlite:///{workdir / 'emcoach.db'}",
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
            env=_server_env(SLACK_SIGNING_SECRET=secret, SLACK_API_URL=standin.api_url),
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
        Server(name=EMCOACH, port=emcoach_port, expect=HELP_TEXT),
        # A no-op ack() answers 200 with an empty body: only the status can be checked.
        Server(name=BARE, port=bare_port, expect=None),
    ]


def signed_help(server: Server, *, secret: str) -> Target:
    """A `/emcoach help` request signed now; each run signs afresh, so a run only has to stay
    inside Bolt's 5-minute window (load.MAX_RUN_SECONDS checks that)."""
    body, headers = signed_slash_command(
        secret=secret, timestamp=int(SystemClock().now().timestamp()), text="help"
    )
    request = post_request(
        host=HOST, port=server.port, path=EVENTS_PATH, body=body, headers=headers
    )
    return Target(host=HOST, port=server.port, request=request, expect=server.expect)


def measure(
    servers: Sequence[Server],
    *,
    secret: str,
    connections: int,
    seconds: float,
    warmup: float,
    rounds: int,
) -> dict[str, LoadResult]:
    """Each server for ``seconds`` in all, split into ``rounds`` runs in alternating order."""
    runs: dict[str, list[LoadResult]] = {server.name: [] for server in servers}
    for round_index in range(rounds):
        order = servers if round_index % 2 == 0 else list(reversed(servers))
        for server in order:
            print(f"  {server.name}: {connections} connections, run {round_index + 1}/{rounds}",
                  file=sys.stderr, flush=True)  # fmt: skip
            target = signed_help(server, secret=secret)
            try:
                result = asyncio.run(
                    run_load(
                        target, connections=connections, warmup=warmup, seconds=seconds / rounds
                    )
                )
            except ExceptionGroup as failures:
                # Refused connections: the server died mid-benchmark; its log has the reason.
                raise RuntimeError(
                    f"{server.name} stopped accepting connections: {failures.exceptions[0]!r}"
                ) from failures
            runs[server.name].append(result)
    return {name: combine(results) for name, results in runs.items()}


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f}"


def format_rows(*, connections: int, emcoach: LoadResult, bare: LoadResult) -> list[str]:
    rows = [
        f"{name:<14}{connections:>6}{result.throughput:>9.1f}{_ms(result.p50)}{_ms(result.p99)}"
        f"{result.errors:>8}"
        for name, result in ((EMCOACH, emcoach), (BARE, bare))
    ]
    throughput = emcoach.throughput / bare.throughput if bare.throughput else float("nan")
    p50 = emcoach.p50 / bare.p50 if bare.ok else float("nan")
    p99 = emcoach.p99 / bare.p99 if bare.ok else float("nan")
    rows.append(
        f"{'ratio':<14}{connections:>6}{throughput:>8.2f}x{p50:>7.2f}x{p99:>7.2f}x{'':>8}  "
        f"{verdict(throughput=throughput, p99=p99, errors=emcoach.errors + bare.errors)}"
    )
    return rows


def verdict(*, throughput: float, p99: float, errors: int) -> str:
    targets = f"(target: throughput >= {THROUGHPUT_TARGET:.2f}x, p99 <= {P99_TARGET:.2f}x)"
    if errors:
        return f"INVALID: {errors} failed requests {targets}"
    misses = [
        label
        for label, met in (
            ("throughput", throughput >= THROUGHPUT_TARGET),
            ("p99", p99 <= P99_TARGET),
        )
        if not met
    ]
    return f"MISS ({', '.join(misses)}) {targets}" if misses else f"PASS {targets}"


HEADER = f"{'target':<14}{'conns':>6}{'req/s':>9}{'p50 ms':>8}{'p99 ms':>8}{'errors':>8}"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.ack_latency", description=__doc__.split("\n\n")[0]
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
    return parser  # fmt: skip


def _exit_on_sigterm(_signum: int, _frame: FrameType | None) -> None:
    # SystemExit unwinds through the ExitStack, which stops the servers.
    raise SystemExit(128 + signal.SIGTERM)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.rounds < 1 or args.seconds <= 0 or args.warmup < 0:
        print("--rounds must be >= 1, --seconds > 0 and --warmup >= 0", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    secret = secrets.token_hex(16)
    lines = [HEADER]
    try:
        with ExitStack() as stack:
            servers = start_servers(stack, secret=secret)
            for connections in args.connections:
                results = measure(
                    servers,
                    secret=secret,
                    connections=connections,
                    seconds=args.seconds,
                    warmup=args.warmup,
                    rounds=args.rounds,
                )
                lines += format_rows(
                    connections=connections, emcoach=results[EMCOACH], bare=results[BARE]
                )
    except RuntimeError as exc:
        print(f"ack_latency: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    print(
        f"{args.seconds:g} s measured per server and connection count in {args.rounds} "
        f"alternating runs, {args.warmup:g} s warm-up each; gunicorn gthread "
        f"{WORKERS} worker x {THREADS} threads"
    )
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
