"""Setup-sprint steps taken as a person would, over signed HTTP."""

from __future__ import annotations

import json
from typing import Any

from bot.blocks.criteria import CRITERIA_INSTRUMENT, CRITERIA_PICK, CRITERIA_VIEW
from tests.support.live import LiveApp


def submit_criteria(
    live: LiveApp,
    program_id: int,
    metric_ids: tuple[str, ...],
    *,
    user: str = "U0OWNER",
    instrument: str | None = "emcoach_survey",
) -> Any:
    """Submit the criteria modal with ``metric_ids`` ticked and 1:1 quality's ``instrument``
    chosen (None: left unchosen); the modal's answer (or {})."""
    values: dict[str, Any] = {
        CRITERIA_PICK: {
            CRITERIA_PICK: {
                "type": "checkboxes",
                "selected_options": [{"value": metric_id} for metric_id in metric_ids],
            }
        }
    }
    if instrument is not None:
        values[CRITERIA_INSTRUMENT] = {
            CRITERIA_INSTRUMENT: {"type": "radio_buttons", "selected_option": {"value": instrument}}
        }
    result = live.sender.view_submission(
        user_id=user,
        callback_id=CRITERIA_VIEW,
        values=values,
        private_metadata=json.dumps({"program": program_id}),
    )
    assert result.status == 200
    return result.json() if result.body else {}
