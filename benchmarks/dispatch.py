"""Issue #4's benchmark: planning, the idle dispatch tick, dispatch throughput and peak RSS.

    python -m benchmarks.dispatch [--database-url URL] [--programs 1000,10000,100000] [--quick]

1. Planning: the pure ``plan()`` of 10,000 in-memory programs of 4 leaders (no database).
2. Idle tick: per ``--programs`` size, a fresh database of that many committed programs with
   20 future pending rows each; ``Dispatcher.tick()`` timed over 50 ticks with nothing due,
   then one tick with 100 due rows — the tick's cost should follow due rows, not programs.
3. Throughput: 10,000 due prompts of 2,500 complete programs, rendered by the real renderer
   and posted to a zero-latency Slack stand-in (it answers at once; it still costs about a
   millisecond of its own CPU per call, on the other core of a 2-core machine).
4. Peak RSS (``ru_maxrss``) after planning, the idle ticks up to 10,000 programs and the
   throughput run; and after every phase.

The dispatcher is the one ``emcoach clock`` runs (``bot.scheduler.build_dispatcher``): real
client, renderer and batch size, with a fixed clock. The stand-in runs in a process of its
own, so its CPU and the messages it keeps are not charged to emcoach, as Slack's would not be.
Each phase gets a fresh database: a temporary SQLite file by default, or a schema of its own on
a Postgres ``--database-url`` (dropped afterwards). It reports and never fails on a miss: the
exit status is 0 unless the benchmark cannot run.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import signal
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, replace
from functools import partial
from multiprocessing.connection import Connection
from pathlib import Path
from tempfile import TemporaryDirectory
from types import FrameType
from typing import Any, TypeVar

from pydantic import SecretStr
from sqlalchemy import make_url, text
from sqlalchemy.engine import Engine

from benchmarks.seed_agenda import (
    FUTURE_ROWS_PER_PROGRAM,
    NOW,
    agenda_rows,
    analyze,
    plan_program,
    prepare,
    seed_due,
    seed_programs,
)
from bot.clock import FixedClock
from bot.compose import Runtime, build_web_client
from bot.config import Settings, normalise_database_url
from bot.domain.cadence import AgendaKind, plan
from bot.engine.dispatch import BATCH_SIZE, PROMPT_EVENT, Dispatcher, TickReport
from bot.scheduler import build_dispatcher
from bot.sim.standin import SlackStandIn
from storage.db import make_engine
from storage.migrate import upgrade_to_head

IDLE_TARGET_MS = 5.0  # idle tick median at IDLE_TARGET_PROGRAMS
IDLE_TARGET_PROGRAMS = 10_000
THROUGHPUT_TARGET = 500.0  # prompts/s
RSS_TARGET_MB = 150.0  # at RSS_TARGET_PROGRAMS
RSS_TARGET_PROGRAMS = 10_000
DUE_PER_PROGRAM = 4
WARMUP_TICKS = 5
WARMUP_DUE_ROWS = 20
"""Sent by one unmeasured tick before the measured due tick, so that tick does not pay for
compiling the renderer's statements on a fresh engine (a running clock has them cached)."""
STANDIN_START_SECONDS = 30.0
STANDIN_STOP_SECONDS = 5.0

_Result = TypeVar("_Result")


@dataclass(frozen=True, slots=True, kw_only=True)
class Sizes:
    plan_programs: int
    programs: list[int]
    idle_ticks: int
    due_tick_rows: int
    throughput_prompts: int


FULL = Sizes(
    plan_programs=10_000,
    programs=[1_000, 10_000, 100_000],
    idle_ticks=50,
    due_tick_rows=100,
    throughput_prompts=10_000,
)
QUICK = Sizes(
    plan_programs=500,
    programs=[200, 2_000],
    idle_ticks=20,
    due_tick_rows=40,
    throughput_prompts=800,
)


# --- the Slack stand-in, in its own process ---------------------------------------------------


def serve_standin(connection: Connection) -> None:
    """The child process: a stand-in answering until told to stop. ``reset`` forgets what was
    sent; ``count`` answers (messages carrying a prompt's metadata, distinct agenda rows among
    them, files shared)."""
    with SlackStandIn() as slack:
        connection.send(slack.api_url)
        while (command := connection.recv()) != "stop":
            if command == "reset":
                slack.reset()
                connection.send(None)
            elif command == "response_url":
                connection.send(slack.new_response_url())
            elif command == "forget_calls":
                # What was sent stays (so chat.update finds its message); the record of each
                # call and response_url post goes, so a long run's stand-in stays small.
                with slack._lock:
                    slack._calls.clear()
                    slack._responses.clear()
                connection.send(None)
            elif command == "count":
                metadata = [message.get("metadata") or {} for message in slack.messages()]
                rows = [
                    item["event_payload"]["agenda_id"]
                    for item in metadata
                    if item.get("event_type") == PROMPT_EVENT
                ]
                connection.send((len(rows), len(set(rows)), len(slack.files())))


@dataclass(frozen=True, slots=True)
class StandIn:
    api_url: str
    connection: Connection

    def reset(self) -> None:
        self._ask("reset")

    def response_url(self) -> str:
        return str(self._ask("response_url"))

    def forget_calls(self) -> None:
        self._ask("forget_calls")

    def prompts(self) -> tuple[int, int, int]:
        """(prompt messages Slack holds, distinct agenda rows among them, files shared): the
        first two are equal when every prompt went out once."""
        messages, rows, files = self._ask("count")
        return int(messages), int(rows), int(files)

    def _ask(self, command: str) -> Any:
        self.connection.send(command)
        return self.connection.recv()


@contextmanager
def standin_process() -> Iterator[StandIn]:
    context = multiprocessing.get_context("spawn")  # no copy of this process's state
    ours, theirs = context.Pipe()
    process = context.Process(target=serve_standin, args=(theirs,), name="slack-standin")
    process.start()
    try:
        if not ours.poll(STANDIN_START_SECONDS):
            raise RuntimeError("the Slack stand-in did not start")
        yield StandIn(api_url=ours.recv(), connection=ours)
    finally:
        if process.is_alive():
            with suppress(OSError):  # the child is already gone
                ours.send("stop")
            process.join(STANDIN_STOP_SECONDS)
        if process.is_alive():
            process.terminate()
            process.join()


def make_dispatcher(engine: Engine, standin: StandIn) -> Dispatcher:
    """The dispatcher `emcoach clock` builds, at the benchmark's fixed instant. Settings are
    built from explicit values only: nothing is read from the environment or a .env file."""
    settings = Settings.model_construct(
        SLACK_BOT_TOKEN=SecretStr("xoxb-benchmark"), SLACK_API_URL=standin.api_url
    )
    services = Runtime(
        settings=settings,
        engine=engine,
        clock=FixedClock(NOW),
        client=build_web_client(settings),
    )
    return build_dispatcher(services)


# --- databases --------------------------------------------------------------------------------


class Databases:
    """A fresh, migrated database per phase, removed afterwards: a SQLite file (in a temporary
    directory, or beside the one a sqlite URL names) or a Postgres schema via search_path."""

    def __init__(self, url: str | None, workdir: Path) -> None:
        self._url = normalise_database_url(url) if url else None
        self._workdir = workdir

    @property
    def postgres(self) -> bool:
        return self._url is not None and self._url.startswith("postgresql")

    def describe(self) -> str:
        if self._url is None:
            return "SQLite, a temporary file per phase"
        shown = make_url(self._url).render_as_string(hide_password=True)
        if self.postgres:
            return f"{shown}, a fresh schema per phase, ANALYZE after seeding"
        return f"{shown}, a sibling file per phase"

    @contextmanager
    def fresh(self, label: str) -> Iterator[Engine]:
        if self.postgres:
            with self._postgres(label) as engine:
                yield engine
            return
        with self._sqlite(label) as engine:
            yield engine

    @contextmanager
    def _sqlite(self, label: str) -> Iterator[Engine]:
        if self._url is None:
            path = self._workdir / f"dispatch-{label}.db"
        else:
            named = Path(make_url(self._url).database or "emcoach.db")
            path = named.with_name(f"{named.stem}-bench-{label}.db")
        files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
        for file in files:
            file.unlink(missing_ok=True)
        engine = make_engine(f"sqlite:///{path}")
        try:
            upgrade_to_head(engine)
            yield engine
        finally:
            engine.dispose()
            for file in files:
                file.unlink(missing_ok=True)

    @contextmanager
    def _postgres(self, label: str) -> Iterator[Engine]:
        assert self._url is not None
        schema = f"bench_{label.replace('-', '_')}_{uuid.uuid4().hex[:8]}"
        admin = make_engine(self._url)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine = make_engine(self._url, connect_args={"options": f"-csearch_path={schema}"})
        try:
            upgrade_to_head(engine)
            yield engine
        finally:
            engine.dispose()
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


# --- measurements -----------------------------------------------------------------------------


def peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux (bytes on macOS; this benchmark runs on Linux).
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(call: Callable[[], _Result]) -> tuple[_Result, float]:
    started = time.perf_counter()
    result = call()
    return result, time.perf_counter() - started


def progress(message: str) -> None:
    print(f"  {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanResult:
    programs: int
    items: int
    seconds: float


def measure_planning(programs: int) -> PlanResult:
    """Only ``plan()`` is timed. Each input is built just before and dropped with its plan
    after, as a bulk re-plan goes one program at a time: 10,000 inputs held at once would add
    ~40 MB of the harness's own to the peak RSS."""
    progress(f"planning {programs:,} programs")
    items, seconds = 0, 0.0
    for index in range(programs):
        planned, elapsed = timed(partial(plan, plan_program(index)))
        items += len(planned)
        seconds += elapsed
    return PlanResult(programs=programs, items=items, seconds=seconds)


@dataclass(frozen=True, slots=True, kw_only=True)
class IdleResult:
    programs: int
    rows: int
    seed_seconds: float
    ticks: list[float]
    stray_sends: int
    due: dict[str, int]
    due_seconds: float
    due_report: TickReport

    @property
    def due_rows(self) -> int:
        return sum(self.due.values())

    @property
    def median(self) -> float:
        return statistics.median(self.ticks)

    @property
    def p95(self) -> float:
        return statistics.quantiles(self.ticks, n=20, method="inclusive")[-1]


def measure_idle(
    databases: Databases, standin: StandIn, *, programs: int, ticks: int, due_rows: int
) -> IdleResult:
    full_warmup = WARMUP_DUE_ROWS // DUE_PER_PROGRAM
    full = full_warmup + due_rows // DUE_PER_PROGRAM
    with databases.fresh(f"idle-{programs}") as engine:
        progress(f"idle tick: seeding {programs:,} programs")
        started = time.monotonic()
        prepare(engine)
        plans = seed_programs(engine, count=max(programs, full), full=full)
        analyze(engine)
        seed_seconds = time.monotonic() - started
        rows = agenda_rows(engine)
        dispatcher = make_dispatcher(engine, standin)
        progress(f"idle tick: {ticks} ticks over {rows:,} agenda rows")
        stray = sum(dispatcher.tick().sent for _ in range(WARMUP_TICKS))
        durations = []
        for _ in range(ticks):
            report, seconds = timed(dispatcher.tick)
            durations.append(seconds)
            stray += report.sent
        seed_due(engine, plans[:full_warmup], per_program=DUE_PER_PROGRAM)
        dispatcher.tick()
        due = seed_due(engine, plans[full_warmup:], per_program=DUE_PER_PROGRAM)
        due_report, due_seconds = timed(dispatcher.tick)
    return IdleResult(
        programs=programs,
        rows=rows,
        seed_seconds=seed_seconds,
        ticks=durations,
        stray_sends=stray,
        due=due,
        due_seconds=due_seconds,
        due_report=due_report,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class ThroughputResult:
    programs: int
    due: dict[str, int]
    report: TickReport
    seconds: float
    cpu_seconds: float
    """CPU time of this process (all threads) during the tick: unlike the wall time, not
    inflated by whatever else the machine is running."""
    delivered: int
    distinct: int
    charts: int

    @property
    def prompts_per_second(self) -> float:
        return self.report.sent / self.seconds if self.seconds else float("nan")


def measure_throughput(databases: Databases, standin: StandIn, *, prompts: int) -> ThroughputResult:
    programs = max(1, prompts // DUE_PER_PROGRAM)
    with databases.fresh("throughput") as engine:
        progress(f"throughput: seeding {programs:,} complete programs")
        prepare(engine)
        plans = seed_programs(engine, count=programs, full=programs)
        due = seed_due(engine, plans, per_program=DUE_PER_PROGRAM)
        analyze(engine)
        standin.reset()
        dispatcher = make_dispatcher(engine, standin)
        progress(f"throughput: sending {sum(due.values()):,} due prompts")
        cpu_started = time.process_time()
        report, seconds = timed(dispatcher.tick)
        cpu_seconds = time.process_time() - cpu_started
    delivered, distinct, charts = standin.prompts()
    return ThroughputResult(
        programs=programs,
        due=due,
        report=report,
        seconds=seconds,
        cpu_seconds=cpu_seconds,
        delivered=delivered,
        distinct=distinct,
        charts=charts,
    )


def expected_sends(due: dict[str, int]) -> int:
    """Rows a tick sends for these due rows: each results post (checkpoint_publish) brings
    its chart, a row of its own created when the post lands and sent in the same tick."""
    return sum(due.values()) + due.get(AgendaKind.CHECKPOINT_PUBLISH.value, 0)


# --- the report -------------------------------------------------------------------------------


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:9.2f}"


def _verdict(met: bool, target: str) -> str:
    return f"{'PASS' if met else 'MISS'} (target: {target})"


def format_planning(result: PlanResult, *, leaders: int) -> list[str]:
    per_program = result.seconds / result.programs * 1000
    return [
        f"1. planning: pure plan(), {result.programs:,} programs x {leaders} leaders, in memory",
        f"{'programs':>10}{'items':>11}{'total s':>9}{'ms/program':>12}{'items/s':>11}",
        f"{result.programs:>10,}{result.items:>11,}{result.seconds:>9.2f}{per_program:>12.3f}"
        f"{result.items / result.seconds:>11,.0f}",
    ]


def format_idle(results: Sequence[IdleResult], *, ticks: int) -> list[str]:
    lines = [
        f"2. idle tick: Dispatcher.tick() with nothing due, {ticks} ticks after {WARMUP_TICKS} "
        f"unmeasured; {FUTURE_ROWS_PER_PROGRAM} future pending rows per program; then one "
        f"tick with due rows (real renderer)",
        f"{'programs':>10}{'agenda rows':>13}{'seed s':>8}{'median ms':>10}{'p95 ms':>9}"
        f"{'max ms':>9}{'due rows':>10}{'due tick ms':>12}{'ms/row':>8}{'sent':>6}  verdict",
    ]
    for result in results:
        verdict = ""
        if result.programs == IDLE_TARGET_PROGRAMS:
            verdict = _verdict(
                result.median * 1000 <= IDLE_TARGET_MS,
                f"median <= {IDLE_TARGET_MS:g} ms at {IDLE_TARGET_PROGRAMS:,} programs",
            )
        if result.stray_sends:
            verdict = f"INVALID: {result.stray_sends} prompts sent by idle ticks"
        elif result.due_report.sent != expected_sends(result.due):
            verdict = (
                f"INVALID: {result.due_rows} due (+{expected_sends(result.due) - result.due_rows}"
                f" charts), {result.due_report.sent} sent"
            )
        per_row = result.due_seconds / result.due_rows if result.due_rows else float("nan")
        lines.append(
            f"{result.programs:>10,}{result.rows:>13,}{result.seed_seconds:>8.1f}"
            f"{_ms(result.median):>10}{_ms(result.p95):>9}{_ms(max(result.ticks)):>9}"
            f"{result.due_rows:>10}{result.due_seconds * 1000:>12.1f}{per_row * 1000:>8.2f}"
            f"{result.due_report.sent:>6}  {verdict}"
        )
    if len(results) > 1:
        smallest, largest = results[0], results[-1]
        lines.append(
            f"idle median at {largest.programs:,} / at {smallest.programs:,} programs: "
            f"{largest.median / smallest.median:.2f}x for {largest.rows / smallest.rows:.0f}x "
            "the rows (about 1x: the idle tick does not grow with programs)"
        )
    return lines


def format_throughput(result: ThroughputResult) -> list[str]:
    report = result.report
    due = sum(result.due.values())
    mix = ", ".join(f"{kind} {count}" for kind, count in sorted(result.due.items()))
    expected = expected_sends(result.due)
    exact = result.delivered == result.distinct == due and result.charts == expected - due
    cpu_per_prompt = result.cpu_seconds / report.sent * 1000 if report.sent else float("nan")
    verdict = _verdict(
        result.prompts_per_second >= THROUGHPUT_TARGET, f">= {THROUGHPUT_TARGET:g} prompts/s"
    )
    if not exact or report.sent != expected:
        verdict = (
            f"INVALID: {due} due (+{expected - due} charts), {report.sent} sent, "
            f"{result.delivered} prompts and {result.charts} charts received"
        )
    return [
        f"3. dispatch throughput: {due:,} due prompts of {result.programs:,} complete programs, "
        f"real renderer, zero-latency stand-in, batches of {BATCH_SIZE}",
        f"   kinds: {mix}",
        f"{'due':>8}{'sent':>8}{'received':>10}{'missed':>8}{'failed':>8}{'unsure':>8}"
        f"{'seconds':>9}{'prompts/s':>11}{'cpu ms/prompt':>15}  verdict",
        f"{due:>8,}{report.sent:>8,}{result.delivered:>10,}{report.missed:>8}{report.failed:>8}"
        f"{report.unsure:>8}{result.seconds:>9.2f}{result.prompts_per_second:>11.1f}"
        f"{cpu_per_prompt:>15.2f}  {verdict}",
    ]


def format_rss(*, imports: float, at_target: float, overall: float) -> list[str]:
    return [
        "4. peak RSS (ru_maxrss of this process; the stand-in runs in its own)",
        f"after importing what `emcoach clock` imports: {imports:.0f} MB",
        f"after planning, the idle ticks up to {RSS_TARGET_PROGRAMS:,} programs and the "
        f"throughput run: {at_target:.0f} MB  "
        + _verdict(at_target <= RSS_TARGET_MB, f"<= {RSS_TARGET_MB:g} MB"),
        f"after every phase: {overall:.0f} MB",
    ]


# --- command line -----------------------------------------------------------------------------


def parse_counts(text_value: str) -> list[int]:
    """``"1000,10000"`` -> ``[1000, 10000]``."""
    try:
        counts = [int(part) for part in text_value.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a comma-separated list of numbers: {text_value!r}"
        ) from None
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError("program counts must be positive")
    return sorted(set(counts))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.dispatch", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--database-url",
        default=None,
        help="sqlite:///PATH or postgresql+psycopg://...; default a temporary SQLite file. "
        "Each phase uses a fresh database (Postgres: a schema of its own, dropped afterwards)",
    )
    parser.add_argument(
        "--programs",
        type=parse_counts,
        default=None,
        help="program counts for the idle tick, e.g. 1000,10000,100000 (the default)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="small sizes for a smoke run (seconds, not minutes); targets are not meaningful",
    )
    return parser


def _exit_on_sigterm(_signum: int, _frame: FrameType | None) -> None:
    # SystemExit unwinds through the ExitStack: the stand-in stops, databases are dropped.
    raise SystemExit(128 + signal.SIGTERM)


def run(sizes: Sizes, *, databases: Databases, standin: StandIn) -> list[str]:
    imports = peak_rss_mb()
    planning = measure_planning(sizes.plan_programs)
    small = [count for count in sizes.programs if count <= RSS_TARGET_PROGRAMS]
    large = [count for count in sizes.programs if count > RSS_TARGET_PROGRAMS]
    idle = [
        measure_idle(
            databases, standin, programs=count, ticks=sizes.idle_ticks, due_rows=sizes.due_tick_rows
        )
        for count in small
    ]
    throughput = measure_throughput(databases, standin, prompts=sizes.throughput_prompts)
    at_target = peak_rss_mb()
    idle += [
        measure_idle(
            databases, standin, programs=count, ticks=sizes.idle_ticks, due_rows=sizes.due_tick_rows
        )
        for count in large
    ]
    return [
        *format_planning(planning, leaders=len(plan_program(0).pods[0].leaders)),
        "",
        *format_idle(idle, ticks=sizes.idle_ticks),
        "",
        *format_throughput(throughput),
        "",
        *format_rss(imports=imports, at_target=at_target, overall=peak_rss_mb()),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    sizes = QUICK if args.quick else FULL
    if args.programs is not None:
        sizes = replace(sizes, programs=args.programs)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        with ExitStack() as stack:
            workdir = Path(stack.enter_context(TemporaryDirectory(prefix="emcoach-dispatch-")))
            databases = Databases(args.database_url, workdir)
            standin = stack.enter_context(standin_process())
            lines = run(sizes, databases=databases, standin=standin)
    except (RuntimeError, ValueError) as exc:
        print(f"dispatch benchmark: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    print(f"database: {databases.describe()}; instant {NOW.isoformat()}")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
