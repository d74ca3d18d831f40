"""Slack's Socket Mode side, locally: the WebSocket server an `emcoach run` process connects to.

Pair it with the Web API stand-in (``slack.socket_url = sockets.url``): the app asks
apps.connections.open for a URL, connects here, is greeted with ``hello``, and then receives the
envelopes a test pushes — ``slash_commands`` and ``events_api``, shaped as Slack sends them —
and answers each with an ack ``{"envelope_id": ..., "payload": {...}}``, which is recorded with
how long it took. A ``websockets`` server on 127.0.0.1 with its own asyncio loop in a daemon
thread; the test talks to it from its own thread.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self, TypeVar
from urllib.parse import parse_qsl

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from bot.clock import SystemClock
from bot.sim.standin.sender import SlackSender

APP_ID = "A0EMCOACH"
# Every wait has a bound, so a broken app fails a test instead of hanging it.
_LOOP_CALL_SECONDS = 5.0
_T = TypeVar("_T")


@dataclass(frozen=True)
class Ack:
    """The app's answer to one envelope; ``payload`` is what Slack shows (None: a bare ack)."""

    envelope_id: str
    payload: dict[str, Any] | None
    seconds: float  # from the envelope leaving here to its ack arriving


class SocketModeStandIn:
    """Use ``with SocketModeStandIn() as sockets:`` or start()/stop()."""

    def __init__(
        self,
        *,
        team_id: str = "T0001",
        response_url_factory: Callable[[], str] | None = None,
    ) -> None:
        # Slash command fields are the same in both transports; SlackSender builds them for
        # HTTP, so Socket Mode reuses it (it never sends anything from here).
        self._fields = SlackSender(
            events_url="", secret="", team_id=team_id, response_url_factory=response_url_factory
        )
        self._team_id = team_id
        self._changed = threading.Condition()
        self._connections = 0
        self._current: ServerConnection | None = None
        self._pushed_at: dict[str, float] = {}
        self._acks: dict[str, Ack] = {}
        self._received: list[dict[str, Any]] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: Server | None = None
        self._url = ""

    # --- lifecycle ----------------------------------------------------------------------

    def start(self) -> Self:
        if self._loop is not None:
            raise RuntimeError("the Socket Mode stand-in is already running")
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._thread = threading.Thread(
            target=loop.run_forever, name="socket-mode-standin", daemon=True
        )
        self._thread.start()
        self._server = self._call(self._open())
        port = self._server.sockets[0].getsockname()[1]
        # Shaped like Slack's own (wss://wss-primary.slack.com/link/?ticket=...&app_id=...).
        self._url = f"ws://127.0.0.1:{port}/link/?ticket={uuid.uuid4()}&app_id={APP_ID}"
        return self

    def stop(self) -> None:
        loop, thread, server = self._loop, self._thread, self._server
        if loop is None or thread is None:
            return
        if server is not None:
            server.close()
            self._call(server.wait_closed())
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()
        self._loop = self._thread = self._server = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """What apps.connections.open should answer with."""
        if not self._url:
            raise RuntimeError("start() the Socket Mode stand-in first")
        return self._url

    # --- what happened ------------------------------------------------------------------

    @property
    def connections(self) -> int:
        """WebSocket connections accepted so far (a reconnect counts again)."""
        with self._changed:
            return self._connections

    @property
    def received(self) -> list[dict[str, Any]]:
        """Every message the app sent, acks included, in arrival order."""
        with self._changed:
            return list(self._received)

    def wait_connected(self, timeout: float = 10.0) -> None:
        with self._changed:
            if not self._changed.wait_for(lambda: self._current is not None, timeout):
                raise AssertionError(f"the app did not connect within {timeout} s")

    def wait_ack(self, envelope_id: str, timeout: float = 5.0) -> Ack:
        with self._changed:
            if not self._changed.wait_for(lambda: envelope_id in self._acks, timeout):
                raise AssertionError(
                    f"no ack for envelope {envelope_id} within {timeout} s; "
                    f"received: {self._received}"
                )
            return self._acks[envelope_id]

    # --- sending envelopes --------------------------------------------------------------

    def command(self, text: str, *, user_id: str, channel_id: str = "C0GENERAL") -> str:
        """A ``/emcoach <text>`` slash_commands envelope; returns its envelope_id."""
        body = self._fields.command_body(text, user_id=user_id, channel_id=channel_id)
        return self.push("slash_commands", dict(parse_qsl(body)), accepts_response_payload=True)

    def event(
        self, event: dict[str, Any], *, event_id: str | None = None, retry_attempt: int = 0
    ) -> str:
        """An events_api envelope; a retry repeats ``event_id`` with ``retry_attempt`` > 0."""
        callback = {
            "token": "legacy-unused",
            "team_id": self._team_id,
            "api_app_id": APP_ID,
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}",
            "event_time": int(SystemClock().now().timestamp()),
            "authorizations": [{"team_id": self._team_id, "user_id": "UBOT", "is_bot": True}],
        }
        return self.push(
            "events_api",
            callback,
            accepts_response_payload=False,
            retry_attempt=retry_attempt,
            retry_reason="timeout" if retry_attempt else "",
        )

    def push(
        self,
        envelope_type: str,
        payload: dict[str, Any],
        *,
        accepts_response_payload: bool,
        **extra: Any,
    ) -> str:
        """Send one envelope over the current connection; returns its envelope_id."""
        envelope_id = str(uuid.uuid4())
        envelope = {
            "envelope_id": envelope_id,
            "type": envelope_type,
            "payload": payload,
            "accepts_response_payload": accepts_response_payload,
            **extra,
        }
        with self._changed:
            connection = self._current
            if connection is None:
                raise AssertionError("no app is connected to the Socket Mode stand-in")
            self._pushed_at[envelope_id] = time.monotonic()
        self._call(connection.send(json.dumps(envelope)))
        return envelope_id

    # --- serving (on the loop's thread) -------------------------------------------------

    async def _serve(self, connection: ServerConnection) -> None:
        with self._changed:
            self._connections += 1
            self._current = connection
            count = self._connections
            self._changed.notify_all()
        hello = {
            "type": "hello",
            "num_connections": 1,
            "debug_info": {"host": "standin", "build_number": 1, "approximate_connection_time": 0},
            "connection_info": {"app_id": APP_ID},
        }
        try:
            await connection.send(json.dumps(hello))
            async for message in connection:
                self._record(json.loads(message))
        except ConnectionClosed:
            pass  # slack_sdk's client drops the socket without a close frame when it stops
        finally:
            with self._changed:
                if self._connections == count:
                    self._current = None
                self._changed.notify_all()

    def _record(self, message: dict[str, Any]) -> None:
        arrived = time.monotonic()
        with self._changed:
            self._received.append(message)
            envelope_id = message.get("envelope_id")
            pushed = self._pushed_at.get(envelope_id) if isinstance(envelope_id, str) else None
            if isinstance(envelope_id, str) and pushed is not None:
                self._acks.setdefault(
                    envelope_id, Ack(envelope_id, message.get("payload"), arrived - pushed)
                )
            self._changed.notify_all()

    async def _open(self) -> Server:
        return await serve(self._serve, "127.0.0.1", 0)

    def _call(self, coroutine: Coroutine[Any, Any, _T]) -> _T:
        """Run a coroutine on the server's loop from the test's thread and wait for it."""
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(_LOOP_CALL_SECONDS)
