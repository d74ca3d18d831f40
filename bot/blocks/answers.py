"""Answering the cadence prompts: the rating and survey modals, what replaces an answered
prompt, and every refusal in words that say what to do instead.

Likert items are ``radio_buttons`` with the five worded options (SLACK.md), values 1..5. The
survey modal explains its anonymity before the person answers, not after.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, Final

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.blocks.prompts.actions import PROMPT_LOG_HELD, PROMPT_LOG_NOT_HELD
from bot.blocks.prompts.common import buttons, context, reply, row_button, section
from bot.blocks.prompts.sessions import ONE_ON_ONE_DECIDED, ONE_ON_ONE_SAY_NO
from bot.blocks.reply import Reply, build_notice_modal
from bot.domain.cadence import AgendaKind
from bot.domain.localtime import format_day
from bot.domain.metrics import ONE_ON_ONE_STATEMENT
from bot.domain.mrkdwn import mention, plain
from bot.domain.rating import CORRECTION_WINDOW
from bot.slack_names import COMMAND

ANSWERS_VIEW: Final = "answers_form"
ANSWERS_SCORE: Final = "answers_score"
ANSWERS_DECIDED: Final = "answers_decided"
ANSWERS_SAY_NO: Final = "answers_say_no"
# On an answered session-rating prompt: reopen the rating with the old answer (value = row id).
ANSWERS_CHANGE_RATING: Final = "answers_change_rating"
# Session ratings a leader may correct within bot.domain.rating.CORRECTION_WINDOW.
CORRECTABLE: Final = frozenset({AgendaKind.ONE_ON_ONE_POST, AgendaKind.POD_POST})
TEXT_MAX: Final = 1000

AGREE_SCALE: Final = (
    "Strongly disagree",
    "Disagree",
    "Neither agree nor disagree",
    "Agree",
    "Strongly agree",
)
ONE_ON_ONE_USEFUL: Final = "This 1:1 was useful."
POD_USEFUL: Final = "This pod session was useful."
POD_NEXT_STEP: Final = "What will you do about the challenge you brought?"


# --- the forms ----------------------------------------------------------------------------------


class Rater(StrEnum):
    """Who answers a 360 invitation, which decides the statement they rate."""

    LEADER = "leader"
    MANAGER = "manager"
    COACH = "coach"


def three_sixty_rater(*, recipient_id: str, about_id: str, coach_id: str | None) -> Rater:
    """The leader rates themselves, the pod's coach what they've seen, anyone else invited
    about the leader is their manager (the planner invites exactly these three)."""
    if recipient_id == about_id:
        return Rater.LEADER
    if coach_id is not None and recipient_id == coach_id:
        return Rater.COACH
    return Rater.MANAGER


@dataclass(frozen=True, slots=True)
class Note:
    """An optional free-text question, kept to ``TEXT_MAX`` characters."""

    block_id: str
    label: str


@dataclass(frozen=True, slots=True, kw_only=True)
class AnswerForm:
    title: str  # ≤ 24 characters (the modal title)
    intro: str  # mrkdwn: what is being rated, with mentions
    statement: str  # plain text: the agree-scale label
    notes: tuple[Note, ...] = ()
    footnote: str  # who sees the answer


def one_on_one_form(*, coach_id: str | None, day: date) -> AnswerForm:
    coach = mention(coach_id) if coach_id else "your coach"
    return AnswerForm(
        title="Rate this 1:1",
        intro=f"Your 1:1 with {coach} on {format_day(day)}: three questions, about two minutes.",
        statement=ONE_ON_ONE_USEFUL,
        notes=(Note(ANSWERS_DECIDED, ONE_ON_ONE_DECIDED), Note(ANSWERS_SAY_NO, ONE_ON_ONE_SAY_NO)),
        footnote=(
            "Saved with your name: your coach sees your rating and notes in their weekly "
            "digest, to make the next 1:1 better. Checkpoint posts show only the cohort's "
            "average rating."
        ),
    )


def pod_form(*, pod_name: str, day: date) -> AnswerForm:
    return AnswerForm(
        title="Rate the pod session",
        intro=f"The session of pod “{plain(pod_name)}” on {format_day(day)}.",
        statement=POD_USEFUL,
        notes=(Note(ANSWERS_DECIDED, POD_NEXT_STEP),),
        footnote=(
            "Saved with your name: your coach sees it in their weekly digest, to shape the next "
            "session. Checkpoint posts show only the cohort's average rating."
        ),
    )


def three_sixty_form(*, rater: Rater, leader_id: str) -> AnswerForm:
    leader = mention(leader_id)
    intro, statement = {
        Rater.LEADER: (
            "Your quarterly 360: rate your own confidence as a manager — where you stand now, "
            "not where you'd like to be.",
            "I feel confident handling the hard parts of managing.",
        ),
        Rater.MANAGER: (
            f"{leader}'s quarterly 360, as their manager: how effective are they as a manager "
            "today?",
            "They are effective as a manager.",
        ),
        Rater.COACH: (
            f"{leader}'s quarterly 360, as their coach: what have you seen in your sessions?",
            "They are growing as a manager.",
        ),
    }[rater]
    return AnswerForm(
        title="Quarterly 360",
        intro=intro,
        statement=statement,
        footnote=(
            "Saved with your name. The checkpoint post shows the 360 scores pooled over the "
            "cohort only — never your own figure."
        ),
    )


def anonymity_text(threshold: int) -> str:
    return (
        "*Anonymous.* Your answer is stored without your name and without any link to you. "
        "emcoach keeps, separately, only that you responded — so you get no more reminders. "
        f"Results are shown only for groups of {threshold} or more people; a smaller group "
        "counts only toward the pod's figure. Nobody, owners and coaches included, can see "
        "what you answered. Each person answers once a round — if you report to two coached "
        "leaders, your first answer is your answer this round — and the round closes when its "
        "results are taken for the owners' preview, so every figure counts people, not answers."
    )


def survey_form(*, leader_id: str, threshold: int) -> AnswerForm:
    return AnswerForm(
        title="1:1 survey",
        intro=(
            f"One question about your 1:1s with {mention(leader_id)}, your manager. How much "
            "do you agree?"
        ),
        statement=ONE_ON_ONE_STATEMENT,
        footnote=anonymity_text(threshold),
    )


def _likert(statement: str, *, score: int | None = None) -> InputBlock:
    options = [Option(text=label, value=str(score)) for score, label in enumerate(AGREE_SCALE, 1)]
    initial = options[score - 1] if score is not None and 1 <= score <= len(options) else None
    return InputBlock(
        block_id=ANSWERS_SCORE,
        label=statement,
        element=RadioButtonsElement(
            action_id=ANSWERS_SCORE, options=options, initial_option=initial
        ),
    )


def _note(note: Note, *, value: str | None = None) -> InputBlock:
    return InputBlock(
        block_id=note.block_id,
        label=note.label,
        optional=True,
        element=PlainTextInputElement(
            action_id=note.block_id, multiline=True, max_length=TEXT_MAX, initial_value=value
        ),
        hint=f"Optional, up to {TEXT_MAX} characters.",
    )


def build_answer_modal(
    *, row_id: int, form: AnswerForm, previous: Answer | None = None
) -> dict[str, Any]:
    """The modal for one agenda row; the row id travels in ``private_metadata``. With
    ``previous``, it corrects that answer: preselected, and saved over it."""
    noted = {
        ANSWERS_DECIDED: previous.decided if previous else None,
        ANSWERS_SAY_NO: previous.say_no if previous else None,
    }
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=form.intro)),
        _likert(form.statement, score=previous.score if previous else None),
        *(_note(note, value=noted.get(note.block_id)) for note in form.notes),
        ContextBlock(elements=[MarkdownTextObject(text=form.footnote)]),
    ]
    metadata: dict[str, Any] = {"row": row_id}
    if previous is not None:
        metadata["change"] = 1  # flat ints and strings only (handlers/payload_shape.py)
    view = View(
        type="modal",
        callback_id=ANSWERS_VIEW,
        title="Change your rating" if previous else form.title,
        submit="Save" if previous else "Send",
        close="Cancel",
        private_metadata=json.dumps(metadata),
        blocks=blocks,
    )
    return view.to_dict()


def _metadata(private_metadata: str) -> dict[str, Any]:
    try:
        found = json.loads(private_metadata)
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def row_of_metadata(private_metadata: str) -> int | None:
    row = _metadata(private_metadata).get("row")
    return row if isinstance(row, int) and not isinstance(row, bool) else None


def is_change(private_metadata: str) -> bool:
    """Whether the submitted modal corrects an earlier rating."""
    change = _metadata(private_metadata).get("change")
    return change == 1 and not isinstance(change, bool)


# --- reading a submission -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Answer:
    score: int  # 1..5
    decided: str | None = None
    say_no: str | None = None


def _text(values: Mapping[str, Any], block_id: str) -> str | None:
    value = ((values.get(block_id) or {}).get(block_id) or {}).get("value")
    return (value.strip() or None) if isinstance(value, str) else None


def parse_answer(values: Mapping[str, Any]) -> Answer | dict[str, str]:
    """The submitted answer, or inline errors by block id."""
    errors: dict[str, str] = {}
    chosen = ((values.get(ANSWERS_SCORE) or {}).get(ANSWERS_SCORE) or {}).get("selected_option")
    raw = (chosen or {}).get("value", "")
    score = int(raw) if isinstance(raw, str) and raw.isdigit() else 0
    if not 1 <= score <= len(AGREE_SCALE):
        errors[ANSWERS_SCORE] = (
            "Pick one of the five answers, from Strongly disagree to Strongly agree."
        )
    texts = {block_id: _text(values, block_id) for block_id in (ANSWERS_DECIDED, ANSWERS_SAY_NO)}
    for block_id, text in texts.items():
        if text is not None and len(text) > TEXT_MAX:
            errors[block_id] = (
                f"Keep it to {TEXT_MAX} characters (this has {len(text)}): one or two sentences "
                "are enough."
            )
    if errors:
        return errors
    return Answer(score=score, decided=texts[ANSWERS_DECIDED], say_no=texts[ANSWERS_SAY_NO])


# --- after an answer ----------------------------------------------------------------------------


def saved_title(kind: AgendaKind) -> str:
    return "Thank you" if kind is AgendaKind.SURVEY else "Saved"


def saved_text(
    *,
    kind: AgendaKind,
    form: AnswerForm,
    answer: Answer,
    threshold: int,
    changeable_until: date | None = None,
) -> str:
    """What the confirmation modal says: what was stored and what comes next (and, for a
    session rating, until when it can be changed)."""
    if kind is AgendaKind.SURVEY:
        return (
            "Your answer is saved without your name, and you won't get any more reminders "
            f"about this round. Results are only ever shown for groups of {threshold} or more "
            "people. Nothing else to do."
        )
    said = f"Saved: “{form.statement}” — *{AGREE_SCALE[answer.score - 1]}*."
    if answer.decided or answer.say_no:
        said += " Your notes are saved with it."
    next_step = {
        AgendaKind.ONE_ON_ONE_POST: (
            "Next: two hours before your next 1:1 I'll remind you to bring one decision."
        ),
        AgendaKind.POD_POST: (
            "Next: the day before the next pod session I'll ask you to bring one real challenge."
        ),
    }.get(
        kind,
        "The checkpoint post shows 360 scores pooled over the cohort only. Nothing else to do "
        "until the next 360.",
    )
    if changeable_until is not None:
        said += (
            f" Changed your mind? “Change rating” on the message changes it until "
            f"{format_day(changeable_until)}."
        )
    return f"{said}\n{next_step}"


_ANSWERED_WHAT: Final = {
    AgendaKind.ONE_ON_ONE_POST: "Your rating of the 1:1 on {day}",
    AgendaKind.POD_POST: "Your rating of the pod session on {day}",
    AgendaKind.THREE_SIXTY: "Your answer to the quarterly 360 (quarter ending {day})",
    AgendaKind.SURVEY: "Your answer to the anonymous 1:1 survey",
}


def build_answered_message(
    *,
    kind: AgendaKind,
    occasion: date,
    answered: date,
    row_id: int | None = None,
    changeable_until: date | None = None,
    changed: date | None = None,
) -> Reply:
    """What replaces an answered prompt: the answer is acknowledged; a session rating keeps a
    "Change rating" button (``row_id``) while it may be corrected."""
    what = _ANSWERED_WHAT[kind].format(day=format_day(occasion))
    text = f"{what}: sent on {format_day(answered)} ✓ Thank you."
    if changed is not None:
        text += f" Changed on {format_day(changed)}."
    if kind not in CORRECTABLE or row_id is None or changeable_until is None:
        return reply(text, [section(text)])
    change = row_button("Change rating", action_id=ANSWERS_CHANGE_RATING, row_id=row_id)
    note = f"Clicked the wrong one? You can change it until {format_day(changeable_until)}."
    return reply(text, [section(text), buttons(change), context(note)])


def changed_text(*, form: AnswerForm, answer: Answer) -> str:
    """The confirmation of a corrected rating: the one rating now holds this answer."""
    said = f"Changed: “{form.statement}” — *{AGREE_SCALE[answer.score - 1]}*."
    if answer.decided or answer.say_no:
        said += " Your notes are saved with it."
    return f"{said}\nIt replaces your earlier answer: the session still counts once."


def build_logged_message(*, row_id: int, leader_id: str, occasion: date, held: bool) -> Reply:
    """The coach's log prompt once answered; a misclick is undone with the one button left."""
    outcome = "held ✓" if held else "not held"
    text = f"Your 1:1 with {mention(leader_id)} on {format_day(occasion)} — logged: *{outcome}*."
    undo = row_button(
        "Change to not held" if held else "Change to held",
        action_id=PROMPT_LOG_NOT_HELD if held else PROMPT_LOG_HELD,
        row_id=row_id,
    )
    return reply(
        text,
        [section(text), buttons(undo), context("Clicked the wrong one? The button corrects it.")],
    )


# --- refusals -----------------------------------------------------------------------------------


def not_yours_text() -> str:
    # Names nobody: for a survey, who was asked is private too.
    return (
        "This button isn't yours to answer: only the person the message was sent to can. "
        "Nothing was recorded. Your own prompts come to you from emcoach in a direct message; "
        f"`{COMMAND} help` shows what else you can do."
    )


def gone_text() -> str:
    return (
        "That prompt no longer exists — the program or its schedule changed since it was "
        "sent — so there is nothing to answer. Newer prompts come in their own messages; "
        f"`{COMMAND} help` shows what you can do."
    )


def already_answered_text(*, answered: date) -> str:
    return (
        f"You already answered this on {format_day(answered)}. It counts once, so nothing "
        "changed — there's nothing else to do."
    )


def already_logged_text(*, held: bool, logged: date) -> str:
    outcome = "held" if held else "not held"
    other = "Not held" if held else "Held"
    return (
        f"Already logged as *{outcome}* on {format_day(logged)}; nothing changed. If that's "
        f"wrong, click “{other}” (or “Change to {other.lower()}”) instead."
    )


def already_answered_round_text(*, answered: date) -> str:
    return (
        f"You already answered this round's survey on {format_day(answered)}, about another "
        "leader you report to. Each person answers once a round, so every figure counts "
        "people, not answers: nothing was recorded, and there's nothing else to do."
    )


def round_closed_text(*, closed_on: date, results_on: date | None = None) -> str:
    """For a late answer: the round closed when its results were taken (for the owners'
    preview, or for the baseline when the program started), so the answer is not recorded."""
    posted = (
        f" Its results are posted on {format_day(results_on)}, without it."
        if results_on is not None
        else ""
    )
    return (
        f"This survey round closed on {format_day(closed_on)}; your answer was not recorded. "
        "A round closes when its results are taken, so every figure shown from it is the "
        f"same.{posted} The next round, if there is one, comes to you in a direct message. "
        "Nothing to do — thank you all the same."
    )


def not_rated_yet_text() -> str:
    return (
        "There is no rating of yours to change here yet. Rate the session with the button "
        f"on its prompt; after that you can change it for {CORRECTION_WINDOW.days} days."
    )


def correction_closed_text(*, rated_on: date, closed_on: date, coach_id: str | None) -> str:
    """A correction asked for after the window: what stays, and what to do instead."""
    coach = mention(coach_id) if coach_id else "your coach"
    return (
        f"Ratings can be changed for {CORRECTION_WINDOW.days} days after they are sent; this "
        "one was sent on "
        f"{format_day(rated_on)}, so it could be changed until {format_day(closed_on)} and "
        f"stays as it is. If it matters, tell {coach} directly — and rate your next session "
        "with its own prompt."
    )


def not_saved_modal(text: str) -> dict[str, Any]:
    return build_notice_modal(title="Not saved", text=text)


def saved_modal(*, kind: AgendaKind, text: str) -> dict[str, Any]:
    return build_notice_modal(title=saved_title(kind), text=text)
