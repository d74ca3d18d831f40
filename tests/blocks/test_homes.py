"""The App Home builders without Slack: every role's part, the limits, escaping."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.blocks.homes import MAX_BLOCKS, SELF_PAUSE_OPEN, SELF_RESUME, build_home, home_text
from bot.blocks.homes.data import (
    BudgetPart,
    CoachPart,
    CoachSession,
    CostSoFar,
    DeviationLine,
    Home,
    LeaderPart,
    LoggedAnswer,
    ManagedLeader,
    ManagerPart,
    OwnerPart,
    PodHealth,
    ProgramHeading,
    RatingPoint,
    SurveyRate,
    ThreeSixtyStatus,
)
from bot.blocks.homes.owner import survey_rate_text
from bot.domain.cost import DEPARTURE_COST, DEPARTURE_COST_WHY, MoneyRange
from bot.domain.program_rules import ProgramState
from bot.flows.home import months_elapsed
from tests.support.blockkit import assert_valid_view

NOW = datetime(2027, 3, 17, 12, 0, tzinfo=UTC)
SECTION_MAX = 3000


def _heading(number: int = 1, *, name: str = "Pilot") -> ProgramHeading:
    return ProgramHeading(
        program_id=number,
        name=name,
        state=ProgramState.COMMITTED,
        kickoff=date(2027, 2, 1),
        months=6,
        checkpoints=(date(2027, 5, 3), date(2027, 8, 2)),
    )


def _leader(number: int = 1, *, paused: bool = False, answers: int = 3) -> LeaderPart:
    return LeaderPart(
        program=_heading(number),
        coach_id="U0COACH",
        pod_name="Alpha",
        next_one_on_one=NOW + timedelta(days=6),
        ratings=tuple(
            RatingPoint(occasion=date(2027, 2, 2) + timedelta(days=7 * i), what="1:1", score=4)
            for i in range(answers)
        ),
        answers=tuple(
            LoggedAnswer(
                occasion=date(2027, 2, 2) + timedelta(days=7 * i),
                decided=f"decision {i} <@U0BOSS> *loud* " + "x" * 600,
                say_no="meetings",
            )
            for i in range(answers)
        ),
        three_sixty=(ThreeSixtyStatus(occasion=date(2027, 4, 26), sent=False, answered=False),),
        paused=(date(2027, 3, 15), date(2027, 3, 26)) if paused else None,
    )


def _owner(number: int = 1, *, many: int = 3) -> OwnerPart:
    return OwnerPart(
        program=_heading(number),
        sprint=None,
        pods=tuple(
            PodHealth(pod_name=f"Pod {i}", held=3, not_held=1, skipped=0, not_logged=1)
            for i in range(many)
        ),
        surveys=(SurveyRate(occasion=date(2027, 1, 25), asked=9, answered=2),),
        next_checkpoint=date(2027, 5, 3),
        next_checkpoint_month=3,
        missing=tuple(f"Lead Time for <@U0L{i}>" for i in range(many)),
        deviations=tuple(
            DeviationLine(on=date(2027, 3, 1), field="dates", reason="<!channel> *moved*")
            for _ in range(many)
        ),
    )


def _budget(number: int = 1) -> BudgetPart:
    return BudgetPart(
        program=_heading(number),
        criteria=("Lead Time for Changes",),
        signoff_requested=date(2027, 1, 5),
        signed_off=None,
        self_approved=False,
        cost=CostSoFar(
            model_label="External coaching pod (group)",
            leaders=4,
            months=6,
            months_elapsed=1,
            planned=MoneyRange(low=Decimal(19200), high=Decimal(36000)),
            so_far=MoneyRange(low=Decimal(3200), high=Decimal(6000)),
            departure=DEPARTURE_COST,
            departure_why=DEPARTURE_COST_WHY,
            break_even="It pays for itself.",
        ),
    )


def _coach(number: int = 1, *, many: int = 3) -> CoachPart:
    return CoachPart(
        program=_heading(number),
        pods=(("Alpha", tuple(f"U0L{i}" for i in range(4))),),
        week=(date(2027, 3, 15), date(2027, 3, 21)),
        sessions=tuple(
            CoachSession(
                start=NOW + timedelta(hours=i),
                what="1:1",
                with_id=f"U0L{i}",
                pod_name=None,
                state="coming up",
            )
            for i in range(many)
        ),
        not_logged=tuple((f"U0L{i}", date(2027, 3, 9)) for i in range(many)),
        paused=(("U0L1", date(2027, 3, 15), date(2027, 3, 26)),),
    )


def _home(**parts: object) -> Home:
    return Home(user_id="U0ME", zone="Europe/Warsaw", now=NOW, **parts)  # type: ignore[arg-type]


def _check(view: dict[str, object]) -> None:
    assert_valid_view(view)
    blocks = view["blocks"]
    assert isinstance(blocks, list)
    assert len(blocks) <= MAX_BLOCKS
    for block in blocks:
        text = block.get("text", {}).get("text", "")
        assert len(text) <= SECTION_MAX


def test_a_leaders_own_text_is_escaped_and_clipped() -> None:
    view = build_home(_home(leader=(_leader(),)))
    _check(view)
    shown = home_text(view)
    assert "<@U0BOSS>" not in shown and "*loud*" not in shown
    assert "decision 2" in shown and "…" in shown


def test_the_pause_button_becomes_resume_while_paused() -> None:
    def buttons(view: dict[str, object]) -> list[tuple[str, str]]:
        return [
            (element["action_id"], element["value"])
            for block in view["blocks"]  # type: ignore[attr-defined]
            if block["type"] == "actions"
            for element in block["elements"]
        ]

    assert buttons(build_home(_home(leader=(_leader(7),)))) == [(SELF_PAUSE_OPEN, "7")]
    assert buttons(build_home(_home(leader=(_leader(7, paused=True),)))) == [(SELF_RESUME, "7")]
    later = replace(_leader(7), pause_planned=(date(2027, 4, 1), date(2027, 4, 9)))
    view = build_home(_home(leader=(later,)))
    assert buttons(view) == [(SELF_PAUSE_OPEN, "7")]
    assert "A pause is planned from Thu 1 Apr 2027 until Fri 9 Apr 2027" in home_text(view)
    # A closed program takes no pause: no button that would only be refused.
    closed = replace(_leader(7), program=replace(_heading(7), state=ProgramState.CLOSED))
    view = build_home(_home(leader=(closed,)))
    assert buttons(view) == []
    assert "This program is closed: no more sessions or prompts." in home_text(view)
    assert "Pause yourself" not in home_text(view)


def test_a_survey_round_below_the_threshold_shows_no_count() -> None:
    text = survey_rate_text(
        SurveyRate(occasion=date(2027, 1, 25), asked=9, answered=2), threshold=3
    )
    assert "fewer than 3 responses" in text and "2 of" not in text
    text = survey_rate_text(
        SurveyRate(occasion=date(2027, 1, 25), asked=9, answered=3), threshold=3
    )
    assert "3 of 9 people answered (33%)" in text


def test_a_deviation_reason_is_escaped() -> None:
    shown = home_text(build_home(_home(owner=(_owner(),))))
    assert "<!channel>" not in shown and "*moved*" not in shown


def test_the_budget_owners_pending_signoff_comes_first() -> None:
    shown = home_text(build_home(_home(budget=(_budget(),))))
    assert shown.index("Waiting for your sign-off") < shown.index("Cost")
    assert "$200,000–$400,000" in shown


def test_the_manager_is_told_what_the_360_is() -> None:
    part = ManagerPart(
        program=_heading(),
        leaders=(
            ManagedLeader(
                leader_id="U0L1",
                three_sixty=(
                    ThreeSixtyStatus(occasion=date(2027, 4, 26), sent=True, answered=False),
                ),
            ),
        ),
    )
    shown = home_text(build_home(_home(manager=(part,))))
    assert "Once a quarter" in shown
    assert "the 360 of Mon 26 Apr 2027 waits for your rating" in shown


@settings(max_examples=25, deadline=None)
@given(programs=st.integers(min_value=1, max_value=12), many=st.integers(min_value=0, max_value=60))
def test_any_number_of_programs_and_rows_fits_slacks_limits(programs: int, many: int) -> None:
    home = _home(
        owner=tuple(_owner(n, many=many) for n in range(programs)),
        budget=tuple(_budget(n) for n in range(programs)),
        coach=tuple(_coach(n, many=many) for n in range(programs)),
        leader=tuple(_leader(n, answers=many) for n in range(programs)),
        commands=tuple(f"`/emcoach c{i}` — something" for i in range(30)),
    )
    view = build_home(home)
    _check(view)
    parts = sum(1 for block in view["blocks"] if block["type"] == "header") - 1
    assert parts >= 1
    if parts < programs * 4:
        assert f"…and {programs * 4 - parts} more parts that don't fit here" in home_text(view)
    else:
        assert "more parts" not in home_text(view)


def test_months_elapsed_counts_whole_months_of_execution() -> None:
    kickoff = date(2027, 1, 31)
    assert months_elapsed(None, date(2027, 5, 1), 6) == 0
    assert months_elapsed(kickoff, date(2027, 1, 1), 6) == 0
    assert months_elapsed(kickoff, date(2027, 2, 27), 6) == 0
    assert months_elapsed(kickoff, date(2027, 2, 28), 6) == 1  # clamped to February's end
    assert months_elapsed(kickoff, date(2028, 1, 1), 6) == 6


def test_a_closed_programs_coach_is_asked_for_nothing_more() -> None:
    running = home_text(build_home(_home(coach=(_coach(3),))))
    assert "Not logged yet" in running and "On pause" in running
    closed = replace(_coach(3), program=replace(_heading(3), state=ProgramState.CLOSED))
    shown = home_text(build_home(_home(coach=(closed,))))
    assert "Your pods" in shown
    assert "Not logged yet" not in shown and "held or not?" not in shown
    assert "On pause" not in shown
