"""The results wording (issue #10): locked baselines with n, month 3 by direction, the n and
spread of every change, "Tracked besides" pooled, and the coach digest's answers escaped."""

from __future__ import annotations

import re
from decimal import Decimal

from bot.blocks.commit import locked_baseline_text
from bot.blocks.prompts.checkpoint import criterion_block_text, tracked_text
from bot.blocks.prompts.data import LeaderWeek, TrackedBesides, analysed_result
from bot.blocks.prompts.digest import leader_line
from bot.domain.analysis import (
    Instrument,
    LockedFigure,
    Pooled,
    Stage,
    leader_change,
    survey_change,
)
from bot.domain.metrics import CATALOG

D = Decimal
LEAD = CATALOG["lead_time"]
QUALITY = CATALOG["one_on_one_quality"]
LOCKED_LEAD = LockedFigure("lead_time", D("52.3333"), 3, Instrument.LEADER_VALUES)


def _lead(stage: Stage, values: dict[str, Decimal]) -> str:
    result = analysed_result(
        LEAD,
        locked=LOCKED_LEAD,
        now=None if not values else sum(values.values(), D(0)) / len(values),
        now_n=len(values),
        measured=leader_change(
            LEAD,
            baselines={"U1": D(30), "U2": D(52), "U3": D(75)},
            values=values,
            leaders=["U1", "U2", "U3"],
        ),
        stage=stage,
    )
    return criterion_block_text(result, number=1, threshold=3)


def test_locked_baselines_read_with_their_n() -> None:
    assert locked_baseline_text(LOCKED_LEAD, threshold=3) == "52.33 h, pooled over 3 leaders"
    survey = LockedFigure("one_on_one_quality", D("3.2300"), 13, Instrument.EMCOACH_SURVEY)
    assert locked_baseline_text(survey, threshold=3) == "3.23/5, from 13 people"
    waiting = LockedFigure("one_on_one_quality", None, 2, Instrument.EMCOACH_SURVEY)
    text = locked_baseline_text(waiting, threshold=3)
    assert "2 so far" in text and "never shown from fewer than 3" in text


def test_month_3_reads_a_direction_and_points_to_month_6_for_the_range() -> None:
    text = _lead(Stage.INTERIM, {"U1": D(24), "U2": D(39), "U3": D(60)})
    assert "Is it working? *moving the expected way*" in text
    assert "mean of 3 leaders' own changes, from −25% to −20%" in text
    assert "too few" not in text
    assert "applies at month 6, not now" in text
    assert "Verdict" not in text and "short of" not in text


def test_month_6_is_judged_and_too_few_leaders_say_so() -> None:
    text = _lead(Stage.EVALUATION, {"U1": D(18), "U3": D(80)})
    assert "Verdict: *improved, but short of the expected range*" in text
    assert "from −40% to +6.7%" in text
    assert "too few to read as a trend" in text
    assert "Left out of the change (no value to compare): <@U2>" in text


def test_no_data_is_said_as_such() -> None:
    text = _lead(Stage.INTERIM, {})
    assert "*no data*" in text and "Change: —" in text


def test_a_survey_below_the_threshold_shows_no_number() -> None:
    result = analysed_result(
        QUALITY,
        locked=LockedFigure("one_on_one_quality", None, 2, Instrument.EMCOACH_SURVEY),
        now=None,
        now_n=2,
        measured=survey_change(QUALITY, baseline=None, now=None, people=2),
        stage=Stage.EVALUATION,
    )
    text = criterion_block_text(result, number=3, threshold=3)
    assert "fewer than 3 responses" in text
    assert not re.search(r"\d\.\d", text.replace("+0.5 to +1.0", ""))


def test_tracked_besides_pools_and_hides_small_groups() -> None:
    text = tracked_text(
        TrackedBesides(
            self_efficacy=Pooled(mean=None, n=2),
            manager_rating=Pooled(mean=D("3.33"), n=3),
            coach_rating=Pooled(mean=None, n=0),
            one_on_one_rating=Pooled(mean=D("3.6"), n=43),
            pod_rating=Pooled(mean=D("3.45"), n=11),
            held=48,
            not_held=3,
            not_logged=1,
            skipped=2,
            threshold=3,
        )
    )
    assert "self-efficacy" in text and "fewer than 3 ratings — not shown" in text
    assert "3.33 of 5, from 3 ratings" in text
    assert "no ratings yet" in text
    assert "48 held, 3 not held, 2 skipped (leader on pause), 1 not logged" in text
    assert "1:1s 3.6 of 5, from 43 ratings; pod sessions 3.45 of 5, from 11 ratings" in text


def test_the_digest_shows_ratings_and_escaped_answers() -> None:
    line = leader_line(
        LeaderWeek(
            leader_id="U0LEAD1",
            held=1,
            one_on_one_rating=4,
            pod_rating=None,
            decided=("<!here> ship *it*",),
            say_no=("x" * 400,),
        )
    )
    assert "Latest ratings (“was useful”): 1:1 4/5" in line and "pod" not in line
    assert "<!here>" not in line and "&lt;!here&gt;" in line
    assert len(line) < 1000
