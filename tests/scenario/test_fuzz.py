"""Hostile and malformed requests over real HTTP to the real app (issue #8, "Done when").

One live app serves the whole run. Every request is signed unless it is one of the forged
variants, which name their own response_url, channel and person (``FORGED``) so that any
action taken on them shows up in what the stand-in recorded.

Asserted: no 5xx; no traceback text in any answer or anything sent to Slack; no ``<!channel>``,
``<!here>`` or ``<!subteam`` in anything sent to Slack; forged requests get 401 and cause no
Web API call and no response_url POST.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from slack_sdk.signature import SignatureVerifier

from bot.blocks.baseline import (
    BASELINE_LEADER,
    BASELINE_LEADER_VIEW,
    BASELINE_SURVEY,
    BASELINE_SURVEY_VIEW,
)
from bot.blocks.check import CHECK_VIEW
from bot.blocks.coach import COACH_DECISION_VIEW, COACH_VIEW
from bot.blocks.commit import COMMIT_CANCEL, COMMIT_CONFIRM
from bot.blocks.cost import COST_VIEW
from bot.blocks.criteria import (
    CRITERIA_APPROVE,
    CRITERIA_CHANGES_VIEW,
    CRITERIA_REQUEST_CHANGES,
    CRITERIA_VIEW,
)
from bot.blocks.metrics import METRICS_LEADER, METRICS_LEADER_VIEW
from bot.blocks.pod import POD_ADD_LEADER, POD_EDIT, POD_EDIT_LEADER, POD_NEW, POD_VIEW
from bot.blocks.prompts.actions import ACTION_IDS as PROMPT_ACTIONS
from bot.blocks.setup import SETUP_VIEW
from bot.sim.standin import SlackStandIn
from bot.sim.standin.sender import HttpResult, post
from bot.slack_names import ACTION_HELP_COMMAND, ACTION_PICK_PROGRAM
from storage.migrate import upgrade_to_head
from tests.scenario.conftest import PEOPLE
from tests.support.databases import backend_engine
from tests.support.live import SIGNING_SECRET, TEAM_ID, LiveApp, live_app
from tests.support.programs import LeaderSpec, PodSpec, make_program

# 2,240 hostile requests: the slow set (`pytest -m slow`). The second test reads what the first
# sent through the module-scoped app: xdist's --dist loadscope (pyproject.toml) keeps a module's
# tests on one worker, in order.
pytestmark = pytest.mark.slow

# Requests go out in concurrent batches: hypothesis spends more per example than per draw, and
# the app is a threaded server anyway. 280 x 8 = 2,240 requests.
BATCH = 8
EXAMPLES = 280
FORGED = "FORGED"
URL_SLOT = "URLSLOT"  # where a response_url goes: replaced when the request is sent
FORMS = "application/x-www-form-urlencoded"
JSON = "application/json"

ACTIONS = [
    BASELINE_LEADER,
    BASELINE_SURVEY,
    COMMIT_CANCEL,
    COMMIT_CONFIRM,
    CRITERIA_APPROVE,
    CRITERIA_REQUEST_CHANGES,
    METRICS_LEADER,
    POD_ADD_LEADER,
    POD_EDIT,
    POD_EDIT_LEADER,
    POD_NEW,
    ACTION_HELP_COMMAND,
    f"{ACTION_PICK_PROGRAM}:1",
    *PROMPT_ACTIONS,
]
VIEWS = [
    BASELINE_LEADER_VIEW,
    BASELINE_SURVEY_VIEW,
    CHECK_VIEW,
    COACH_DECISION_VIEW,
    COACH_VIEW,
    COST_VIEW,
    CRITERIA_CHANGES_VIEW,
    CRITERIA_VIEW,
    METRICS_LEADER_VIEW,
    POD_VIEW,
    SETUP_VIEW,
]
SUBCOMMANDS = [
    "help",
    "check",
    "cost",
    "setup",
    "owner",
    "criteria",
    "coach",
    "pod",
    "baseline",
    "commit",
    "status",
    "deviation",
    "schedule",
    "pause",
    "resume",
    "leave",
    "metrics",
    "adjust",
    "answers",
]
MENTIONS = ("<!channel>", "<!here>", "<!subteam")
TRACEBACKS = ("Traceback", 'File "')
PEOPLE_IDS = [person.id for person in PEOPLE]

# --- hostile pieces ------------------------------------------------------------------------

HOSTILE_SNIPPETS = [
    "<!channel>",
    "<!here>",
    "<!subteam^S1>",
    "<!subteam^S1|@team>",
    "<!everyone>",
    "<http://evil.example|the plan>",
    "<@U0OWNER>",
    "<#C0ENG|eng>",
    "\x00",
    "a\x00b",
    str(10**30),
    "-" + str(10**30),
    "1e400",
    "NaN",
    "9" * 5000,
    "x" * 20_000,
    "é" * 7000,
    '"Pilot"',
    "“Pilot” ",
    "Pilot",
    "add",
    "remove",
    "list",
    "all",
    "2027-02-30",
    "99:99",
    "*bold* _it_ ~s~ `code`",
    "&lt;!channel&gt;",
    "\u202e\u200b\ufeff",
    "🙂" * 100,
]
snippets = st.sampled_from(HOSTILE_SNIPPETS)
hostile_text = st.one_of(
    snippets,
    st.text(max_size=60),
    st.lists(st.one_of(snippets, st.text(max_size=12)), min_size=1, max_size=6).map(" ".join),
)
junk: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False),
    hostile_text,
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)
number_text = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.integers(min_value=0, max_value=40).map(str),
    snippets,
)


@dataclass(frozen=True)
class Request:
    body: str
    content_type: str
    forged: str | None = None  # how the headers are forged; None: signed properly


def _interaction(payload: dict[str, Any]) -> str:
    return urlencode({"payload": json.dumps(payload)})


# Strategies are built once: hypothesis validates each new strategy object, which costs more
# than the draw itself at this rate.
subcommand_names = st.sampled_from(SUBCOMMANDS)
people_ids = st.sampled_from(PEOPLE_IDS)
action_ids = st.sampled_from(ACTIONS)
view_ids = st.sampled_from(VIEWS)
mutations = st.sampled_from(["none", "none", "drop", "retype"])
key_picks = st.integers(min_value=0, max_value=63)
button_values = st.one_of(
    number_text,
    st.builds(
        lambda program, sub, args: json.dumps(
            {"sub": sub, "args": args, "program": program, "pod": program}
        ),
        junk,
        subcommand_names,
        hostile_text,
    ),
)
state_values = st.dictionaries(
    st.sampled_from(["setup_name", "b1", "pod_name", "criteria_comment", "n"]),
    st.dictionaries(
        st.sampled_from(["setup_name", "a", "pod_name", "criteria_comment"]),
        st.one_of(
            st.builds(lambda text: {"type": "plain_text_input", "value": text}, hostile_text),
            st.builds(lambda text: {"selected_option": {"value": text}}, number_text),
            junk,
        ),
        max_size=2,
    ),
    max_size=3,
)
metadata = st.one_of(
    st.builds(lambda program: json.dumps({"program_id": program, "program": program}), junk),
    hostile_text,
)
event_types = st.sampled_from(["app_home_opened", "message", "junk"])
tabs = st.sampled_from(["home", "messages", "x"])


@st.composite
def commands(draw: st.DrawFn) -> Request:
    text = f"{draw(subcommand_names)} {draw(hostile_text)}"
    if draw(st.booleans()):
        text = draw(hostile_text)
    body = urlencode(
        {
            "team_id": TEAM_ID,
            "channel_id": "C0GENERAL",
            "user_id": draw(people_ids),
            "command": "/emcoach",
            "text": text,
            "response_url": URL_SLOT,
            "trigger_id": f"trig-{uuid.uuid4().hex}",
        }
    )
    return Request(body, FORMS)


def _mutated(draw: st.DrawFn, payload: dict[str, Any]) -> dict[str, Any]:
    """Mostly as Slack sends it; sometimes a key missing, sometimes of the wrong type."""
    mutation = draw(mutations)
    if mutation == "none":
        return payload
    keys = sorted(payload)
    key = keys[draw(key_picks) % len(keys)]
    if mutation == "drop":
        return {name: value for name, value in payload.items() if name != key}
    return payload | {key: draw(junk)}


@st.composite
def block_actions(draw: st.DrawFn) -> Request:
    action = _mutated(
        draw,
        {
            "type": "button",
            "action_id": draw(action_ids),
            "block_id": "b",
            "value": draw(button_values),
            "action_ts": "1.0",
        },
    )
    payload = _mutated(
        draw,
        {
            "type": "block_actions",
            "team": {"id": TEAM_ID},
            "user": {"id": draw(people_ids), "team_id": TEAM_ID},
            "trigger_id": f"trig-{uuid.uuid4().hex}",
            "response_url": URL_SLOT,
            "container": {"type": "message"},
            "actions": [action],
        },
    )
    return Request(_interaction(payload), FORMS)


@st.composite
def view_submissions(draw: st.DrawFn) -> Request:
    view = _mutated(
        draw,
        {
            "id": "V1",
            "type": "modal",
            "callback_id": draw(view_ids),
            "private_metadata": draw(metadata),
            "state": {"values": draw(state_values)},
        },
    )
    payload = _mutated(
        draw,
        {
            "type": "view_submission",
            "team": {"id": TEAM_ID},
            "user": {"id": draw(people_ids), "team_id": TEAM_ID},
            "view": view,
        },
    )
    return Request(_interaction(payload), FORMS)


@st.composite
def events(draw: st.DrawFn) -> Request:
    event = _mutated(
        draw,
        {
            "type": draw(event_types),
            "user": draw(people_ids),
            "channel": "D0OWNER",
            "tab": draw(tabs),
        },
    )
    envelope = _mutated(
        draw,
        {
            "type": "event_callback",
            "team_id": TEAM_ID,
            "event_id": f"Ev{uuid.uuid4().hex[:10]}",
            "event": event,
        },
    )
    if draw(st.booleans()):
        return Request(json.dumps(envelope), JSON)
    return Request(draw(hostile_text), JSON)


FORGERIES = [
    "timestamp abc",
    "timestamp empty",
    "timestamp 1.5",
    "headers missing",
    "timestamp huge",
    "signature not hex",
    "timestamp stale",
    "signature wrong",
]
FORGED_BODIES = st.sampled_from(
    [
        (
            _interaction(
                {
                    "type": "block_actions",
                    "team": {"id": TEAM_ID},
                    "user": {"id": f"U0{FORGED}"},
                    "channel": {"id": f"C0{FORGED}"},
                    "response_url": URL_SLOT,
                    "actions": [{"action_id": action_id, "value": "1"}],
                }
            ),
            FORMS,
        )
        for action_id in ACTIONS
    ]
    + [
        (
            urlencode(
                {
                    "team_id": TEAM_ID,
                    "channel_id": f"C0{FORGED}",
                    "user_id": f"U0{FORGED}",
                    "command": "/emcoach",
                    "text": name,
                    "response_url": URL_SLOT,
                }
            ),
            FORMS,
        )
        for name in SUBCOMMANDS
    ]
    + [
        (
            json.dumps(
                {
                    "type": "event_callback",
                    "team_id": TEAM_ID,
                    "event": {
                        "type": "app_home_opened",
                        "user": f"U0{FORGED}",
                        "channel": f"C0{FORGED}",
                    },
                }
            ),
            JSON,
        )
    ]
)
forgery_forms = st.sampled_from(FORGERIES)


@st.composite
def forged(draw: st.DrawFn) -> Request:
    """A request that names FORGED places, with one of the forged header forms."""
    body, content_type = draw(FORGED_BODIES)
    return Request(body, content_type, forged=draw(forgery_forms))


requests = st.one_of(commands(), block_actions(), view_submissions(), events(), forged())

# --- sending -------------------------------------------------------------------------------


def _signature(stamp: str, body: str, secret: str = SIGNING_SECRET) -> dict[str, str]:
    signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body)
    assert signature is not None
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature}


def _headers(body: str, forged: str | None) -> dict[str, str]:
    now = str(int(time.time()))
    forms: dict[str | None, Callable[[], dict[str, str]]] = {
        None: lambda: _signature(now, body),
        "timestamp abc": lambda: _signature("abc", body),
        "timestamp empty": lambda: _signature("", body),
        "timestamp 1.5": lambda: _signature("1.5", body),
        "headers missing": dict,
        "timestamp huge": lambda: _signature("9" * 5000, body),
        "signature not hex": lambda: {
            "X-Slack-Request-Timestamp": now,
            "X-Slack-Signature": "v0=" + "é" * 64,
        },
        "timestamp stale": lambda: _signature(str(int(time.time()) - 3600), body),
        "signature wrong": lambda: _signature(now, body, secret="not-the-secret"),
    }
    return forms[forged]()


@dataclass
class Fuzzing:
    live: LiveApp
    forged_url: str
    results: list[tuple[Request, HttpResult]]


@pytest.fixture(scope="module")
def fuzzing(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fuzzing]:
    tmp_path: Path = tmp_path_factory.mktemp("fuzz")
    with (
        SlackStandIn(team_id=TEAM_ID, users=PEOPLE) as slack,
        backend_engine("sqlite", tmp_path) as engine,
    ):
        upgrade_to_head(engine)
        make_program(engine, pods=(PodSpec(leaders=[LeaderSpec("U0LEAD1")]),))
        with live_app(slack, engine) as live:
            yield Fuzzing(live=live, forged_url=slack.new_response_url(), results=[])


def _send(fuzzing: Fuzzing, request: Request) -> HttpResult:
    live = fuzzing.live
    # A forged request names a response_url of its own, so anything posted to it shows; each
    # signed one gets a fresh stand-in URL.
    url = fuzzing.forged_url if request.forged is not None else live.slack.new_response_url()
    body = request.body.replace(URL_SLOT, quote_plus(url))
    headers = _headers(body, request.forged) | {"Content-Type": request.content_type}
    return post(live.events_url, body, headers, timeout=10)


def _settled(live: LiveApp, *, quiet_for: float = 0.3, timeout: float = 10.0) -> None:
    """Wait until the listeners stop sending (they run on Bolt's pool after the ack)."""
    deadline = time.monotonic() + timeout
    seen = -1
    while time.monotonic() < deadline:
        now_seen = len(live.slack.calls) + len(live.slack.responses())
        if now_seen == seen:
            return
        seen = now_seen
        time.sleep(quiet_for)


def _around(text: str, markers: tuple[str, ...]) -> str:
    """The first marker found in ``text``, with some context: enough to tell whose text it is."""
    at = min(text.find(marker) for marker in markers if marker in text)
    return text[max(0, at - 150) : at + 60]


# Fields Slack never renders as mrkdwn: a person's own text put back into their form
# (``initial_value``), values carried by buttons and options, a modal's metadata.
NOT_RENDERED = frozenset({"initial_value", "value", "private_metadata", "trigger_id"})


def _rendered(payload: object, key: str = "") -> Iterator[str]:
    """Every string of an outgoing payload that Slack may show with mentions parsed."""
    if key in NOT_RENDERED:
        return
    if isinstance(payload, str):
        yield payload
    elif isinstance(payload, dict):
        for name, value in payload.items():
            yield from _rendered(value, str(name))
    elif isinstance(payload, list):
        for value in payload:
            yield from _rendered(value, key)


def _payloads(live: LiveApp) -> list[Any]:
    """What emcoach sent: Web API arguments (blocks and views arrive as JSON strings) and
    response_url bodies."""
    decoded: list[Any] = []
    for call in live.slack.calls:
        decoded.append({name: _maybe_json(value) for name, value in call.args.items()})
    return decoded + live.slack.responses()


def _maybe_json(value: object) -> object:
    if isinstance(value, str) and value.startswith(("{", "[")):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _outgoing(live: LiveApp) -> list[str]:
    sent = [json.dumps(call.args, ensure_ascii=False) for call in live.slack.calls]
    return sent + [json.dumps(body, ensure_ascii=False) for body in live.slack.responses()]


def test_hostile_requests_get_no_5xx_no_traceback_and_forgeries_change_nothing(
    fuzzing: Fuzzing,
) -> None:
    started = time.monotonic()

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(batch=st.lists(requests, min_size=BATCH, max_size=BATCH))
    def one(batch: list[Request]) -> None:
        with ThreadPoolExecutor(max_workers=BATCH) as pool:
            results = list(pool.map(partial(_send, fuzzing), batch))
        for request, result in zip(batch, results, strict=True):
            fuzzing.results.append((request, result))
            assert result.status < 500, (request, result)
            assert not any(marker in result.body for marker in TRACEBACKS), result.body
            if request.forged is not None:
                assert result.status == 401, (request, result)

    one()
    _settled(fuzzing.live)
    assert len(fuzzing.results) >= 2_000
    for text in _outgoing(fuzzing.live):
        assert not any(marker in text for marker in TRACEBACKS), text[:500]
        assert FORGED not in text, text[:500]
    assert fuzzing.live.slack.responses(fuzzing.forged_url) == []
    print(f"fuzz: {len(fuzzing.results)} requests in {time.monotonic() - started:.1f} s")


def test_hostile_text_never_becomes_a_mention(fuzzing: Fuzzing) -> None:
    """Runs on what the test above sent (same module-scoped app)."""
    assert fuzzing.results, "run with the test above"
    shown = [
        json.dumps(list(_rendered(sent)), ensure_ascii=False) for sent in _payloads(fuzzing.live)
    ]
    mentioning = [_around(text, MENTIONS) for text in shown if any(m in text for m in MENTIONS)]
    assert mentioning == []
