"""The Web API methods the stand-in answers, and the token check in front of them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from bot.sim.standin import chat, conversations, files, identity, sockets, usergroups, views
from bot.sim.standin.wire import ApiFailure
from bot.sim.standin.workspace import Workspace

Method = Callable[[Workspace, Mapping[str, Any]], dict[str, Any]]

METHODS: Mapping[str, Method] = {
    "auth.test": identity.auth_test,
    "users.info": identity.users_info,
    "usergroups.list": usergroups.list_groups,
    "usergroups.users.list": usergroups.users_list,
    "chat.postMessage": chat.post_message,
    "chat.postEphemeral": chat.post_ephemeral,
    "chat.update": chat.update,
    "conversations.open": conversations.open_dm,
    "conversations.history": conversations.history,
    "conversations.replies": conversations.replies,
    "conversations.info": conversations.info,
    "conversations.join": conversations.join,
    "views.open": views.open_modal,
    "views.push": views.push,
    "views.update": views.update,
    "views.publish": views.publish,
    "files.getUploadURLExternal": files.get_upload_url,
    "files.completeUploadExternal": files.complete_upload,
    "apps.connections.open": sockets.connections_open,
}


def auth_error(*, method: str, authorization: str | None, args: Mapping[str, Any]) -> str | None:
    """Slack's error for a missing, malformed or wrong-kind token (header or argument)."""
    token = (authorization or "").removeprefix("Bearer ").strip() or str(args.get("token") or "")
    if not token:
        return "not_authed"
    if not token.startswith(("xox", sockets.APP_TOKEN_PREFIX)):
        return "invalid_auth"
    return sockets.token_type_error(method=method, token=token)


def answer(ws: Workspace, method: str, args: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON body Slack would send; unknown methods fail loudly so a test notices."""
    handler = METHODS.get(method)
    if handler is None:
        return {"ok": False, "error": "unknown_method"}
    try:
        return {"ok": True, **handler(ws, args)}
    except ApiFailure as failure:
        return {"ok": False, "error": failure.error}
