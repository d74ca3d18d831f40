"""Build the Bolt app: one app serves Socket Mode (`emcoach run`) and HTTP (`emcoach serve`)."""

from __future__ import annotations

import logging

from slack_bolt import App
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped

from bot.compose import Runtime
from bot.logging_setup import ContextThreadPool
from bot.oauth import NOT_INSTALLED, build_oauth_flow
from bot.scheduler import build_dispatcher
from bot.verification import StrictRequestVerification
from handlers import register_all
from handlers.errors import KeepFirstAnswer
from handlers.guard import PayloadGuard
from handlers.router import Router

BOLT_LOGGER = "emcoach.bolt"


class _TokenNotice(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN itself and, seeing our client too, warns at every start that
    the token "will be unused" — while that client was built from that very token."""

    _MESSAGE = warning_client_prioritized_and_token_skipped()

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != self._MESSAGE


_bolt_logger = logging.getLogger(BOLT_LOGGER)
_bolt_logger.addFilter(_TokenNotice())


def build_app(services: Runtime, *, socket_mode: bool = False) -> tuple[App, Router]:
    """One workspace (SLACK_BOT_TOKEN), or over HTTP with SLACK_CLIENT_ID/SECRET set, every
    workspace installed through OAuth (bot/oauth.py): each request then carries its own
    workspace's token in ``context.client``."""
    settings = services.settings
    # Socket Mode requests are not signed; HTTP mode must have the real secret.
    signing_secret = settings.signing_secret if not socket_mode else ""
    many = settings.oauth_enabled and not socket_mode  # installs through OAuth: HTTP only
    oauth = build_oauth_flow(services, bolt_logger=_bolt_logger) if many else None
    app = App(
        # Bolt names an unnamed app after its caller's file through inspect.stack() (which reads
        # every frame's source: milliseconds per app, paid by every scenario test); this is that
        # name ("app.py", part of every Bolt logger's name), given.
        name="app.py",
        client=services.client,
        signing_secret=signing_secret,
        oauth_flow=oauth,
        user_facing_authorize_error_message=NOT_INSTALLED if oauth is not None else None,
        # Bolt's own verifier raises on a malformed timestamp (and its error handler then ran
        # on the forged body); the strict one, in the same place in the chain (right after
        # SslCheck, before authorization), answers 401 and skips Socket Mode as Bolt's does.
        request_verification_enabled=False,
        before_authorize=StrictRequestVerification(signing_secret, base_logger=_bolt_logger),
        process_before_response=False,
        logger=_bolt_logger,
        # Listeners run after the acknowledgement on this pool, in the request's log context.
        listener_executor=ContextThreadPool(max_workers=5),
    )
    # The guard first: a malformed body must not reach a function middleware (see its notes).
    app.use(PayloadGuard())
    app.use(KeepFirstAnswer())
    router = register_all(app, services, publish=build_dispatcher(services).send_now)
    return app, router
