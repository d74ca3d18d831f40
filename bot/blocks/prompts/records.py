"""The public record as agenda rows: the pre-commitment, its copy for the budget owner,
deviation posts and what each deviation changed. Sent by the engine like every prompt, so
each goes out exactly once."""

from __future__ import annotations

from bot.blocks.commit import Commitment, build_commitment_blocks, commitment_text
from bot.blocks.deviation import build_deviation_change_post, build_deviation_post
from bot.blocks.prompts.data import DeviationChangeData, DeviationPostData, PromptContext
from bot.blocks.reply import Reply

COPY_PREFIX = "For your records — "


def build_commitment_post(_prompt: PromptContext, commitment: Commitment) -> Reply:
    return Reply(text=commitment_text(commitment), blocks=build_commitment_blocks(commitment))


def build_commitment_copy(_prompt: PromptContext, commitment: Commitment) -> Reply:
    """The seed: pre-commit "at least to the engineering team and to the budget owner"."""
    return Reply(
        text=COPY_PREFIX + commitment_text(commitment),
        blocks=build_commitment_blocks(commitment),
    )


def build_deviation(prompt: PromptContext, deviation: DeviationPostData) -> Reply:
    return build_deviation_post(
        program_name=prompt.program_name,
        field=deviation.field,
        reason=deviation.reason,
        requested_by=deviation.requested_by,
    )


def build_deviation_change(prompt: PromptContext, change: DeviationChangeData) -> Reply:
    return build_deviation_change_post(
        program_name=prompt.program_name,
        field=change.field,
        reason=change.reason,
        changes=change.changes,
        announced_on=change.announced_on,
    )
