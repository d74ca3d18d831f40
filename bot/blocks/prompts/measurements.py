"""The quarterly 360 invitations and the direct reports' anonymous 1:1-quality survey.

A survey prompt promises anonymity in the words PRODUCT "Privacy" keeps: no name stored with
the answer, nothing shown for fewer than the locked threshold of people. Reminders are private
and stop after the second.
"""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock

from bot.blocks.prompts.actions import PROMPT_ANSWER_360, PROMPT_ANSWER_SURVEY
from bot.blocks.prompts.common import buttons, context, reply, row_button, section
from bot.blocks.prompts.data import PromptContext, SurveyData
from bot.blocks.reply import Reply
from bot.domain.localtime import format_day
from bot.domain.metrics import ONE_ON_ONE_STATEMENT
from bot.domain.mrkdwn import mention, plain

SURVEY_BUTTON = "Answer (1 question)"
LAST_REMINDER = 2


def build_three_sixty(prompt: PromptContext) -> Reply:
    """One invitation, worded for whoever gets it: the leader rates their own confidence as a
    manager, their manager rates how effective they are, the coach adds what they've seen.

    The role follows from the row: the recipient is the leader it is about, or the pod's
    coach, or otherwise the leader's manager.
    """
    leader = mention(prompt.about_id)
    program = plain(prompt.program_name)
    quarter_end = format_day(prompt.occasion)
    if prompt.recipient_id == prompt.about_id:
        text = (
            f"Time for your quarterly 360 in {program}. Rate your own confidence as "
            "a manager (self-efficacy) — where you stand now, not where you'd like to be. Your "
            "manager and your coach answer too."
        )
    elif prompt.recipient_id == prompt.coach_id:
        text = (
            f"{leader}'s quarterly 360 is open: they rate their own self-efficacy and their "
            "manager rates their effectiveness. Add what you have seen in your sessions."
        )
    else:
        text = (
            f"You're invited to {leader}'s quarterly 360, as their manager, in "
            f"{program}. Rate how effective they are as a manager today — a few "
            "minutes."
        )
    note = (
        f"Please answer before the quarter ends on {quarter_end}. The checkpoint post shows "
        "the 360 scores pooled over the cohort only — never one person's figure, and none from "
        "fewer than the anonymity threshold in ratings."
    )
    answer = row_button(
        "Answer the 360", action_id=PROMPT_ANSWER_360, row_id=prompt.row_id, primary=True
    )
    return reply(text, [section(text), buttons(answer), context(note)])


def _survey(prompt: PromptContext) -> SurveyData:
    return prompt.data if isinstance(prompt.data, SurveyData) else SurveyData()


def _anonymity(survey: SurveyData) -> str:
    return (
        "Anonymous: your answer is stored without your name, and results are shown only for "
        f"groups of {survey.anonymity_threshold} or more people. Nobody sees who answered what. "
        "One answer a person a round, until the round closes for the owners' preview."
    )


def _answer(prompt: PromptContext) -> ActionsBlock:
    return buttons(
        row_button(
            SURVEY_BUTTON, action_id=PROMPT_ANSWER_SURVEY, row_id=prompt.row_id, primary=True
        )
    )


def build_survey(prompt: PromptContext) -> Reply:
    survey = _survey(prompt)
    leader = mention(prompt.about_id)
    text = (
        f"One question about your 1:1s with {leader}: how much do you agree with "
        f"“{ONE_ON_ONE_STATEMENT}”"
    )
    scale = "Five answers, from Strongly disagree to Strongly agree. Under a minute."
    return reply(text, [section(f"{text}\n{scale}"), _answer(prompt), context(_anonymity(survey))])


def build_survey_reminder(prompt: PromptContext) -> Reply:
    survey = _survey(prompt)
    leader = mention(prompt.about_id)
    text = (
        f"A gentle reminder: there's still one question waiting for you about your 1:1s "
        f"with {leader}. It takes under a minute."
    )
    if survey.reminder >= LAST_REMINDER:
        text += " This is the last reminder; after it I won't ask again."
    private = "Only you get this reminder; nobody is told who has or hasn't answered."
    return reply(text, [section(text), _answer(prompt), context(f"{private} {_anonymity(survey)}")])
