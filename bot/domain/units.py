"""Every figure printed with its unit: one function for a value, one for a change.

A results post read out of context ("Report Retention: 83.33") says nothing; "83.33%" and
"+10 pp" do. Values are rounded half up to 0.01 and changes to the step their kind is
published in, with no trailing zeros: the seed writes "−25%", "+0.5 to +1.0 points",
"+10pp to +15pp".
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import Final

from bot.domain.metrics import ChangeKind, MetricId

MINUS: Final = "−"  # the seed writes "−25%": a minus sign, not a hyphen
VALUE_STEP: Final = Decimal("0.01")

# How a value of each metric reads: "52.33 h", "83.33%", "3.5 deploys/week", "3.8/5".
VALUE_FORMATS: Final = MappingProxyType(
    {
        MetricId.LEAD_TIME: "{} h",
        MetricId.CHANGE_FAILURE_RATE: "{}%",
        MetricId.DEPLOY_FREQUENCY: "{} deploys/week",
        MetricId.ONE_ON_ONE_QUALITY: "{}/5",
        MetricId.REPORT_RETENTION: "{}%",
    }
)

# The step a change is rounded to and its unit: a relative change in percent, a change on
# the 5-point scale in points, a change between two percentages in percentage points.
CHANGE_FORMATS: Final = MappingProxyType(
    {
        ChangeKind.RELATIVE_PERCENT: (Decimal("0.1"), "%"),
        ChangeKind.POINTS: (Decimal("0.01"), " points"),
        ChangeKind.PERCENTAGE_POINTS: (Decimal("0.1"), " pp"),
    }
)


def number_text(value: Decimal) -> str:
    """``36``, ``12.5``, ``87.5``: no trailing zeros, never scientific notation."""
    text = f"{value.normalize():f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def rounded_text(value: Decimal, step: Decimal) -> str:
    return number_text(value.quantize(step, rounding=ROUND_HALF_UP))


def value_text(metric_id: MetricId | str, value: Decimal) -> str:
    """A metric's value with its unit: ``52.33 h``, ``83.33%``, ``3.5 deploys/week``."""
    return VALUE_FORMATS[MetricId(metric_id)].format(rounded_text(value, VALUE_STEP))


def change_text(change_kind: ChangeKind | str, change: Decimal) -> str:
    """A signed change with its unit: ``−25%``, ``+0.5 points``, ``+10 pp``, ``0 pp``."""
    step, unit = CHANGE_FORMATS[ChangeKind(change_kind)]
    magnitude = rounded_text(abs(change), step)
    if magnitude == "0":
        return f"0{unit}"
    sign = "+" if change > 0 else MINUS
    return f"{sign}{magnitude}{unit}"
