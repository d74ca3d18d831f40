"""A WebClient that keeps its connections to Slack open between calls.

slack_sdk's WebClient sends every call through ``urllib.request.urlopen``, which opens a new
TCP (and TLS) connection each time and closes it after one response; its maintainers describe
the sync client as stateless, with no pooling option. For the dispatcher that was about a third
of the CPU spent per prompt (benchmarks/dispatch.py).

This client overrides only ``api_call``, the public method every Web API method of
``WebClient`` goes through, and sends the request over a urllib3 connection pool: thread-safe,
reused across calls, checked for being dropped by the server before each reuse. It uses
slack_sdk's public pieces only: the ``retry_handlers`` (with the ``slack_sdk.http_retry``
request, response and state types they are written against), ``SlackResponse`` and its
``validate()`` (so an error answer raises ``SlackApiError`` exactly as WebClient does).

What it answers, as WebClient does: a response of any status becomes a ``SlackResponse``
(raising ``SlackApiError`` unless it is a 200 with ``ok``) once the retry handlers let it go;
a timeout raises ``TimeoutError``; any other failure to get an answer raises
``urllib.error.URLError``. Calls it does not pool — file uploads (multipart), basic-auth
``oauth.*`` calls, a proxy — go through slack_sdk's own transport unchanged.
tests/engine/test_keepalive.py holds it to that against the Slack stand-in.
"""

from __future__ import annotations

import json as jsonlib
import logging
from collections.abc import Mapping
from typing import Any
from urllib.error import URLError
from urllib.parse import urlencode, urljoin

import urllib3
from slack_sdk import WebClient
from slack_sdk.http_retry import HttpRequest, HttpResponse, RetryState
from slack_sdk.web import SlackResponse
from urllib3.exceptions import ReadTimeoutError

# Connections kept per Slack host: one for each thread that sends at the same time.
POOL_CONNECTIONS = 8
FORM = "application/x-www-form-urlencoded"
JSON = "application/json;charset=utf-8"
# The SDK's own loop guard: at most this many tries of one call, whatever the handlers say.
MAX_TRIES = 100


class KeepAliveWebClient(WebClient):
    def __init__(self, *args: Any, pool_connections: int = POOL_CONNECTIONS, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._pool = urllib3.PoolManager(
            num_pools=4,
            maxsize=pool_connections,
            block=False,  # a burst above maxsize opens extra connections instead of waiting
            retries=False,  # the retry handlers decide; a POST is never resent here
            ssl_context=self.ssl,
        )

    def api_call(
        self,
        api_method: str,
        *,
        http_verb: str = "POST",
        files: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
        params: dict[str, Any] | None = None,
        json: dict[str, Any] | None = None,
        headers: dict[str, Any] | None = None,
        auth: dict[str, Any] | None = None,
    ) -> SlackResponse:
        url = urljoin(self.base_url, api_method.lstrip("/"))
        if (
            files is not None
            or auth is not None
            or self.proxy is not None
            or (json is not None and http_verb != "POST")  # WebClient refuses it: let it
            or not url.lower().startswith(("http://", "https://"))
        ):
            return super().api_call(
                api_method,
                http_verb=http_verb,
                files=files,
                data=data,
                params=params,
                json=json,
                headers=headers,
                auth=auth,
            )
        token = self.token
        form: dict[str, Any] = {}
        for values in (params, data):
            if values:
                form.update((key, value) for key, value in values.items() if value is not None)
        json_body = dict(json) if json is not None else None
        for values in (form, json_body):
            if values is not None:
                for key, value in self.default_params.items():
                    values.setdefault(key, value)
                token = values.pop("token", None) or token
        request_headers = {"Content-Type": FORM, **self.headers}
        if token:
            request_headers["Authorization"] = f"Bearer {token}"
        request_headers.update(headers or {})
        body: bytes | None = None
        if json_body is not None:
            request_headers["Content-Type"] = JSON
        if json_body:
            body = jsonlib.dumps(json_body).encode("utf-8")
        elif form:
            body = urlencode({key: _form_value(value) for key, value in form.items()}).encode()
        status, response_headers, parsed = self._send(url, body=body, headers=request_headers)
        response = SlackResponse(
            client=self,
            http_verb="POST",  # as WebClient: every Web API method accepts POST
            api_url=url,
            req_args={"headers": request_headers, "data": {}, "params": form, "json": json_body},
            data=parsed,
            headers=response_headers,
            status_code=status,
        )
        response.validate()  # type: ignore[no-untyped-call]  # raises SlackApiError
        return response

    def _send(
        self, url: str, *, body: bytes | None, headers: Mapping[str, str]
    ) -> tuple[int, dict[str, str], dict[str, Any] | bytes]:
        """POST until the retry handlers let the answer (or the failure) go."""
        request = HttpRequest(method="POST", url=url, headers=dict(headers), data=body)
        state = RetryState()
        for _ in range(MAX_TRIES):
            state.next_attempt_requested = False
            try:
                status, response_headers, raw = self._post_once(url, body=body, headers=headers)
            except OSError as error:  # TimeoutError, URLError
                self.logger.error("Failed to send a request to Slack API server: %s", error)
                self._consult_handlers(state, request, None, error)
                if not state.next_attempt_requested:
                    raise
                continue
            parsed = _parse(raw, response_headers, self.logger)
            response = HttpResponse(
                status_code=status,
                headers={key: [value] for key, value in response_headers.items()},
                body=parsed if isinstance(parsed, dict) else None,
                data=raw,
            )
            self._consult_handlers(state, request, response, None)
            if not state.next_attempt_requested:
                return status, response_headers, parsed
        raise URLError(f"gave up on {url} after {MAX_TRIES} tries")

    def _consult_handlers(
        self,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None,
        error: Exception | None,
    ) -> None:
        """The first handler that can retry prepares the next try (it may sleep)."""
        for handler in self.retry_handlers:
            if handler.can_retry(state=state, request=request, response=response, error=error):
                handler.prepare_for_next_attempt(
                    state=state, request=request, response=response, error=error
                )
                return

    def _post_once(
        self, url: str, *, body: bytes | None, headers: Mapping[str, str]
    ) -> tuple[int, dict[str, str], bytes]:
        try:
            response = self._pool.request(
                "POST",
                url,
                body=body,
                headers=headers,
                timeout=urllib3.Timeout(total=self.timeout),
                redirect=False,
                preload_content=True,
            )
        except ReadTimeoutError as error:
            raise TimeoutError(str(error)) from error
        except urllib3.exceptions.HTTPError as error:
            raise URLError(error) from error
        response_headers = dict(response.headers.items())
        if response.status == 429:
            # Both spellings, as WebClient gives them (aiohttp's lower case and Slack's own).
            for name in [name for name in response_headers if name.lower() == "retry-after"]:
                response_headers["Retry-After"] = response_headers["retry-after"] = (
                    response_headers[name]
                )
        return response.status, response_headers, response.data

    def close(self) -> None:
        """Close the pooled connections (a client is usable again afterwards)."""
        self._pool.clear()


def _form_value(value: Any) -> Any:
    """Booleans as Slack reads them in a form ("1"/"0"), as WebClient sends them."""
    if isinstance(value, bool):
        return "1" if value else "0"
    return value


def _parse(
    raw: bytes, headers: Mapping[str, str], logger: logging.Logger
) -> dict[str, Any] | bytes:
    """JSON answers as a dict; a gzip download (admin.analytics.getFile) as its bytes."""
    content_type = next(
        (value for name, value in headers.items() if name.lower() == "content-type"), ""
    )
    media, _, options = content_type.partition(";")
    if media.strip().lower() == "application/gzip":
        return raw
    charset = "utf-8"
    for option in options.split(";"):
        key, _, value = option.strip().partition("=")
        if key.lower() == "charset" and value:
            charset = value.strip('"')
    text = raw.decode(charset)
    try:
        parsed = jsonlib.loads(text)
    except jsonlib.JSONDecodeError:
        parsed = None
    if isinstance(parsed, dict):
        return parsed
    snippet = text[:100] + ("..." if len(text) > 100 else "")
    logger.error("Failed to decode Slack API response: %s", snippet)
    return {"ok": False, "error": f"Received a response in a non-JSON format: {snippet}"}
