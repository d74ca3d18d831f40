"""A cheap HTTP/1.1 keep-alive load generator for benchmarking the Slack endpoint.

The servers under test share a 2-core machine with this client, so the client must cost little
per request: raw ``asyncio`` streams, pre-built requests (one, or several taken in turn) reused
byte for byte, and response parsing that only looks for the status code, the body length and
the expected text.

Every request is signed once, before a run (``benchmarks.interactions.Signer``), with the wall
time taken then: Bolt rejects
timestamps more than 5 minutes old, and ``run_load`` refuses runs that could last that long
(see ``MAX_RUN_SECONDS``). Signing per request would cost an HMAC per request in the client.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

# Bolt refuses a signature older than 300 s; leave a margin for start-up and clock skew.
MAX_RUN_SECONDS = 240.0
REQUEST_TIMEOUT_SECONDS = 10.0
_HEADER_END = b"\r\n\r\n"
_MAX_HEADER_BYTES = 64 * 1024


class ProtocolError(Exception):
    """The server sent something this client cannot read as an HTTP/1.1 response."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Target:
    """Where to send the load and what a correct reply looks like."""

    host: str
    port: int
    request: bytes  # one complete HTTP/1.1 request, sent as is, again and again
    # A correct reply's body contains this; None accepts any body (e.g. an empty ack()).
    expect: bytes | None = None
    # More requests to send in turn with ``request``: connection i sends the i-th, then the
    # one ``connections`` further on, and so on, wrapping around (each is sent as is).
    more: Sequence[bytes] = ()

    def requests(self) -> tuple[bytes, ...]:
        return (self.request, *self.more)


@dataclass(frozen=True, slots=True)
class LoadResult:
    """What one run measured. Latencies are of successful (200, expected body) requests only:
    a fast 401 must not make a broken server look quick."""

    requests: int  # responses and failures counted in the measured window
    errors: int  # transport failures, non-200 statuses and wrong bodies
    non_2xx: int  # the part of ``errors`` that had a status outside 200-299
    seconds: float
    latencies: Sequence[float] = field(repr=False)  # seconds, sorted

    @property
    def ok(self) -> int:
        return len(self.latencies)

    @property
    def throughput(self) -> float:
        """Successful requests per second."""
        return self.ok / self.seconds if self.seconds > 0 else 0.0

    @property
    def p50(self) -> float:
        return percentile(self.latencies, 50)

    @property
    def p90(self) -> float:
        return percentile(self.latencies, 90)

    @property
    def p99(self) -> float:
        return percentile(self.latencies, 99)

    @property
    def max(self) -> float:
        return self.latencies[-1] if self.latencies else math.nan


def percentile(ordered: Sequence[float], q: float) -> float:
    """Nearest-rank percentile of already sorted values (NaN when there are none)."""
    if not ordered:
        return math.nan
    rank = math.ceil(q / 100 * len(ordered))
    return ordered[min(max(rank, 1), len(ordered)) - 1]


def combine(results: Sequence[LoadResult]) -> LoadResult:
    """One result for several runs of the same target (alternated runs, pooled)."""
    return LoadResult(
        requests=sum(r.requests for r in results),
        errors=sum(r.errors for r in results),
        non_2xx=sum(r.non_2xx for r in results),
        seconds=sum(r.seconds for r in results),
        latencies=sorted(x for r in results for x in r.latencies),
    )


def post_request(
    *, host: str, port: int, path: str, body: bytes, headers: Mapping[str, str]
) -> bytes:
    """The bytes of a keep-alive HTTP/1.1 POST."""
    lines = [
        f"POST {path} HTTP/1.1",
        f"Host: {host}:{port}",
        f"Content-Length: {len(body)}",
        *(f"{name}: {value}" for name, value in headers.items()),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


@dataclass(slots=True)
class _Tally:
    """Shared by the connection workers of one run; asyncio runs them on one thread."""

    measure_from: float
    measure_until: float  # inf when the run is bounded by a request count
    max_requests: int | None
    requests: int = 0
    errors: int = 0
    non_2xx: int = 0
    last_completion: float = 0.0
    latencies: list[float] = field(default_factory=list)

    def done(self, now: float) -> bool:
        if now >= self.measure_until:
            return True
        return self.max_requests is not None and self.requests >= self.max_requests

    def record(self, *, started: float, ended: float, success: bool, status: int) -> None:
        # A request belongs to the window it completes in, so throughput is unbiased at the
        # window's edges; requests finishing during warm-up or after the end are dropped.
        if ended < self.measure_from or self.done(ended):
            return
        self.requests += 1
        self.last_completion = ended
        if success:
            self.latencies.append(ended - started)
            return
        self.errors += 1
        if status and not 200 <= status < 300:
            self.non_2xx += 1


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """Status, body and whether the server will close the connection."""
    head = await reader.readuntil(_HEADER_END)
    if not head.startswith(b"HTTP/1."):
        raise ProtocolError(f"not an HTTP/1.x response: {head[:40]!r}")
    status = int(head[9:12])
    lower = head.lower()
    closing = b"\r\nconnection: close" in lower or head.startswith(b"HTTP/1.0")
    length_at = lower.find(b"\r\ncontent-length:")
    if length_at >= 0:
        value_end = lower.index(b"\r\n", length_at + 2)
        length = int(lower[length_at + 17 : value_end])
        return status, await reader.readexactly(length), closing
    if b"\r\ntransfer-encoding: chunked" in lower:
        return status, await _read_chunked(reader), closing
    if closing:
        return status, await reader.read(), True
    raise ProtocolError("response has neither Content-Length nor chunked encoding")


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    parts: list[bytes] = []
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";", 1)[0], 16)
        if size == 0:
            # Trailers, if any, end with an empty line.
            while await reader.readuntil(b"\r\n") != b"\r\n":
                pass
            return b"".join(parts)
        parts.append((await reader.readexactly(size + 2))[:-2])


async def _connect(target: Target) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    return await asyncio.open_connection(target.host, target.port, limit=_MAX_HEADER_BYTES)


async def _close(writer: asyncio.StreamWriter) -> None:
    writer.close()
    # The server may already have reset the connection; it is gone either way.
    with contextlib.suppress(OSError):
        await writer.wait_closed()


async def _worker(target: Target, tally: _Tally, *, first: int, stride: int) -> None:
    """One keep-alive connection sending requests back to back until the run is over.

    A failure on an open connection is counted and the connection reopened; failing to
    connect at all raises, since the server is then down and every number would be noise.
    """
    requests = target.requests()
    index = first
    reader, writer = await _connect(target)
    try:
        while not tally.done(time.perf_counter()):
            request = requests[index % len(requests)]
            index += stride
            started = time.perf_counter()
            status, success, closing = 0, False, True
            try:
                async with asyncio.timeout(REQUEST_TIMEOUT_SECONDS):
                    writer.write(request)
                    status, body, closing = await _read_response(reader)
                success = status == 200 and (target.expect is None or target.expect in body)
            except (
                OSError,
                TimeoutError,
                asyncio.IncompleteReadError,
                asyncio.LimitOverrunError,
                ProtocolError,
                ValueError,
            ):
                pass
            tally.record(started=started, ended=time.perf_counter(), success=success, status=status)
            if closing:
                await _close(writer)
                reader, writer = await _connect(target)
    finally:
        await _close(writer)


async def run_load(
    target: Target,
    *,
    connections: int,
    warmup: float,
    seconds: float | None = None,
    requests: int | None = None,
) -> LoadResult:
    """Drive ``target`` over ``connections`` keep-alive connections.

    After ``warmup`` seconds of unmeasured load, measure for ``seconds`` or until ``requests``
    responses (exactly one of the two).
    """
    if (seconds is None) == (requests is None):
        raise ValueError("give exactly one of seconds or requests")
    if connections < 1:
        raise ValueError("connections must be at least 1")
    if warmup + (seconds or 0.0) > MAX_RUN_SECONDS:
        raise ValueError(f"a run must stay under {MAX_RUN_SECONDS:.0f} s (signatures expire)")
    measure_from = time.perf_counter() + warmup
    tally = _Tally(
        measure_from=measure_from,
        measure_until=measure_from + seconds if seconds is not None else math.inf,
        max_requests=requests,
    )
    async with asyncio.TaskGroup() as group:
        for number in range(connections):
            group.create_task(_worker(target, tally, first=number, stride=connections))
    elapsed = seconds if seconds is not None else tally.last_completion - measure_from
    return LoadResult(
        requests=tally.requests,
        errors=tally.errors,
        non_2xx=tally.non_2xx,
        seconds=max(elapsed, 0.0),
        latencies=sorted(tally.latencies),
    )
