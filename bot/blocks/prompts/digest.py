"""The coach's Friday digest: the week per leader, what needs them, and nothing that names a
survey non-responder."""

from __future__ import annotations

from bot.blocks.prompts.common import context, fit_lines, header, plural, reply, section
from bot.blocks.prompts.data import DigestData, LeaderWeek, PromptContext
from bot.blocks.reply import Reply
from bot.domain.localtime import format_day
from bot.domain.mrkdwn import clip, mention, plain
from bot.slack_names import COMMAND

# A long answer is cut in the digest; the leader's own view keeps it whole.
_ANSWER_MAX = 300


def leader_line(week: LeaderWeek) -> str:
    """``• @ana — 1:1s: 1 held, 1 not logged yet · 2 prompts missed (emcoach was offline)``."""
    sessions = [
        f"{count} {words}"
        for count, words in (
            (week.held, "held"),
            (week.not_held, "not held"),
            (week.not_logged, "not logged yet"),
            (week.skipped, "skipped (paused)"),
        )
        if count
    ]
    parts = [f"1:1s: {', '.join(sessions)}" if sessions else "no 1:1 this week"]
    if week.missed:
        parts.append(f"{plural(week.missed, 'prompt')} missed (emcoach was offline)")
    if week.failed:
        parts.append(f"{plural(week.failed, 'prompt')} Slack refused (the owners were told)")
    if week.paused_until is not None:
        parts.append(f"on pause until {format_day(week.paused_until)}")
    line = f"• {mention(week.leader_id)} — " + " · ".join(parts)
    ratings = [
        f"{what} {score}/5"
        for what, score in (("1:1", week.one_on_one_rating), ("pod", week.pod_rating))
        if score is not None
    ]
    if ratings:
        line += "\n    Latest ratings (“was useful”): " + ", ".join(ratings)
    for label, answers in (("Decided", week.decided), ("Will say no to", week.say_no)):
        if answers:
            quoted = "; ".join(f"“{clip(plain(answer), _ANSWER_MAX)}”" for answer in answers)
            line += f"\n    {label}: {quoted}"
    return line


def _next_steps(digest: DigestData) -> str:
    steps: list[str] = []
    if any(week.not_logged for week in digest.leaders):
        steps.append("log the open 1:1s with the Held / Not held buttons in my earlier messages")
    steps.append(f"see the coming week with `{COMMAND} schedule all`")
    return "Next: " + "; ".join(steps) + "."


def build_coach_digest(prompt: PromptContext, digest: DigestData) -> Reply:
    held = sum(week.held for week in digest.leaders)
    not_logged = sum(week.not_logged for week in digest.leaders)
    text = (
        f"Your week in {plain(prompt.program_name)} (to {format_day(prompt.occasion)}): "
        f"1:1s held: {held}, not logged yet: {not_logged}."
    )
    # What needs the coach first, so a long list loses only the quiet weeks.
    ordered = sorted(digest.leaders, key=lambda week: not week.needs_attention)
    lines = [leader_line(week) for week in ordered] or ["No leaders in your pods this week."]
    blocks = [
        header(f"Your week in {prompt.program_name}"),
        section(text),
        section(fit_lines(lines)),
    ]
    if digest.survey_non_responders:
        count = digest.survey_non_responders
        verb = "hasn't" if count == 1 else "haven't"
        blocks.append(
            section(
                f"{plural(count, 'direct report')} {verb} answered the 1:1 survey yet. They get "
                "private reminders; nobody is named, here or anywhere."
            )
        )
    blocks.append(context(_next_steps(digest)))
    return reply(text, blocks)
