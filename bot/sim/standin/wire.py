"""Turning a Web API request body into the arguments a method sees.

slack_sdk sends some methods as JSON (chat.postMessage, views.*) and others form-encoded
(conversations.open, users.info, files.*), where structured arguments such as ``blocks``,
``metadata`` or ``files`` travel as JSON strings. Both end up as the same dict here, with
those strings parsed back so tests can assert on structure.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

# Arguments Slack documents as "a JSON-encoded string" when sent form-encoded.
JSON_ENCODED_ARGS = frozenset(
    {"attachments", "blocks", "files", "metadata", "user_auth_blocks", "view"}
)


class ApiFailure(Exception):
    """A request answered with ``{"ok": false, "error": ...}``; ``error`` is Slack's code."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


def parse_args(*, content_type: str, body: bytes, query: str) -> dict[str, Any]:
    """Query-string and body arguments merged, body winning, JSON-encoded strings decoded."""
    args: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    media_type = content_type.split(";", 1)[0].strip().lower()
    if body:
        if media_type == "application/json":
            args.update(_json_object(body))
        elif media_type in {"", "application/x-www-form-urlencoded"}:
            args.update(parse_qsl(_text(body), keep_blank_values=True))
        else:
            raise ApiFailure("invalid_post_type")
    for key in JSON_ENCODED_ARGS & args.keys():
        value = args[key]
        if isinstance(value, str) and value.startswith(("[", "{")):
            try:
                args[key] = json.loads(value)
            except ValueError as error:
                raise ApiFailure("invalid_json") from error
    return args


def parse_json_body(body: bytes) -> dict[str, Any]:
    """A JSON object body, as a response_url receives it."""
    return _json_object(body)


def flag(value: Any) -> bool:
    """Slack's booleans: true / "true" / "1" (slack_sdk turns True into "1" in forms)."""
    return str(value).lower() in {"1", "true"}


def text_arg(args: Mapping[str, Any], key: str, *, missing: str) -> str:
    """A required string argument; ``missing`` is the error Slack gives without it."""
    value = args.get(key)
    if value is None or value == "":
        raise ApiFailure(missing)
    return str(value)


def optional_text(args: Mapping[str, Any], key: str) -> str | None:
    value = args.get(key)
    return None if value is None or value == "" else str(value)


def int_arg(args: Mapping[str, Any], key: str, *, default: int) -> int:
    value = args.get(key)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError) as error:
        raise ApiFailure("invalid_arguments") from error


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        loaded = json.loads(_text(body))
    except ValueError as error:
        raise ApiFailure("invalid_json") from error
    if not isinstance(loaded, dict):
        raise ApiFailure("invalid_json")
    return loaded


def _text(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ApiFailure("invalid_charset") from error
