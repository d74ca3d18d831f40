"""Issue #10 item 3 over signed HTTP: one instrument per criterion, chosen with the criteria.

The owner chooses 1:1 quality's instrument in the criteria modal; it is part of the frozen,
hashed definitions the budget owner signs off, so changing it clears the sign-off, and after
commit it changes only through a deviation whose follow-up says old → new. The baseline step
follows the choice: on emcoach's survey it sends the baseline round (no second choice), and
commit refuses while fewer people than the anonymity threshold have answered, saying how many
answers are still needed (showing no number); on the company's own survey the owner enters
each pod's result, at baseline and again at month 3 and month 6 with /emcoach metrics, and
the posts show the change within that survey, with n, and a missing pod as missing."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlmodel import select

import handlers
from bot.blocks.answers import ANSWERS_SCORE, ANSWERS_VIEW
from bot.blocks.baseline import BASELINE_SURVEY, SURVEY_SOURCE, SURVEY_VALUE
from bot.blocks.commit import COMMIT_CONFIRM
from bot.blocks.criteria import CRITERIA_APPROVE, CRITERIA_INSTRUMENT
from bot.blocks.metrics import METRICS_POD, METRICS_POD_SOURCE, METRICS_POD_VALUE
from bot.blocks.prompts.actions import PROMPT_ANSWER_SURVEY
from bot.domain.cadence import AgendaKind, AgendaState
from bot.domain.metrics import Instrument
from bot.sim.standin import SlackStandIn, StandInUser
from handlers import answers
from storage.db import session_scope
from storage.models import AgendaRow, Baseline, Criterion, LockedBaseline, Pod, Program, SurveyRound
from tests.support.engine import deliver_at as _deliver
from tests.support.live import TEAM_ID, LiveApp
from tests.support.programs import LeaderSpec, PodSpec, make_program
from tests.support.public_posts import confirm
from tests.support.sprint import submit_criteria

OWNER, CFO, CHANNEL = "U0OWNER", "U0CFO", "C0ENG"
PAIR = ("lead_time", "one_on_one_quality")
REPORTS = ("U0REP1", "U0REP2", "U0REP3", "U0REP4")
PEOPLE = [
    StandInUser(id=OWNER, name="olga", real_name="Olga Owner", tz="Europe/Warsaw"),
    StandInUser(id="U0CFO", name="carl", real_name="Carl CFO", tz="America/New_York"),
    StandInUser(id="U0COACH", name="cora", real_name="Cora Coach", tz="Europe/London"),
    StandInUser(id="U0MGR", name="max", real_name="Max Manager", tz="Europe/Warsaw"),
    StandInUser(id="U0LEAD1", name="lena", real_name="Lena Lead", tz="Europe/Warsaw"),
    StandInUser(id="U0LEAD2", name="leo", real_name="Leo Lead", tz="Europe/Warsaw"),
    *(
        StandInUser(id=user, name=user.lower(), real_name=user, tz="Europe/Warsaw")
        for user in REPORTS
    ),
]
# The two answers' mean (5 and 4): shown nowhere while fewer than 3 people have answered.
_MEAN = re.compile(r"\b4\.50?\b")


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    with SlackStandIn(team_id=TEAM_ID, users=PEOPLE) as standin:
        yield standin


def _ready(live: LiveApp) -> int:
    if answers not in handlers.FLOWS:
        answers.register(live.app, live.services, live.router)
    return make_program(
        live.services.engine,
        criteria=("lead_time", "one_on_one_quality"),
        signed_off=True,
        baselines=True,
        pods=(
            PodSpec(
                leaders=[
                    LeaderSpec("U0LEAD1", reports=REPORTS[:2]),
                    LeaderSpec("U0LEAD2", reports=REPORTS[2:]),
                ]
            ),
        ),
    )


def _send_emcoach_round(live: LiveApp) -> dict[str, Any]:
    """The pod's 1:1-quality button in /emcoach baseline, on emcoach's survey: a modal that
    sends the baseline round, with no choice of instrument left to make."""
    with session_scope(live.services.engine) as session:
        pod_id = session.exec(select(Pod.id)).one()
    before = len(live.slack.calls_to("views.open"))
    live.sender.block_action(
        user_id=OWNER,
        action_id=BASELINE_SURVEY,
        value=json.dumps({"pod": pod_id, "metric": "one_on_one_quality"}),
    )
    live.slack.wait_for(lambda: len(live.slack.calls_to("views.open")) > before)
    view = live.slack.calls_to("views.open")[-1].args["view"]
    shown = json.dumps(view, ensure_ascii=False)
    assert "isn't available" not in shown
    assert "radio_buttons" not in shown, "the instrument was chosen with the criteria"
    assert view["submit"]["text"] == "Send the survey"
    result = live.sender.view_submission(
        user_id=OWNER,
        callback_id=view["callback_id"],
        values={},
        private_metadata=view["private_metadata"],
    )
    assert result.status == 200
    answer: dict[str, Any] = result.json()
    return answer


def _surveys(live: LiveApp) -> dict[str, AgendaRow]:
    with session_scope(live.services.engine) as session:
        rows = session.exec(select(AgendaRow).where(AgendaRow.kind == AgendaKind.SURVEY.value))
        return {row.recipient: row for row in rows}


def _answer(live: LiveApp, row: AgendaRow, score: int) -> dict[str, Any]:
    (message,) = [m for m in live.slack.messages(row.recipient) if m["ts"] == row.ts]
    count = len(live.slack.calls_to("views.open")) + 1
    live.sender.block_action(
        user_id=row.recipient,
        action_id=PROMPT_ANSWER_SURVEY,
        value=str(row.id),
        container={"type": "message", "message_ts": row.ts, "channel_id": message["channel"]},
        channel={"id": message["channel"]},
        message={"ts": row.ts, "text": message["text"]},
    )
    live.slack.wait_for(lambda: len(live.slack.calls_to("views.open")) >= count)
    view = live.slack.calls_to("views.open")[count - 1].args["view"]
    result = live.sender.view_submission(
        user_id=row.recipient,
        callback_id=ANSWERS_VIEW,
        values={
            ANSWERS_SCORE: {
                ANSWERS_SCORE: {"type": "radio_buttons", "selected_option": {"value": str(score)}}
            }
        },
        private_metadata=view["private_metadata"],
    )
    assert result.status == 200
    body: dict[str, Any] = result.json() if result.body else {}
    return body


def _say(live: LiveApp, text: str) -> str:
    before = len(live.slack.responses())
    assert live.sender.command(text, user_id=OWNER).status == 200
    live.slack.wait_for(lambda: len(live.slack.responses()) > before)
    shown = live.slack.responses()[-1]
    return f"{shown['text']}\n{json.dumps(shown.get('blocks', []), ensure_ascii=False)}"


def test_emcoachs_baseline_round_goes_out_before_commit_and_gates_it(live: LiveApp) -> None:
    program_id = _ready(live)
    told = json.dumps(_send_emcoach_round(live)["view"], ensure_ascii=False)
    assert "Sending it now to 4 direct report(s)" in told
    with session_scope(live.services.engine) as session:
        criterion = session.exec(
            select(Criterion).where(Criterion.metric_id == "one_on_one_quality")
        ).one()
    assert criterion.instrument == "emcoach_survey"
    _deliver(live)
    surveys = _surveys(live)
    assert set(surveys) == set(REPORTS)
    assert all(row.state is AgendaState.SENT for row in surveys.values())

    _answer(live, surveys["U0REP1"], 5)
    _answer(live, surveys["U0REP3"], 4)
    refused = _say(live, "commit")
    assert "1 more answer to emcoach's baseline survey (2 of the 3 people needed" in refused
    assert not _MEAN.search(refused), "no figure from fewer than 3 people"
    assert not _MEAN.search(_say(live, "status"))
    overview = _say(live, "baseline")
    assert "emcoach's baseline survey (program-wide): 2 people have answered" in overview
    assert not _MEAN.search(overview)

    _answer(live, surveys["U0REP4"], 4)
    assert "Preview" in _say(live, "commit")
    live.sender.block_action(user_id=OWNER, action_id=COMMIT_CONFIRM, value=str(program_id))
    live.slack.wait_for(
        lambda: any(m["text"].startswith("Pre-commitment") for m in live.slack.messages(CHANNEL))
    )
    (post,) = [m for m in live.slack.messages(CHANNEL) if m["text"].startswith("Pre-commitment")]
    shown = json.dumps(post["blocks"], ensure_ascii=False)
    assert "_Locked baseline:_ 4.33/5, from 3 people" in shown
    assert "_Instrument:_ emcoach's anonymous survey" in shown
    with session_scope(live.services.engine) as session:
        (locked,) = session.exec(
            select(LockedBaseline).where(LockedBaseline.metric_id == "one_on_one_quality")
        )
    assert (str(locked.figure), locked.n, locked.instrument) == ("4.3300", 3, "emcoach_survey")
    # The round closed at commit, counting the people the locked figure counts.
    with session_scope(live.services.engine) as session:
        (closed,) = session.exec(select(SurveyRound))
    assert closed.closed_at is not None and closed.respondents == 3


# --- chosen with the criteria, hashed, signed off ----------------------------------------------


def _definitions(live: LiveApp, program_id: int) -> list[dict[str, Any]]:
    with session_scope(live.services.engine) as session:
        rows = session.exec(
            select(Criterion).where(Criterion.program_id == program_id).order_by(Criterion.id)
        )
        return [item for row in rows for item in json.loads(row.definition_json)]


def _program(live: LiveApp, program_id: int) -> Program:
    with session_scope(live.services.engine) as session:
        program = session.get(Program, program_id)
        assert program is not None
        return program


def _picker(live: LiveApp) -> dict[str, Any]:
    before = len(live.slack.calls_to("views.open"))
    assert live.sender.command("criteria", user_id=OWNER).status == 200
    live.slack.wait_for(lambda: len(live.slack.calls_to("views.open")) > before)
    view: dict[str, Any] = live.slack.calls_to("views.open")[-1].args["view"]
    return view


def _requests(live: LiveApp) -> list[dict[str, Any]]:
    return [m for m in live.slack.messages(CFO) if "Sign-off" in json.dumps(m["blocks"])]


def test_the_instrument_is_chosen_with_the_criteria_hashed_and_signed_off(live: LiveApp) -> None:
    program_id = make_program(live.services.engine)
    view = _picker(live)
    (choice,) = [b for b in view["blocks"] if b.get("block_id") == CRITERIA_INSTRUMENT]
    assert [o["value"] for o in choice["element"]["options"]] == [
        "emcoach_survey",
        "company_survey",
    ]
    assert "initial_option" not in choice["element"], "the owner chooses; nothing preselected"

    refused = submit_criteria(live, program_id, PAIR, instrument=None)
    assert "Choose where 1:1 Quality comes from" in refused["errors"][CRITERIA_INSTRUMENT]
    assert _definitions(live, program_id) == []

    submit_criteria(live, program_id, PAIR, instrument="company_survey")
    definitions = {item["id"]: item for item in _definitions(live, program_id)}
    quality = definitions["one_on_one_quality"]
    assert quality["instrument"] == "company_survey"
    assert "company's own engineering survey" in quality["data_source"]
    assert definitions["lead_time"]["instrument"] == "leader_values"
    # The hash the budget owner signs off covers the instrument: recomputed independently.
    canonical = json.dumps(
        sorted(definitions.values(), key=lambda item: item["id"]),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    company_hash = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    assert _program(live, program_id).criteria_hash == company_hash
    live.slack.wait_for(lambda: len(_requests(live)) == 1)
    request = json.dumps(_requests(live)[0]["blocks"], ensure_ascii=False)
    assert "company's own engineering survey" in request and company_hash in request

    approve = next(
        element
        for block in _requests(live)[0]["blocks"]
        for element in block.get("elements", [])
        if element.get("action_id") == CRITERIA_APPROVE
    )
    message = _requests(live)[0]
    live.sender.block_action(
        user_id=CFO,
        action_id=CRITERIA_APPROVE,
        value=approve["value"],
        container={
            "type": "message",
            "message_ts": message["ts"],
            "channel_id": message["channel"],
        },
        channel={"id": message["channel"]},
        message={"ts": message["ts"], "text": message["text"]},
    )
    live.slack.wait_for(lambda: _program(live, program_id).signed_off_by == CFO)
    reopened = _picker(live)
    (choice,) = [b for b in reopened["blocks"] if b.get("block_id") == CRITERIA_INSTRUMENT]
    assert choice["element"]["initial_option"]["value"] == "company_survey"

    # The same criteria on the other instrument are other criteria: the sign-off is cleared
    # and a new request goes out, with a different hash.
    answer = submit_criteria(live, program_id, PAIR, instrument="emcoach_survey")
    assert "Saved the success criteria" in json.dumps(answer["view"])
    program = _program(live, program_id)
    assert (program.signed_off_by, program.signed_off_at) == (None, None)
    assert program.criteria_hash not in (None, company_hash)
    live.slack.wait_for(lambda: len(_requests(live)) == 2)
    assert "emcoach's anonymous survey" in json.dumps(_requests(live)[1]["blocks"])


def test_after_commit_the_instrument_changes_only_as_a_deviation_old_to_new(
    live: LiveApp,
) -> None:
    program_id = make_program(
        live.services.engine,
        criteria=PAIR,
        signed_off=True,
        baselines=True,
        instrument=Instrument.COMPANY_SURVEY,
        pods=(PodSpec(leaders=[LeaderSpec("U0LEAD1", reports=REPORTS[:2])]),),
    )
    assert "Posted the pre-commitment" in confirm(live, program_id)
    (pre,) = [m for m in live.slack.messages(CHANNEL) if m["text"].startswith("Pre-commitment")]
    shown = json.dumps(pre["blocks"], ensure_ascii=False)
    assert "_Locked baseline:_ 3.2/5, from 1 pod\n" in shown.replace("\\n", "\n")
    assert "_Instrument:_ the company's own engineering survey" in shown

    refused = submit_criteria(live, program_id, PAIR, instrument="emcoach_survey")
    assert "/emcoach deviation criteria" in json.dumps(refused["view"])
    assert _definitions(live, program_id)[1]["instrument"] == "company_survey"

    assert "`/emcoach criteria`" in _say(
        live, "deviation criteria The company survey was cancelled for this year."
    )
    answer = submit_criteria(live, program_id, PAIR, instrument="emcoach_survey")
    assert "Saved the success criteria" in json.dumps(answer["view"])
    for _ in range(2):
        _deliver(live)
    (follow_up,) = [
        m for m in live.slack.messages(CHANNEL) if "Deviation made in" in json.dumps(m["blocks"])
    ]
    text = json.dumps(follow_up["blocks"], ensure_ascii=False)
    assert (
        "1:1 Quality instrument: the company's own engineering survey → emcoach's anonymous survey"
        in text
    )
    assert "1:1 Quality locked baseline: 3.2/5, from 1 pod" in text
    assert "Success criteria:" not in text, "the criteria themselves did not change"
    with session_scope(live.services.engine) as session:
        locked = session.exec(
            select(LockedBaseline).where(LockedBaseline.metric_id == "one_on_one_quality")
        ).one()
    # The old instrument's figure is not carried over: no change across two instruments.
    assert (locked.instrument, locked.figure) == ("emcoach_survey", None)


# --- the company's survey at month 3 and month 6 -----------------------------------------------


def _rows_of(live: LiveApp, program_id: int, kind: AgendaKind) -> list[AgendaRow]:
    with session_scope(live.services.engine) as session:
        return list(
            session.exec(
                select(AgendaRow)
                .where(AgendaRow.program_id == program_id, AgendaRow.kind == kind.value)
                .order_by(AgendaRow.due_at)
            )
        )


def _pod_form(live: LiveApp, pod: str) -> dict[str, Any]:
    """/emcoach metrics, then the pod's 1:1-quality button: the modal it opens."""
    overview = _say(live, "metrics")
    assert "company's own engineering survey" in overview
    buttons = [
        element
        for message in [live.slack.responses()[-1]]
        for block in message.get("blocks", [])
        if (element := block.get("accessory"))
        and element.get("action_id") == METRICS_POD
        and f"Pod {pod} " in block["text"]["text"]
    ]
    (button,) = buttons
    before = len(live.slack.calls_to("views.open"))
    live.sender.block_action(user_id=OWNER, action_id=METRICS_POD, value=button["value"])
    live.slack.wait_for(lambda: len(live.slack.calls_to("views.open")) > before)
    view: dict[str, Any] = live.slack.calls_to("views.open")[-1].args["view"]
    return view


def _submit_pod_value(live: LiveApp, view: dict[str, Any], value: str, source: str) -> str:
    result = live.sender.view_submission(
        user_id=OWNER,
        callback_id=view["callback_id"],
        values={
            METRICS_POD_VALUE: {METRICS_POD_VALUE: {"type": "number_input", "value": value}},
            METRICS_POD_SOURCE: {METRICS_POD_SOURCE: {"type": "plain_text_input", "value": source}},
        },
        private_metadata=view["private_metadata"],
    )
    assert result.status == 200
    return json.dumps(result.json(), ensure_ascii=False)


def _enter_pod_value(live: LiveApp, pod: str, value: str, source: str) -> str:
    return _submit_pod_value(live, _pod_form(live, pod), value, source)


def _quality(post: dict[str, Any]) -> str:
    (section,) = [
        str(block["text"]["text"])
        for block in post["blocks"]
        if isinstance(block.get("text"), dict) and "1:1 Quality* —" in block["text"]["text"]
    ]
    return section


def test_company_survey_values_at_month_3_and_6_are_compared_within_that_survey(
    live: LiveApp,
) -> None:
    program_id = make_program(
        live.services.engine,
        criteria=PAIR,
        signed_off=True,
        baselines=True,
        instrument=Instrument.COMPANY_SURVEY,
        pods=(
            PodSpec(name="Alpha", leaders=[LeaderSpec("U0LEAD1", reports=REPORTS[:2])]),
            PodSpec(name="Beta", leaders=[LeaderSpec("U0LEAD2", reports=REPORTS[2:])]),
        ),
    )
    with session_scope(live.services.engine) as session:
        beta = session.exec(select(Pod).where(Pod.name == "Beta")).one()
        row = session.exec(
            select(Baseline).where(
                Baseline.pod_id == beta.id, Baseline.metric_id == "one_on_one_quality"
            )
        ).one()
        row.value = Decimal("3.6")
        session.add(row)
    assert "Posted the pre-commitment" in confirm(live, program_id)
    midpoint, final = _rows_of(live, program_id, AgendaKind.CHECKPOINT_PUBLISH)
    previews = _rows_of(live, program_id, AgendaKind.CHECKPOINT_PREVIEW)

    # Month 3: only pod Alpha's result is in.
    live.clock.set(midpoint.due_at - timedelta(days=5))
    beta_form = _pod_form(live, "Beta")
    refused = _submit_pod_value(live, beta_form, "3.9", "")
    assert "Say which survey" in refused, "a company survey value needs its source"
    saved = _enter_pod_value(live, "Alpha", "3.8", "Q2 engineering survey, 7 answers")
    assert "Saved for pod Alpha, month 3" in saved and "1:1 Quality: 3.8/5" in saved
    _deliver(live, previews[0].due_at)
    (preview,) = [m for m in live.slack.messages(OWNER) if m["text"].startswith("Preview")]
    assert "1:1 Quality: no value yet for pod Beta" in json.dumps(preview["blocks"])
    _deliver(live, midpoint.due_at)
    late = _submit_pod_value(live, beta_form, "3.9", "Q2 engineering survey, 5 answers")
    assert "The month-3 results were published" in late, "month 3's values are final"

    # Month 6: both pods.
    live.clock.set(final.due_at - timedelta(days=5))
    _enter_pod_value(live, "Alpha", "4.0", "Q3 engineering survey, 8 answers")
    _enter_pod_value(live, "Beta", "4.3", "Q3 engineering survey, 6 answers")
    _deliver(live, final.due_at)

    posts = [post for post in live.slack.messages(CHANNEL) if not post.get("thread_ts")]
    pre, month_3, month_6 = (
        next(p for p in posts if p["text"].startswith(start))
        for start in ("Pre-commitment", "Month-3", "Month-6")
    )
    assert "3.4/5, from 2 pods" in json.dumps(pre["blocks"], ensure_ascii=False)
    m3 = _quality(month_3)
    assert "Baseline: 3.4/5, from 2 pods · Now: 3.8/5, 1 pod · Change: +0.6 points" in m3
    assert "Left out of the change (no value to compare): pod Beta" in m3
    assert "1 pod's own change — too few to read as a trend" in m3
    assert "Is it working? *moving the expected way*" in m3
    m6 = _quality(month_6)
    # Alpha 3.2 → 4.0 (+0.8), Beta 3.6 → 4.3 (+0.7): the mean of the pods' own changes.
    assert "Baseline: 3.4/5, from 2 pods · Now: 4.15/5, 2 pods · Change: +0.75 points" in m6
    assert "mean of 2 pods' own changes, from +0.7 points to +0.8 points" in m6
    assert "Verdict: *within the expected range*" in m6
    assert "Left out" not in m6
    assert "response" not in m3 + m6, "the company's results are not emcoach's survey answers"
    # The chart under the month-6 post states the same figures, counted in pods.
    alt = str(live.slack.calls_to("files.getUploadURLExternal")[-1].args["alt_txt"])
    assert "1:1 Quality (mean of a 5-point agree scale, higher is better): baseline 3.4" in alt
    assert "Month 3 3.8 (1 pod)" in alt and "Month 6 4.15 (2 pods)" in alt


def test_moving_to_the_company_survey_after_commit_locks_its_own_baseline(live: LiveApp) -> None:
    """emcoach's survey → the company's, under a criteria deviation: the locked baseline is
    not carried across; the company survey's pod result, entered under a baselines
    deviation, becomes the locked baseline, and each follow-up says old → new."""
    program_id = _ready(live)
    _send_emcoach_round(live)
    _deliver(live)
    surveys = _surveys(live)
    for report, score in (("U0REP1", 4), ("U0REP2", 3), ("U0REP3", 4)):
        _answer(live, surveys[report], score)
    assert "Posted the pre-commitment" in confirm(live, program_id)

    _say(live, "deviation criteria The company survey asks the same question, to more people.")
    submit_criteria(live, program_id, PAIR, instrument="company_survey")
    _say(live, "deviation baselines The company survey's result arrived for pod Alpha.")
    with session_scope(live.services.engine) as session:
        pod_id = session.exec(select(Pod.id)).one()
    before = len(live.slack.calls_to("views.open"))
    live.sender.block_action(
        user_id=OWNER,
        action_id=BASELINE_SURVEY,
        value=json.dumps({"pod": pod_id, "metric": "one_on_one_quality"}),
    )
    live.slack.wait_for(lambda: len(live.slack.calls_to("views.open")) > before)
    view = live.slack.calls_to("views.open")[-1].args["view"]
    saved = live.sender.view_submission(
        user_id=OWNER,
        callback_id=view["callback_id"],
        values={
            SURVEY_VALUE: {SURVEY_VALUE: {"type": "number_input", "value": "3.4"}},
            SURVEY_SOURCE: {SURVEY_SOURCE: {"type": "plain_text_input", "value": "Q1 survey"}},
        },
        private_metadata=view["private_metadata"],
    )
    assert "Baseline saved" in json.dumps(saved.json())
    for _ in range(3):
        _deliver(live)
    follow_ups = [
        json.dumps(m["blocks"], ensure_ascii=False)
        for m in live.slack.messages(CHANNEL)
        if "Deviation made in" in json.dumps(m["blocks"])
    ]
    assert len(follow_ups) == 2
    (instrument,) = [text for text in follow_ups if "criteria changed" in text]
    (baseline,) = [text for text in follow_ups if "baselines changed" in text]
    assert "1:1 Quality instrument: emcoach's anonymous survey → the company's own" in instrument
    assert "1:1 Quality locked baseline: 3.67/5, from 3 people → no figure" in instrument
    assert "1:1 Quality baseline for pod Alpha: none → 3.4/5" in baseline
    assert "1:1 Quality locked baseline: no figure → 3.4/5, from 1 pod" in baseline
    with session_scope(live.services.engine) as session:
        locked = session.exec(
            select(LockedBaseline).where(LockedBaseline.metric_id == "one_on_one_quality")
        ).one()
    assert (locked.instrument, str(locked.figure), locked.n) == ("company_survey", "3.4000", 1)
