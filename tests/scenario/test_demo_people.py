"""`emcoach demo`'s people: the sample company answers its prompts over signed HTTP, and the
six months end in checkpoint posts with real numbers — without anyone's survey answer being
traceable to them, and without a prompt going out twice."""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import select

from bot.blocks.metrics import METRICS_FORM
from bot.domain.cadence import AgendaKind, AgendaState
from bot.domain.metrics import MetricId
from bot.domain.timeline import Timeline
from bot.engine.dispatch import PROMPT_EVENT
from bot.sim.demo.company import SAMPLE_COMPANY, Company, Measurement, Tendency
from bot.sim.demo.people import (
    Deed,
    Habits,
    People,
    Scores,
    describe_month,
    measurement_answers,
    survey_deck,
)
from bot.sim.demo.simulate import run_program
from bot.sim.demo.sprint import WalkError, walk_setup_sprint
from bot.sim.standin import SlackStandIn
from storage.db import session_scope
from storage.models import Adjustment, AgendaRow, Program, SurveyAnswer
from tests.support.live import TEAM_ID, LiveApp

COMPANY: Company = SAMPLE_COMPANY
_NOW = re.compile(r"Now: (?:_missing_|fewer than|(\d[\d.]*))")


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    """The stand-in holds the sample company instead of the scenarios' usual six people."""
    with SlackStandIn(team_id=TEAM_ID) as standin:
        COMPANY.install(standin)
        yield standin


def _posted_prompts(live: LiveApp) -> list[int]:
    """The agenda id of every prompt Slack accepted, from the metadata it was posted with."""
    return [
        call.args["metadata"]["event_payload"]["agenda_id"]
        for call in live.slack.calls_to("chat.postMessage")
        if call.error is None
        and (call.args.get("metadata") or {}).get("event_type") == PROMPT_EVENT
    ]


def _post_text(live: LiveApp, row: AgendaRow) -> str:
    message = next(m for m in live.slack.messages(row.channel_id) if m["ts"] == row.ts)
    return "\n".join(block["text"]["text"] for block in message["blocks"] if "text" in block)


@pytest.mark.slow  # six simulated months over HTTP
def test_the_company_answers_and_month_6_is_published_with_numbers(live: LiveApp) -> None:
    program_id = walk_setup_sprint(live, COMPANY)
    people = People(live, COMPANY, program_id=program_id)
    simulation = run_program(live, program_id, people=people)

    did = Counter[Deed]()
    for month in simulation.months:
        did.update(month.did)
    assert did[Deed.ANSWERED_SURVEY] and did[Deed.ANSWERED_AFTER_REMINDER]
    assert did[Deed.LOGGED_HELD] > did[Deed.LOGGED_NOT_HELD] > 0
    assert did[Deed.RATED_ONE_ON_ONE] and did[Deed.RATED_POD] and did[Deed.ANSWERED_360]
    assert did[Deed.ENTERED_VALUES] == 2
    assert simulation.missed == simulation.failed == 0

    # Both checkpoint posts went out; month 6 has a number for every criterion.
    midpoint, final = simulation.published
    month_6 = _post_text(live, final)
    nows = _NOW.findall(month_6)
    assert len(nows) == len(COMPANY.criteria)
    assert all(nows), month_6
    assert "no data" not in month_6
    assert "within the expected range" in month_6
    assert "short of the expected range" in month_6  # the honest miss
    # Month 3 went out with Jack's numbers missing: three leaders measured, not four.
    assert "mean of 3 leaders' own changes" in _post_text(live, midpoint)

    with session_scope(live.services.engine) as session:
        program = session.get(Program, program_id)
        assert program is not None and program.kickoff_date is not None
        answers = list(session.exec(select(SurveyAnswer)))
        sent = list(session.exec(select(AgendaRow).where(AgendaRow.state == AgendaState.SENT)))
        adjustments = list(session.exec(select(Adjustment)))
    timeline = Timeline(kickoff=program.kickoff_date, months=program.months)

    # No survey answer row says who gave it: only the leader, the round and the score.
    reports = {person.id for team in COMPANY.teams for person in team.reports}
    assert answers
    for answer in answers:
        assert not reports & {str(value) for value in answer.model_dump().values()}
    rounds = Counter(answer.occasion for answer in answers)
    assert set(rounds) == {timeline.kickoff, timeline.midpoint, timeline.evaluation}
    assert all(count < len(reports) for count in rounds.values())  # a few never answer

    # Every prompt went out exactly once, reminders included; each results post's chart is
    # uploaded once, into its thread.
    posted = _posted_prompts(live)
    assert len(posted) == len(set(posted))
    charts = [row for row in sent if row.kind == AgendaKind.CHECKPOINT_CHART]
    assert Counter(posted) == Counter(row.id for row in sent if row not in charts)
    published = {row.ts for row in sent if row.kind == AgendaKind.CHECKPOINT_PUBLISH}
    assert len(charts) == len(published) == 2
    assert sorted(shared.thread_ts or "" for shared in live.slack.files()) == sorted(published)
    assert any(row.kind == AgendaKind.SURVEY_REMINDER for row in sent)

    assert [row.decision for row in adjustments] == ["continue"]


# --- the behaviour's parts, without the app ---------------------------------------------------


@given(
    means=st.lists(st.floats(min_value=1, max_value=5), min_size=1, max_size=60),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_scores_stay_on_the_scale_and_their_sum_keeps_to_the_means(
    means: list[float], seed: int
) -> None:
    scores = Scores(random.Random(seed))
    drawn = [scores.draw("survey", mean) for mean in means]
    assert all(1 <= score <= 5 for score in drawn)
    # Error diffusion: the running difference never exceeds one answer's rounding and noise.
    assert abs(sum(drawn) - sum(means)) <= 0.5 + Scores.SPREAD + 1e-9


def test_scores_scatter_around_a_fractional_mean() -> None:
    scores = Scores(random.Random(7))
    drawn = [scores.draw("survey", 3.6) for _ in range(200)]
    assert {3, 4} <= set(drawn)
    assert sum(drawn) / len(drawn) == pytest.approx(3.6, abs=0.01)


@given(size=st.integers(min_value=0, max_value=40), seed=st.integers(min_value=0, max_value=99))
def test_a_survey_deck_deals_one_plan_per_report(size: int, seed: int) -> None:
    habits = Habits()
    deck = survey_deck(random.Random(seed), habits=habits, size=size)
    assert len(deck) == size
    assert set(deck) <= {0, 1, 2, None}
    assert deck.count(0) == min(round(habits.survey_at_once * size), size)


def test_the_sample_company_has_a_few_late_and_a_few_silent_reports() -> None:
    size = sum(len(team.reports) for team in COMPANY.teams)
    deck = survey_deck(random.Random(2027), habits=Habits(), size=size)
    assert deck.count(0) > size / 2
    assert deck.count(1) + deck.count(2) >= 2
    assert deck.count(None) >= 1


def test_tendency_moves_in_a_straight_line_and_stops_at_the_ends() -> None:
    tendency = Tendency(start=3.2, end=4.0)
    assert tendency.at(0) == 3.2
    assert tendency.at(0.5) == pytest.approx(3.6)
    assert tendency.at(1) == tendency.at(2) == 4.0
    assert tendency.at(-1) == 3.2


def _value_modal(*block_ids: str) -> dict[str, object]:
    return {
        "callback_id": "metrics_leader_modal",
        "blocks": [
            {"type": "input", "block_id": block_id, "element": {"type": "number_input"}}
            for block_id in block_ids
        ],
    }


def test_measurement_answers_fill_each_input_of_the_value_modal() -> None:
    lead_time = METRICS_FORM.value_prefix + MetricId.LEAD_TIME.value
    view = _value_modal(
        lead_time, METRICS_FORM.retention_start, METRICS_FORM.retention_leavers, METRICS_FORM.source
    )
    measurement = Measurement(values={MetricId.LEAD_TIME: "36"}, reports_a_year_ago=4, leavers=1)
    assert measurement_answers(view, measurement, form=METRICS_FORM, source="HR") == {
        lead_time: "36",
        METRICS_FORM.retention_start: "4",
        METRICS_FORM.retention_leavers: "1",
        METRICS_FORM.source: "HR",
    }


def test_measurement_answers_refuse_an_input_the_demo_has_no_value_for() -> None:
    view = _value_modal(METRICS_FORM.value_prefix + MetricId.DEPLOY_FREQUENCY.value)
    measurement = Measurement(values={MetricId.LEAD_TIME: "36"}, reports_a_year_ago=4, leavers=1)
    with pytest.raises(WalkError, match="deploy_frequency"):
        measurement_answers(view, measurement, form=METRICS_FORM, source="HR")


def test_a_month_is_told_in_one_line_and_a_quiet_month_not_at_all() -> None:
    did = Counter(
        {
            Deed.LOGGED_HELD: 14,
            Deed.LOGGED_NOT_HELD: 2,
            Deed.RATED_ONE_ON_ONE: 12,
            Deed.ANSWERED_SURVEY: 9,
            Deed.ANSWERED_AFTER_REMINDER: 3,
        }
    )
    assert describe_month(did, coach="Cora") == (
        "Cora logged 16 1:1s (14 held, 2 not held); leaders rated 12 1:1s; "
        "12 anonymous survey answers (3 only after a reminder)"
    )
    assert describe_month(Counter(), coach="Cora") is None
