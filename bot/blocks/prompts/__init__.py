"""The cadence engine's messages: one builder per agenda kind and ``build_prompt`` to pick it.

Pure: the engine gathers a row's context (and, for a few kinds, richer data) and gets back a
``Reply`` whose blocks pass Slack's limits. A prompt sent after downtime says so once, in a
context line; the checkpoint post says it in its own words, since the public must know.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final, TypeVar

from bot.blocks.commit import Commitment
from bot.blocks.prompts.actions import (
    ACTION_IDS,
    PROMPT_ANSWER_360,
    PROMPT_ANSWER_SURVEY,
    PROMPT_LOG_HELD,
    PROMPT_LOG_NOT_HELD,
    PROMPT_RATE_ONE_ON_ONE,
    PROMPT_RATE_POD,
)
from bot.blocks.prompts.chart import build_checkpoint_chart
from bot.blocks.prompts.checkpoint import build_checkpoint_preview, build_checkpoint_publish
from bot.blocks.prompts.common import context as late
from bot.blocks.prompts.common import late_note
from bot.blocks.prompts.data import (
    CheckpointData,
    CommitmentRecord,
    CriterionResult,
    DeviationChangeData,
    DeviationPostData,
    DigestData,
    LeaderWeek,
    OwnerAlert,
    PromptContext,
    PromptData,
    SetupNudge,
    SummaryAdjustment,
    SummaryData,
    SummaryDeviation,
    SurveyData,
    criterion_result,
)
from bot.blocks.prompts.digest import build_coach_digest
from bot.blocks.prompts.measurements import build_survey, build_survey_reminder, build_three_sixty
from bot.blocks.prompts.owner import alert_reason, build_owner_alert, build_setup_nudge
from bot.blocks.prompts.records import (
    build_commitment_copy,
    build_commitment_post,
    build_commitment_record,
    build_deviation,
    build_deviation_change,
)
from bot.blocks.prompts.sessions import (
    build_one_on_one_log,
    build_one_on_one_post,
    build_one_on_one_pre,
    build_pod_post,
    build_pod_pre,
)
from bot.blocks.reply import Reply
from bot.blocks.summary import build_closing_summary
from bot.domain.cadence import AgendaKind

__all__ = [
    "ACTION_IDS",
    "PROMPT_ANSWER_360",
    "PROMPT_ANSWER_SURVEY",
    "PROMPT_LOG_HELD",
    "PROMPT_LOG_NOT_HELD",
    "PROMPT_RATE_ONE_ON_ONE",
    "PROMPT_RATE_POD",
    "CheckpointData",
    "CommitmentRecord",
    "CriterionResult",
    "DeviationChangeData",
    "DeviationPostData",
    "DigestData",
    "LeaderWeek",
    "OwnerAlert",
    "PromptContext",
    "PromptData",
    "SetupNudge",
    "SummaryAdjustment",
    "SummaryData",
    "SummaryDeviation",
    "SurveyData",
    "alert_reason",
    "build_prompt",
    "criterion_result",
]

_Data = TypeVar(
    "_Data",
    DigestData,
    CheckpointData,
    SetupNudge,
    OwnerAlert,
    Commitment,
    DeviationPostData,
    DeviationChangeData,
    CommitmentRecord,
)


def _with(
    data_type: type[_Data], build: Callable[[PromptContext, _Data], Reply]
) -> Callable[[PromptContext], Reply]:
    """A builder that needs ``data_type`` in ``context.data``, refusing a row without it."""

    def run(prompt: PromptContext) -> Reply:
        if not isinstance(prompt.data, data_type):
            raise TypeError(
                f"a {prompt.kind} prompt needs {data_type.__name__}, got "
                f"{type(prompt.data).__name__}"
            )
        return build(prompt, prompt.data)

    return run


_BUILDERS: Final[dict[AgendaKind, Callable[[PromptContext], Reply]]] = {
    AgendaKind.ONE_ON_ONE_PRE: build_one_on_one_pre,
    AgendaKind.ONE_ON_ONE_POST: build_one_on_one_post,
    AgendaKind.ONE_ON_ONE_LOG: build_one_on_one_log,
    AgendaKind.POD_PRE: build_pod_pre,
    AgendaKind.POD_POST: build_pod_post,
    AgendaKind.THREE_SIXTY: build_three_sixty,
    AgendaKind.SURVEY: build_survey,
    AgendaKind.SURVEY_REMINDER: build_survey_reminder,
    AgendaKind.COACH_DIGEST: _with(DigestData, build_coach_digest),
    AgendaKind.CHECKPOINT_PREVIEW: _with(CheckpointData, build_checkpoint_preview),
    AgendaKind.CHECKPOINT_PUBLISH: _with(CheckpointData, build_checkpoint_publish),
    AgendaKind.SETUP_NUDGE: _with(SetupNudge, build_setup_nudge),
    AgendaKind.OWNER_ALERT: _with(OwnerAlert, build_owner_alert),
    AgendaKind.COMMITMENT_POST: _with(Commitment, build_commitment_post),
    AgendaKind.COMMITMENT_COPY: _with(Commitment, build_commitment_copy),
    AgendaKind.DEVIATION_POST: _with(DeviationPostData, build_deviation),
    # The words only: the engine attaches the chart itself (bot/engine/render.py).
    AgendaKind.CHECKPOINT_CHART: build_checkpoint_chart,
    AgendaKind.DEVIATION_CHANGE: _with(DeviationChangeData, build_deviation_change),
    AgendaKind.COMMITMENT_RECORD: _with(CommitmentRecord, build_commitment_record),
    AgendaKind.CLOSING_SUMMARY: build_closing_summary,
    AgendaKind.CLOSING_SUMMARY_OWNER: build_closing_summary,
}
# The public post words its own lateness (with the date it was due); every other kind gets
# the one shared note. The public record (pre-commitment, deviations) goes out when the owner
# asks for it: a resend after a lost answer is not "late".
_OWN_LATE_WORDING: Final = frozenset(
    {
        AgendaKind.CHECKPOINT_PUBLISH,
        AgendaKind.COMMITMENT_POST,
        AgendaKind.COMMITMENT_COPY,
        AgendaKind.DEVIATION_POST,
        AgendaKind.DEVIATION_CHANGE,
        AgendaKind.COMMITMENT_RECORD,
        # Sent when the program closes, however long after the evaluation: never "late".
        AgendaKind.CLOSING_SUMMARY,
        AgendaKind.CLOSING_SUMMARY_OWNER,
    }
)


def build_prompt(context: PromptContext) -> Reply:
    """The message for one agenda row. Raises TypeError when the row's kind needs data
    (digest, checkpoint, setup nudge, owner alert) that ``context.data`` does not hold."""
    built = _BUILDERS[context.kind](context)
    if context.late_by is None or context.kind in _OWN_LATE_WORDING:
        return built
    note = late_note(context.late_by)
    return Reply(text=f"{built.text} ({note})", blocks=[*built.blocks, late(note).to_dict()])
