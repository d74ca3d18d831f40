"""A WebClient that keeps its connections to Slack open between calls.

slack_sdk's WebClient sends every call through ``urllib.request.urlopen``, which opens a new
TCP (and TLS) connection each time and closes it after one response. For the dispatcher that
was about a third of the CPU spent per prompt (benchmarks/dispatch.py). This client sends the
same requests over a urllib3 connection pool instead: thread-safe, reused across calls,
checked for being dropped by the server before each reuse.

Everything above the transport is slack_sdk's own: request building, the retry handlers (429
Retry-After included) and the parsing of responses. To keep them working unchanged, this
transport answers exactly as urllib does: a response of 400 or above raises
``urllib.error.HTTPError``; a timeout raises ``TimeoutError``; any other failure to get an
answer raises ``urllib.error.URLError``. slack_sdk's own tests of that contract do not cover
this subclass, so tests/engine/test_keepalive.py does, against the Slack stand-in.
"""

from __future__ import annotations

import io
from http.client import HTTPMessage
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.request import Request

import urllib3
from slack_sdk import WebClient
from urllib3.exceptions import ReadTimeoutError

# Connections kept per Slack host: one for each thread that sends at the same time.
POOL_CONNECTIONS = 8


class KeepAliveWebClient(WebClient):
    def __init__(self, *args: Any, pool_connections: int = POOL_CONNECTIONS, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._pool = urllib3.PoolManager(
            num_pools=4,
            maxsize=pool_connections,
            block=False,  # a burst above maxsize opens extra connections instead of waiting
            retries=False,  # slack_sdk's retry handlers decide; a POST is never resent here
            ssl_context=self.ssl,
        )

    def _perform_urllib_http_request_internal(self, url: str, req: Request) -> dict[str, Any]:
        if self.proxy is not None or not url.lower().startswith(("http://", "https://")):
            return super()._perform_urllib_http_request_internal(url, req)
        try:
            response = self._pool.request(
                "POST",  # as slack_sdk: every Web API method accepts POST
                url,
                body=req.data,  # type: ignore[arg-type]  # bytes or None, as built by slack_sdk
                headers=dict(req.header_items()),
                timeout=urllib3.Timeout(total=self.timeout),
                redirect=False,
                preload_content=True,
            )
        except ReadTimeoutError as error:
            raise TimeoutError(str(error)) from error
        except urllib3.exceptions.HTTPError as error:
            raise URLError(error) from error
        headers = HTTPMessage()
        for name, value in response.headers.items():
            headers[name] = value
        body: bytes = response.data
        if response.status >= 400:
            raise HTTPError(url, response.status, response.reason or "", headers, io.BytesIO(body))
        if headers.get_content_type() == "application/gzip":
            return {"status": response.status, "headers": headers, "body": body}
        charset = headers.get_content_charset() or "utf-8"
        return {"status": response.status, "headers": headers, "body": body.decode(charset)}

    def close(self) -> None:
        """Close the pooled connections (a client is usable again afterwards)."""
        self._pool.clear()
