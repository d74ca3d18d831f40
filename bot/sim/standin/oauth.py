"""Slack's side of an install: the consent screen (GET /oauth/v2/authorize) and
oauth.v2.access, which trades its one-time code (or a refresh token, when the app rotates
tokens) for a workspace's bot token.

The stand-in then answers each call in the workspace its token was issued for. Not
thread-safe on its own: the server holds its lock around every call.
"""

from __future__ import annotations

import base64
import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

from bot.sim.standin.wire import ApiFailure

# Seconds a rotating token lives, as Slack's (12 hours).
ROTATING_TOKEN_SECONDS = 43_200
APP_ID = "A0EMCOACH"


@dataclass(frozen=True)
class OAuthApp:
    client_id: str
    client_secret: str
    redirect_url: str | None = None
    # Token rotation enabled in the app's settings: tokens expire and come with a refresh token.
    rotating: bool = False


@dataclass(frozen=True)
class _Grant:
    client_id: str
    team_id: str
    installer: str
    scopes: str
    redirect_uri: str | None


@dataclass
class Installs:
    """Apps, codes handed out by the consent screen, and the tokens issued for each team."""

    apps: dict[str, OAuthApp] = field(default_factory=dict)
    codes: dict[str, _Grant] = field(default_factory=dict)
    # Issued bot token → its workspace; refresh token → (client id, workspace).
    tokens: dict[str, str] = field(default_factory=dict)
    refresh: dict[str, tuple[str, str]] = field(default_factory=dict)
    _serial: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def consent(self, query: str, *, teams: Mapping[str, tuple[str, str]]) -> str:
        """The URL Slack's consent screen sends the browser on to once the person allows the
        app: ``redirect_uri`` (or the app's one) with a code and the state. ``team`` picks the
        workspace (Slack's own parameter); ``teams`` maps each to (name, installer)."""
        args = dict(parse_qsl(query, keep_blank_values=True))
        app = self.apps.get(args.get("client_id", ""))
        if app is None:
            raise ApiFailure("invalid_client_id")
        team_id = args.get("team") or next(iter(teams))
        if team_id not in teams:
            raise ApiFailure("team_not_found")
        redirect = args.get("redirect_uri") or app.redirect_url
        if redirect is None:
            raise ApiFailure("bad_redirect_uri")
        if app.redirect_url is not None and redirect != app.redirect_url:
            raise ApiFailure("bad_redirect_uri")
        code = f"code-{team_id}-{next(self._serial)}"
        self.codes[code] = _Grant(
            client_id=app.client_id,
            team_id=team_id,
            installer=teams[team_id][1],
            scopes=args.get("scope", ""),
            redirect_uri=args.get("redirect_uri"),
        )
        back = {"code": code, "state": args.get("state", "")}
        return f"{redirect}{'&' if '?' in redirect else '?'}{urlencode(back)}"

    def access(
        self, args: Mapping[str, Any], *, authorization: str | None, teams: Mapping[str, Any]
    ) -> dict[str, Any]:
        """oauth.v2.access: the app's credentials (HTTP Basic, or arguments) and a code or a
        refresh token; the body Slack answers with (``ok`` added by the caller)."""
        client_id, secret = _credentials(args, authorization)
        app = self.apps.get(client_id)
        if app is None:
            raise ApiFailure("invalid_client_id")
        if secret != app.client_secret:
            raise ApiFailure("bad_client_secret")
        if args.get("grant_type") == "refresh_token":
            return self._refreshed(app, str(args.get("refresh_token") or ""), teams=teams)
        grant = self.codes.pop(str(args.get("code") or ""), None)
        if grant is None or grant.client_id != app.client_id:
            raise ApiFailure("invalid_code")
        if grant.redirect_uri is not None and args.get("redirect_uri") != grant.redirect_uri:
            raise ApiFailure("bad_redirect_uri")
        team_name, bot_user_id = teams[grant.team_id]
        answer: dict[str, Any] = {
            "app_id": APP_ID,
            "authed_user": {"id": grant.installer},
            "scope": grant.scopes,
            "token_type": "bot",
            "bot_user_id": bot_user_id,
            "team": {"id": grant.team_id, "name": team_name},
            "enterprise": None,
            "is_enterprise_install": False,
        }
        answer.update(self._issue(app, grant.team_id))
        return answer

    def _refreshed(
        self, app: OAuthApp, refresh_token: str, *, teams: Mapping[str, Any]
    ) -> dict[str, Any]:
        known = self.refresh.pop(refresh_token, None)
        if known is None or known[0] != app.client_id:
            raise ApiFailure("invalid_refresh_token")
        team_id = known[1]
        team_name, bot_user_id = teams[team_id]
        answer: dict[str, Any] = {
            "app_id": APP_ID,
            "token_type": "bot",
            "bot_user_id": bot_user_id,
            "team": {"id": team_id, "name": team_name},
            "enterprise": None,
            "is_enterprise_install": False,
        }
        answer.update(self._issue(app, team_id))
        return answer

    def _issue(self, app: OAuthApp, team_id: str) -> dict[str, Any]:
        serial = next(self._serial)
        prefix = "xoxe.xoxb-1" if app.rotating else "xoxb"
        token = f"{prefix}-{team_id}-{serial}"
        self.tokens[token] = team_id
        if not app.rotating:
            return {"access_token": token}
        refresh_token = f"xoxe-1-{team_id}-{serial}"
        self.refresh[refresh_token] = (app.client_id, team_id)
        return {
            "access_token": token,
            "refresh_token": refresh_token,
            "expires_in": ROTATING_TOKEN_SECONDS,
        }


def _credentials(args: Mapping[str, Any], authorization: str | None) -> tuple[str, str]:
    """(client id, client secret) from HTTP Basic auth, as slack_sdk sends them, or args."""
    if authorization and authorization.startswith("Basic "):
        try:
            decoded = base64.b64decode(authorization.removeprefix("Basic ")).decode()
        except ValueError as error:
            raise ApiFailure("invalid_client_id") from error
        client_id, _, secret = decoded.partition(":")
        return client_id, secret
    return str(args.get("client_id") or ""), str(args.get("client_secret") or "")
