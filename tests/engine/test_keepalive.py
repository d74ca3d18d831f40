"""The dispatcher's kept-alive client answers exactly as slack_sdk's own transport does."""

from __future__ import annotations

import socket
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.error import URLError

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import (
    ConnectionErrorRetryHandler,
    FixedValueRetryIntervalCalculator,
    HttpRequest,
    HttpResponse,
    RateLimitErrorRetryHandler,
    RetryState,
)

from bot.engine.dispatch import SENDERS
from bot.keepalive import KeepAliveWebClient
from bot.sim.standin import RateLimited, ServerError, SlackError, SlackStandIn, Timeout


class _NoWait429Handler(RateLimitErrorRetryHandler):
    """slack_sdk's 429 handler without its sleep (Retry-After plus up to a second of jitter):
    it records the Retry-After each retry would have waited instead."""

    def __init__(self) -> None:
        super().__init__(max_retry_count=3)
        self.waited: list[str] = []

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        assert response is not None, "a 429 always has a response"
        headers = {name.lower(): values for name, values in response.headers.items()}
        self.waited.extend(headers["retry-after"])
        state.next_attempt_requested = True
        state.increment_current_attempt()


def _client(
    slack: SlackStandIn, *, timeout: float = 5, on_429: _NoWait429Handler | None = None
) -> WebClient:
    # The dispatcher's own transport, here with slack_sdk's 429 retries (the dispatcher itself
    # pauses the workspace instead and asks for none).
    return KeepAliveWebClient(
        token="xoxb-keepalive",
        base_url=slack.api_url,
        timeout=timeout,
        retry_handlers=[on_429 or _NoWait429Handler()],
        pool_connections=SENDERS,
    )


# slack_sdk's connection retries without their back-off.
_AT_ONCE = FixedValueRetryIntervalCalculator(fixed_internal=0)


def _post(client: WebClient, text: str) -> str:
    return str(client.chat_postMessage(channel="U0LEAD1", text=text)["ts"])


def test_calls_share_connections(slack: SlackStandIn) -> None:
    client = _client(slack)
    for number in range(20):
        _post(client, f"one by one {number}")
    assert slack.connections_accepted == 1
    with ThreadPoolExecutor(max_workers=SENDERS) as pool:
        list(pool.map(lambda number: _post(client, f"together {number}"), range(80)))
    assert len(slack.messages("U0LEAD1")) == 100
    assert slack.connections_accepted <= 1 + SENDERS


def test_slack_sdks_own_client_opens_one_connection_per_call(slack: SlackStandIn) -> None:
    """The baseline the kept-alive client improves on (and proof the count above means it)."""
    client = WebClient(token="xoxb-plain", base_url=slack.api_url)
    for number in range(5):
        _post(client, f"plain {number}")
    assert slack.connections_accepted == 5


def test_a_connection_slack_closed_is_replaced_without_losing_the_call(
    slack: SlackStandIn,
) -> None:
    client = _client(slack)
    _post(client, "before")
    slack.hang_up()
    slack.wait_for(lambda: slack.open_connections == 0)
    _post(client, "after")
    assert [message["text"] for message in slack.messages("U0LEAD1")] == ["before", "after"]
    assert slack.connections_accepted == 2
    assert len(slack.calls_to("chat.postMessage")) == 2, "nothing was sent twice"


def test_429_is_retried_after_its_retry_after(slack: SlackStandIn) -> None:
    slack.inject("chat.postMessage", RateLimited(retry_after=7), times=2)
    on_429 = _NoWait429Handler()
    client = _client(slack, on_429=on_429)
    _post(client, "third time lucky")
    assert [call.status for call in slack.calls_to("chat.postMessage")] == [429, 429, 200]
    assert on_429.waited == ["7", "7"], "each retry is told Slack's Retry-After"
    assert len(slack.messages("U0LEAD1")) == 1


def test_429s_beyond_the_retries_raise_with_the_status(slack: SlackStandIn) -> None:
    slack.inject("chat.postMessage", RateLimited(retry_after=7), times=4)
    with pytest.raises(SlackApiError) as raised:
        _post(_client(slack), "never")
    assert raised.value.response.status_code == 429
    assert raised.value.response["error"] == "ratelimited"
    assert len(slack.calls_to("chat.postMessage")) == 4, "one try and three retries"


def test_a_5xx_is_not_retried_and_raises_with_its_status(slack: SlackStandIn) -> None:
    slack.inject("chat.postMessage", ServerError(status=503))
    client = _client(slack)
    with pytest.raises(SlackApiError) as raised:
        _post(client, "maybe")
    assert raised.value.response.status_code == 503
    assert len(slack.calls_to("chat.postMessage")) == 1
    _post(client, "the same connection carries on")
    assert slack.connections_accepted == 1


def test_an_error_answer_raises_with_slacks_code(slack: SlackStandIn) -> None:
    slack.inject("chat.postMessage", SlackError("not_in_channel"))
    with pytest.raises(SlackApiError) as raised:
        _post(_client(slack), "refused")
    assert raised.value.response["error"] == "not_in_channel"


def test_a_timeout_raises_an_os_error_as_urllib_does(slack: SlackStandIn) -> None:
    slack.inject("chat.postMessage", Timeout(seconds=2.0, applied=True))
    client = _client(slack, timeout=0.1)  # any limit below the 2 s the answer is held
    with pytest.raises(TimeoutError):
        _post(client, "slow")
    slack.wait_for(lambda: len(slack.messages("U0LEAD1")) == 1, timeout=5)
    client.timeout = 5  # read at each call: the next one is not meant to time out
    assert _post(client, "the next call gets a fresh connection")


def test_nobody_listening_raises_a_url_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = KeepAliveWebClient(
        token="xoxb-nobody",
        base_url=f"http://127.0.0.1:{port}/api/",
        retry_handlers=[ConnectionErrorRetryHandler(interval_calculator=_AT_ONCE)],
    )
    with pytest.raises(URLError):
        client.chat_postMessage(channel="U0LEAD1", text="hello?")


def test_close_drops_the_pooled_connections(slack: SlackStandIn) -> None:
    client = KeepAliveWebClient(token="xoxb-close", base_url=slack.api_url)
    _post(client, "first")
    client.close()
    slack.wait_for(lambda: slack.open_connections == 0)
    _post(client, "second")
    assert slack.connections_accepted == 2


def test_no_private_slack_sdk_method_is_overridden() -> None:
    """Only public methods of WebClient are replaced: a slack_sdk release that renames its
    internals cannot silently bypass the pool or break the calls."""
    private = {name for name in dir(WebClient) if name.startswith("_") and not name.endswith("__")}
    assert not private & set(vars(KeepAliveWebClient)), "overrides a private WebClient method"
    assert "api_call" in vars(KeepAliveWebClient)


def _exchange(client: WebClient, slack: SlackStandIn) -> list[tuple[Any, ...]]:
    """What the stand-in received and what the caller got back, for a few kinds of call."""
    seen: list[tuple[Any, ...]] = []
    posted = client.chat_postMessage(
        channel="U0LEAD1",
        text="same bytes",
        blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}],
        unfurl_links=False,
        metadata={"event_type": "bench", "event_payload": {"n": 1}},
    )
    history = client.conversations_history(channel=posted["channel"], limit=5, inclusive=True)
    for answer, call in zip((posted, history), slack.calls[-2:], strict=True):
        seen.append(
            (
                call.method,
                {key: value for key, value in call.args.items() if key != "ts"},
                call.headers.get("Content-Type"),
                call.headers.get("Authorization"),
                answer.status_code,
                answer.http_verb,
                sorted(answer.data),
            )
        )
    with pytest.raises(SlackApiError) as refused:
        client.users_info(user="U0NOBODY")
    seen.append((refused.value.response.status_code, refused.value.response["error"]))
    slack.inject("chat.postMessage", ServerError(status=500))
    with pytest.raises(SlackApiError) as failed:
        client.chat_postMessage(channel="U0LEAD1", text="five hundred")
    seen.append((failed.value.response.status_code, failed.value.response.data))
    return seen


def test_sends_and_answers_as_slack_sdks_own_client(slack: SlackStandIn) -> None:
    plain = WebClient(token="xoxb-same", base_url=slack.api_url, retry_handlers=[])
    pooled = KeepAliveWebClient(token="xoxb-same", base_url=slack.api_url, retry_handlers=[])
    expected = _exchange(plain, slack)
    slack.reset()
    assert _exchange(pooled, slack) == expected
    assert slack.connections_accepted == len(expected) + 1, "the plain client's, then one"


def test_a_file_upload_shares_the_pool_for_its_api_calls(slack: SlackStandIn) -> None:
    client = _client(slack)
    ts = _post(client, "the results")
    client.files_upload_v2(
        channel="U0LEAD1", thread_ts=ts, content=b"chart", filename="chart.png", title="Chart"
    )
    assert [file.filename for file in slack.files()] == ["chart.png"]
    # chat.postMessage, getUploadURLExternal and completeUploadExternal on the pooled
    # connection; the bytes themselves go to the upload URL through slack_sdk's own transport.
    assert slack.connections_accepted == 2


class _CountingHandler(ConnectionErrorRetryHandler):
    def __init__(self) -> None:
        super().__init__(max_retry_count=2, interval_calculator=_AT_ONCE)
        self.errors: list[type[Exception]] = []

    def can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if error is not None:
            self.errors.append(type(error))
        return super().can_retry(state=state, request=request, response=response, error=error)


def test_connection_errors_reach_the_retry_handlers() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = _CountingHandler()
    client = KeepAliveWebClient(
        token="xoxb-nobody", base_url=f"http://127.0.0.1:{port}/api/", retry_handlers=[handler]
    )
    with pytest.raises(URLError):
        client.chat_postMessage(channel="U0LEAD1", text="anyone?")
    assert handler.errors == [URLError, URLError, URLError], "one try and two retries"
