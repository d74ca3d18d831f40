"""manifest.yml declares exactly what the code uses: the command, the events and the scopes."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from bot.slack_names import BOT_EVENTS, COMMAND, FEATURE_SCOPES, METHOD_SCOPES

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT.parent / "shared" / "slack" / "manifest.schema.1.0.0.json"
CODE_DIRS = [ROOT / "bot", ROOT / "handlers", ROOT / "storage"]
# The stand-in implements Slack's side of these calls; it makes none itself.
NOT_APP_CODE = {ROOT / "bot" / "sim" / "standin"}

WEB_API_CALL = re.compile(r"\.(?P<method>[a-z]+_[A-Za-z0-9_]+)\(")
EVENT_LISTENER = re.compile(r"app\.event\(\s*\"(?P<event>[a-z_]+)\"")
SLACK_METHOD_PREFIXES = (
    "auth_",
    "chat_",
    "conversations_",
    "users_",
    "usergroups_",
    "views_",
    "files_",
    "team_",
)


def _manifest() -> dict[str, Any]:
    manifest: dict[str, Any] = yaml.safe_load((ROOT / "manifest.yml").read_text("utf-8"))
    return manifest


def _app_sources() -> list[Path]:
    return [
        path
        for directory in CODE_DIRS
        for path in directory.rglob("*.py")
        if not any(parent in NOT_APP_CODE for parent in path.parents)
    ]


def _web_api_methods_used() -> set[str]:
    used = set()
    for path in _app_sources():
        for match in WEB_API_CALL.finditer(path.read_text("utf-8")):
            if match["method"].startswith(SLACK_METHOD_PREFIXES):
                used.add(match["method"])
    return used


def test_every_web_api_method_used_has_a_known_scope() -> None:
    used = _web_api_methods_used()
    assert used, "the scan found no Web API calls: the pattern is broken"
    assert used <= set(METHOD_SCOPES), f"add these to METHOD_SCOPES: {used - set(METHOD_SCOPES)}"


def test_manifest_asks_for_exactly_the_scopes_the_code_needs() -> None:
    needed = {scope for method in _web_api_methods_used() for scope in METHOD_SCOPES[method]}
    needed |= set(FEATURE_SCOPES)
    assert set(_manifest()["oauth_config"]["scopes"]["bot"]) == needed


def test_manifest_subscribes_to_exactly_the_events_handled() -> None:
    handled = {
        match["event"]
        for path in _app_sources()
        for match in EVENT_LISTENER.finditer(path.read_text("utf-8"))
    }
    assert handled == set(BOT_EVENTS)
    assert set(_manifest()["settings"]["event_subscriptions"]["bot_events"]) == handled


def test_manifest_declares_the_command_home_tab_and_interactivity() -> None:
    manifest = _manifest()
    commands = manifest["features"]["slash_commands"]
    assert [command["command"] for command in commands] == [COMMAND]
    assert commands[0]["description"]
    assert commands[0]["usage_hint"]
    # Mentions must arrive as <@U…|name> so the argument parser sees ids, not display names.
    assert commands[0]["should_escape"] is True
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["settings"]["socket_mode_enabled"] is True


def test_manifest_usage_hint_names_only_real_subcommands(tmp_path: Path) -> None:
    from bot.app import build_app
    from bot.clock import SystemClock
    from bot.compose import Runtime, build_web_client
    from bot.config import load_settings
    from bot.sim.standin import SlackStandIn
    from storage.db import make_engine

    hint = _manifest()["features"]["slash_commands"][0]["usage_hint"]
    named = {word.strip("[]") for word in hint.replace("|", " ").split()}
    with SlackStandIn() as slack:
        settings = load_settings(
            _env_file=None,
            SLACK_BOT_TOKEN="xoxb-manifest-test",
            SLACK_SIGNING_SECRET="s",
            SLACK_API_URL=slack.api_url,
        )
        engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
        services = Runtime(
            settings=settings, engine=engine, clock=SystemClock(), client=build_web_client(settings)
        )
        _app, router = build_app(services)
        engine.dispose()
    assert named <= set(router.names())


def test_an_oauth_install_asks_for_the_manifests_scopes_and_returns_to_its_redirect() -> None:
    from bot.oauth import BOT_SCOPES, REDIRECT_PATH

    oauth = _manifest()["oauth_config"]
    assert set(BOT_SCOPES) == set(oauth["scopes"]["bot"])
    assert len(BOT_SCOPES) == len(set(BOT_SCOPES))
    assert oauth["redirect_urls"], "installs in many workspaces need a Redirect URL"
    assert all(url.startswith("https://") for url in oauth["redirect_urls"])
    assert all(url.endswith(REDIRECT_PATH) for url in oauth["redirect_urls"])


@pytest.mark.skipif(not SCHEMA.exists(), reason="Slack's manifest schema is not beside the repo")
def test_manifest_is_valid_against_slacks_schema() -> None:
    schema = json.loads(SCHEMA.read_text("utf-8"))
    jsonschema.validate(_manifest(), schema)
