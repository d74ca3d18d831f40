"""Every action id the prompts' buttons carry; the handlers that answer them import these.

Each button's value is the agenda row id (``str(row_id)``): the handler finds the program, the
person and the occasion from the row, so nothing in a button can be forged into someone else's
answer.
"""

from __future__ import annotations

from typing import Final

PROMPT_RATE_ONE_ON_ONE: Final = "prompt_rate_one_on_one"
PROMPT_LOG_HELD: Final = "prompt_log_held"
PROMPT_LOG_NOT_HELD: Final = "prompt_log_not_held"
PROMPT_RATE_POD: Final = "prompt_rate_pod"
PROMPT_ANSWER_360: Final = "prompt_answer_360"
PROMPT_ANSWER_SURVEY: Final = "prompt_answer_survey"

ACTION_IDS: Final = (
    PROMPT_RATE_ONE_ON_ONE,
    PROMPT_LOG_HELD,
    PROMPT_LOG_NOT_HELD,
    PROMPT_RATE_POD,
    PROMPT_ANSWER_360,
    PROMPT_ANSWER_SURVEY,
)
