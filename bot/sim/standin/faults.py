"""Failures the stand-in can be told to produce, and the plan that hands them out.

Each fault is one way Slack really fails: rate limits, outages, slow answers and error
codes. The plan is not thread-safe on its own; the server consults it under its lock so
that "the next N calls" means the next N calls in arrival order.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

ANY_METHOD = "*"


@dataclass(frozen=True)
class RateLimited:
    """HTTP 429 with Retry-After; 0 keeps slack_sdk's retry handler from sleeping long."""

    retry_after: int = 0

    def __post_init__(self) -> None:
        if self.retry_after < 0:
            raise ValueError("retry_after must be >= 0")


@dataclass(frozen=True)
class ServerError:
    """An HTTP 5xx answer, as during a Slack incident. ``applied``: Slack did the work (the
    message was posted) and only the answer failed — what a sender must never repeat."""

    status: int = 503
    applied: bool = False

    def __post_init__(self) -> None:
        if not 500 <= self.status <= 599:
            raise ValueError("a server error needs a 5xx status")


@dataclass(frozen=True)
class Timeout:
    """The answer comes only after ``seconds``, so a client with a shorter timeout gives up.

    ``applied`` says whether Slack did the work anyway (the reply was lost, the message
    exists) or not (the request died on the way); the first is the case the app must
    detect afterwards, e.g. through message metadata.
    """

    seconds: float = 1.0
    applied: bool = True

    def __post_init__(self) -> None:
        if self.seconds <= 0:
            raise ValueError("seconds must be > 0")


@dataclass(frozen=True)
class SlackError:
    """HTTP 200 with ``{"ok": false, "error": <error>}``, e.g. ``not_in_channel``."""

    error: str

    def __post_init__(self) -> None:
        if not self.error:
            raise ValueError("a Slack error needs a code")


Fault: TypeAlias = RateLimited | ServerError | Timeout | SlackError


@dataclass(frozen=True)
class FaultReply:
    """What the server sends instead of (or, for an applied Timeout, after) the answer."""

    status: int
    headers: dict[str, str]
    body: dict[str, Any]


def reply_for(fault: Fault) -> FaultReply | None:
    """The HTTP answer a fault replaces the real one with; None when the real one stands."""
    match fault:
        case RateLimited(retry_after=seconds):
            return FaultReply(429, {"Retry-After": str(seconds)}, _error("ratelimited"))
        case ServerError(status=status):
            code = "service_unavailable" if status == 503 else "internal_error"
            return FaultReply(status, {}, _error(code))
        case SlackError(error=code):
            return FaultReply(200, {}, _error(code))
        case Timeout(applied=True):
            return None
        case Timeout():
            return FaultReply(504, {}, _error("request_timeout"))


def applied_anyway(fault: Fault | None) -> bool:
    """Whether the call takes effect although its answer is replaced by the fault's."""
    return isinstance(fault, ServerError) and fault.applied


def delay_of(fault: Fault | None) -> float:
    """Seconds to hold the answer back."""
    return fault.seconds if isinstance(fault, Timeout) else 0.0


def _error(code: str) -> dict[str, Any]:
    return {"ok": False, "error": code}


@dataclass
class _Queued:
    fault: Fault
    remaining: int


@dataclass(frozen=True)
class _RandomFaults:
    rate: float
    rng: random.Random
    faults: tuple[Fault, ...]
    methods: frozenset[str] | None


class FaultPlan:
    """Queued faults per method (consumed in order) plus optional seeded random chaos."""

    def __init__(self) -> None:
        self._queued: dict[str, deque[_Queued]] = {}
        self._random: _RandomFaults | None = None

    def add(self, method: str, fault: Fault, *, times: int = 1) -> None:
        if times < 1:
            raise ValueError("times must be >= 1")
        self._queued.setdefault(method, deque()).append(_Queued(fault, times))

    def add_random(
        self,
        *,
        rate: float,
        seed: int,
        faults: Sequence[Fault],
        methods: Collection[str] | None = None,
    ) -> None:
        if not 0.0 <= rate <= 1.0:
            raise ValueError("rate must be within [0, 1]")
        if not faults:
            raise ValueError("random injection needs at least one fault")
        self._random = _RandomFaults(
            rate=rate,
            rng=random.Random(seed),
            faults=tuple(faults),
            methods=None if methods is None else frozenset(methods),
        )

    def next_for(self, method: str) -> Fault | None:
        """The fault for this call, if any: the method's own queue first, then "*", then chance."""
        for key in (method, ANY_METHOD):
            fault = self._take(key)
            if fault is not None:
                return fault
        chaos = self._random
        if chaos is None or (chaos.methods is not None and method not in chaos.methods):
            return None
        # Draw for every eligible call, hit or miss, so the sequence depends on the seed only.
        if chaos.rng.random() >= chaos.rate:
            return None
        return chaos.rng.choice(chaos.faults)

    def clear(self) -> None:
        self._queued.clear()
        self._random = None

    def _take(self, key: str) -> Fault | None:
        queue = self._queued.get(key)
        if not queue:
            return None
        head = queue[0]
        head.remaining -= 1
        if head.remaining == 0:
            queue.popleft()
        return head.fault
