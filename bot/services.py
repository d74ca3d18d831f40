"""What every listener, flow and job receives: the database, the clock and the Slack clients
(one workspace's token, or each installed workspace's own). Built by the composition root
(bot/compose.py), which alone knows the settings: nothing that receives Services reads them."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk import WebClient
from sqlalchemy.engine import Engine

from bot.clock import Clock
from bot.engine.dispatch import ClientFor


@dataclass(frozen=True, slots=True, kw_only=True)
class Services:
    engine: Engine
    clock: Clock
    # Single workspace: SLACK_BOT_TOKEN's client. Installed through OAuth: a client without a
    # token (Bolt gives each listener one carrying its workspace's token, context.client).
    client: WebClient
    # Installed through OAuth: each workspace's client (None: not installed there).
    clients: ClientFor | None = None

    def client_for(self, team_id: str) -> WebClient | None:
        """The client carrying ``team_id``'s token, for calls no listener makes (the clock's
        re-planning); None when emcoach is not installed there."""
        return self.client if self.clients is None else self.clients(team_id)
