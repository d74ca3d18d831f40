"""The public record as agenda rows: the pre-commitment, its copy for the budget owner,
deviation posts and what each deviation changed. Sent by the engine like every prompt, so
each goes out exactly once."""

from __future__ import annotations

from typing import Any

from bot.blocks.commit import Commitment, build_commitment_blocks, commitment_text
from bot.blocks.deviation import build_deviation_change_post, build_deviation_post
from bot.blocks.prompts.data import (
    CommitmentRecord,
    DeviationChangeData,
    DeviationPostData,
    PromptContext,
)
from bot.blocks.reply import Reply, section_block
from bot.domain.record import RECORD_FILE, VERIFY_COMMAND

COPY_PREFIX = "For your records — "


def build_commitment_post(_prompt: PromptContext, commitment: Commitment) -> Reply:
    return Reply(text=commitment_text(commitment), blocks=build_commitment_blocks(commitment))


def build_commitment_copy(_prompt: PromptContext, commitment: Commitment) -> Reply:
    """The seed: pre-commit "at least to the engineering team and to the budget owner"."""
    return Reply(
        text=COPY_PREFIX + commitment_text(commitment),
        blocks=build_commitment_blocks(commitment),
    )


def _code(text: str) -> str:
    """A code block that shows ``text`` exactly: only what Slack requires is escaped."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f"```{escaped}```"


def build_commitment_record(_prompt: PromptContext, record: CommitmentRecord) -> Reply:
    """The thread reply: the locked record as JSON, each frozen definition, and the command
    that recomputes both hashes."""
    intro = (
        "*The locked record of this pre-commitment.* Everything the post above says — the "
        "definitions, each criterion's instrument, rule and locked baseline, the expected "
        "ranges, the dates — as JSON. To check it, copy the code blocks below into a file "
        f"named `{RECORD_FILE}`, one per line in this order, and run the command at the end: "
        "it prints the two hashes given here."
    )
    blocks: list[dict[str, Any]] = [
        section_block(intro).to_dict(),
        section_block(f"*Record* — SHA-256 `{record.record_hash}`").to_dict(),
        section_block(_code(record.record_json)).to_dict(),
        section_block(
            f"*Frozen definitions* — SHA-256 `{record.definitions_hash}` (the hash in the post)"
        ).to_dict(),
        *(section_block(_code(line)).to_dict() for line in record.definition_lines),
        section_block(f"*Check it:*\n{_code(VERIFY_COMMAND)}").to_dict(),
    ]
    return Reply(
        text=f"The locked record of this pre-commitment: SHA-256 {record.record_hash}.",
        blocks=blocks,
        thread_ts=record.thread_ts,
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
