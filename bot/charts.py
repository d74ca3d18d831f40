"""The chart under every results post: per criterion the locked baseline, month 3 and month 6
(whatever exists so far), the seed's expected 6-month range as a band, and each leader's value
where that exposes nobody's survey answer. Out come PNG bytes and alt text stating the figures.

Pure: no Slack, no database, no clock. matplotlib is imported only inside ``draw_chart``, so a
web process that never draws a chart never loads it. It draws through ``Figure`` and the Agg
canvas directly, never ``pyplot``: pyplot keeps global state, and the dispatcher renders in
several sender threads at once.

An anonymous survey aggregate below the threshold gets no number anywhere — not on the chart,
not in the alt text ("fewer than 3 responses"). Survey criteria never get per-leader points,
whatever their instrument: a leader with few direct reports would show one person's answer.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Final

from bot.blocks.prompts.data import CheckpointData, CriterionResult
from bot.domain.metrics import ChangeKind, Direction, MetricDefinition, MetricId

if TYPE_CHECKING:
    from matplotlib.axes import Axes

# Fixed size and resolution: the same data always gives the same bytes.
DPI: Final = 100
PANEL_WIDTH: Final = 3.8  # inches per criterion
HEIGHT: Final = 4.2
ALT_TEXT_MAX: Final = 1000  # Slack refuses longer alt text (alt_txt_too_large)
_STEP: Final = Decimal("0.01")
_HUNDRED: Final = Decimal(100)
_POOLED: Final = "#1f4e79"
_LEADER: Final = "#8a8a8a"
_BAND: Final = "#9fd3a8"
_MUTED: Final = "#6b6b6b"


@dataclass(frozen=True, slots=True, kw_only=True)
class Stage:
    """One point in time of a criterion: the baseline (month 0) or a checkpoint."""

    month: int
    value: Decimal | None  # pooled over the cohort; None: no data, or hidden
    count: int | None = None  # leaders measured or survey responses; None: not known here
    leaders: tuple[Decimal, ...] = ()  # each leader's value, sorted: never tied to a name
    hidden: bool = False  # an anonymous aggregate below the threshold: no number at all


@dataclass(frozen=True, slots=True, kw_only=True)
class CriterionChart:
    name: str
    unit: str
    direction: Direction
    stages: tuple[Stage, ...]
    expected: tuple[Decimal, Decimal] | None = None  # the seed's range at the last month
    expected_text: str | None = None
    anonymous: bool = False  # counts are survey responses, not leaders
    counted: str | None = None  # what a count counts, "pod" say; None: leaders or responses

    @property
    def noun(self) -> str:
        return self.counted or ("response" if self.anonymous else "leader")


@dataclass(frozen=True, slots=True, kw_only=True)
class ChartData:
    program_name: str
    month: int  # the checkpoint this chart goes under
    months: int  # the program's length: where the expected range sits
    occasion: date
    anonymity_threshold: int
    criteria: tuple[CriterionChart, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Chart:
    png: bytes
    alt_text: str
    title: str
    filename: str


# --- from the checkpoint's data ----------------------------------------------------------------


def expected_band(metric: MetricDefinition, baseline: Decimal | None) -> tuple[Decimal, Decimal]:
    """The seed's 6-month range in the metric's own unit, from the locked baseline; kept
    inside the metric's scale (retention cannot pass 100%)."""
    if metric.expected is None or baseline is None:
        raise ValueError(f"{metric.id}: no expected range without a range and a baseline")
    sign = Decimal(1) if metric.direction is Direction.HIGHER_IS_BETTER else Decimal(-1)

    def at(gain: Decimal) -> Decimal:
        if metric.change_kind is ChangeKind.RELATIVE_PERCENT:
            value = baseline * (1 + sign * gain / _HUNDRED)
        else:
            value = baseline + sign * gain
        value = max(value, metric.minimum)
        return value if metric.maximum is None else min(value, metric.maximum)

    low, high = sorted((at(metric.expected.least), at(metric.expected.most)))
    return low.quantize(_STEP, ROUND_HALF_UP), high.quantize(_STEP, ROUND_HALF_UP)


def shows_leaders(metric: MetricDefinition) -> bool:
    """Per-leader points only for figures that are not built from survey answers."""
    return not metric.anonymous_survey and metric.id is not MetricId.ONE_ON_ONE_QUALITY


def criterion_chart(
    metric: MetricDefinition,
    *,
    checkpoints: Sequence[tuple[int, CriterionResult]],
    threshold: int,
    leaders: Mapping[int, Sequence[Decimal]] | None = None,
) -> CriterionChart:
    """One criterion's panel from its results at each checkpoint so far (month, result), the
    latest last; its baseline is the latest result's — the figure the post prints. ``leaders``
    holds each leader's values by month (0 for the baseline); ignored for survey criteria."""
    if not checkpoints:
        raise ValueError("a chart needs at least one checkpoint")
    by_month = dict(leaders or {}) if shows_leaders(metric) else {}
    latest = checkpoints[-1][1]
    stages = [
        Stage(
            month=0,
            value=latest.baseline,
            hidden=latest.anonymous and latest.baseline is None,
            leaders=tuple(sorted(by_month.get(0, ()))),
        )
    ]
    for month, result in checkpoints:
        hidden = result.anonymous and result.data_points < threshold
        stages.append(
            Stage(
                month=month,
                value=None if hidden else result.now,
                count=result.data_points,
                hidden=hidden,
                leaders=tuple(sorted(by_month.get(month, ()))),
            )
        )
    band = (
        expected_band(metric, latest.baseline)
        if metric.expected is not None and latest.baseline is not None
        else None
    )
    return CriterionChart(
        name=latest.name,
        unit=latest.unit,
        direction=latest.direction,
        stages=tuple(stages),
        expected=band,
        expected_text=latest.expected,
        anonymous=latest.anonymous,
        counted=latest.counted,
    )


def chart_data(
    *,
    program_name: str,
    months: int,
    occasion: date,
    metrics: Sequence[MetricDefinition],
    checkpoints: Sequence[CheckpointData],
    leaders: Mapping[tuple[str, int], Sequence[Decimal]] | None = None,
) -> ChartData:
    """The chart of the latest of ``checkpoints`` (earlier ones supply their month's figure).
    ``metrics`` are the locked criteria, each matched to its results by name; ``leaders`` maps
    (metric id, month) to each leader's values, month 0 being the baseline."""
    if not checkpoints:
        raise ValueError("a chart needs at least one checkpoint")
    latest = checkpoints[-1]
    values = leaders or {}
    criteria = []
    for metric in metrics:
        own = [
            (checkpoint.month, result)
            for checkpoint in checkpoints
            for result in checkpoint.criteria
            if result.name == metric.short_name
        ]
        if not own or own[-1][0] != latest.month:
            raise ValueError(f"{metric.id}: not among the latest checkpoint's results")
        mine = {month: list(found) for (key, month), found in values.items() if key == metric.id}
        criteria.append(
            criterion_chart(
                metric, checkpoints=own, threshold=latest.anonymity_threshold, leaders=mine
            )
        )
    return ChartData(
        program_name=program_name,
        month=latest.month,
        months=months,
        occasion=occasion,
        anonymity_threshold=latest.anonymity_threshold,
        criteria=tuple(criteria),
    )


# --- words ---------------------------------------------------------------------------------------


def figure(value: Decimal) -> str:
    """52.33, 4, 83.5: two places at most, no trailing zeros."""
    text = f"{value.quantize(_STEP, ROUND_HALF_UP):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def stage_label(month: int) -> str:
    return "Baseline" if month == 0 else f"Month {month}"


def _stage_words(stage: Stage, *, threshold: int, counted: str) -> str:
    label = stage_label(stage.month).lower() if stage.month == 0 else stage_label(stage.month)
    if stage.hidden:
        return f"{label}: fewer than {threshold} responses, no figure shown"
    if stage.value is None:
        return f"{label}: no data"
    text = f"{label} {figure(stage.value)}"
    if stage.count is not None:
        text += f" ({stage.count} {counted}{'' if stage.count == 1 else 's'})"
    if len(stage.leaders) > 1:
        text += f", leaders from {figure(stage.leaders[0])} to {figure(stage.leaders[-1])}"
    return text


def alt_text(data: ChartData) -> str:
    """The chart in words, every figure it shows stated; none that it hides."""
    parts = [f"Chart of the month-{data.month} results of {data.program_name}."]
    for criterion in data.criteria:
        better = "lower" if criterion.direction is Direction.LOWER_IS_BETTER else "higher"
        stages = "; ".join(
            _stage_words(stage, threshold=data.anonymity_threshold, counted=criterion.noun)
            for stage in criterion.stages
        )
        text = f"{criterion.name} ({criterion.unit}, {better} is better): {stages}."
        if criterion.expected is not None:
            low, high = criterion.expected
            text += (
                f" The seed's expected range at month {data.months} is "
                f"{figure(low)} to {figure(high)}."
            )
        parts.append(text)
    text = " ".join(parts)
    return text if len(text) <= ALT_TEXT_MAX else text[: ALT_TEXT_MAX - 1] + "…"


def title(data: ChartData) -> str:
    return f"{data.program_name}: month-{data.month} results chart"


def filename(data: ChartData) -> str:
    return f"emcoach-month-{data.month}-{data.occasion.isoformat()}.png"


# --- drawing -------------------------------------------------------------------------------------


def draw_chart(data: ChartData) -> Chart:
    """The PNG and its words. Same data, same bytes: fixed size and DPI, no timestamp or
    software version in the file."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    panels = max(len(data.criteria), 1)
    fig = Figure(figsize=(PANEL_WIDTH * panels, HEIGHT), dpi=DPI)
    FigureCanvasAgg(fig)
    axes = fig.subplots(1, panels, squeeze=False)[0]
    for ax, criterion in zip(axes, data.criteria, strict=False):
        _draw_panel(ax, criterion, data)
    fig.suptitle(title(data), fontsize=12, parse_math=False)
    fig.legend(
        handles=[
            Line2D([], [], color=_POOLED, marker="o", label="cohort (pooled)"),
            Line2D([], [], color=_LEADER, marker="o", linestyle="none", label="one leader"),
            Patch(color=_BAND, alpha=0.6, label=f"seed's expected range at month {data.months}"),
        ],
        loc="lower center",
        ncol=3,
        frameon=False,
        fontsize=8,
    )
    fig.subplots_adjust(left=0.08, right=0.98, top=0.84, bottom=0.2, wspace=0.35)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return Chart(
        png=buffer.getvalue(), alt_text=alt_text(data), title=title(data), filename=filename(data)
    )


def _draw_panel(ax: Axes, criterion: CriterionChart, data: ChartData) -> None:
    ticks = sorted({0, 3, data.months, *(stage.month for stage in criterion.stages)})
    ax.set_xticks(ticks, [stage_label(month) for month in ticks], fontsize=8)
    ax.set_xlim(-0.8, data.months + 0.8)
    better = "lower" if criterion.direction is Direction.LOWER_IS_BETTER else "higher"
    ax.set_title(f"{criterion.name}\n({better} is better)", fontsize=10, parse_math=False)
    ax.set_ylabel(criterion.unit, fontsize=8, parse_math=False)
    ax.set_xlabel("months after kickoff", fontsize=8)
    ax.tick_params(axis="y", labelsize=8)
    ax.grid(axis="y", color="#e5e5e5", linewidth=0.6)
    ax.set_axisbelow(True)
    numbers: list[float] = []
    if criterion.expected is not None:
        low, high = (float(value) for value in criterion.expected)
        ax.fill_between(
            [data.months - 0.45, data.months + 0.45], low, high, color=_BAND, alpha=0.6, lw=0
        )
        numbers += [low, high]
    for stage in criterion.stages:
        count = len(stage.leaders)
        if count:
            spread = 0.25 if count > 1 else 0.0
            xs = [stage.month - spread + 2 * spread * i / max(count - 1, 1) for i in range(count)]
            ax.scatter(xs, [float(v) for v in stage.leaders], s=14, color=_LEADER, zorder=2)
            numbers += [float(v) for v in stage.leaders]
    # A stage without a figure breaks the line (NaN): no slope drawn across what is unknown.
    ys = [math.nan if stage.value is None else float(stage.value) for stage in criterion.stages]
    ax.plot(
        [stage.month for stage in criterion.stages],
        ys,
        color=_POOLED,
        marker="o",
        markersize=6,
        linewidth=2,
        zorder=3,
    )
    for stage in criterion.stages:
        if stage.value is not None:
            numbers.append(float(stage.value))
            ax.annotate(
                figure(stage.value),
                (stage.month, float(stage.value)),
                textcoords="offset points",
                xytext=(7, 5),
                fontsize=8,
                color=_POOLED,
                zorder=4,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85},
            )
    if numbers:
        low, high = min(numbers), max(numbers)
        pad = (high - low) * 0.15 or max(abs(high) * 0.1, 1.0)
        ax.set_ylim(low - pad, high + pad)
    else:
        ax.set_ylim(0, 1)
        ax.set_yticks([])
    bottom, top = ax.get_ylim()
    for stage in criterion.stages:
        if stage.value is None:
            words = (
                f"fewer than\n{data.anonymity_threshold}\nresponses" if stage.hidden else "no data"
            )
            ax.text(
                stage.month,
                (bottom + top) / 2,
                words,
                ha="center",
                va="center",
                fontsize=8,
                style="italic",
                color=_MUTED,
            )
