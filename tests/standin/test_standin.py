"""The Slack stand-in, driven through a real slack_sdk WebClient."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import builtin_handlers
from slack_sdk.http_retry.builtin_handlers import (
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from slack_sdk.webhook import WebhookClient

from bot.clock import FixedClock
from bot.sim.standin import (
    RateLimited,
    ServerError,
    SlackError,
    SlackStandIn,
    StandInUser,
    Timeout,
)
from bot.sim.standin.faults import FaultPlan
from bot.sim.standin.wire import parse_args
from bot.sim.standin.workspace import micros_to_ts, ts_to_micros

WINTER = datetime(2024, 1, 15, 9, 0, tzinfo=UTC)
SUMMER = datetime(2024, 7, 15, 9, 0, tzinfo=UTC)
ANNA = StandInUser(id="UANNA", name="anna", real_name="Anna Nowak")
GONE = StandInUser(id="UGONE", name="gone", real_name="Gone Person", deleted=True)
METADATA = {"event_type": "prompt_sent", "event_payload": {"prompt_id": 42}}


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(WINTER)


@pytest.fixture
def slack(clock: FixedClock) -> Iterator[SlackStandIn]:
    with SlackStandIn(users=[ANNA, GONE], clock=clock) as standin:
        yield standin


@pytest.fixture
def client(slack: SlackStandIn) -> WebClient:
    return WebClient(token="xoxb-test", base_url=slack.api_url)


def slack_error(call: object) -> str:
    """Run a client call expected to fail and return Slack's error code."""
    assert callable(call)
    with pytest.raises(SlackApiError) as raised:
        call()
    return str(raised.value.response["error"])


# --- identity and auth --------------------------------------------------------------------


def test_auth_test_describes_the_bot_and_team(client: WebClient) -> None:
    answer = client.auth_test()

    assert answer["team_id"] == "T0001"
    assert answer["team"] == "Acme"
    assert answer["user_id"] == "UBOT"
    assert answer["bot_id"] == "BBOT"
    assert answer["url"] == "https://acme.slack.com/"


def test_a_call_without_token_is_not_authed_and_recorded(slack: SlackStandIn) -> None:
    anonymous = WebClient(base_url=slack.api_url)

    assert slack_error(anonymous.auth_test) == "not_authed"
    assert [call.error for call in slack.calls_to("auth.test")] == ["not_authed"]


def test_the_bearer_token_arrives_in_the_recorded_headers(
    slack: SlackStandIn, client: WebClient
) -> None:
    client.auth_test()

    assert slack.calls[0].headers["Authorization"] == "Bearer xoxb-test"


def test_an_unknown_method_fails_loudly_and_is_recorded(
    slack: SlackStandIn, client: WebClient
) -> None:
    assert slack_error(lambda: client.api_call("emcoach.madeUp")) == "unknown_method"
    assert [call.method for call in slack.calls] == ["emcoach.madeUp"]


# --- chat ----------------------------------------------------------------------------------


def test_post_message_stores_structure_and_answers_like_slack(
    slack: SlackStandIn, client: WebClient
) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*Hi*"}}]

    answer = client.chat_postMessage(channel="C1", text="Hi", blocks=blocks, metadata=METADATA)

    assert answer["channel"] == "C1"
    assert answer["message"]["text"] == "Hi"
    assert answer["message"]["blocks"] == blocks
    [stored] = slack.messages("C1")
    assert stored["ts"] == answer["ts"]
    assert stored["blocks"] == blocks
    assert stored["metadata"] == METADATA
    assert slack.calls_to("chat.postMessage")[0].args["blocks"] == blocks


def test_form_encoded_json_arguments_are_parsed_back(
    slack: SlackStandIn, client: WebClient
) -> None:
    blocks = [{"type": "divider"}]

    client.api_call(
        "chat.postMessage",
        params={"channel": "C1", "blocks": json.dumps(blocks), "metadata": json.dumps(METADATA)},
    )

    [call] = slack.calls_to("chat.postMessage")
    assert call.args["blocks"] == blocks
    assert call.args["metadata"] == METADATA
    assert slack.messages("C1")[0]["blocks"] == blocks


def test_ts_follows_the_clock_and_never_repeats(
    slack: SlackStandIn, client: WebClient, clock: FixedClock
) -> None:
    first = client.chat_postMessage(channel="C1", text="a")["ts"]
    second = client.chat_postMessage(channel="C1", text="b")["ts"]
    clock.set(SUMMER)
    third = client.chat_postMessage(channel="C1", text="c")["ts"]

    assert first == f"{int(WINTER.timestamp())}.000000"
    assert second == f"{int(WINTER.timestamp())}.000001"
    assert third == f"{int(SUMMER.timestamp())}.000000"


def test_a_user_id_as_channel_posts_into_their_stable_dm(
    slack: SlackStandIn, client: WebClient
) -> None:
    posted = client.chat_postMessage(channel="UANNA", text="hello")
    opened = client.conversations_open(users="UANNA")

    assert posted["channel"].startswith("D")
    assert opened["channel"]["id"] == posted["channel"]
    assert opened["already_open"] is True
    assert [m["text"] for m in slack.messages("UANNA")] == ["hello"]
    assert slack.messages("UANNA") == slack.messages(posted["channel"])


@pytest.mark.parametrize(
    ("channel", "expected"),
    [
        ("CQUIET", "not_in_channel"),
        ("COLD", "is_archived"),
        ("XNOPE", "channel_not_found"),
        ("USTRANGER", "channel_not_found"),
        ("DUNKNOWN", "channel_not_found"),
    ],
)
def test_post_message_fails_by_channel_state(
    slack: SlackStandIn, client: WebClient, channel: str, expected: str
) -> None:
    slack.add_channel("CQUIET", name="quiet", bot_is_member=False)
    slack.add_channel("COLD", name="old", archived=True)

    assert slack_error(lambda: client.chat_postMessage(channel=channel, text="x")) == expected
    assert slack.messages() == []


def test_joining_a_channel_makes_it_postable(slack: SlackStandIn, client: WebClient) -> None:
    slack.add_channel("CQUIET", name="quiet", bot_is_member=False)

    assert client.conversations_info(channel="CQUIET")["channel"]["is_member"] is False
    client.conversations_join(channel="CQUIET")

    assert client.chat_postMessage(channel="CQUIET", text="now")["ok"] is True
    assert client.conversations_info(channel="CQUIET")["channel"]["name"] == "quiet"


def test_a_deleted_user_can_not_be_opened_but_an_old_dm_still_takes_posts(
    client: WebClient,
) -> None:
    # Slack answers user_disabled to conversations.open, yet chat.postMessage to a deleted
    # user's id succeeds (slackapi/python-slack-sdk#1156): only users.info tells them apart.
    assert slack_error(lambda: client.conversations_open(users="UGONE")) == "user_disabled"
    assert client.chat_postMessage(channel="UGONE", text="bye")["ok"] is True
    assert client.users_info(user="UGONE")["user"]["deleted"] is True


def test_conversations_open_checks_users(client: WebClient) -> None:
    assert slack_error(lambda: client.conversations_open(users="UWHO")) == "user_not_found"
    assert slack_error(lambda: client.api_call("conversations.open")) == ("users_list_not_supplied")


def test_without_registered_users_any_user_id_is_accepted() -> None:
    with SlackStandIn() as slack:
        client = WebClient(token="xoxb-test", base_url=slack.api_url)

        assert client.conversations_open(users="UANY")["channel"]["id"].startswith("D")
        assert slack_error(lambda: client.users_info(user="UANY")) == "user_not_found"


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ({"text": ""}, "no_text"),
        ({"text": "x", "blocks": [{"type": "divider"}] * 51}, "invalid_blocks"),
        ({"text": "x", "blocks": "divider"}, "invalid_blocks_format"),
        ({"text": "x", "metadata": {"event_payload": {}}}, "invalid_metadata_format"),
    ],
)
def test_post_message_checks_content(
    slack: SlackStandIn, client: WebClient, arguments: dict[str, object], expected: str
) -> None:
    # api_call, not chat_postMessage: the SDK's own missing-text warning is not under test.
    def post() -> object:
        return client.api_call("chat.postMessage", json={"channel": "C1", **arguments})

    assert slack_error(post) == expected
    assert slack.messages() == []


def test_chat_update_changes_the_stored_message(slack: SlackStandIn, client: WebClient) -> None:
    posted = client.chat_postMessage(channel="UANNA", text="draft", metadata=METADATA)

    client.chat_update(channel=posted["channel"], ts=posted["ts"], text="final")

    [stored] = slack.messages("UANNA")
    assert stored["text"] == "final"
    assert stored["metadata"] == METADATA
    assert slack_error(
        lambda: client.chat_update(channel=posted["channel"], ts="1.000001", text="x")
    ) == ("message_not_found")
    # Slack wants the conversation id here, not the user id postMessage accepted.
    assert slack_error(lambda: client.chat_update(channel="UANNA", ts=posted["ts"], text="x")) == (
        "channel_not_found"
    )


def test_ephemeral_messages_answer_a_ts_but_are_not_stored(
    slack: SlackStandIn, client: WebClient
) -> None:
    answer = client.chat_postEphemeral(channel="C1", user="UANNA", text="only you")

    assert answer["message_ts"]
    assert slack.messages() == []
    assert slack_error(lambda: client.chat_postEphemeral(channel="C1", user="UWHO", text="x")) == (
        "user_not_found"
    )


# --- history and metadata -----------------------------------------------------------------


def test_metadata_round_trips_through_history_only_when_asked(client: WebClient) -> None:
    client.chat_postMessage(channel="C1", text="prompt", metadata=METADATA)

    with_metadata = client.conversations_history(channel="C1", include_all_metadata=True)
    without = client.conversations_history(channel="C1")

    assert with_metadata["messages"][0]["metadata"] == METADATA
    assert "metadata" not in without["messages"][0]
    assert "channel" not in without["messages"][0]


def test_history_is_newest_first_paged_and_windowed(client: WebClient) -> None:
    stamps = [client.chat_postMessage(channel="C1", text=str(n))["ts"] for n in range(5)]
    client.chat_postMessage(channel="C1", text="reply", thread_ts=stamps[0])
    client.chat_postMessage(channel="C2", text="elsewhere")

    first = client.conversations_history(channel="C1", limit=3)
    cursor = first["response_metadata"]["next_cursor"]
    second = client.conversations_history(channel="C1", limit=3, cursor=cursor)
    window = client.conversations_history(channel="C1", oldest=stamps[1], latest=stamps[3])
    inclusive = client.conversations_history(
        channel="C1", oldest=stamps[1], latest=stamps[3], inclusive=True
    )

    assert [m["text"] for m in first["messages"]] == ["4", "3", "2"]
    assert first["has_more"] is True
    assert [m["text"] for m in second["messages"]] == ["1", "0"]
    assert second["has_more"] is False
    assert [m["text"] for m in window["messages"]] == ["2"]
    assert [m["text"] for m in inclusive["messages"]] == ["3", "2", "1"]


def test_history_refuses_a_channel_the_bot_is_not_in(
    slack: SlackStandIn, client: WebClient
) -> None:
    slack.add_channel("CQUIET", name="quiet", bot_is_member=False)

    assert slack_error(lambda: client.conversations_history(channel="CQUIET")) == ("not_in_channel")


# --- users ---------------------------------------------------------------------------------


def test_users_info_gives_the_offset_for_the_current_instant(
    client: WebClient, clock: FixedClock
) -> None:
    winter = client.users_info(user="UANNA")["user"]
    clock.set(SUMMER)
    summer = client.users_info(user="UANNA")["user"]

    assert (winter["tz"], winter["tz_offset"], summer["tz_offset"]) == (
        "Europe/Warsaw",
        3600,
        7200,
    )
    assert winter["real_name"] == winter["profile"]["real_name"] == "Anna Nowak"
    assert slack_error(lambda: client.users_info(user="UWHO")) == "user_not_found"


def test_a_user_with_an_unknown_timezone_is_refused_at_setup() -> None:
    with pytest.raises(LookupError):
        StandInUser(id="U1", name="x", real_name="X", tz="Mars/Olympus")


# --- views ---------------------------------------------------------------------------------


def modal(title: str = "Check-in") -> dict[str, object]:
    return {
        "type": "modal",
        "callback_id": "checkin",
        "title": {"type": "plain_text", "text": title},
        "blocks": [],
    }


def test_views_open_uses_a_trigger_once(client: WebClient) -> None:
    opened = client.views_open(trigger_id="T.1", view=modal())

    assert opened["view"]["id"].startswith("V")
    assert opened["view"]["callback_id"] == "checkin"
    assert slack_error(lambda: client.views_open(trigger_id="T.1", view=modal())) == (
        "trigger_exchanged"
    )
    assert slack_error(lambda: client.views_push(trigger_id="T.1", view=modal())) == (
        "trigger_exchanged"
    )


def test_views_update_checks_the_hash_and_keeps_the_id(client: WebClient) -> None:
    opened = client.views_open(trigger_id="T.2", view=modal())["view"]

    updated = client.views_update(view_id=opened["id"], hash=opened["hash"], view=modal("Thanks"))[
        "view"
    ]

    assert updated["id"] == opened["id"]
    assert updated["title"]["text"] == "Thanks"
    assert updated["hash"] != opened["hash"]
    assert slack_error(
        lambda: client.views_update(view_id=opened["id"], hash=opened["hash"], view=modal())
    ) == ("hash_conflict")
    assert slack_error(lambda: client.views_update(view_id="VNONE", view=modal())) == ("not_found")


def test_views_publish_stores_the_home_tab_per_user(slack: SlackStandIn, client: WebClient) -> None:
    home = {"type": "home", "blocks": [{"type": "divider"}]}

    client.views_publish(user_id="UANNA", view=home)

    published = slack.home_view("UANNA")
    assert published is not None
    assert published["blocks"] == home["blocks"]
    assert slack.home_view("UGONE") is None
    assert slack_error(lambda: client.views_publish(user_id="UANNA", view=modal())) == (
        "invalid_arguments"
    )


# --- files ---------------------------------------------------------------------------------


def test_files_upload_v2_end_to_end(slack: SlackStandIn, client: WebClient) -> None:
    answer = client.files_upload_v2(
        channel="C1",
        content=b"\x89PNG chart",
        filename="results.png",
        title="Month 6",
        initial_comment="Results are in",
    )

    [shared] = slack.files()
    assert answer["file"]["id"] == shared.id
    assert (shared.content, shared.channel, shared.title) == (b"\x89PNG chart", "C1", "Month 6")
    [message] = slack.messages("C1")
    assert message["text"] == "Results are in"
    assert message["files"][0]["mimetype"] == "image/png"
    assert message["files"][0]["size"] == len(b"\x89PNG chart")


def test_completing_an_unknown_upload_fails(client: WebClient) -> None:
    assert slack_error(
        lambda: client.files_completeUploadExternal(files=[{"id": "FNONE"}], channel_id="C1")
    ) == ("file_not_found")


# --- faults --------------------------------------------------------------------------------


def test_rate_limit_is_retried_by_the_sdk_handler(
    slack: SlackStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    # slack_sdk's own handler, sleeping Retry-After (0 here) without its up to 1 s of jitter.
    monkeypatch.setattr(builtin_handlers, "random", SimpleNamespace(random=lambda: 0.0))
    client = WebClient(
        token="xoxb-test",
        base_url=slack.api_url,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)],
    )
    slack.inject("chat.postMessage", RateLimited(retry_after=0))

    assert client.chat_postMessage(channel="C1", text="hi")["ok"] is True
    assert [call.status for call in slack.calls_to("chat.postMessage")] == [429, 200]
    assert slack.calls_to("chat.postMessage")[0].fault == RateLimited(retry_after=0)
    assert len(slack.messages()) == 1


def test_rate_limit_carries_retry_after(slack: SlackStandIn, client: WebClient) -> None:
    slack.inject("users.info", RateLimited(retry_after=7))

    with pytest.raises(SlackApiError) as raised:
        client.users_info(user="UANNA")

    assert raised.value.response.status_code == 429
    assert raised.value.response.headers["Retry-After"] == "7"
    assert raised.value.response["error"] == "ratelimited"


def test_server_error_surfaces_without_a_retry_handler(
    slack: SlackStandIn, client: WebClient
) -> None:
    slack.inject("chat.postMessage", ServerError())

    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="C1", text="hi")

    assert raised.value.response.status_code == 503
    assert slack.messages() == []


def test_server_error_retry_handler_gets_through(slack: SlackStandIn) -> None:
    client = WebClient(
        token="xoxb-test",
        base_url=slack.api_url,
        retry_handlers=[
            ServerErrorRetryHandler(
                max_retry_count=1,
                interval_calculator=FixedValueRetryIntervalCalculator(fixed_internal=0.01),
            )
        ],
    )
    slack.inject("chat.postMessage", ServerError(status=500))

    assert client.chat_postMessage(channel="C1", text="hi")["ok"] is True
    assert [call.status for call in slack.calls_to("chat.postMessage")] == [500, 200]


@pytest.mark.parametrize(("applied", "stored"), [(True, 1), (False, 0)])
def test_timeout_makes_the_client_give_up(slack: SlackStandIn, applied: bool, stored: int) -> None:
    # slack_sdk annotates timeout as int; urllib takes seconds as a float.
    # Short: the answer is held for 5 s, so any limit below that is one the client gives up at.
    client = WebClient(token="xoxb-test", base_url=slack.api_url, timeout=0.1)  # type: ignore[arg-type]
    slack.inject("chat.postMessage", Timeout(seconds=5, applied=applied))

    with pytest.raises(TimeoutError):
        client.chat_postMessage(channel="C1", text="did it arrive?", metadata=METADATA)
    slack.wait_for(lambda: len(slack.calls_to("chat.postMessage")) == 1)

    # An applied timeout is the case metadata exists for: sent, but no answer came back.
    assert len(slack.messages("C1")) == stored
    assert len(slack.calls_to("chat.postMessage")) == 1


def test_stop_does_not_wait_for_a_held_reply(clock: FixedClock) -> None:
    slack = SlackStandIn(clock=clock).start()
    client = WebClient(token="xoxb-test", base_url=slack.api_url, timeout=0.05)  # type: ignore[arg-type]
    slack.inject("auth.test", Timeout(seconds=30))
    with pytest.raises(TimeoutError):
        client.auth_test()
    slack.wait_for(lambda: len(slack.calls_to("auth.test")) == 1)  # its reply is being held

    started = time.monotonic()
    slack.stop()
    slack.stop()  # idempotent

    assert time.monotonic() - started < 5


def test_slack_errors_are_consumed_in_order_then_calls_succeed(
    slack: SlackStandIn, client: WebClient
) -> None:
    slack.inject("chat.postMessage", SlackError("not_in_channel"), times=2)
    slack.inject("chat.postMessage", SlackError("is_archived"))

    outcomes = []
    for _ in range(4):
        try:
            client.chat_postMessage(channel="C1", text="x")
            outcomes.append("ok")
        except SlackApiError as error:
            outcomes.append(error.response["error"])

    assert outcomes == ["not_in_channel", "not_in_channel", "is_archived", "ok"]
    assert [call.status for call in slack.calls_to("chat.postMessage")] == [200] * 4


def test_a_wildcard_fault_hits_any_method_after_specific_ones(
    slack: SlackStandIn, client: WebClient
) -> None:
    slack.inject("*", SlackError("fatal_error"))
    slack.inject("users.info", SlackError("user_not_found"))

    assert slack_error(lambda: client.users_info(user="UANNA")) == "user_not_found"
    assert slack_error(client.auth_test) == "fatal_error"
    assert client.auth_test()["ok"] is True


def test_random_faults_hit_a_seeded_share_of_calls(slack: SlackStandIn, client: WebClient) -> None:
    slack.inject_random(
        rate=0.5, seed=7, faults=[SlackError("internal_error")], methods={"chat.postMessage"}
    )

    failures = 0
    for _ in range(20):
        try:
            client.chat_postMessage(channel="C1", text="x")
        except SlackApiError:
            failures += 1
    client.auth_test()

    assert failures == len([c for c in slack.calls_to("chat.postMessage") if c.fault])
    assert 0 < failures < 20
    assert slack.calls_to("auth.test")[0].fault is None


@given(seed=st.integers(), calls=st.integers(min_value=1, max_value=200))
def test_random_fault_plans_repeat_for_a_seed(seed: int, calls: int) -> None:
    def run() -> list[bool]:
        plan = FaultPlan()
        plan.add_random(rate=0.2, seed=seed, faults=[ServerError(), RateLimited()])
        return [plan.next_for("chat.postMessage") is not None for _ in range(calls)]

    assert run() == run()


def test_random_fault_rate_is_roughly_kept() -> None:
    plan = FaultPlan()
    plan.add_random(rate=0.2, seed=1, faults=[ServerError()])

    hits = sum(plan.next_for("m") is not None for _ in range(2000))

    assert 300 < hits < 500


@given(times=st.lists(st.integers(min_value=1, max_value=5), min_size=1, max_size=5))
def test_queued_faults_are_used_exactly_times_each_in_order(times: list[int]) -> None:
    plan = FaultPlan()
    faults = [SlackError(f"e{index}") for index in range(len(times))]
    for fault, count in zip(faults, times, strict=True):
        plan.add("m", fault, times=count)

    drawn = [plan.next_for("m") for _ in range(sum(times) + 1)]

    expected = [fault for fault, count in zip(faults, times, strict=True) for _ in range(count)]
    assert drawn == [*expected, None]


@pytest.mark.parametrize(
    "make",
    [
        lambda: RateLimited(retry_after=-1),
        lambda: ServerError(status=404),
        lambda: Timeout(seconds=0),
        lambda: SlackError(""),
    ],
)
def test_nonsense_faults_are_refused(make: object) -> None:
    assert callable(make)
    with pytest.raises(ValueError, match=r"."):
        make()


# --- response URLs -------------------------------------------------------------------------


def test_response_url_posts_are_recorded(slack: SlackStandIn) -> None:
    url = slack.new_response_url()
    other = slack.new_response_url()

    answer = WebhookClient(url).send(text="Saved", response_type="ephemeral")
    WebhookClient(other).send(text="Other")

    assert (answer.status_code, answer.body) == (200, "ok")
    assert slack.responses(url) == [{"text": "Saved", "response_type": "ephemeral"}]
    assert [body["text"] for body in slack.responses()] == ["Saved", "Other"]


def test_a_response_url_that_was_never_issued_is_refused(slack: SlackStandIn) -> None:
    answer = WebhookClient(f"{slack.root_url}response/999").send(text="lost")

    assert answer.status_code == 404
    assert slack.responses() == []


# --- concurrency, waiting, reset -----------------------------------------------------------


def test_concurrent_posts_get_unique_increasing_ts(slack: SlackStandIn, client: WebClient) -> None:
    def post_ten() -> None:
        for n in range(10):
            client.chat_postMessage(channel="C1", text=str(n))

    threads = [threading.Thread(target=post_ten) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    stamps = [message["ts"] for message in slack.messages("C1")]
    assert len(stamps) == len(set(stamps)) == 80
    assert stamps == sorted(stamps, key=lambda ts: ts_to_micros(ts, invalid="bad"))


def test_wait_for_returns_once_true_and_reports_calls_on_timeout(
    slack: SlackStandIn, client: WebClient
) -> None:
    threading.Timer(0.05, lambda: client.chat_postMessage(channel="C1", text="later")).start()

    slack.wait_for(lambda: len(slack.messages()) == 1, timeout=5)

    with pytest.raises(AssertionError, match=r"chat\.postMessage -> 200 ok"):
        slack.wait_for(lambda: False, timeout=0.05)


def test_reset_forgets_traffic_but_keeps_the_workspace(
    slack: SlackStandIn, client: WebClient
) -> None:
    dm = client.chat_postMessage(channel="UANNA", text="x")["channel"]
    slack.inject("*", ServerError())

    slack.reset()

    assert (slack.calls, slack.messages()) == ([], [])
    assert client.conversations_open(users="UANNA")["channel"]["id"] == dm
    assert client.users_info(user="UANNA")["ok"] is True


def test_setup_mistakes_are_refused(slack: SlackStandIn) -> None:
    with pytest.raises(ValueError, match="channel ids"):
        slack.add_channel("UANNA", name="not a channel")
    with pytest.raises(RuntimeError, match="already running"):
        slack.start()
    with pytest.raises(RuntimeError, match="start"):
        _ = SlackStandIn().api_url


# --- the wire ------------------------------------------------------------------------------


def test_an_unreadable_json_body_is_invalid_json(slack: SlackStandIn) -> None:
    request = urllib.request.Request(
        slack.api_url + "chat.postMessage",
        data=b"{not json",
        headers={"Content-Type": "application/json", "Authorization": "Bearer xoxb-1"},
    )
    with urllib.request.urlopen(request) as answer:
        body = json.loads(answer.read())

    assert body == {"ok": False, "error": "invalid_json"}


def test_an_upload_to_an_unknown_file_is_404(slack: SlackStandIn) -> None:
    request = urllib.request.Request(slack.root_url + "upload/v1/FNONE", data=b"x")

    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(request)

    assert raised.value.code == 404
    raised.value.close()


@given(
    args=st.dictionaries(
        st.sampled_from(["channel", "text", "thread_ts", "user"]),
        st.text(min_size=1),
    ),
    blocks=st.lists(st.fixed_dictionaries({"type": st.sampled_from(["divider", "section"])})),
)
def test_form_and_json_bodies_parse_to_the_same_arguments(
    args: dict[str, str], blocks: list[dict[str, str]]
) -> None:
    as_json = parse_args(
        content_type="application/json;charset=utf-8",
        body=json.dumps({**args, "blocks": blocks}).encode(),
        query="",
    )
    as_form = parse_args(
        content_type="application/x-www-form-urlencoded",
        body=urllib.parse.urlencode({**args, "blocks": json.dumps(blocks)}).encode(),
        query="",
    )

    assert as_json == as_form == {**args, "blocks": blocks}


@given(micros=st.integers(min_value=0, max_value=10**16))
def test_ts_text_round_trips(micros: int) -> None:
    assert ts_to_micros(micros_to_ts(micros), invalid="bad") == micros
