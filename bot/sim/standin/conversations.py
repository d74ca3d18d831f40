"""conversations.open, .history, .info and .join."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.sim.standin.wire import ApiFailure, flag, int_arg, optional_text, text_arg
from bot.sim.standin.workspace import Workspace, slack_message, ts_to_micros

# Slack's documented default and maximum page size for conversations.history.
DEFAULT_HISTORY_LIMIT = 100
MAX_HISTORY_LIMIT = 999
_CURSOR_PREFIX = "standin_offset_"


def open_dm(ws: Workspace, args: Mapping[str, Any]) -> dict[str, Any]:
    users = optional_text(args, "users")
    if users is None:
        channel_id = optional_text(args, "channel")
        if channel_id is None:
            raise ApiFailure("users_list_not_supplied")
        existing = ws.conversation(channel_id)
        if existing.user is None:
            raise ApiFailure("method_not_supported_for_channel_type")
        return {"no_op": True, "already_open": True, "channel": {"id": existing.id}}
    user_ids = [user_id.strip() for user_id in users.split(",") if user_id.strip()]
    if len(user_ids) != 1:
        # Group DMs are not part of what emcoach does; say so rather than pretend.
        raise ApiFailure("standin_supports_one_user_only")
    user_id = user_ids[0]
    if not ws.knows_user(user_id):
        raise ApiFailure("user_not_found")
    if user_id in ws.users and ws.users[user_id].deleted:
        raise ApiFailure("user_disabled")
    already_open = user_id in ws.dm_by_user
    dm = ws.dm_with(user_id)
    body: dict[str, Any] = {
        "channel": dm.describe() if flag(args.get("return_im")) else {"id": dm.id}
    }
    if already_open:
        body |= {"no_op": True, "already_open": True}
    return body


def history(ws: Workspace, args: Mapping[str, Any]) -> dict[str, Any]:
    conversation = ws.conversation(text_arg(args, "channel", missing="channel_not_found"))
    if not conversation.bot_is_member:
        raise ApiFailure("not_in_channel")
    inclusive = flag(args.get("inclusive"))
    oldest = ts_to_micros(str(args.get("oldest") or "0"), invalid="invalid_ts_oldest")
    latest_arg = optional_text(args, "latest")
    latest = None if latest_arg is None else ts_to_micros(latest_arg, invalid="invalid_ts_latest")
    limit = min(max(int_arg(args, "limit", default=DEFAULT_HISTORY_LIMIT), 1), MAX_HISTORY_LIMIT)
    offset = _offset(optional_text(args, "cursor"))

    def in_window(micros: int) -> bool:
        above = micros >= oldest if inclusive else micros > oldest
        below = latest is None or (micros <= latest if inclusive else micros < latest)
        return above and below

    # Newest first, thread replies left out, as Slack's history does.
    matching = [
        message
        for message in reversed(ws.messages)
        if message["channel"] == conversation.id
        and message.get("thread_ts", message["ts"]) == message["ts"]
        and in_window(ts_to_micros(message["ts"], invalid="invalid_ts"))
    ]
    page = matching[offset : offset + limit]
    has_more = offset + limit < len(matching)
    include_metadata = flag(args.get("include_all_metadata"))
    return {
        "messages": [slack_message(message, include_metadata=include_metadata) for message in page],
        "has_more": has_more,
        "pin_count": 0,
        "response_metadata": {
            "next_cursor": f"{_CURSOR_PREFIX}{offset + limit}" if has_more else ""
        },
    }


def replies(ws: Workspace, args: Mapping[str, Any]) -> dict[str, Any]:
    """A thread: its parent message first, then the replies, oldest first, as Slack's does."""
    conversation = ws.conversation(text_arg(args, "channel", missing="channel_not_found"))
    if not conversation.bot_is_member:
        raise ApiFailure("not_in_channel")
    parent = text_arg(args, "ts", missing="thread_not_found")
    thread = [
        message
        for message in ws.messages
        if message["channel"] == conversation.id
        and (message["ts"] == parent or message.get("thread_ts") == parent)
    ]
    if not any(message["ts"] == parent for message in thread):
        raise ApiFailure("thread_not_found")
    limit = min(max(int_arg(args, "limit", default=DEFAULT_HISTORY_LIMIT), 1), MAX_HISTORY_LIMIT)
    offset = _offset(optional_text(args, "cursor"))
    page = thread[offset : offset + limit]
    has_more = offset + limit < len(thread)
    include_metadata = flag(args.get("include_all_metadata"))
    return {
        "messages": [slack_message(message, include_metadata=include_metadata) for message in page],
        "has_more": has_more,
        "response_metadata": {
            "next_cursor": f"{_CURSOR_PREFIX}{offset + limit}" if has_more else ""
        },
    }


def info(ws: Workspace, args: Mapping[str, Any]) -> dict[str, Any]:
    conversation = ws.conversation(text_arg(args, "channel", missing="channel_not_found"))
    return {"channel": conversation.describe()}


def join(ws: Workspace, args: Mapping[str, Any]) -> dict[str, Any]:
    conversation = ws.conversation(text_arg(args, "channel", missing="channel_not_found"))
    if conversation.user is not None:
        raise ApiFailure("method_not_supported_for_channel_type")
    if conversation.archived:
        raise ApiFailure("is_archived")
    conversation.bot_is_member = True
    return {"channel": conversation.describe()}


def _offset(cursor: str | None) -> int:
    if cursor is None:
        return 0
    digits = cursor.removeprefix(_CURSOR_PREFIX)
    if digits == cursor or not digits.isdigit():
        raise ApiFailure("invalid_cursor")
    return int(digits)
