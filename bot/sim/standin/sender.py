"""Requests exactly as Slack sends them to an app, signed, over real HTTP (tests and the demo).

Slash commands are form bodies; block_actions and view_submission are ``payload=<json>`` form
bodies; Events API deliveries are JSON envelopes (with X-Slack-Retry-* headers on retries).
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

from bot.clock import SystemClock


@dataclass(frozen=True)
class HttpResult:
    status: int
    body: str
    seconds: float

    def json(self) -> Any:
        return json.loads(self.body)


def post(url: str, body: str, headers: dict[str, str], *, timeout: float = 10.0) -> HttpResult:
    request = urllib.request.Request(url, data=body.encode("utf-8"), headers=headers)
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            text = response.read().decode("utf-8")
            return HttpResult(response.status, text, time.monotonic() - started)
    except urllib.error.HTTPError as error:
        text = error.read().decode("utf-8")
        error.close()
        return HttpResult(error.code, text, time.monotonic() - started)


@dataclass
class SlackSender:
    """Sends what Slack would send to ``events_url``; a wrong ``secret`` makes forgeries."""

    events_url: str
    secret: str
    team_id: str = "T0001"
    response_url_factory: Callable[[], str] | None = None  # e.g. SlackStandIn.new_response_url
    results: list[HttpResult] = field(default_factory=list)  # every answer, for later checks

    def headers(self, body: str, *, timestamp: int | None = None) -> dict[str, str]:
        # Bolt checks the timestamp against the real time, so this signs with the real time.
        stamp = str(timestamp if timestamp is not None else int(SystemClock().now().timestamp()))
        signature = SignatureVerifier(self.secret).generate_signature(timestamp=stamp, body=body)
        assert signature is not None
        return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature}

    def send(
        self, body: str, *, content_type: str, extra_headers: dict[str, str] | None = None
    ) -> HttpResult:
        signed = self.headers(body) | (extra_headers or {}) | {"Content-Type": content_type}
        result = post(self.events_url, body, signed)
        self.results.append(result)
        return result

    def _response_url(self) -> str:
        return self.response_url_factory() if self.response_url_factory else "https://invalid/"

    def command_body(
        self, text: str, *, user_id: str, channel_id: str = "C0GENERAL", command: str = "/emcoach"
    ) -> str:
        return urlencode(
            {
                "token": "legacy-unused",
                "team_id": self.team_id,
                "team_domain": "acme",
                "channel_id": channel_id,
                "channel_name": "general",
                "user_id": user_id,
                "user_name": user_id.lower(),
                "command": command,
                "text": text,
                "api_app_id": "A0EMCOACH",
                "is_enterprise_install": "false",
                "response_url": self._response_url(),
                "trigger_id": f"trig-{uuid.uuid4().hex}",
            }
        )

    def command(self, text: str, *, user_id: str, channel_id: str = "C0GENERAL") -> HttpResult:
        body = self.command_body(text, user_id=user_id, channel_id=channel_id)
        return self.send(body, content_type="application/x-www-form-urlencoded")

    def interaction(self, payload: dict[str, Any]) -> HttpResult:
        payload = {"team": {"id": self.team_id, "domain": "acme"}, "api_app_id": "A0EMCOACH"} | (
            payload
        )
        body = urlencode({"payload": json.dumps(payload)})
        return self.send(body, content_type="application/x-www-form-urlencoded")

    def block_action(
        self, *, user_id: str, action_id: str, value: str = "", block_id: str = "b", **extra: Any
    ) -> HttpResult:
        payload = {
            "type": "block_actions",
            "user": {"id": user_id, "team_id": self.team_id},
            "trigger_id": f"trig-{uuid.uuid4().hex}",
            "response_url": self._response_url(),
            "container": {"type": "message"},
            "actions": [
                {
                    "type": "button",
                    "action_id": action_id,
                    "block_id": block_id,
                    "value": value,
                    "action_ts": f"{SystemClock().now().timestamp():.6f}",
                }
            ],
        } | extra
        return self.interaction(payload)

    def view_submission(
        self, *, user_id: str, callback_id: str, values: dict[str, Any], private_metadata: str = ""
    ) -> HttpResult:
        payload = {
            "type": "view_submission",
            "user": {"id": user_id, "team_id": self.team_id},
            "trigger_id": f"trig-{uuid.uuid4().hex}",
            "view": {
                "id": f"V{uuid.uuid4().hex[:10].upper()}",
                "type": "modal",
                "callback_id": callback_id,
                "private_metadata": private_metadata,
                "state": {"values": values},
                "hash": "h",
            },
        }
        return self.interaction(payload)

    def event(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        event_time: int | None = None,
    ) -> HttpResult:
        envelope = {
            "token": "legacy-unused",
            "team_id": self.team_id,
            "api_app_id": "A0EMCOACH",
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}",
            "event_time": event_time or int(SystemClock().now().timestamp()),
            "authorizations": [{"team_id": self.team_id, "user_id": "UBOT", "is_bot": True}],
        }
        extra = {}
        if retry_num is not None:
            extra = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        return self.send(json.dumps(envelope), content_type="application/json", extra_headers=extra)
