"""files_upload_v2's three steps: get an upload URL, POST the bytes, complete the upload."""

from __future__ import annotations

import mimetypes
from collections.abc import Mapping
from typing import Any

from bot.sim.standin.records import SharedFile
from bot.sim.standin.wire import ApiFailure, int_arg, optional_text, text_arg
from bot.sim.standin.workspace import PendingFile, Workspace

UPLOAD_PATH = "upload/v1/"


def get_upload_url(ws: Workspace, args: Mapping[str, Any]) -> dict[str, Any]:
    filename = text_arg(args, "filename", missing="invalid_arguments")
    length = int_arg(args, "length", default=-1)
    if length < 0:
        raise ApiFailure("invalid_arguments")
    file_id = ws.new_id("F")
    ws.pending_files[file_id] = PendingFile(id=file_id, filename=filename, length=length)
    return {"upload_url": f"{ws.root_url}{UPLOAD_PATH}{file_id}", "file_id": file_id}


def receive_upload(ws: Workspace, *, file_id: str, content: bytes) -> bool:
    """Step two, outside the Web API: False when no upload URL was handed out for the id."""
    pending = ws.pending_files.get(file_id)
    if pending is None:
        return False
    pending.content = content
    return True


def complete_upload(ws: Workspace, args: Mapping[str, Any]) -> dict[str, Any]:
    entries = args.get("files")
    if not isinstance(entries, list) or not entries:
        raise ApiFailure("invalid_arguments")
    completed = [(_uploaded(ws, entry), _title(entry)) for entry in entries]
    channel_ids = _destinations(args)
    # Check every destination before changing anything, so a failure leaves no half-share.
    conversations = [ws.writable(channel_id) for channel_id in channel_ids]
    objects = [_file_object(pending, title) for pending, title in completed]
    comment = optional_text(args, "initial_comment")
    thread_ts = optional_text(args, "thread_ts")
    for conversation in conversations:
        ws.store_message(
            channel=conversation.id,
            fields={
                "text": comment or "",
                "files": objects,
                "upload": True,
                "thread_ts": thread_ts,
            },
        )
    shared_in: list[str | None] = [conversation.id for conversation in conversations]
    for pending, title in completed:
        ws.pending_files.pop(pending.id, None)
        for channel in shared_in or [None]:
            ws.shared_files.append(
                SharedFile(
                    id=pending.id,
                    filename=pending.filename,
                    title=title,
                    content=pending.content or b"",
                    channel=channel,
                    initial_comment=comment,
                    thread_ts=thread_ts,
                )
            )
    return {"files": objects}


def _uploaded(ws: Workspace, entry: Any) -> PendingFile:
    file_id = entry.get("id") if isinstance(entry, dict) else None
    pending = ws.pending_files.get(str(file_id))
    if pending is None or pending.content is None:
        raise ApiFailure("file_not_found")
    return pending


def _title(entry: dict[str, Any]) -> str | None:
    title = entry.get("title")
    return None if title is None else str(title)


def _destinations(args: Mapping[str, Any]) -> list[str]:
    channel_id = optional_text(args, "channel_id")
    if channel_id is not None:
        return [channel_id]
    channels = optional_text(args, "channels") or ""
    return [channel.strip() for channel in channels.split(",") if channel.strip()]


def _file_object(pending: PendingFile, title: str | None) -> dict[str, Any]:
    content = pending.content or b""
    return {
        "id": pending.id,
        "name": pending.filename,
        "title": title or pending.filename,
        "mimetype": mimetypes.guess_type(pending.filename)[0] or "application/octet-stream",
        "size": len(content),
    }
