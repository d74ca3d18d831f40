"""Installing emcoach in many workspaces through Slack's OAuth (Bolt's OAuthFlow).

On only when SLACK_CLIENT_ID and SLACK_CLIENT_SECRET are set. ``emcoach serve`` then answers
GET /slack/install (straight on to Slack's consent screen, with a state kept in the database
and in a cookie) and GET /slack/oauth_redirect (the code exchanged through oauth.v2.access,
the installation saved in the database: storage/installations.py). Every listener gets its
workspace's token from Bolt's authorize (the newest bot installation of the request's team,
refreshed first when the app rotates tokens); the clock looks tokens up the same way
(bot/services.py ``InstalledWorkspaces``).
"""

from __future__ import annotations

import logging
from urllib.parse import urljoin

from slack_bolt.authorization.authorize import InstallationStoreAuthorize
from slack_bolt.oauth import OAuthFlow
from slack_bolt.oauth.callback_options import CallbackOptions, FailureArgs, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_bolt.response import BoltResponse

from bot.compose import ROTATE_BEFORE_MINUTES, Runtime
from bot.flows.uninstall import resume_workspace
from storage.installations import installation_store, state_store

logger = logging.getLogger("emcoach.oauth")

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
# The bot scopes an install asks for: exactly manifest.yml's (tests/test_manifest.py).
BOT_SCOPES = (
    "commands",
    "chat:write",
    "files:write",
    "im:write",
    "users:read",
    "usergroups:read",
    "channels:history",
    "im:history",
)
# How long an install link (its state) stays valid.
STATE_SECONDS = 600
NOT_INSTALLED = (
    "emcoach is not installed in this workspace any more. Ask an admin to install it again "
    "from its install page (/slack/install on the server that runs it)."
)


def authorization_url(api_url: str) -> str:
    """Slack's consent screen beside its Web API: https://slack.com/oauth/v2/authorize, or the
    stand-in's when SLACK_API_URL points at one."""
    return urljoin(api_url, "../oauth/v2/authorize")


def build_oauth_flow(services: Runtime, *, bolt_logger: logging.Logger | None = None) -> OAuthFlow:
    settings = services.settings
    engine = services.engine
    store = installation_store(engine, client_id=settings.client_id)
    log = bolt_logger or logger

    def installed(args: SuccessArgs) -> BoltResponse:
        installation = args.installation
        team_id = installation.team_id
        logger.info("emcoach installed in workspace %s (%s)", team_id, installation.team_name)
        if team_id:
            # A reinstall: what is still due goes out on the next tick, the rest is missed.
            resume_workspace(engine, team_id=team_id, now=services.clock.now())
        return args.default.success(args)

    def failed(args: FailureArgs) -> BoltResponse:
        logger.warning("an install did not complete: %s", args.reason)
        return args.default.failure(args)

    oauth_settings = OAuthSettings(
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        scopes=list(BOT_SCOPES),
        user_scopes=[],
        redirect_uri=settings.SLACK_REDIRECT_URI,
        install_path=INSTALL_PATH,
        install_page_rendering_enabled=False,  # /slack/install goes straight to Slack
        redirect_uri_path=REDIRECT_PATH,
        callback_options=CallbackOptions(success=installed, failure=failed),
        authorization_url=authorization_url(settings.SLACK_API_URL),
        installation_store=store,
        installation_store_bot_only=True,  # emcoach acts only as its bot
        token_rotation_expiration_minutes=ROTATE_BEFORE_MINUTES,
        state_store=state_store(engine, expiration_seconds=STATE_SECONDS),
        state_expiration_seconds=STATE_SECONDS,
        logger=log,
    )
    # Bolt's own authorize, given our client (so a token refresh goes to SLACK_API_URL) and a
    # cache of auth.test per token: a request costs one indexed read, no extra Slack call.
    oauth_settings.authorize = InstallationStoreAuthorize(
        logger=log,
        installation_store=store,
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        token_rotation_expiration_minutes=ROTATE_BEFORE_MINUTES,
        bot_only=True,
        cache_enabled=True,
        client=services.client,
    )
    return OAuthFlow(client=services.client, logger=log, settings=oauth_settings)
