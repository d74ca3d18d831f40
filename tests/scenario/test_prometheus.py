"""GET /metrics: the clocks' dispatch counters and lag from their heartbeats, and this worker's
interaction latency (issue #12 item 6)."""

from __future__ import annotations

import urllib.request
from types import SimpleNamespace

from prometheus_client.parser import text_string_to_metric_families

from bot.engine.dispatch import TickReport
from bot.scheduler import HEARTBEAT_JOB, HeartbeatWriter
from tests.support.live import LiveApp


def _scrape(live: LiveApp) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    with urllib.request.urlopen(live.base_url + "/metrics", timeout=5) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain; version=")
        text = response.read().decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_metrics_show_what_the_clock_sent_failed_and_missed(live: LiveApp) -> None:
    heartbeat = HeartbeatWriter(live.services, kind="clock")
    report = TickReport(sent=3, failed=1, missed=2, lag_seconds=[0.5, 20.0, 4000.0])
    heartbeat(SimpleNamespace(job_id=HEARTBEAT_JOB, retval=report))

    samples = _scrape(live)

    labels = (("kind", "clock"), ("process", heartbeat.process))
    assert samples[("prompts_sent_total", labels)] == 3
    assert samples[("prompts_failed_total", labels)] == 1
    assert samples[("prompts_missed_total", labels)] == 2
    assert samples[("dispatch_lag_seconds_count", labels)] == 3
    assert samples[("dispatch_lag_seconds_sum", labels)] == 4020.5
    assert samples[("dispatch_lag_seconds_bucket", (*labels[:1], ("le", "1.0"), labels[1]))] == 1
    assert samples[("dispatch_lag_seconds_bucket", (*labels[:1], ("le", "30.0"), labels[1]))] == 2
    beat_at = samples[("heartbeat_timestamp_seconds", labels)]
    assert beat_at == live.clock.now().timestamp()


def test_every_slack_request_is_timed_to_its_acknowledgement(live: LiveApp) -> None:
    before = _scrape(live).get(("interaction_latency_seconds_count", ()), 0.0)
    for _ in range(3):
        assert live.sender.command("help", user_id="U0OWNER").status == 200
    samples = _scrape(live)
    assert samples[("interaction_latency_seconds_count", ())] == before + 3
    assert 0 < samples[("interaction_latency_seconds_sum", ())] < 3 * 3
    assert samples[("interaction_latency_seconds_bucket", (("le", "+Inf"),))] == before + 3
    # The scrape itself is not an interaction, and no clock has beaten yet.
    assert not any(name == "prompts_sent_total" for name, _ in samples)
