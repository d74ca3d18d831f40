"""/emcoach deviation: the public post, and what the owner is told before and after it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from types import MappingProxyType
from typing import Final

from slack_sdk.models.blocks import ContextBlock, MarkdownTextObject, SectionBlock

from bot.blocks.criteria import quote
from bot.blocks.reply import SECTION_MAX, Reply, text_reply
from bot.domain.args.errors import typed as echo
from bot.domain.localtime import format_day
from bot.domain.mrkdwn import channel_mention, clip, plain, user_mention
from bot.domain.program_rules import ChangeLine, ProgramField
from bot.slack_names import COMMAND

# A reason is quoted in the channel post and in the owner's reply; Slack's section text
# holds 3000 characters, and a reason needs far fewer.
MAX_REASON_CHARS: Final = 1000

# The words accepted for each locked field; the first is the one shown in examples.
FIELD_WORDS: Final = MappingProxyType(
    {
        ProgramField.CRITERIA: ("criteria", "criterion", "success_criteria", "metrics"),
        ProgramField.BASELINES: ("baselines", "baseline"),
        ProgramField.ANONYMITY_THRESHOLD: ("threshold", "anonymity_threshold", "anonymity"),
        ProgramField.DATES: ("dates", "date", "kickoff", "checkpoints"),
    }
)
_FIELD_BY_WORD: Final = MappingProxyType(
    {word: field for field, words in FIELD_WORDS.items() for word in words}
)

# Where each locked field is changed once a deviation allows it. The threshold and the dates
# are part of the program's settings, which `setup` edits.
CHANGE_COMMANDS: Final = MappingProxyType(
    {
        ProgramField.CRITERIA: f"{COMMAND} criteria",
        ProgramField.BASELINES: f"{COMMAND} baseline",
        ProgramField.ANONYMITY_THRESHOLD: f"{COMMAND} setup",
        ProgramField.DATES: f"{COMMAND} setup",
    }
)

EXAMPLE: Final = (
    f"`{COMMAND} deviation dates Kickoff moves a week: two leaders start on 8 February.`"
)


def parse_field(word: str) -> ProgramField | None:
    """The locked field ``word`` names ("threshold", "kickoff", "Success-Criteria"), or None."""
    return _FIELD_BY_WORD.get(word.strip().lower().replace("-", "_"))


def deviation_text(
    *, program_name: str, field: ProgramField, reason: str, requested_by: str
) -> str:
    return (
        f"Deviation from {plain(program_name)}'s public pre-commitment: {field.phrase} will "
        f"change. Reason: {plain(reason)} — requested by {user_mention(requested_by)}"
    )


def build_deviation_post(
    *, program_name: str, field: ProgramField, reason: str, requested_by: str
) -> Reply:
    """The channel post that must exist before the locked field may change."""
    head = (
        f"*Deviation from {plain(program_name)}'s public pre-commitment:* {field.phrase} will "
        "change.\n*Reason:*\n"
    )
    tail = f"\n— requested by {user_mention(requested_by)}"
    # Escaping can make a reason of the accepted length longer than a section holds; the
    # reason gives way, not who asked for it.
    reason_shown = clip(quote(reason), SECTION_MAX - len(head) - len(tail))
    note = (
        "The pre-commitment locked this part of the program. It changes only after this "
        "public notice, once; results are still published on the promised dates."
    )
    blocks = [
        SectionBlock(text=MarkdownTextObject(text=f"{head}{reason_shown}{tail}")),
        ContextBlock(elements=[MarkdownTextObject(text=note)]),
    ]
    text = deviation_text(
        program_name=program_name, field=field, reason=reason, requested_by=requested_by
    )
    return Reply(text=text, blocks=[block.to_dict() for block in blocks])


def deviation_change_text(
    *, program_name: str, field: ProgramField, changes: Sequence[ChangeLine]
) -> str:
    lines = "; ".join(f"{line.what}: {line.old} → {line.new}" for line in changes)
    return f"Deviation made in {plain(program_name)}: {field.phrase} changed. {lines}"


def build_deviation_change_post(
    *,
    program_name: str,
    field: ProgramField,
    reason: str,
    changes: Sequence[ChangeLine],
    announced_on: date | None,
) -> Reply:
    """The follow-up once the change a deviation allowed is made: what it was, what it is.
    ``changes`` are mrkdwn the bot wrote (mentions, dates, figures with units)."""
    when = f" on {format_day(announced_on)}" if announced_on else ""
    head = (
        f"*Deviation made in {plain(program_name)}:* {field.phrase} changed, as announced"
        f"{when} (reason: “{plain(clip(reason, 300))}”). Old → new:\n"
    )
    lines = "\n".join(f"• {line.what}: {line.old} → {line.new}" for line in changes)
    note = (
        "Only this change was made under that deviation; a further change needs a new "
        "public deviation. Results are still published on the promised dates."
    )
    blocks = [
        SectionBlock(text=MarkdownTextObject(text=clip(head + lines, SECTION_MAX))),
        ContextBlock(elements=[MarkdownTextObject(text=note)]),
    ]
    text = clip(
        deviation_change_text(program_name=program_name, field=field, changes=changes),
        SECTION_MAX,
    )
    return Reply(text=text, blocks=[block.to_dict() for block in blocks])


def build_deviation_recorded(*, program_name: str, field: ProgramField, channel_id: str) -> Reply:
    return text_reply(
        f"Posted the deviation in {channel_mention(channel_id)}. You can now make one change to "
        f"{field.phrase} of *{plain(program_name)}* with `{CHANGE_COMMANDS[field]}`. A further "
        f"change will need another `{COMMAND} deviation`."
    )


def build_deviation_already(*, program_name: str, field: ProgramField, channel_id: str) -> Reply:
    """The same deviation was asked for a moment ago: it is posted (or on its way) once."""
    return text_reply(
        f"That deviation of *{plain(program_name)}* is already posted in "
        f"{channel_mention(channel_id)} (or on its way there), so I didn't post it again. "
        f"It allows one change to {field.phrase}: make it with `{CHANGE_COMMANDS[field]}`."
    )


def build_deviation_posting(*, program_name: str, field: ProgramField, channel_id: str) -> Reply:
    """Recorded, with Slack's answer about the post not confirmed yet."""
    return text_reply(
        f"The deviation of *{plain(program_name)}* is recorded and on its way to "
        f"{channel_mention(channel_id)}: Slack hasn't confirmed the post yet. I check the "
        "channel and post it if it isn't there — never twice. Once it shows there, make "
        f"your change to {field.phrase} with `{CHANGE_COMMANDS[field]}`."
    )


def build_deviation_not_posted(*, channel_id: str, error: str, retry: str) -> Reply:
    """Slack refused the post: nothing may change, and this says how to fix the channel."""
    if error == "is_archived":
        fix = f"{channel_mention(channel_id)} is archived: unarchive it"
    else:
        fix = (
            f"I'm not a member of {channel_mention(channel_id)}: open it and type "
            "`/invite @emcoach`"
        )
    return text_reply(
        f"I couldn't post the deviation in {channel_mention(channel_id)}, so nothing may "
        f"change yet. {fix}, then run `{plain(retry)}` again."
    )


def build_nothing_locked(*, program_name: str, field: ProgramField) -> Reply:
    return text_reply(
        f"Nothing is locked yet: *{plain(program_name)}* isn't committed, so there's no "
        f"deviation to post. Just change {field.phrase} with `{CHANGE_COMMANDS[field]}`."
    )


def build_deviation_usage(*, typed: str) -> Reply:
    words = ", ".join(f"`{words[0]}`" for words in FIELD_WORDS.values())
    opening = f"I don't know {echo(typed)} as a locked part. " if typed else ""
    return text_reply(
        f"{opening}Type `{COMMAND} deviation <what> <reason>`, where <what> is one of "
        f"{words}. The reason is posted in the program's channel before anything changes. "
        f"For example: {EXAMPLE}"
    )


def build_reason_refused(*, message: str, field: ProgramField) -> Reply:
    return text_reply(
        f"{message} For example: `{COMMAND} deviation {FIELD_WORDS[field][0]} <a sentence "
        "saying why>`."
    )


def build_reason_too_long(*, length: int) -> Reply:
    return text_reply(
        f"That reason is {length} characters; keep it under {MAX_REASON_CHARS} — it is posted "
        "in the channel, and a short sentence or two reads best. Run the command again."
    )


def post_deviation_first(refusal: str, field: ProgramField) -> str:
    """A locked field's refusal, with how to change it anyway."""
    return (
        f"{refusal} Post it with `{COMMAND} deviation {field.value} <reason>` "
        "first, then make this change again."
    )
