"""Issue #10 items 1, 2, 4 and 6 over signed HTTP: the pre-commitment prints each criterion's
locked baseline (pooled, with n), its instrument and rule; the month-3 and month-6 posts print
exactly those baselines even with a leader missing; month 3 reads by direction only; every
change comes with its n and spread, and two leaders are too few to read as a trend.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from functools import cache
from typing import Any

from sqlmodel import col, select

from bot.domain.cadence import AgendaKind
from bot.sim.demo.harness import LiveApp
from bot.sim.standin import StandInUser
from storage.db import session_scope
from storage.models import (
    AgendaRow,
    Baseline,
    CheckpointValue,
    Leader,
    LockedBaseline,
    Rating,
)
from tests.support.engine import deliver_at as _deliver
from tests.support.programs import LeaderSpec, PodSpec, make_program
from tests.support.public_posts import CHANNEL, OWNER, confirm
from tests.support.worlds import simulated_world

LEADERS = ("U0LEAD1", "U0LEAD2", "U0LEAD3")
PEOPLE = [
    StandInUser(id=OWNER, name="olga", real_name="Olga Owner", tz="Europe/Warsaw"),
    StandInUser(id="U0CFO", name="carl", real_name="Carl CFO", tz="America/New_York"),
    StandInUser(id="U0COACH", name="cora", real_name="Cora Coach", tz="Europe/London"),
    StandInUser(id="U0MGR", name="max", real_name="Max Manager", tz="Europe/Warsaw"),
    *(
        StandInUser(id=user, name=user.lower(), real_name=user, tz="Europe/Warsaw")
        for user in LEADERS
    ),
]
LEAD_TIME_BASELINES = {"U0LEAD1": "30", "U0LEAD2": "52", "U0LEAD3": "75"}  # pooled: 52.33
# Month 3 has no value for LEAD3, month 6 none for LEAD2: a recomputed pool would move.
VALUES = {
    3: {"U0LEAD1": ("24", "50"), "U0LEAD2": ("39", "45")},
    6: {"U0LEAD1": ("18", "55"), "U0LEAD3": ("80", "35")},
}
_BASELINE = re.compile(r"(\d+(?:\.\d+)?) h, pooled over (\d+) leaders")


@contextmanager
def world() -> Iterator[LiveApp]:
    with simulated_world(PEOPLE) as live:
        yield live


def _ready(live: LiveApp) -> int:
    program_id = make_program(
        live.services.engine,
        criteria=("lead_time", "report_retention"),
        signed_off=True,
        pods=(PodSpec(leaders=[LeaderSpec(user) for user in LEADERS]),),
        baselines=True,
    )
    with session_scope(live.services.engine) as session:
        leaders = {row.id: row.user_id for row in session.exec(select(Leader))}
        for row in session.exec(select(Baseline).where(Baseline.metric_id == "lead_time")):
            assert row.leader_id is not None
            row.value = Decimal(LEAD_TIME_BASELINES[leaders[row.leader_id]])
            session.add(row)
    return program_id


def _enter(live: LiveApp, program_id: int, month: int) -> None:
    with session_scope(live.services.engine) as session:
        leaders = {row.user_id: row.id for row in session.exec(select(Leader))}
        for user, (lead_time, retention) in VALUES[month].items():
            leader_id = leaders[user]
            assert leader_id is not None
            for metric_id, value in (("lead_time", lead_time), ("report_retention", retention)):
                session.add(
                    CheckpointValue(
                        program_id=program_id,
                        metric_id=metric_id,
                        leader_id=leader_id,
                        month=month,
                        value=Decimal(value),
                        source="test",
                        recorded_by=OWNER,
                        recorded_at=live.clock.now(),
                    )
                )


def _publish_rows(live: LiveApp, program_id: int) -> list[AgendaRow]:
    with session_scope(live.services.engine) as session:
        return list(
            session.exec(
                select(AgendaRow)
                .where(
                    AgendaRow.program_id == program_id,
                    AgendaRow.kind == AgendaKind.CHECKPOINT_PUBLISH.value,
                )
                .order_by(col(AgendaRow.occasion))
            )
        )


def _text(post: dict[str, Any]) -> str:
    return "\n".join(
        str(block["text"]["text"])
        for block in post.get("blocks") or []
        if isinstance(block.get("text"), dict)
    )


def _lead_time(post: dict[str, Any]) -> str:
    (section,) = [
        str(block["text"]["text"])
        for block in post["blocks"]
        if isinstance(block.get("text"), dict)
        and "Lead Time" in block["text"]["text"]
        and "1." in block["text"]["text"][:5]
    ]
    return section


def _run(live: LiveApp) -> tuple[str, str, str]:
    program_id = _ready(live)
    assert "Posted the pre-commitment" in confirm(live, program_id)
    midpoint, final = _publish_rows(live, program_id)
    _enter(live, program_id, 3)
    _deliver(live, midpoint.due_at)
    _enter(live, program_id, 6)
    _deliver(live, final.due_at)
    posts = [post for post in live.slack.messages(CHANNEL) if not post.get("thread_ts")]
    pre, month_3, month_6 = posts
    assert pre["text"].startswith("Pre-commitment")
    assert "Month-3" in month_3["text"] and "Month-6" in month_6["text"]
    return _lead_time(pre), _lead_time(month_3), _lead_time(month_6)


@cache
def _three_posts() -> tuple[tuple[str, str, str], LockedBaseline]:
    """The run both tests below read (once per test process): Lead Time's section of each of
    the three posts, and Lead Time's locked baseline."""
    with world() as live:
        posts = _run(live)
        with session_scope(live.services.engine) as session:
            locked = {row.metric_id: row for row in session.exec(select(LockedBaseline))}
    return posts, locked["lead_time"]


def test_the_three_posts_print_the_locked_baseline_however_many_leaders_report() -> None:
    (pre, month_3, month_6), lead_time = _three_posts()
    assert lead_time.figure == Decimal("52.3333")
    assert lead_time.n == 3
    baselines = [_BASELINE.findall(text) for text in (pre, month_3, month_6)]
    assert baselines == [[("52.33", "3")]] * 3, (pre, month_3, month_6)
    assert "_Instrument:_ values the owner enters for each leader" in pre
    assert "mean over leaders of each leader's own change" in pre
    assert "−25% to −40%" in pre


def test_month_3_reads_by_direction_with_n_spread_and_the_missing_leader_named() -> None:
    (_, month_3, month_6), _ = _three_posts()
    # LEAD1 30 → 24 (−20%), LEAD2 52 → 39 (−25%): mean −22.5%, LEAD3 named as missing.
    assert "Change: −22.5%" in month_3
    assert "mean of 2 leaders' own changes, from −25% to −20%" in month_3
    assert "too few to read as a trend" in month_3
    assert "<@U0LEAD3>" in month_3
    assert "Is it working? *moving the expected way*" in month_3
    assert "applies at month 6, not now" in month_3
    assert "short of" not in month_3 and "within the expected" not in month_3
    # Month 6: LEAD1 30 → 18 (−40%), LEAD3 75 → 80 (+6.7%): mean −16.7%, short of the range.
    assert "Change: −16.7%" in month_6
    assert "from −40% to +6.7%" in month_6
    assert "Verdict: *improved, but short of the expected range*" in month_6
    assert "<@U0LEAD2>" in month_6


def test_the_locked_record_is_a_reply_in_the_pre_commitments_thread() -> None:
    with world() as live:
        program_id = _ready(live)
        assert "Posted the pre-commitment" in confirm(live, program_id)
        messages = live.slack.messages(CHANNEL)
    (post,) = [message for message in messages if not message.get("thread_ts")]
    (record,) = [message for message in messages if message.get("thread_ts")]
    assert record["thread_ts"] == post["ts"]
    text = _text(record)
    assert '"baseline":"52.3333","baseline_n":3' in text
    assert '"instrument":"leader_values"' in text
    assert "python3 -c" in text and "record.txt" in text
    assert "the locked record" in json.dumps(post["blocks"], ensure_ascii=False)


def _rate(live: LiveApp, program_id: int, kind: AgendaKind, scores: dict[str, int]) -> None:
    """Ratings as the answer modals store them, on the first sent-to-be rows of ``kind``:
    ``scores`` maps the rater to their score."""
    with session_scope(live.services.engine) as session:
        rows = list(
            session.exec(
                select(AgendaRow)
                .where(AgendaRow.program_id == program_id, AgendaRow.kind == kind.value)
                .order_by(col(AgendaRow.due_at))
            )
        )
        for rater, score in scores.items():
            row = next(row for row in rows if row.recipient == rater)
            assert row.id is not None
            session.add(
                Rating(
                    agenda_id=row.id,
                    program_id=program_id,
                    rater_id=rater,
                    about_id=row.about,
                    score=score,
                    rated_at=live.clock.now(),
                )
            )


def test_the_checkpoint_reports_what_else_was_collected_pooled_never_one_persons() -> None:
    with world() as live:
        program_id = _ready(live)
        assert "Posted the pre-commitment" in confirm(live, program_id)
        midpoint, _ = _publish_rows(live, program_id)
        # Two leaders rated their own self-efficacy (too few to show); three 1:1 ratings.
        _rate(live, program_id, AgendaKind.THREE_SIXTY, {"U0LEAD1": 2, "U0LEAD2": 5})
        _rate(live, program_id, AgendaKind.ONE_ON_ONE_POST, dict.fromkeys(LEADERS, 4))
        _enter(live, program_id, 3)
        _deliver(live, midpoint.due_at)
        (month_3,) = [m for m in live.slack.messages(CHANNEL) if "Month-3" in m["text"]]
    shown = _text(month_3)
    assert "*Tracked besides*" in shown
    assert "self-efficacy" in shown and "fewer than 3 ratings — not shown" in shown
    assert "1:1s 4 of 5, from 3 ratings" in shown
    assert "2 of 5" not in shown and "5 of 5" not in shown and "3.5 of 5" not in shown
