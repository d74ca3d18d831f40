"""Installs in many workspaces through Slack's OAuth, end to end over real HTTP: the install
link, Slack's consent screen (the stand-in's), the redirect with a code, the installation in
the database; then each workspace's commands and scheduled prompts go out with its own token,
and nothing of one workspace reaches another."""

from __future__ import annotations

import logging
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import Message
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from bot.app import build_app
from bot.clock import FixedClock
from bot.compose import Runtime, compose_services
from bot.domain.cadence import AgendaState
from bot.scheduler import build_dispatcher
from bot.server import build_wsgi
from bot.sim.standin import SlackStandIn, StandInUser
from bot.sim.standin.sender import SlackSender
from storage.agenda import rows_of
from storage.db import session_scope
from storage.installations import BOTS, INSTALLATIONS, STATES
from storage.models import Program
from storage.workspaces import uninstalled_since
from tests.support.agenda import seed_due
from tests.support.live import SIGNING_SECRET, START, serve, standin_settings
from tests.support.programs import make_program

CLIENT_ID = "1111.2222"
CLIENT_SECRET = "oauth-test-client-secret"
TEAM_A, TEAM_B, TEAM_C = "T0001", "T0002", "T0003"
OWNER_B = "U0BOWNER"
GLOBEX = [
    StandInUser(id=OWNER_B, name="bea", real_name="Bea Owner", tz="America/Chicago"),
    StandInUser(id="U0BLEAD", name="bob", real_name="Bob Lead", tz="America/Chicago"),
]


@dataclass
class OAuthApp:
    base_url: str
    slack: SlackStandIn
    services: Runtime
    clock: FixedClock

    def sender(self, team_id: str) -> SlackSender:
        return SlackSender(
            events_url=self.base_url + "/slack/events",
            secret=SIGNING_SECRET,
            team_id=team_id,
            response_url_factory=self.slack.new_response_url,
        )


@pytest.fixture
def oauth_app(slack: SlackStandIn, scenario_engine: Engine) -> Iterator[OAuthApp]:
    """`emcoach serve` with SLACK_CLIENT_ID/SECRET set, on a loopback port."""
    slack.add_team(TEAM_B, name="Globex", bot_user_id="U0BBOT", installer=OWNER_B, users=GLOBEX)
    slack.add_team(TEAM_C, name="Initech", bot_user_id="U0CBOT", installer="U0COWNER")
    # SLACK_BOT_TOKEN stays set (xoxb-test-token): with OAuth on, no call may carry it.
    settings = standin_settings(
        slack, scenario_engine, SLACK_CLIENT_ID=CLIENT_ID, SLACK_CLIENT_SECRET=CLIENT_SECRET
    )
    clock = FixedClock(START)
    services = compose_services(settings, engine=scenario_engine, clock=clock)
    app, _router = build_app(services)
    wsgi = build_wsgi(app, engine=scenario_engine, signing_secret=settings.signing_secret)
    with serve(wsgi) as base_url:
        # The app's settings at Slack: its credentials and its one Redirect URL.
        slack.register_app(
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            redirect_url=base_url + "/slack/oauth_redirect",
        )
        yield OAuthApp(base_url=base_url, slack=slack, services=services, clock=clock)
        app.listener_runner.listener_executor.shutdown(wait=True)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args: object, **_kwargs: object) -> None:
        return None


@dataclass(frozen=True)
class Answer:
    status: int
    headers: Message
    body: str


def _get(url: str, *, cookie: str | None = None) -> Answer:
    """One GET, redirects not followed (a browser's single step)."""
    opener = urllib.request.build_opener(_NoRedirects)
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with opener.open(request, timeout=10) as response:
            return Answer(response.status, response.headers, response.read().decode())
    except urllib.error.HTTPError as error:  # 3xx/4xx answers are what we look at
        with error:
            return Answer(error.code, error.headers, error.read().decode())


def install(live: OAuthApp, team_id: str) -> Answer:
    """What a browser does: the install link, Slack's consent screen, back with the code."""
    start = _get(f"{live.base_url}/slack/install?team={team_id}")
    assert start.status == 302
    consent_url = start.headers["Location"]
    assert consent_url.startswith(live.slack.consent_url)
    cookie = start.headers["Set-Cookie"].split(";", 1)[0]  # the state, bound to this browser
    consent = _get(consent_url)
    assert consent.status == 302
    redirect = consent.headers["Location"]
    assert redirect.startswith(live.base_url + "/slack/oauth_redirect?")
    assert (
        parse_qs(urlsplit(redirect).query)["state"]
        == parse_qs(urlsplit(consent_url).query)["state"]
    )
    return _get(redirect, cookie=cookie)


def _programs_in(messages: list[dict[str, Any]]) -> set[int]:
    return {int(m["metadata"]["event_payload"]["program_id"]) for m in messages}


def _bearer(call_headers: dict[str, str]) -> str:
    return call_headers.get("Authorization", "").removeprefix("Bearer ")


def test_the_install_link_asks_slack_for_exactly_the_manifest_scopes(oauth_app: OAuthApp) -> None:
    start = _get(f"{oauth_app.base_url}/slack/install")
    assert start.status == 302
    query = parse_qs(urlsplit(start.headers["Location"]).query)
    assert query["client_id"] == [CLIENT_ID]
    assert set(query["scope"][0].split(",")) == {
        "commands",
        "chat:write",
        "files:write",
        "im:write",
        "users:read",
        "usergroups:read",
        "channels:history",
        "im:history",
    }
    with oauth_app.services.engine.connect() as connection:
        states = connection.execute(select(STATES.c.state)).scalars().all()
    assert query["state"] == list(states), "the state is kept in emcoach's database"


def test_an_install_stores_the_workspace_token_in_the_database(oauth_app: OAuthApp) -> None:
    done = install(oauth_app, TEAM_B)
    assert done.status == 200
    access = oauth_app.slack.calls_to("oauth.v2.access")
    assert len(access) == 1 and access[0].response["ok"] is True
    token = access[0].response["access_token"]
    assert oauth_app.slack.team_of(token) == TEAM_B
    with oauth_app.services.engine.connect() as connection:
        installed = connection.execute(select(INSTALLATIONS)).mappings().all()
        bots = connection.execute(select(BOTS)).mappings().all()
        states = connection.execute(select(STATES)).all()
    assert [(row["team_id"], row["bot_token"], row["user_id"]) for row in installed] == [
        (TEAM_B, token, OWNER_B)
    ]
    assert [(row["team_id"], row["bot_token"], row["bot_user_id"]) for row in bots] == [
        (TEAM_B, token, "U0BBOT")
    ]
    assert states == [], "the state was used up"


def _installed_teams(engine: Engine) -> dict[str, set[str]]:
    with engine.connect() as connection:
        return {
            "installations": {row.team_id for row in connection.execute(select(INSTALLATIONS))},
            "bots": {row.team_id for row in connection.execute(select(BOTS))},
        }


@pytest.mark.parametrize(
    "event",
    [
        {"type": "app_uninstalled"},
        # As Slack sends it to an app with no user scopes: the bot's token alone.
        {"type": "tokens_revoked", "tokens": {"bot": ["U0BBOT"]}},
    ],
    ids=["app_uninstalled", "tokens_revoked"],
)
def test_an_uninstall_deletes_that_workspaces_tokens_and_keeps_its_data(
    oauth_app: OAuthApp, event: dict[str, Any]
) -> None:
    live, engine = oauth_app, oauth_app.services.engine
    install(live, TEAM_A)
    install(live, TEAM_B)
    program_b = make_program(engine, team_id=TEAM_B, name="Globex pilot", committed=True)
    assert live.sender(TEAM_B).event(event).status == 200
    only_a = {"installations": {TEAM_A}, "bots": {TEAM_A}}
    live.slack.wait_for(lambda: _installed_teams(engine) == only_a)
    assert _installed_teams(engine) == only_a
    with session_scope(engine) as session:
        assert uninstalled_since(session, team_id=TEAM_B) is not None
        assert uninstalled_since(session, team_id=TEAM_A) is None
        assert session.get(Program, program_b) is not None, "the workspace's data is kept"

    install(live, TEAM_B)  # back: a new token, and B is no longer stopped
    assert _installed_teams(engine) == {"installations": {TEAM_A, TEAM_B}, "bots": {TEAM_A, TEAM_B}}
    with session_scope(engine) as session:
        assert uninstalled_since(session, team_id=TEAM_B) is None


def test_an_uninstall_sent_before_a_reinstall_is_ignored(
    oauth_app: OAuthApp, caplog: pytest.LogCaptureFixture
) -> None:
    """Slack retries an event it got no answer to, the same event with its first send's time:
    one from before the workspace installed emcoach again must not undo the reinstall."""
    caplog.set_level(logging.INFO, logger="emcoach.uninstall")
    live, engine = oauth_app, oauth_app.services.engine
    install(live, TEAM_B)
    an_hour_ago = int(time.time()) - 3600
    late = live.sender(TEAM_B).event({"type": "app_uninstalled"}, event_time=an_hour_ago)
    assert late.status == 200
    ignored = f"workspace {TEAM_B}: app_uninstalled from before its reinstall ignored"
    live.slack.wait_for(lambda: ignored in [r.getMessage() for r in caplog.records])
    assert _installed_teams(engine) == {"installations": {TEAM_B}, "bots": {TEAM_B}}
    with session_scope(engine) as session:
        assert uninstalled_since(session, team_id=TEAM_B) is None
    # The same event sent now is acted on.
    assert live.sender(TEAM_B).event({"type": "app_uninstalled"}).status == 200
    live.slack.wait_for(lambda: _installed_teams(engine)["bots"] == set())


def test_a_redirect_without_the_browsers_state_installs_nothing(oauth_app: OAuthApp) -> None:
    start = _get(f"{oauth_app.base_url}/slack/install?team={TEAM_B}")
    consent = _get(start.headers["Location"])
    forged = _get(consent.headers["Location"])  # no cookie: another browser
    assert forged.status == 400
    assert oauth_app.slack.calls_to("oauth.v2.access") == []
    with oauth_app.services.engine.connect() as connection:
        assert connection.execute(select(INSTALLATIONS)).all() == []


def test_each_workspace_is_answered_and_prompted_with_its_own_token(
    oauth_app: OAuthApp, caplog: pytest.LogCaptureFixture
) -> None:
    live, slack = oauth_app, oauth_app.slack
    install(live, TEAM_A)
    install(live, TEAM_B)
    token_of = {
        slack.team_of(call.response["access_token"]): call.response["access_token"]
        for call in slack.calls_to("oauth.v2.access")
    }
    assert set(token_of) == {TEAM_A, TEAM_B} and token_of[TEAM_A] != token_of[TEAM_B]

    # A slash command from workspace B: every call it causes carries B's token.
    slack.reset()
    answer = live.sender(TEAM_B).command("setup", user_id=OWNER_B)
    assert answer.status == 200
    slack.wait_for(lambda: bool(slack.calls_to("views.open")))
    made = [call for call in slack.calls if call.method != "oauth.v2.access"]
    assert made and {_bearer(call.headers) for call in made} == {token_of[TEAM_B]}

    # The clock: B's due prompt with B's token, A's with A's; C never installed emcoach.
    engine = live.services.engine
    now = live.clock.now()
    programs = {
        team: make_program(engine, team_id=team, name=f"Program of {team}", committed=True)
        for team in (TEAM_A, TEAM_B, TEAM_C)
    }
    recipients = {TEAM_A: ("U0LEAD1",), TEAM_B: ("U0BLEAD",), TEAM_C: ("U0CLEAD",)}
    for team, program_id in programs.items():
        seed_due(engine, program_id, count=3, now=now, recipients=recipients[team])
    slack.reset()
    with caplog.at_level(logging.INFO):
        report = build_dispatcher(live.services).tick()
    assert report.sent == 6
    posts = slack.calls_to("chat.postMessage")
    by_token: dict[str, set[str]] = {}
    for call in posts:
        by_token.setdefault(_bearer(call.headers), set()).add(str(call.args["channel"]))
    assert by_token == {token_of[TEAM_A]: {"U0LEAD1"}, token_of[TEAM_B]: {"U0BLEAD"}}
    # Each workspace holds only its own program's prompts.
    assert _programs_in(slack.messages(team=TEAM_B)) == {programs[TEAM_B]}
    assert _programs_in(slack.messages()) == {programs[TEAM_A]}
    assert slack.messages(team=TEAM_C) == []
    # C: nothing sent, its prompts held, one WARNING and no ERROR.
    with session_scope(engine) as session:
        held = rows_of(session, program_id=programs[TEAM_C])
        assert {row.state for row in held} == {AgendaState.PENDING}
        assert uninstalled_since(session, team_id=TEAM_C) is not None
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert [w for w in warnings if TEAM_C in w] == [
        f"workspace {TEAM_C}: no installation of emcoach holds a token for it; nothing is sent "
        "there until it is reinstalled (data kept)"
    ]

    # C installs emcoach: what is still due goes out on the next tick, with C's token.
    install(live, TEAM_C)
    token_c = slack.calls_to("oauth.v2.access")[-1].response["access_token"]
    live.clock.advance(timedelta(minutes=1))
    slack.reset()
    assert build_dispatcher(live.services).tick().sent == 3
    assert {_bearer(call.headers) for call in slack.calls_to("chat.postMessage")} == {token_c}
    assert len(slack.messages(team=TEAM_C)) == 3


def test_the_clock_replans_each_workspace_with_its_token(oauth_app: OAuthApp) -> None:
    """users.info for time zones (the daily re-plan) goes to each workspace with its token."""
    from handlers.jobs import replan_running

    install(oauth_app, TEAM_B)
    token_b = oauth_app.slack.calls_to("oauth.v2.access")[-1].response["access_token"]
    engine = oauth_app.services.engine
    globex = make_program(engine, team_id=TEAM_B, name="Globex pilot", committed=True)
    initech = make_program(engine, team_id=TEAM_C, name="Initech pilot", committed=True)
    oauth_app.slack.reset()
    assert replan_running(services=oauth_app.services) > 0
    lookups = oauth_app.slack.calls_to("users.info")
    assert lookups, "zones were refreshed"
    assert {_bearer(call.headers) for call in lookups} == {token_b}
    with session_scope(engine) as session:
        assert rows_of(session, program_id=globex), "Globex's program is planned"
        assert rows_of(session, program_id=initech) == [], "no token for Initech: left alone"


def test_a_rotating_token_about_to_expire_is_refreshed_for_the_clock_and_the_listeners(
    oauth_app: OAuthApp,
) -> None:
    """With token rotation on, a token within two hours of expiring is refreshed (and saved)
    before use, by the clock and by Bolt's authorize alike."""
    live, slack = oauth_app, oauth_app.slack
    slack.register_app(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        redirect_url=live.base_url + "/slack/oauth_redirect",
        rotating=True,
    )
    install(live, TEAM_B)
    first = slack.calls_to("oauth.v2.access")[-1].response
    assert first["refresh_token"] and first["expires_in"] > 2 * 3600
    engine = live.services.engine
    soon = datetime.now(UTC).replace(tzinfo=None) + timedelta(minutes=30)
    with engine.begin() as connection:
        connection.execute(update(BOTS).values(bot_token_expires_at=soon))

    program_id = make_program(engine, team_id=TEAM_B, name="Globex pilot", committed=True)
    seed_due(engine, program_id, count=2, now=live.clock.now(), recipients=("U0BLEAD",))
    slack.reset()
    assert build_dispatcher(live.services).tick().sent == 2
    refreshed = slack.calls_to("oauth.v2.access")
    assert [call.args.get("grant_type") for call in refreshed] == ["refresh_token"]
    new_token = refreshed[0].response["access_token"]
    assert new_token != first["access_token"] and slack.team_of(new_token) == TEAM_B
    posts = slack.calls_to("chat.postMessage")
    assert {_bearer(call.headers) for call in posts} == {new_token}
    with engine.connect() as connection:
        saved = connection.execute(
            select(BOTS.c.bot_token).order_by(BOTS.c.id.desc()).limit(1)
        ).scalar_one()
    assert saved == new_token

    # The saved token is fresh: a command needs no refresh and uses it.
    slack.reset()
    live.sender(TEAM_B).command("setup", user_id=OWNER_B)
    slack.wait_for(lambda: bool(slack.calls_to("views.open")))
    assert slack.calls_to("oauth.v2.access") == []
    assert {_bearer(call.headers) for call in slack.calls} == {new_token}

    # About to expire again: Bolt's authorize refreshes it on the next request, through the
    # same Slack (SLACK_API_URL), and the listener's calls carry the newest token.
    with engine.begin() as connection:
        connection.execute(update(BOTS).values(bot_token_expires_at=soon))
    slack.reset()
    live.sender(TEAM_B).command("setup", user_id=OWNER_B)
    slack.wait_for(lambda: bool(slack.calls_to("views.open")))
    again = slack.calls_to("oauth.v2.access")
    assert [call.args.get("grant_type") for call in again] == ["refresh_token"]
    newest = again[0].response["access_token"]
    assert {_bearer(call.headers) for call in slack.calls_to("views.open")} == {newest}
