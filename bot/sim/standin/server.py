"""A local HTTP stand-in for Slack's Web API, for the test suite and ``emcoach demo``.

``slack_sdk.WebClient(base_url=standin.api_url)`` talks to it unchanged. It keeps a small
stateful workspace (messages, DMs, views, files), records every request, and can be told to
fail the way Slack fails (see ``bot.sim.standin.faults``). Standard library only; one
``ThreadingHTTPServer`` on 127.0.0.1 with an OS-chosen port, served from a daemon thread.
"""

from __future__ import annotations

import copy
import itertools
import json
import logging
import socket
import threading
import time
from collections.abc import Callable, Collection, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Protocol, Self
from urllib.parse import urlsplit

from bot.clock import Clock, SystemClock
from bot.sim.serving import serve_in_thread, stop_serving
from bot.sim.standin import files, methods
from bot.sim.standin.faults import Fault, FaultPlan, applied_anyway, delay_of, reply_for
from bot.sim.standin.oauth import Installs, OAuthApp
from bot.sim.standin.records import Call, SharedFile, StandInUser, UserGroup
from bot.sim.standin.wire import ApiFailure, parse_args, parse_json_body
from bot.sim.standin.workspace import Conversation, Workspace

logger = logging.getLogger(__name__)

_API_PREFIX = "/api/"
_UPLOAD_PREFIX = "/" + files.UPLOAD_PATH
_RESPONSE_PREFIX = "/response/"
_CONSENT_PATH = "/oauth/v2/authorize"
_OAUTH_ACCESS = "oauth.v2.access"
_JSON = "application/json; charset=utf-8"
_TEXT = "text/plain; charset=utf-8"
_WAIT_FOR_POLL_SECONDS = 0.01


@dataclass(frozen=True)
class _Reply:
    status: int
    body: bytes
    content_type: str = _JSON
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


class _Route(Protocol):
    def __call__(self, *, path: str, query: str, body: bytes, headers: Message) -> _Reply: ...


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What ``SlackStandIn.snapshot`` copied: its attributes by name."""

    state: dict[str, Any]


# What a snapshot holds: the workspaces (``_teams`` holds ``_workspace`` too), installs, traffic.
_SNAPSHOT_STATE = (
    "_workspace",
    "_teams",
    "_installers",
    "_installs",
    "_calls",
    "_responses",
    "_response_keys",
    "_response_counter",
)


class SlackStandIn:
    """Slack's Web API, locally. Use ``with SlackStandIn(...) as slack:`` or start()/stop()."""

    def __init__(
        self,
        *,
        team_id: str = "T0001",
        team_name: str = "Acme",
        bot_user_id: str = "UBOT",
        users: Sequence[StandInUser] | None = None,
        clock: Clock | None = None,
    ) -> None:
        # The clock stamps message ts and computes users' tz_offset; the demo passes its
        # simulated clock so timestamps follow simulated time.
        self._workspace = Workspace(
            team_id=team_id,
            team_name=team_name,
            bot_user_id=bot_user_id,
            clock=clock or SystemClock(),
        )
        # More workspaces (add_team): each call is answered in the one its token was issued
        # for by oauth.v2.access; any other token means the first workspace.
        self._teams: dict[str, Workspace] = {team_id: self._workspace}
        self._installers: dict[str, str] = {}
        self._installs = Installs()
        self._lock = threading.Lock()
        # Bumped after every request the stand-in answers: wait_for wakes on it at once.
        self._served = threading.Condition()
        self._served_count = 0
        self._faults = FaultPlan()
        self._calls: list[Call] = []
        self._responses: list[tuple[str, dict[str, Any]]] = []
        self._response_keys: set[str] = set()
        self._response_counter = itertools.count(1)
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        for user in users or ():
            self.add_user(user)

    # --- lifecycle ----------------------------------------------------------------------

    def start(self) -> Self:
        if self._server is not None:
            raise RuntimeError("the Slack stand-in is already running")
        self._stopping.clear()
        server = _Server(route=self._route, stopping=self._stopping)
        self._server = server
        for workspace in self._teams.values():
            workspace.root_url = f"http://127.0.0.1:{server.server_address[1]}/"
        self._thread = serve_in_thread(server, name="slack-standin")
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        self._stopping.set()  # wakes replies held back by a Timeout fault
        stop_serving(server, thread)
        server.hang_up()  # kept-alive connections stop waiting for a next request
        server.server_close()  # joins the request threads
        self._server = self._thread = None

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
    def root_url(self) -> str:
        if self._server is None:
            raise RuntimeError("start() the Slack stand-in first")
        return self._workspace.root_url

    @property
    def api_url(self) -> str:
        """What to pass as ``WebClient(base_url=...)``: ``http://127.0.0.1:PORT/api/``."""
        return self.root_url + _API_PREFIX.lstrip("/")

    @property
    def socket_url(self) -> str:
        """The WebSocket URL apps.connections.open answers with ("" until a test sets it)."""
        with self._lock:
            return self._workspace.socket_url

    @socket_url.setter
    def socket_url(self, url: str) -> None:
        with self._lock:
            self._workspace.socket_url = url

    # --- workspace setup ----------------------------------------------------------------

    def add_user(self, user: StandInUser, *, team: str | None = None) -> None:
        """Once any user is added, unknown user ids fail as they do in Slack."""
        with self._lock:
            self._team(team).users[user.id] = user

    def add_team(
        self,
        team_id: str,
        *,
        name: str,
        bot_user_id: str,
        installer: str,
        users: Sequence[StandInUser] = (),
    ) -> None:
        """Another workspace, reached with the tokens oauth.v2.access issues for it;
        ``installer`` is the person who allows the app on the consent screen."""
        with self._lock:
            workspace = Workspace(
                team_id=team_id,
                team_name=name,
                bot_user_id=bot_user_id,
                clock=self._workspace.clock,
                root_url=self._workspace.root_url,
            )
            workspace.share_ids_with(self._workspace)  # ids unique across workspaces
            self._teams[team_id] = workspace
            self._installers[team_id] = installer
            for user in users:
                workspace.users[user.id] = user

    def register_app(
        self,
        *,
        client_id: str,
        client_secret: str,
        redirect_url: str | None = None,
        rotating: bool = False,
    ) -> None:
        """The app installs go through (its credentials and Redirect URL, as in its settings;
        ``rotating``: token rotation enabled)."""
        with self._lock:
            self._installs.apps[client_id] = OAuthApp(
                client_id=client_id,
                client_secret=client_secret,
                redirect_url=redirect_url,
                rotating=rotating,
            )

    @property
    def consent_url(self) -> str:
        """Slack's consent screen here (what OAuth settings call the authorization URL)."""
        return self.root_url + _CONSENT_PATH.lstrip("/")

    def team_of(self, token: str) -> str | None:
        """The workspace a token was issued for by oauth.v2.access (None: not issued here)."""
        with self._lock:
            return self._installs.tokens.get(token)

    def _team(self, team_id: str | None) -> Workspace:
        if team_id is None:
            return self._workspace
        found = self._teams.get(team_id)
        if found is None:
            raise KeyError(f"no workspace {team_id} in the stand-in: add_team() it first")
        return found

    def add_channel(
        self, channel_id: str, *, name: str, bot_is_member: bool = True, archived: bool = False
    ) -> None:
        """Unregistered C/G ids exist anyway with the bot as member; register the other cases."""
        if not channel_id.startswith(("C", "G")):
            raise ValueError("channel ids start with C (public) or G (private)")
        with self._lock:
            self._workspace.conversations[channel_id] = Conversation(
                id=channel_id, name=name, bot_is_member=bot_is_member, archived=archived
            )

    def add_usergroup(self, group_id: str, handle: str, user_ids: Sequence[str]) -> None:
        """A user group (``S…`` id) that usergroups.list and usergroups.users.list answer with."""
        if not group_id.startswith("S"):
            raise ValueError("user group ids start with S")
        with self._lock:
            self._workspace.usergroups[group_id] = UserGroup(
                id=group_id, handle=handle.removeprefix("@"), user_ids=tuple(user_ids)
            )

    def new_response_url(self) -> str:
        """A response_url for a test payload; what is POSTed to it shows in responses()."""
        with self._lock:
            key = str(next(self._response_counter))
            self._response_keys.add(key)
        return f"{self.root_url}{_RESPONSE_PREFIX.lstrip('/')}{key}"

    # --- faults -------------------------------------------------------------------------

    def inject(self, method: str, fault: Fault, *, times: int = 1) -> None:
        """Fail the next ``times`` calls of ``method`` ("*" for any method), in order."""
        with self._lock:
            self._faults.add(method, fault, times=times)

    def inject_random(
        self,
        *,
        rate: float,
        seed: int,
        faults: Sequence[Fault],
        methods: Collection[str] | None = None,
    ) -> None:
        """Fail a seeded pseudo-random ``rate`` of calls (of ``methods``, default all)."""
        with self._lock:
            self._faults.add_random(rate=rate, seed=seed, faults=faults, methods=methods)

    # --- what happened ------------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        """Every Web API request so far, faulted ones included, in arrival order."""
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    def responses(self, url: str | None = None) -> list[dict[str, Any]]:
        """Bodies POSTed to response URLs (all, or one URL's), in arrival order."""
        with self._lock:
            return [body for posted_to, body in self._responses if url in (None, posted_to)]

    def messages(
        self, channel: str | None = None, *, team: str | None = None
    ) -> list[dict[str, Any]]:
        """Stored messages oldest first, each with its ``channel``; a user id means their DM.
        ``team``: another workspace's (add_team), else the first's."""
        with self._lock:
            workspace = self._team(team)
            wanted = None if channel is None else workspace.dm_by_user.get(channel, channel)
            return [
                _snapshot(message)
                for message in workspace.messages
                if wanted is None or message["channel"] == wanted
            ]

    def files(self) -> list[SharedFile]:
        """Files completed through files.completeUploadExternal, one entry per channel."""
        with self._lock:
            return list(self._workspace.shared_files)

    def home_view(self, user_id: str) -> dict[str, Any] | None:
        """The App Home view last published for a user, if any."""
        with self._lock:
            view_id = self._workspace.home_by_user.get(user_id)
            view = None if view_id is None else self._workspace.views[view_id]
            return None if view is None else _snapshot(view)

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
        """Until ``predicate()`` holds (Bolt runs listeners on other threads): checked again as
        soon as the stand-in has answered another request, and at least every 10 ms for what
        changes elsewhere (a database row)."""
        deadline = time.monotonic() + timeout
        while True:
            with self._served:
                served = self._served_count
            if predicate():
                return
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                summary = "\n".join(
                    f"  {call.method} -> {call.status} {call.error or 'ok'}" for call in self.calls
                )
                raise AssertionError(
                    f"condition not met within {timeout} s; calls so far:\n{summary or '  none'}"
                )
            with self._served:
                if self._served_count == served:
                    self._served.wait(min(_WAIT_FOR_POLL_SECONDS, remaining))

    # --- connections --------------------------------------------------------------------

    @property
    def connections_accepted(self) -> int:
        """TCP connections accepted since start: fewer than calls when clients keep them open."""
        return self._running().accepted

    @property
    def open_connections(self) -> int:
        return self._running().open_connections()

    def hang_up(self) -> None:
        """Close every idle kept-alive connection, as Slack does after a while; a client must
        notice before its next call instead of losing that call."""
        self._running().hang_up()

    def _running(self) -> _Server:
        if self._server is None:
            raise RuntimeError("the Slack stand-in is not running")
        return self._server

    def snapshot(self) -> Snapshot:
        """A copy of everything the stand-in holds but its faults: workspaces (people,
        conversations, messages, views, files), installs, calls and responses. ``restore`` puts
        it into another stand-in, so tests can start from a state built once."""
        with self._lock:
            clocks = {id(team.clock): team.clock for team in self._teams.values()}
            return Snapshot(copy.deepcopy(self._state(), memo=dict(clocks)))

    def restore(self, snapshot: Snapshot) -> None:
        """Hold exactly what ``snapshot`` held (it stays reusable), on this stand-in's clock
        and address; no faults planned."""
        with self._lock:
            clock, root_url = self._workspace.clock, self._workspace.root_url
            clocks = {id(team.clock): clock for team in snapshot.state["_teams"].values()}
            state = copy.deepcopy(snapshot.state, memo=dict(clocks))
            for name, value in state.items():
                setattr(self, name, value)
            for team in self._teams.values():
                team.clock, team.root_url = clock, root_url
            self._faults.clear()

    def _state(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _SNAPSHOT_STATE}

    def reset(self) -> None:
        """Forget traffic and faults; keep users, channels and DM ids."""
        with self._lock:
            self._calls.clear()
            self._responses.clear()
            self._faults.clear()
            self._workspace.clear_traffic()

    # --- serving ------------------------------------------------------------------------

    def _route(self, *, path: str, query: str, body: bytes, headers: Message) -> _Reply:
        try:
            return self._answer(path=path, query=query, body=body, headers=headers)
        finally:
            with self._served:
                self._served_count += 1
                self._served.notify_all()

    def _answer(self, *, path: str, query: str, body: bytes, headers: Message) -> _Reply:
        if path.startswith(_API_PREFIX):
            return self._api_call(path.removeprefix(_API_PREFIX), query, body, headers)
        if path.startswith(_UPLOAD_PREFIX):
            return self._upload(path.removeprefix(_UPLOAD_PREFIX), body)
        if path.startswith(_RESPONSE_PREFIX):
            return self._response_post(path, body)
        if path == _CONSENT_PATH:
            return self._consent(query)
        return _Reply(404, b"not found", _TEXT)

    def _consent(self, query: str) -> _Reply:
        """The person allows the app at once: on to the app's Redirect URL with a code."""
        with self._lock:
            teams = {
                team_id: (workspace.team_name, self._installers.get(team_id, "U0INSTALLER"))
                for team_id, workspace in self._teams.items()
            }
            try:
                location = self._installs.consent(query, teams=teams)
            except ApiFailure as failure:
                return _Reply(400, failure.error.encode(), _TEXT)
        return _Reply(302, b"", _TEXT, headers={"Location": location})

    def _oauth_access(self, args: dict[str, Any], headers: Message) -> dict[str, Any]:
        """oauth.v2.access (under the lock): no bot token, the app's credentials instead."""
        teams = {
            team_id: (workspace.team_name, workspace.bot_user_id)
            for team_id, workspace in self._teams.items()
        }
        try:
            answer = self._installs.access(
                args, authorization=headers.get("Authorization"), teams=teams
            )
        except ApiFailure as failure:
            return {"ok": False, "error": failure.error}
        return {"ok": True, **answer}

    def _api_call(self, method: str, query: str, body: bytes, headers: Message) -> _Reply:
        args: dict[str, Any] = {}
        error: str | None
        try:
            args = parse_args(content_type=headers.get("Content-Type", ""), body=body, query=query)
            error = (
                None
                if method == _OAUTH_ACCESS
                else methods.auth_error(
                    method=method, authorization=headers.get("Authorization"), args=args
                )
            )
        except ApiFailure as failure:
            error = failure.error
        with self._lock:
            workspace = self._workspace_of(headers.get("Authorization"), args)
            fault = None if error is not None else self._faults.next_for(method)
            replaced = None if fault is None else reply_for(fault)
            if error is not None:
                status, extra, response = 200, {}, {"ok": False, "error": error}
            elif replaced is not None:
                if applied_anyway(fault):
                    methods.answer(workspace, method, args)
                status, extra, response = replaced.status, replaced.headers, replaced.body
            elif method == _OAUTH_ACCESS:
                status, extra, response = 200, {}, self._oauth_access(args, headers)
            else:
                status, extra, response = 200, {}, methods.answer(workspace, method, args)
            encoded = json.dumps(response).encode()
            self._calls.append(
                Call(
                    method=method,
                    args=args,
                    headers=dict(headers.items()),
                    status=status,
                    # What the client saw, decoupled from state that later calls change.
                    response=json.loads(encoded),
                    fault=fault,
                )
            )
        return _Reply(status, encoded, headers=extra, delay=delay_of(fault))

    def _workspace_of(self, authorization: str | None, args: dict[str, Any]) -> Workspace:
        """The workspace the call's token belongs to (under the lock)."""
        token = (authorization or "").removeprefix("Bearer ").strip() or str(
            args.get("token") or ""
        )
        team_id = self._installs.tokens.get(token)
        return self._workspace if team_id is None else self._teams[team_id]

    def _upload(self, file_id: str, body: bytes) -> _Reply:
        with self._lock:
            accepted = any(  # the workspace whose getUploadURLExternal issued the id
                files.receive_upload(workspace, file_id=file_id, content=body)
                for workspace in self._teams.values()
            )
        if not accepted:
            return _Reply(404, b"file_not_found", _TEXT)
        return _Reply(200, f"OK - {len(body)}".encode(), _TEXT)

    def _response_post(self, path: str, body: bytes) -> _Reply:
        key = path.removeprefix(_RESPONSE_PREFIX)
        try:
            payload = parse_json_body(body)
        except ApiFailure:
            return _Reply(400, b"invalid_payload", _TEXT)
        with self._lock:
            if key not in self._response_keys:
                return _Reply(404, b"no_service", _TEXT)
            self._responses.append((f"{self._workspace.root_url}{path.lstrip('/')}", payload))
        return _Reply(200, b"ok", _TEXT)


def _snapshot(value: dict[str, Any]) -> dict[str, Any]:
    """A deep copy that later calls cannot change (state stays JSON-shaped throughout)."""
    copied: dict[str, Any] = json.loads(json.dumps(value))
    return copied


class _Server(ThreadingHTTPServer):
    # Non-daemon request threads so server_close() joins them: a clean stop, no stray writes.
    daemon_threads = False
    block_on_close = True
    # socketserver's default backlog of 5 drops connections from bursts (8 threads posting
    # at once), and the client's SYN retry then costs a second.
    request_queue_size = 128

    def __init__(self, *, route: _Route, stopping: threading.Event) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.route = route
        self.stopping = stopping
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        self.accepted = 0

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
            self.accepted += 1
        super().process_request(request, client_address)

    def open_connections(self) -> int:
        with self._open_lock:
            return len(self._open)

    def shutdown_request(self, request: Any) -> None:
        # Closed first, then no longer counted: a test that waits for open_connections to reach
        # 0 must find the client's end already told (the FIN sent), not a socket about to close.
        try:
            super().shutdown_request(request)
        finally:
            with self._open_lock:
                self._open.discard(request)

    def hang_up(self) -> None:
        """End every open connection's wait for its next request (a reply being written
        still completes): Slack's keep-alive connections are HTTP/1.1 too."""
        with self._open_lock:
            for connection in self._open:
                with suppress(OSError):  # the client closed it already
                    connection.shutdown(socket.SHUT_RD)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    # Connections stay open between requests, as Slack's do (each reply has a Content-Length).
    protocol_version = "HTTP/1.1"
    # Headers and body are separate writes: with Nagle on, a kept-alive connection would hold
    # the body until the client's delayed ACK (~40 ms) for every reply.
    disable_nagle_algorithm = True

    def do_POST(self) -> None:
        self._serve()

    def do_GET(self) -> None:
        self._serve()

    def _serve(self) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        try:
            reply = self.server.route(
                path=url.path, query=url.query, body=body, headers=self.headers
            )
        except Exception as error:
            # A bug in the stand-in itself: answer loudly instead of dropping the connection,
            # which slack_sdk would retry and turn into a puzzle.
            logger.exception("the Slack stand-in failed on %s", url.path)
            failure = {"ok": False, "error": f"standin_bug: {error!r}"}
            reply = _Reply(500, json.dumps(failure).encode())
        if reply.delay > 0:
            self.server.stopping.wait(reply.delay)
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            # The client stopped waiting (that is what a Timeout fault is for).
            logger.debug("client went away before the stand-in answered %s", url.path)

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("standin: " + format, *args)
