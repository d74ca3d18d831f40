"""The shape every listener relies on, checked once before any listener runs.

Slack always sends these fields with these types; a signed body without them is malformed, and
is answered 400 instead of surfacing as a KeyError or TypeError deep in a handler (an apology,
or a 500 from Bolt's own matchers). Pure functions over the parsed body.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Collection, Iterator
from typing import Any, Final

# The one answer to a malformed body, from the HTTP front and from the Bolt app alike.
MALFORMED = "the request body is not a Slack payload emcoach can use"
# Every row id is a Postgres INTEGER; anything outside it names no row (and a larger Python
# int makes SQLite raise OverflowError when bound).
ID_MAX: Final = 2**31 - 1

_Check = Callable[[dict[str, Any]], bool]


def _is_str(value: object) -> bool:
    return isinstance(value, str)


def _optional_str(value: object) -> bool:
    return value is None or isinstance(value, str)


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _has_user(body: dict[str, Any]) -> bool:
    user = body.get("user")
    return isinstance(user, dict) and _is_str(user.get("id"))


def _optional_url(value: object) -> bool:
    """Slack's response_url is an https URL; ours in tests are http on loopback."""
    return value is None or (isinstance(value, str) and value.startswith(("https://", "http://")))


def _optional_object_with_id(value: object) -> bool:
    return value is None or (isinstance(value, dict) and _optional_str(value.get("id")))


def _common(body: dict[str, Any]) -> bool:
    return (
        _has_user(body)
        and _optional_object_with_id(body.get("team"))
        and _optional_object_with_id(body.get("channel"))
        and _optional_url(body.get("response_url"))
        and _optional_str(body.get("trigger_id"))
        and (body.get("message") is None or isinstance(body.get("message"), dict))
        and (body.get("view") is None or _view_ok(body.get("view")))
    )


def _action_ok(action: object) -> bool:
    return (
        isinstance(action, dict)
        and _is_str(action.get("action_id"))
        and _optional_str(action.get("block_id"))
        and _optional_str(action.get("value"))
        and _selection_ok(action)
    )


def _option_ok(option: object) -> bool:
    return isinstance(option, dict) and _is_str(option.get("value"))


def _selection_ok(element: dict[str, Any]) -> bool:
    """The selected value(s) of one element, in the types Slack uses for each kind."""
    single = element.get("selected_option")
    several = element.get("selected_options")
    users = element.get("selected_users")
    return (
        (single is None or _option_ok(single))
        and (several is None or (isinstance(several, list) and all(map(_option_ok, several))))
        and (users is None or (isinstance(users, list) and all(map(_is_str, users))))
        and all(
            _optional_str(element.get(key))
            for key in (
                "value",
                "selected_user",
                "selected_conversation",
                "selected_channel",
                "selected_date",
                "selected_time",
            )
        )
    )


def _view_ok(view: object) -> bool:
    if not isinstance(view, dict):
        return False
    values = _dict(view.get("state")).get("values", {})
    return (
        _optional_str(view.get("id"))
        and _optional_str(view.get("callback_id"))
        and _optional_str(view.get("private_metadata"))
        and isinstance(values, dict)
        and all(
            isinstance(block, dict)
            and all(
                isinstance(element, dict) and _selection_ok(element) for element in block.values()
            )
            for block in values.values()
        )
    )


def _block_actions_ok(body: dict[str, Any]) -> bool:
    actions = body.get("actions")
    on_a_message = _dict(body.get("container")).get("type") == "message"
    return (
        _common(body)
        and isinstance(actions, list)
        and bool(actions)
        and all(map(_action_ok, actions))
        # A click on a message always comes with the URL to answer it by.
        and (not on_a_message or _is_str(body.get("response_url")))
    )


def _view_submission_ok(body: dict[str, Any]) -> bool:
    view = body.get("view")
    return (
        _common(body)
        and isinstance(view, dict)
        and _is_str(view.get("callback_id"))
        and _is_str(view.get("type"))  # Bolt's matchers read it
        and isinstance(_dict(view.get("state")).get("values"), dict)
    )


def _event_callback_ok(body: dict[str, Any]) -> bool:
    event = body.get("event")
    return (
        isinstance(event, dict)
        and _is_str(event.get("type"))
        and _optional_str(body.get("team_id"))
        and _optional_str(body.get("event_id"))
        and all(_optional_str(event.get(key)) for key in ("channel", "tab"))
        # Most events name their person by id; user_change carries the whole profile.
        and (_optional_str(event.get("user")) or _has_user(event))
        # App Home opens always say whose Home it is.
        and (event.get("type") != "app_home_opened" or _is_str(event.get("user")))
    )


_CHECKS: Final[dict[str, _Check]] = {
    "block_actions": _block_actions_ok,
    "view_submission": _view_submission_ok,
    "view_closed": _view_submission_ok,
    "event_callback": _event_callback_ok,
}


def is_well_formed(body: dict[str, Any]) -> bool:
    """True when ``body`` has the fields its kind always has, in their types. Slash commands
    are form fields (always strings); kinds emcoach does not handle pass on to Bolt's 404."""
    kind = body.get("type")
    check = _CHECKS.get(kind) if isinstance(kind, str) else None
    return check is None or check(body)


def _numbers_in(value: object) -> Iterator[int | float]:
    if isinstance(value, bool):
        return
    if isinstance(value, int | float):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _numbers_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from _numbers_in(item)


def _numbers_in_text(text: str) -> Iterator[int | float]:
    """Numbers a button value or a modal's metadata carries: a bare id, or inside JSON."""
    stripped = text.strip()
    if stripped.isascii() and stripped.lstrip("-").isdigit():
        yield int(stripped) if len(stripped) <= 20 else math.inf
    elif stripped.startswith(("{", "[")):
        try:
            yield from _numbers_in(json.loads(stripped))
        except (ValueError, RecursionError):
            return


def _in_range(number: int | float) -> bool:
    return math.isfinite(number) and abs(number) <= ID_MAX


def _is_row_id(text: object) -> bool:
    return (
        isinstance(text, str)
        and text.isascii()
        and text.isdigit()
        and len(text) <= 10
        and 0 < int(text) <= ID_MAX
    )


def _is_flat_object(text: object) -> bool:
    """A JSON object of ids and words: what every emcoach button value or modal metadata in
    JSON is (``{"program": 3, "leader": null}``)."""
    if not isinstance(text, str):
        return False
    try:
        parsed = json.loads(text)
    except (ValueError, RecursionError):
        return False
    return isinstance(parsed, dict) and all(
        value is None or (isinstance(value, int | str) and not isinstance(value, bool))
        for value in parsed.values()
    )


def carries_impossible_id(
    body: dict[str, Any], *, id_valued: Collection[str], json_valued: Collection[str]
) -> bool:
    """True when a button or form can only be out of date (or forged): a number no row can
    have (10**30, 1e400) in a button value or a modal's private_metadata; anything but a row id
    in a button of ``id_valued``; anything but a flat JSON object in a button of
    ``json_valued`` or in a modal's metadata (emcoach's modals all carry one, or nothing)."""
    actions = [action for action in body.get("actions") or () if isinstance(action, dict)]
    if any(
        (action.get("action_id") in id_valued and not _is_row_id(action.get("value")))
        or (action.get("action_id") in json_valued and not _is_flat_object(action.get("value")))
        for action in actions
    ):
        return True
    view = _dict(body.get("view"))
    metadata = view.get("private_metadata")
    if body.get("type") == "view_submission" and metadata and not _is_flat_object(metadata):
        return True
    texts = [action.get("value") for action in actions]
    texts.append(_dict(body.get("view")).get("private_metadata"))
    return any(
        not _in_range(number)
        for text in texts
        if isinstance(text, str)
        for number in _numbers_in_text(text)
    )


def typed_inputs(view: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(block_id, text) for every free-text value submitted in a modal."""
    for block_id, block in _dict(_dict(view.get("state")).get("values")).items():
        for element in _dict(block).values():
            value = _dict(element).get("value")
            if isinstance(value, str):
                yield str(block_id), value


def _declared_max_lengths(view: dict[str, Any]) -> dict[str, int]:
    """The max_length each input block of the view declared, as Slack sends the view back."""
    declared: dict[str, int] = {}
    for block in view.get("blocks") or ():
        element = _dict(_dict(block).get("element"))
        limit = element.get("max_length")
        block_id = _dict(block).get("block_id")
        if isinstance(block_id, str) and isinstance(limit, int) and not isinstance(limit, bool):
            declared[block_id] = limit
    return declared


def input_limits(view: dict[str, Any], *, ceiling: int) -> Iterator[tuple[str, str, int]]:
    """(block_id, text, limit) for every typed value: the input's own max_length, never more
    than ``ceiling``."""
    declared = _declared_max_lengths(view)
    for block_id, text in typed_inputs(view):
        yield block_id, text, min(declared.get(block_id, ceiling), ceiling)
