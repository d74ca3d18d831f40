"""apps.connections.open: where a Socket Mode app opens its WebSocket, and who may ask.

Slack answers it only for an app-level token (``xapp-…``), with a fresh ``wss://`` URL; every
other method wants a bot or user token (``xox…``). The stand-in answers with the URL a test set
(``SlackStandIn.socket_url``), so ``emcoach run`` can be pointed at a local WebSocket server.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.sim.standin.wire import ApiFailure
from bot.sim.standin.workspace import Workspace

APP_TOKEN_PREFIX = "xapp-"
APP_LEVEL_METHODS = frozenset({"apps.connections.open"})


def token_type_error(*, method: str, token: str) -> str | None:
    """Slack's ``not_allowed_token_type`` when the kind of token does not fit the method."""
    if token.startswith(APP_TOKEN_PREFIX) != (method in APP_LEVEL_METHODS):
        return "not_allowed_token_type"
    return None


def connections_open(ws: Workspace, args: Mapping[str, Any]) -> dict[str, Any]:
    del args  # the app-level token is the only argument, and the server checked it
    if not ws.socket_url:
        # Not a Slack error: a test forgot to start its WebSocket side, so fail loudly.
        raise ApiFailure("standin_socket_url_not_set")
    return {"url": ws.socket_url}
