"""/emcoach schedule (being built)."""

from __future__ import annotations

from slack_bolt import App

from bot.services import Services
from handlers.router import Router


def register(app: App, services: Services, router: Router) -> None:
    """Adds the subcommand to ``router`` and its actions and views to ``app``."""
