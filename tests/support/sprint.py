"""Setup-sprint steps taken as a person would, over signed HTTP."""

from __future__ import annotations

import json
from typing import Any

from bot.blocks.criteria import CRITERIA_PICK, CRITERIA_VIEW
from tests.support.live import LiveApp


def submit_criteria(
    live: LiveApp, program_id: int, metric_ids: tuple[str, ...], *, user: str = "U0OWNER"
) -> Any:
    """Submit the criteria modal with ``metric_ids`` ticked; the modal's answer (or {})."""
    values = {
        CRITERIA_PICK: {
            CRITERIA_PICK: {
                "type": "checkboxes",
                "selected_options": [{"value": metric_id} for metric_id in metric_ids],
            }
        }
    }
    result = live.sender.view_submission(
        user_id=user,
        callback_id=CRITERIA_VIEW,
        values=values,
        private_metadata=json.dumps({"program": program_id}),
    )
    assert result.status == 200
    return result.json() if result.body else {}
