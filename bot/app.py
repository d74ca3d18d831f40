"""Build the Bolt app: one app serves Socket Mode (`emcoach run`) and HTTP (`emcoach serve`)."""

from __future__ import annotations

import logging

from slack_bolt import App
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped

from bot.logging_setup import ContextThreadPool
from bot.services import Services
from handlers import register_all
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


def build_app(services: Services, *, socket_mode: bool = False) -> tuple[App, Router]:
    settings = services.settings
    app = App(
        client=services.client,
        # Socket Mode requests are not signed; HTTP mode must have the real secret.
        signing_secret=settings.signing_secret if not socket_mode else "",
        request_verification_enabled=not socket_mode,
        process_before_response=False,
        logger=_bolt_logger,
        # Listeners run after the acknowledgement on this pool, in the request's log context.
        listener_executor=ContextThreadPool(max_workers=5),
    )
    router = register_all(app, services)
    return app, router
