"""views.open, .push, .update and .publish (modals and the App Home tab)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.sim.standin.wire import ApiFailure, optional_text, text_arg
from bot.sim.standin.workspace import Workspace

# Slack's Block Kit limit for a modal or a Home tab.
MAX_BLOCKS_PER_VIEW = 100
APP_ID = "ASTANDIN"


def open_modal(ws: Workspace, args: Mapping[str, Any]) -> dict[str, Any]:
    view = _view_arg(args, kinds={"modal"})
    _use_trigger(ws, args)
    return {"view": _store(ws, view)}


def push(ws: Workspace, args: Mapping[str, Any]) -> dict[str, Any]:
    view = _view_arg(args, kinds={"modal"})
    _use_trigger(ws, args)
    return {"view": _store(ws, view)}


def update(ws: Workspace, args: Mapping[str, Any]) -> dict[str, Any]:
    view = _view_arg(args, kinds={"modal", "home"})
    current = _find(ws, args)
    _check_hash(current, args)
    if view["type"] != current["type"]:
        raise ApiFailure("invalid_arguments")
    return {"view": _store(ws, view, replacing=current)}


def publish(ws: Workspace, args: Mapping[str, Any]) -> dict[str, Any]:
    view = _view_arg(args, kinds={"home"})
    user_id = text_arg(args, "user_id", missing="invalid_arguments")
    if not ws.knows_user(user_id):
        raise ApiFailure("user_not_found")
    current_id = ws.home_by_user.get(user_id)
    current = None if current_id is None else ws.views[current_id]
    if current is not None:
        _check_hash(current, args)
    stored = _store(ws, view, replacing=current)
    ws.home_by_user[user_id] = stored["id"]
    return {"view": stored}


def _view_arg(args: Mapping[str, Any], *, kinds: set[str]) -> dict[str, Any]:
    view = args.get("view")
    if not isinstance(view, dict) or view.get("type") not in kinds:
        raise ApiFailure("invalid_arguments")
    blocks = view.get("blocks", [])
    if not isinstance(blocks, list) or len(blocks) > MAX_BLOCKS_PER_VIEW:
        raise ApiFailure("invalid_arguments")
    return view


def _use_trigger(ws: Workspace, args: Mapping[str, Any]) -> None:
    # A trigger_id works once; expiry (3 s) is a matter of time, so tests inject it.
    trigger_id = text_arg(args, "trigger_id", missing="invalid_arguments")
    if trigger_id in ws.used_triggers:
        raise ApiFailure("trigger_exchanged")
    ws.used_triggers.add(trigger_id)


def _find(ws: Workspace, args: Mapping[str, Any]) -> dict[str, Any]:
    view_id = optional_text(args, "view_id")
    if view_id is not None:
        found = ws.views.get(view_id)
    else:
        external_id = text_arg(args, "external_id", missing="invalid_arguments")
        found = next(
            (view for view in ws.views.values() if view.get("external_id") == external_id), None
        )
    if found is None:
        raise ApiFailure("not_found")
    return found


def _check_hash(current: dict[str, Any], args: Mapping[str, Any]) -> None:
    expected = optional_text(args, "hash")
    if expected is not None and expected != current["hash"]:
        raise ApiFailure("hash_conflict")


def _store(
    ws: Workspace, view: dict[str, Any], *, replacing: dict[str, Any] | None = None
) -> dict[str, Any]:
    view_id = ws.new_id("V") if replacing is None else replacing["id"]
    stored = {
        "private_metadata": "",
        "callback_id": "",
        "external_id": "",
        **view,
        "id": view_id,
        "team_id": ws.team_id,
        "state": {"values": {}},
        "hash": ws.new_id("h"),
        "root_view_id": view_id if replacing is None else replacing["root_view_id"],
        "previous_view_id": None,
        "app_id": APP_ID,
        "bot_id": ws.bot_id,
    }
    ws.views[view_id] = stored
    return stored
