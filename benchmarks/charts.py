"""The results chart's cost: CPU per drawing and PNG size, by number of criteria.

    python -m benchmarks.charts [--repeat 20]

A results post carries one chart; it is drawn on the clock process when the post goes out
(bot/engine/render.py). The first drawing in a process also pays for importing matplotlib and
its font cache, reported on its own line. CPU time (``time.process_time``), so a busy machine
does not inflate the figures. It reports and never fails on a figure.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date
from decimal import Decimal

from bot.blocks.prompts.data import CheckpointData, criterion_result
from bot.charts import ChartData, chart_data, draw_chart
from bot.domain.metrics import CATALOG

METRICS = (CATALOG["lead_time"], CATALOG["one_on_one_quality"], CATALOG["report_retention"])
# Month 0 is the baseline: four leaders' own values per per-leader criterion.
LEADERS = {
    ("lead_time", 0): [Decimal(60), Decimal(48), Decimal(50), Decimal("51.32")],
    ("lead_time", 3): [Decimal(50), Decimal(40), Decimal(44), Decimal(48)],
    ("lead_time", 6): [Decimal(40), Decimal(30), Decimal(35), Decimal("39.8")],
    ("report_retention", 0): [Decimal(75), Decimal(80), Decimal(85), Decimal(90)],
    ("report_retention", 3): [Decimal(80), Decimal(85), Decimal(85), Decimal(90)],
    ("report_retention", 6): [Decimal(80), Decimal(85), Decimal(90), Decimal(90)],
}
FIGURES = {  # metric id: (baseline, month 3, month 6)
    "lead_time": (Decimal("52.33"), Decimal("45.5"), Decimal("36.2")),
    "one_on_one_quality": (Decimal("3.1"), Decimal("3.47"), Decimal("3.9")),
    "report_retention": (Decimal(80), Decimal("83.33"), Decimal("86.25")),
}


def _checkpoint(month: int, criteria: int) -> CheckpointData:
    results = []
    for metric in METRICS[:criteria]:
        baseline, month_3, month_6 = FIGURES[metric.id]
        now = month_3 if month == 3 else month_6
        results.append(criterion_result(metric, baseline=baseline, now=now, data_points=9))
    return CheckpointData(
        month=month,
        final=month == 6,
        channel_id="C0ENG",
        definitions_hash="0" * 64,
        anonymity_threshold=3,
        criteria=tuple(results),
    )


def _data(criteria: int) -> ChartData:
    return chart_data(
        program_name="Northwind pilot",
        months=6,
        occasion=date(2027, 8, 2),
        metrics=METRICS[:criteria],
        checkpoints=(_checkpoint(3, criteria), _checkpoint(6, criteria)),
        leaders=LEADERS,
    )


def _cpu_seconds(data: ChartData) -> tuple[float, int]:
    started = time.process_time()
    chart = draw_chart(data)
    return time.process_time() - started, len(chart.png)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="drawings per row (default 20)")
    repeat = parser.parse_args().repeat
    first, _ = _cpu_seconds(_data(3))
    print(f"first drawing in the process (imports matplotlib): {first * 1000:.0f} ms of CPU")
    print(f"{'criteria':>8} | {'median ms':>9} | {'max ms':>6} | {'PNG bytes':>9}")
    print(f"{'-' * 8}-+-{'-' * 9}-+-{'-' * 6}-+-{'-' * 9}")
    for criteria in (1, 2, 3):
        data = _data(criteria)
        runs = [_cpu_seconds(data) for _ in range(repeat)]
        seconds = [spent for spent, _ in runs]
        print(
            f"{criteria:>8} | {statistics.median(seconds) * 1000:>9.0f} | "
            f"{max(seconds) * 1000:>6.0f} | {runs[-1][1]:>9,}"
        )


if __name__ == "__main__":
    main()
