"""The results chart: a PNG of sane size and deterministic, whose alt text states every figure
it shows and none that the anonymity threshold hides (its cost: `python -m benchmarks.charts`)."""

from __future__ import annotations

import struct
import subprocess
import sys
from datetime import date
from decimal import Decimal

import pytest

from bot.blocks.prompts.data import CheckpointData, criterion_result
from bot.charts import ChartData, chart_data, draw_chart, expected_band
from bot.domain.metrics import CATALOG

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
LEAD_TIME = CATALOG["lead_time"]
QUALITY = CATALOG["one_on_one_quality"]
RETENTION = CATALOG["report_retention"]
METRICS = (LEAD_TIME, QUALITY, RETENTION)
LEADERS = {
    ("lead_time", 0): [Decimal(60), Decimal(48), Decimal(50), Decimal("51.32")],
    ("lead_time", 3): [Decimal(50), Decimal(40), Decimal(44), Decimal(48)],
    ("lead_time", 6): [Decimal(40), Decimal(30), Decimal(35), Decimal("39.8")],
    ("report_retention", 0): [Decimal(75), Decimal(80), Decimal(85)],
    ("report_retention", 3): [Decimal(80), Decimal(85), Decimal(85)],
    # Never drawn: a survey criterion has no per-leader points, whatever the engine passes.
    ("one_on_one_quality", 0): [Decimal("1.11")],
}


def _checkpoint(
    month: int, *, quality_people: int, retention: Decimal | None = Decimal("83.33")
) -> CheckpointData:
    return CheckpointData(
        month=month,
        final=month == 6,
        channel_id="C0ENG",
        definitions_hash="0" * 64,
        anonymity_threshold=3,
        criteria=(
            criterion_result(
                LEAD_TIME,
                baseline=Decimal("52.33"),
                now=Decimal("45.5") if month == 3 else Decimal("36.2"),
                data_points=4,
            ),
            criterion_result(
                QUALITY,
                baseline=Decimal("3.1"),
                now=Decimal("3.47") if month == 3 else Decimal("3.9"),
                data_points=quality_people,
            ),
            criterion_result(
                RETENTION, baseline=Decimal(80), now=retention, data_points=3 if retention else 0
            ),
        ),
    )


def _data(*checkpoints: CheckpointData) -> ChartData:
    return chart_data(
        program_name="Northwind pilot",
        months=6,
        occasion=date(2027, 8, 2),
        metrics=METRICS,
        checkpoints=checkpoints,
        leaders=LEADERS,
    )


def _png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == PNG_SIGNATURE
    assert png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def test_the_chart_is_a_png_of_sane_size_and_the_same_bytes_every_time() -> None:
    data = _data(_checkpoint(3, quality_people=5), _checkpoint(6, quality_people=9))
    chart = draw_chart(data)
    width, height = _png_size(chart.png)
    assert (width, height) == (1140, 420)  # 3 panels of 3.8 in, 4.2 in high, 100 dpi
    assert 10_000 < len(chart.png) < 500_000
    assert draw_chart(data).png == chart.png
    assert b"tIME" not in chart.png and b"Software" not in chart.png
    assert chart.filename == "emcoach-month-6-2027-08-02.png"
    assert chart.title == "Northwind pilot: month-6 results chart"


def test_the_alt_text_states_every_figure_with_its_unit() -> None:
    month_6 = _checkpoint(6, quality_people=9, retention=None)
    chart = draw_chart(_data(_checkpoint(3, quality_people=5), month_6))
    text = chart.alt_text
    assert "Lead Time (hours (median), lower is better): baseline 52.33" in text
    assert "Month 3 45.5 (4 leaders), leaders from 40 to 50" in text
    assert "Month 6 36.2 (4 leaders), leaders from 30 to 40" in text
    # −25% to −40% of 52.33 hours
    assert "expected range at month 6 is 31.4 to 39.25" in text
    assert "1:1 Quality (mean of a 5-point agree scale, higher is better): baseline 3.1" in text
    assert "Month 3 3.47 (5 responses); Month 6 3.9 (9 responses)" in text
    assert "Report Retention (%, higher is better): baseline 80, leaders from 75 to 85" in text
    assert "Month 6: no data" in text
    assert len(text) <= 1000


def test_a_survey_below_the_threshold_shows_no_number_and_says_so() -> None:
    chart = draw_chart(_data(_checkpoint(3, quality_people=2)))
    text = chart.alt_text
    assert "Month 3: fewer than 3 responses, no figure shown" in text
    assert "3.47" not in text
    assert "1.11" not in text  # and never a per-leader survey point
    assert "(2 responses)" not in text
    hidden = _data(_checkpoint(3, quality_people=2)).criteria[1]
    assert [stage.value for stage in hidden.stages] == [Decimal("3.1"), None]
    assert all(not stage.leaders for stage in hidden.stages)


def test_the_expected_band_follows_each_metric_s_direction_and_scale() -> None:
    assert expected_band(LEAD_TIME, Decimal(40)) == (Decimal(24), Decimal(30))
    assert expected_band(QUALITY, Decimal("3.2")) == (Decimal("3.7"), Decimal("4.2"))
    assert expected_band(RETENTION, Decimal(90)) == (Decimal(100), Decimal(100))
    with pytest.raises(ValueError, match="change_failure_rate"):
        expected_band(CATALOG["change_failure_rate"], Decimal(10))


def test_a_program_name_with_dollar_signs_is_drawn_as_text() -> None:
    data = chart_data(
        program_name="$pilot$ \\o/",
        months=6,
        occasion=date(2027, 5, 3),
        metrics=(LEAD_TIME,),
        checkpoints=(
            CheckpointData(
                month=3,
                final=False,
                channel_id="C0ENG",
                definitions_hash="0" * 64,
                criteria=(criterion_result(LEAD_TIME, baseline=None, now=None, data_points=0),),
            ),
        ),
    )
    chart = draw_chart(data)
    assert _png_size(chart.png) == (380, 420)
    assert "Month 3: no data" in chart.alt_text


@pytest.mark.slow  # a fresh interpreter in a subprocess
def test_importing_the_app_does_not_load_matplotlib() -> None:
    code = "import sys, bot.app, bot.engine.render, bot.charts; print('matplotlib' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
