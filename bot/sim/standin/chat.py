"""chat.postMessage, chat.postEphemeral and chat.update."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.sim.standin.wire import ApiFailure, optional_text, text_arg
from bot.sim.standin.workspace import Workspace, slack_message

# Slack refuses more blocks than this in one message (Block Kit limits).
MAX_BLOCKS_PER_MESSAGE = 50


def post_message(ws: Workspace, args: Mapping[str, Any]) -> dict[str, Any]:
    content = _postable_content(args)
    conversation = ws.writable(text_arg(args, "channel", missing="channel_not_found"))
    stored = ws.store_message(
        channel=conversation.id,
        fields={**content, "thread_ts": optional_text(args, "thread_ts")},
    )
    return {
        "channel": conversation.id,
        "ts": stored["ts"],
        "message": slack_message(stored, include_metadata=True),
    }


def post_ephemeral(ws: Workspace, args: Mapping[str, Any]) -> dict[str, Any]:
    # Ephemeral messages are never stored by Slack (not in history); the call record is all.
    _postable_content(args)
    ws.writable(text_arg(args, "channel", missing="channel_not_found"))
    user_id = text_arg(args, "user", missing="user_not_found")
    if not ws.knows_user(user_id):
        raise ApiFailure("user_not_found")
    return {"message_ts": ws.next_ts()}


def update(ws: Workspace, args: Mapping[str, Any]) -> dict[str, Any]:
    # No user-id-to-DM mapping here: Slack wants the conversation id postMessage returned.
    conversation = ws.conversation(text_arg(args, "channel", missing="channel_not_found"))
    if conversation.archived:
        raise ApiFailure("is_archived")
    stored = ws.find_message(
        channel=conversation.id, ts=text_arg(args, "ts", missing="message_not_found")
    )
    content = _content(args)
    stored.update({key: value for key, value in content.items() if key in args})
    return {
        "channel": conversation.id,
        "ts": stored["ts"],
        "text": stored.get("text", ""),
        "message": slack_message(stored, include_metadata=True),
    }


def _postable_content(args: Mapping[str, Any]) -> dict[str, Any]:
    """A new message's body: something to show is required."""
    content = _content(args)
    if not (content["text"] or content["blocks"] or content["attachments"]):
        raise ApiFailure("no_text")
    return content


def _content(args: Mapping[str, Any]) -> dict[str, Any]:
    """The message body arguments, checked the way Slack checks them."""
    blocks = args.get("blocks")
    if blocks is not None:
        if not isinstance(blocks, list):
            raise ApiFailure("invalid_blocks_format")
        if len(blocks) > MAX_BLOCKS_PER_MESSAGE:
            raise ApiFailure("invalid_blocks")
    metadata = args.get("metadata")
    if metadata is not None and not _is_event_metadata(metadata):
        raise ApiFailure("invalid_metadata_format")
    return {
        "text": str(args.get("text") or ""),
        "blocks": blocks,
        "attachments": args.get("attachments"),
        "metadata": metadata,
    }


def _is_event_metadata(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(value.get("event_type"), str)
        and isinstance(value.get("event_payload"), dict)
    )
