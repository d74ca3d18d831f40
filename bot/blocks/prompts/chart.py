"""The words that go with the results chart, as the comment on the image in the post's thread.

The image and its alt text come from ``bot.charts``; the engine attaches them to this reply.
"""

from __future__ import annotations

from bot.blocks.prompts.common import reply, section
from bot.blocks.prompts.data import PromptContext
from bot.blocks.reply import Reply


def build_checkpoint_chart(_prompt: PromptContext) -> Reply:
    text = (
        "The results above as a chart: the locked baseline and each checkpoint so far, pooled "
        "over the cohort, with the seed's expected 6-month range as a shaded band. Grey dots "
        "are single leaders' values, shown only for figures that are not survey answers."
    )
    return reply(text, [section(text)])
