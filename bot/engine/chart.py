"""The chart of a checkpoint that was just published: its results and every earlier
checkpoint's (as their posts showed them), each leader's values where they may be shown,
drawn by ``bot.charts``."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal

from sqlmodel import Session

from bot.charts import Chart, chart_data, draw_chart
from bot.engine.results import checkpoint_data, checkpoint_month
from storage.baselines import leader_baselines
from storage.checkpoint_values import published_before, values_in_months
from storage.models import AgendaRow, Program
from storage.setup_state import metrics_of


def results_chart(
    session: Session, program: Program, *, publish: AgendaRow, now: datetime
) -> Chart:
    """The chart for the CHECKPOINT_PUBLISH row ``publish``. Earlier checkpoints are the
    ones actually published before it: their rounds are closed and their values final."""
    assert program.id is not None
    earlier = published_before(session, program_id=program.id, occasion=publish.occasion)
    occasions = [*(row.occasion for row in earlier), publish.occasion]
    checkpoints = [
        checkpoint_data(session, program, occasion=occasion, now=now) for occasion in occasions
    ]
    months = {checkpoint_month(program, occasion) for occasion in occasions}
    return draw_chart(
        chart_data(
            program_name=program.name,
            months=program.months,
            occasion=publish.occasion,
            metrics=metrics_of(session, program_id=program.id),
            checkpoints=checkpoints,
            leaders=leader_values(session, program_id=program.id, months=months),
        )
    )


def leader_values(
    session: Session, *, program_id: int, months: set[int]
) -> dict[tuple[str, int], list[Decimal]]:
    """Each leader's entered values by (metric id, month), month 0 being the baseline. No
    names: the chart shows them as unlabelled points (and never for a survey criterion)."""
    found: defaultdict[tuple[str, int], list[Decimal]] = defaultdict(list)
    for baseline in leader_baselines(session, program_id=program_id):
        found[(baseline.metric_id, 0)].append(baseline.value)
    for value in values_in_months(session, program_id=program_id, months=months):
        found[(value.metric_id, value.month)].append(value.value)
    return dict(found)
