"""Prometheus metrics: what the clock dispatched and how fast interactions are acknowledged.

The clock (``emcoach clock`` or ``emcoach run``) counts its ticks' reports in-process and
writes the totals with its heartbeat row; ``/metrics`` in ``emcoach serve`` reads every
process's row at scrape time. So the prompt counters are right whichever web worker answers
the scrape, and whichever process dispatches (the web dyno of a Procfile platform is the only
one that gets HTTP). Each clock process is its own series (label ``process``), starting from 0
when it starts: Prometheus's ``rate``/``increase`` treat that as a counter reset.

The interaction histogram is per web worker: with WEB_CONCURRENCY above 1, a scrape sees
the worker that answered it only. Run one worker (the default; raise WEB_THREADS instead) or
read it as a sample. (prometheus-client's multiprocess mode would merge them, at the cost of a
shared directory and an environment variable set before import; not worth it here.)
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Iterator
from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Histogram
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from bot.engine.dispatch import TickReport
from storage.db import READ_ONLY
from storage.heartbeat import heartbeats
from storage.models import Heartbeat

logger = logging.getLogger("emcoach.metrics")

# Seconds from a prompt's due_at to Slack's acceptance: a 10 s tick sends within seconds;
# minutes mean a backlog, an hour an outage.
LAG_BUCKETS = (1.0, 5.0, 10.0, 15.0, 30.0, 60.0, 300.0, 900.0, 3600.0, math.inf)
# Slack's 3 s acknowledgement deadline sits between the last two finite buckets.
ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 3.0, 5.0, math.inf)


@dataclass
class DispatchTotals:
    """One scheduler process's dispatch since it started; serialised into its heartbeat."""

    sent: int = 0
    failed: int = 0
    missed: int = 0
    lag_counts: list[int] = field(default_factory=lambda: [0] * len(LAG_BUCKETS))
    lag_sum: float = 0.0

    def add(self, report: TickReport) -> None:
        self.sent += report.sent
        self.failed += report.failed
        self.missed += report.missed
        for seconds in report.lag_seconds:
            lag = max(seconds, 0.0)
            self.lag_sum += lag
            index = next(i for i, bound in enumerate(LAG_BUCKETS) if lag <= bound)
            self.lag_counts[index] += 1

    def to_json(self) -> str:
        return json.dumps(
            {
                "sent": self.sent,
                "failed": self.failed,
                "missed": self.missed,
                "lag_counts": self.lag_counts,
                "lag_sum": self.lag_sum,
            }
        )

    @classmethod
    def from_json(cls, text: str | None) -> DispatchTotals:
        totals = cls()
        if not text:
            return totals
        data = json.loads(text)
        totals.sent, totals.failed, totals.missed = data["sent"], data["failed"], data["missed"]
        if len(data["lag_counts"]) == len(LAG_BUCKETS):  # buckets changed: start the lag over
            totals.lag_counts, totals.lag_sum = data["lag_counts"], data["lag_sum"]
        return totals


class DispatchCollector(Collector):
    """Reads the scheduler processes' heartbeat rows at each scrape."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def collect(self) -> Iterator[Metric]:
        try:
            rows = self._rows()
        except SQLAlchemyError as error:
            logger.warning("metrics: cannot read the heartbeats: %s", type(error).__name__)
            rows = []
        labels = ["process", "kind"]
        sent = CounterMetricFamily("prompts_sent", "Prompts Slack accepted.", labels=labels)
        failed = CounterMetricFamily("prompts_failed", "Prompts that failed.", labels=labels)
        missed = CounterMetricFamily(
            "prompts_missed", "Prompts too late to send (emcoach was down).", labels=labels
        )
        lag = HistogramMetricFamily(
            "dispatch_lag_seconds", "Seconds from a prompt's due time to sent.", labels=labels
        )
        beat = GaugeMetricFamily(
            "heartbeat_timestamp_seconds", "Unix time of the last completed tick.", labels=labels
        )
        for row in rows:
            values = [row.process, row.kind]
            totals = DispatchTotals.from_json(row.stats)
            sent.add_metric(values, totals.sent)
            failed.add_metric(values, totals.failed)
            missed.add_metric(values, totals.missed)
            cumulative, buckets = 0, []
            for bound, count in zip(LAG_BUCKETS, totals.lag_counts, strict=True):
                cumulative += count
                buckets.append(("+Inf" if math.isinf(bound) else str(bound), cumulative))
            lag.add_metric(values, buckets, totals.lag_sum)
            beat.add_metric(values, row.beat_at.timestamp())
        yield from (sent, failed, missed, lag, beat)

    def _rows(self) -> list[Heartbeat]:
        with self._engine.connect().execution_options(**{READ_ONLY: True}) as connection:
            return heartbeats(Session(bind=connection))


@dataclass(frozen=True, slots=True)
class WebMetrics:
    """One web worker's registry: its own interaction latency and the clocks' dispatch."""

    registry: CollectorRegistry
    ack_seconds: Histogram


def build_web_metrics(engine: Engine) -> WebMetrics:
    registry = CollectorRegistry()
    registry.register(DispatchCollector(engine))
    ack = Histogram(
        "interaction_latency_seconds",
        "Seconds from a Slack request's arrival to its acknowledgement (this worker).",
        buckets=ACK_BUCKETS,
        registry=registry,
    )
    return WebMetrics(registry=registry, ack_seconds=ack)
