"""Build the Bolt app: one app serves Socket Mode (`emcoach run`) and HTTP (`emcoach serve`)."""

from __future__ import annotations

import logging

from slack_bolt import App

from bot.services import Services
from handlers import register_all
from handlers.router import Router


def build_app(services: Services, *, socket_mode: bool = False) -> tuple[App, Router]:
    settings = services.settings
    app = App(
        client=services.client,
        # Socket Mode requests are not signed; HTTP mode must have the real secret.
        signing_secret=settings.signing_secret if not socket_mode else "",
        request_verification_enabled=not socket_mode,
        process_before_response=False,
        logger=logging.getLogger("emcoach.bolt"),
    )
    router = register_all(app, services)
    return app, router
