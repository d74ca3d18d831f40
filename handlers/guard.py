"""One global middleware between verification and the listeners: malformed payloads get 400,
impossible ids an "out of date", and modal text no handler could store an inline error.

Checking here, once, keeps every handler free to assume the shape Slack always sends.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Final

from slack_bolt import BoltContext, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

from bot.blocks.baseline import BASELINE_LEADER, BASELINE_SURVEY
from bot.blocks.commit import COMMIT_CONFIRM
from bot.blocks.criteria import CRITERIA_APPROVE, CRITERIA_REQUEST_CHANGES
from bot.blocks.metrics import METRICS_LEADER
from bot.blocks.pod import POD_ADD_LEADER, POD_EDIT, POD_EDIT_LEADER, POD_NEW
from bot.blocks.prompts.actions import ACTION_IDS as PROMPT_ACTIONS
from bot.blocks.validation import build_out_of_date_button, build_out_of_date_form
from bot.domain.args import INPUT_TEXT_MAX, ArgumentError, check_text
from handlers.payload_shape import (
    MALFORMED,
    carries_impossible_id,
    input_limits,
    is_well_formed,
)

logger = logging.getLogger("emcoach.guard")

# Buttons whose value is one row's id (the handlers int() it).
ID_VALUED_ACTIONS: Final = frozenset(
    {
        BASELINE_LEADER,
        COMMIT_CONFIRM,
        METRICS_LEADER,
        POD_ADD_LEADER,
        POD_EDIT,
        POD_EDIT_LEADER,
        POD_NEW,
        *PROMPT_ACTIONS,
    }
)

# Buttons whose value is a JSON object of ids and words (the handlers json.loads it).
JSON_VALUED_ACTIONS: Final = frozenset(
    {BASELINE_SURVEY, CRITERIA_APPROVE, CRITERIA_REQUEST_CHANGES}
)


class PayloadGuard(Middleware):
    """A class, not a function middleware: Bolt builds a function middleware's arguments with
    the same extractors (``body["actions"][0]``…) that a malformed body breaks."""

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        body = req.body
        if not is_well_formed(body):
            logger.info("refused a malformed %s payload", body.get("type"))
            return BoltResponse(status=400, body=MALFORMED)
        if carries_impossible_id(
            body, id_valued=ID_VALUED_ACTIONS, json_valued=JSON_VALUED_ACTIONS
        ):
            return _out_of_date(body, req.context)
        if body.get("type") == "view_submission":
            errors = input_errors(body["view"])
            if errors:
                return BoltResponse(
                    status=200, body={"response_action": "errors", "errors": errors}
                )
        return next()


def input_errors(view: dict[str, Any]) -> dict[str, str]:
    """An inline error for each typed value no handler could take (NUL, over its limit)."""
    errors: dict[str, str] = {}
    for block_id, text, limit in input_limits(view, ceiling=INPUT_TEXT_MAX):
        try:
            check_text(text, limit=limit, what="This")
        except ArgumentError as error:
            errors[block_id] = error.message
    return errors


def _out_of_date(body: dict[str, Any], context: BoltContext) -> BoltResponse:
    kind = body.get("type")
    if kind == "view_submission":
        return BoltResponse(
            status=200, body={"response_action": "update", "view": build_out_of_date_form()}
        )
    if kind == "block_actions" and context.respond is not None:
        context.respond(**build_out_of_date_button().as_ephemeral(), replace_original=False)
    return BoltResponse(status=200, body="")
