"""The demo company's people answering emcoach's prompts, as people do: most of the time, some
hours later, a few only after a reminder and a few never.

Everything goes through the same signed requests Slack sends — a button click, the modal it
opens, its submission, a slash command — driven by the setup walk's own helpers, so a changed
prompt or modal stops the demo with a `WalkError` instead of being papered over. Nothing is
written to the database directly. Each answer is an intent due some simulated hours after its
prompt was sent; `bot.sim.demo.simulate.run_program` moves the clock to it and calls ``act``.

Every choice comes from one seeded ``random.Random``, and prompts arrive in a fixed order, so
the same program gets the same answers on every run.
"""

from __future__ import annotations

import heapq
import random
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import partial
from typing import Any, Final
from zoneinfo import ZoneInfo

from bot.blocks.answers import AGREE_SCALE, ANSWERS_DECIDED, ANSWERS_SAY_NO, ANSWERS_SCORE
from bot.blocks.baseline import ValueForm
from bot.blocks.metrics import METRICS_FORM, METRICS_LEADER
from bot.blocks.prompts.actions import (
    PROMPT_ANSWER_360,
    PROMPT_ANSWER_SURVEY,
    PROMPT_LOG_HELD,
    PROMPT_LOG_NOT_HELD,
    PROMPT_RATE_ONE_ON_ONE,
    PROMPT_RATE_POD,
)
from bot.domain.cadence import AgendaKind
from bot.domain.metrics import MetricId
from bot.domain.timeline import Timeline
from bot.engine.results import checkpoint_month
from bot.sim.demo.company import Company, Measurement, Team, Tendency
from bot.sim.demo.harness import LiveApp
from bot.sim.demo.sprint import Answer, Walk, WalkError, input_elements, text_of
from bot.sim.standin import StandInUser
from storage.answers import parse_reminder_key
from storage.db import session_scope
from storage.models import AgendaRow, Program

SEED: Final = 2027

# How long after its prompt a person gets to it, in hours (min, max). A survey answered "at
# once" is answered inside a day, before the first reminder (24 h) would go.
_HOURS: Final[Mapping[str, tuple[float, float]]] = {
    AgendaKind.ONE_ON_ONE_LOG: (1, 6),
    AgendaKind.ONE_ON_ONE_POST: (0.5, 8),
    AgendaKind.POD_POST: (1, 24),
    AgendaKind.THREE_SIXTY: (4, 72),
    AgendaKind.SURVEY: (1, 20),
    AgendaKind.SURVEY_REMINDER: (1, 12),
    AgendaKind.CHECKPOINT_PUBLISH: (20, 30),
}
# The owner pulls a checkpoint's numbers the week before it, at the start of a working day,
# so the preview (two business days before) shows what is still missing.
VALUES_BEFORE: Final = timedelta(days=4)
VALUES_AT: Final = time(10, 0)


class Deed(StrEnum):
    """What a person did, counted per month for the demo's story."""

    LOGGED_HELD = "held"
    LOGGED_NOT_HELD = "not held"
    RATED_ONE_ON_ONE = "rated a 1:1"
    RATED_POD = "rated a pod session"
    ANSWERED_360 = "answered a 360"
    ANSWERED_SURVEY = "answered the survey"
    ANSWERED_AFTER_REMINDER = "answered the survey after a reminder"
    ENTERED_VALUES = "entered checkpoint values"
    ADJUSTED = "recorded the month-3 decision"


@dataclass(frozen=True, slots=True)
class Done:
    deed: Deed
    note: str | None = None  # a line worth telling on its own, e.g. the owner's decision


@dataclass(frozen=True, slots=True, kw_only=True)
class Habits:
    """How likely people are to do each thing: a fairly engaged company, not a perfect one."""

    held: float = 0.86  # the coach logs the 1:1 as held…
    not_held: float = 0.09  # …or as not held; the rest the coach never logs
    rate_one_on_one: float = 0.85  # of the 1:1s that happened
    rate_pod: float = 0.8
    answer_360: float = 0.85
    write_note: float = 0.7  # fill in an optional text box
    # A survey round: answer when it arrives, after the first or the second reminder; the rest
    # never answer that round.
    survey_at_once: float = 0.62
    survey_after_reminder: tuple[float, ...] = (0.18, 0.08)


class Scores:
    """1-to-5 answers that scatter like real ones while their running average keeps to the
    wanted mean: each answer's difference from its mean is carried into the next one of the
    same ``stream`` (error diffusion). A dozen answers then average within about 0.1 of the
    tendency, so the published figures tell the story the demo sets out to tell."""

    SPREAD: Final = 0.8  # how far one answer's noise reaches, in points

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._carry: dict[str, float] = {}

    def draw(self, stream: str, mean: float) -> int:
        wanted = mean + self._carry.get(stream, 0.0)
        noisy = wanted + self._rng.uniform(-self.SPREAD, self.SPREAD)
        score = min(max(round(noisy), 1), len(AGREE_SCALE))
        self._carry[stream] = wanted - score
        return score


def survey_deck(rng: random.Random, *, habits: Habits, size: int) -> list[int | None]:
    """Who answers one survey round when, shuffled: for each of ``size`` direct reports, the
    reminder after which they answer (0: at once) or None (never). Dealt rather than drawn
    one by one, so every round has its few late answers and its few silences, in the shares
    ``habits`` gives."""
    deck: list[int | None] = []
    for number, share in enumerate((habits.survey_at_once, *habits.survey_after_reminder)):
        deck += [number] * round(share * size)
    deck = deck[:size] + [None] * (size - len(deck))
    rng.shuffle(deck)
    return deck


def measurement_answers(
    view: Mapping[str, Any], measurement: Measurement, *, form: ValueForm, source: str
) -> dict[str, Answer]:
    """An answer for each input of a per-leader value modal named by ``form``."""
    answers: dict[str, Answer] = {}
    for block_id in input_elements(view):
        if block_id.startswith(form.value_prefix):
            metric = MetricId(block_id.removeprefix(form.value_prefix))
            if metric not in measurement.values:
                raise WalkError(f"the demo has no {metric} to enter in {block_id!r}")
            answers[block_id] = measurement.values[metric]
        elif block_id == form.retention_start:
            answers[block_id] = str(measurement.reports_a_year_ago)
        elif block_id == form.retention_leavers:
            answers[block_id] = str(measurement.leavers)
        elif block_id == form.source:
            answers[block_id] = source
        else:
            raise WalkError(f"the value modal asks for {block_id!r}, unknown to the demo")
    return answers


def describe_month(did: Counter[Deed], *, coach: str) -> str | None:
    """``Cora (coach) logged 16 1:1s (14 held, 2 not held); …``: one month's answers, or
    None when nobody answered anything."""
    parts = []
    logged = did[Deed.LOGGED_HELD] + did[Deed.LOGGED_NOT_HELD]
    if logged:
        parts.append(
            f"{coach} logged {logged} 1:1s ({did[Deed.LOGGED_HELD]} held, "
            f"{did[Deed.LOGGED_NOT_HELD]} not held)"
        )
    rated = [
        f"{count} {what}"
        for count, what in (
            (did[Deed.RATED_ONE_ON_ONE], "1:1s"),
            (did[Deed.RATED_POD], "pod sessions"),
        )
        if count
    ]
    if rated:
        parts.append("leaders rated " + " and ".join(rated))
    surveys = did[Deed.ANSWERED_SURVEY] + did[Deed.ANSWERED_AFTER_REMINDER]
    if surveys:
        parts.append(
            f"{surveys} anonymous survey answers ({did[Deed.ANSWERED_AFTER_REMINDER]} only "
            "after a reminder)"
        )
    if did[Deed.ANSWERED_360]:
        parts.append(f"{did[Deed.ANSWERED_360]} 360s answered")
    return "; ".join(parts) or None


@dataclass(order=True)
class _Intent:
    at: datetime
    order: int  # first planned, first done, when two fall due together
    act: Callable[[], Done] = field(compare=False)


class People:
    """Everyone at ``company`` answering the prompts of ``program_id`` on ``live``.

    ``saw`` hears of each prompt as it is sent and decides whether and when its recipient
    answers; ``next_at`` is when the next answer is due; ``act`` does the ones due by then.
    """

    def __init__(
        self,
        live: LiveApp,
        company: Company,
        *,
        program_id: int,
        rng: random.Random | None = None,
        habits: Habits | None = None,
    ) -> None:
        self._live = live
        self._company = company
        self._rng = rng or random.Random(SEED)
        self._scores = Scores(self._rng)
        self._habits = habits or Habits()
        self._walk = Walk(live=live, company=company, narrate=lambda _line: None)
        with session_scope(live.services.engine) as session:
            program = session.get(Program, program_id)
        if program is None or program.kickoff_date is None:
            raise WalkError(f"program {program_id} isn't committed: nobody has prompts yet")
        self._program = program
        self._timeline = Timeline(kickoff=program.kickoff_date, months=program.months)
        self._people = {person.id: person for person in company.people}
        self._teams = {team.leader.id: team for team in company.teams}
        self._intents: list[_Intent] = []
        self._planned = 0
        # (leader, day) -> whether the 1:1 happened and whether the coach logs it: the
        # coach's log and the leader's rating prompt must agree about the same 1:1.
        self._one_on_ones: dict[tuple[str, date], tuple[bool, bool]] = {}
        # Survey row id -> after which reminder its recipient answers (0: at once; None:
        # never), and the reminders they got, whose messages the answer updates too.
        self._survey_plans: dict[int, int | None] = {}
        self._surveys: dict[int, AgendaRow] = {}
        self._reminders: dict[int, list[AgendaRow]] = {}
        self._survey_decks: dict[date, list[int | None]] = {}
        self._reports = sum(len(team.reports) for team in company.teams)
        owner_zone = ZoneInfo(company.owner.tz)
        for occasion in (self._timeline.midpoint, self._timeline.evaluation):
            at = datetime.combine(occasion - VALUES_BEFORE, VALUES_AT, tzinfo=owner_zone)
            self._plan_at(at.astimezone(UTC), partial(self._enter_values, occasion))

    # --- the simulation's side ---------------------------------------------------------------

    def next_at(self) -> datetime | None:
        return self._intents[0].at if self._intents else None

    def act(self, now: datetime) -> list[Done]:
        """Do every answer due by ``now``, oldest first."""
        done = []
        while self._intents and self._intents[0].at <= now:
            done.append(heapq.heappop(self._intents).act())
        return done

    def saw(self, row: AgendaRow) -> None:
        """A prompt went out: decide whether, when and how its recipient answers it."""
        kind = AgendaKind(row.kind)
        if kind is AgendaKind.ONE_ON_ONE_LOG:
            self._saw_log(row)
        elif kind is AgendaKind.ONE_ON_ONE_POST:
            self._saw_one_on_one(row)
        elif kind is AgendaKind.POD_POST:
            if self._chance(self._habits.rate_pod):
                self._plan(row, lambda: self._rate_pod(row))
        elif kind is AgendaKind.THREE_SIXTY:
            if self._chance(self._habits.answer_360):
                self._plan(row, lambda: self._answer_360(row))
        elif kind is AgendaKind.SURVEY:
            self._saw_survey(row)
        elif kind is AgendaKind.SURVEY_REMINDER:
            self._saw_reminder(row)
        elif kind is AgendaKind.CHECKPOINT_PUBLISH and row.occasion == self._timeline.midpoint:
            self._plan(row, self._adjust)

    # --- deciding ------------------------------------------------------------------------------

    def _chance(self, probability: float) -> bool:
        return self._rng.random() < probability

    def _plan(self, row: AgendaRow, act: Callable[[], Done]) -> None:
        """``act`` on ``row`` some hours after it was sent, as its kind of prompt gets done."""
        assert row.sent_at is not None
        low, high = _HOURS[row.kind]
        self._plan_at(row.sent_at + timedelta(hours=self._rng.uniform(low, high)), act)

    def _plan_at(self, at: datetime, act: Callable[[], Done]) -> None:
        self._planned += 1
        heapq.heappush(self._intents, _Intent(at=at, order=self._planned, act=act))

    def _one_on_one(self, leader_id: str, day: date) -> tuple[bool, bool]:
        """(held, logged) for the leader's 1:1 on ``day``, decided once. A 1:1 the coach
        never logs still happened: the coach only forgot the button."""
        key = (leader_id, day)
        if key not in self._one_on_ones:
            draw = self._rng.random()
            held, logged = draw < self._habits.held, True
            if draw >= self._habits.held + self._habits.not_held:
                held, logged = True, False
            self._one_on_ones[key] = (held, logged)
        return self._one_on_ones[key]

    def _score(self, stream: str, tendency: Tendency, occasion: date, *, shift: float = 0.0) -> int:
        kickoff, end = self._timeline.kickoff, self._timeline.evaluation
        progress = (occasion - kickoff).days / max((end - kickoff).days, 1)
        return self._scores.draw(stream, tendency.at(progress) + shift)

    def _note(self, choices: tuple[str, ...]) -> str | None:
        if not choices or not self._chance(self._habits.write_note):
            return None
        return self._rng.choice(choices)

    def _saw_log(self, row: AgendaRow) -> None:
        held, logged = self._one_on_one(row.about, row.occasion)
        if logged:
            self._plan(row, lambda: self._log(row, held=held))

    def _saw_one_on_one(self, row: AgendaRow) -> None:
        held, _logged = self._one_on_one(row.about, row.occasion)
        if held and self._chance(self._habits.rate_one_on_one):
            self._plan(row, lambda: self._rate_one_on_one(row))

    def _saw_survey(self, row: AgendaRow) -> None:
        assert row.id is not None
        deck = self._survey_decks.get(row.occasion)
        if deck is None:
            deck = self._survey_decks[row.occasion] = survey_deck(
                self._rng, habits=self._habits, size=self._reports
            )
        after = deck.pop() if deck else None
        self._surveys[row.id] = row
        self._survey_plans[row.id] = after
        self._reminders[row.id] = []
        if after == 0:
            self._plan(row, lambda: self._answer_survey(row, survey=row))

    def _saw_reminder(self, row: AgendaRow) -> None:
        ref = parse_reminder_key(row.key)
        if ref is None or ref.survey_row_id not in self._surveys:
            return
        reminders = self._reminders[ref.survey_row_id]
        reminders.append(row)
        if self._survey_plans[ref.survey_row_id] == len(reminders):
            survey = self._surveys[ref.survey_row_id]
            self._plan(row, lambda: self._answer_survey(row, survey=survey))

    # --- answering, as Slack would send it -------------------------------------------------

    def _person(self, user_id: str) -> StandInUser:
        if user_id not in self._people:
            raise WalkError(f"a prompt went to {user_id}, who isn't at {self._company.name}")
        return self._people[user_id]

    def _prompt(self, row: AgendaRow) -> dict[str, Any]:
        """The row's message as its recipient sees it now."""
        for message in self._live.slack.messages(row.recipient):
            if message.get("ts") == row.ts:
                return message
        raise WalkError(f"the {row.kind} prompt {row.id} isn't in {row.recipient}'s DM")

    def _updates(self) -> int:
        return len(self._live.slack.calls_to("chat.update"))

    def _await_updated(self, rows: list[AgendaRow], *, since: int, doing: str) -> None:
        """Wait until the app has replaced each of ``rows``' prompts (it answers the click
        first and updates them after), so the next step sees the answer in place."""
        slack, mark = self._live.slack, self._walk.mark()
        wanted = {row.ts for row in rows if row.ts}

        def updated() -> bool:
            seen = {call.args.get("ts") for call in slack.calls_to("chat.update")[since:]}
            return wanted <= seen

        self._walk.await_effect(updated, mark, doing=doing)

    def _click(self, row: AgendaRow, action_id: str) -> None:
        since = self._updates()
        self._walk.click(self._person(row.recipient), self._prompt(row), action_id)
        self._await_updated([row], since=since, doing=f"clicking {action_id!r}")

    def _answer_form(
        self,
        row: AgendaRow,
        action_id: str,
        answers: dict[str, Answer],
        *,
        updated: list[AgendaRow],
    ) -> None:
        """Click the prompt's button, fill in the modal it opens and submit it."""
        person = self._person(row.recipient)
        view = self._walk.modal_from_click(person, self._prompt(row), action_id)
        since = self._updates()
        self._walk.submit(person, view, {key: value for key, value in answers.items() if value})
        self._await_updated(updated, since=since, doing=f"answering {action_id!r}")

    def _log(self, row: AgendaRow, *, held: bool) -> Done:
        self._click(row, PROMPT_LOG_HELD if held else PROMPT_LOG_NOT_HELD)
        return Done(Deed.LOGGED_HELD if held else Deed.LOGGED_NOT_HELD)

    def _rate_one_on_one(self, row: AgendaRow) -> Done:
        answers: dict[str, Answer] = {
            ANSWERS_SCORE: str(
                self._score(row.kind, self._company.one_on_one_ratings, row.occasion)
            ),
            ANSWERS_DECIDED: self._note(self._company.decisions) or "",
            ANSWERS_SAY_NO: self._note(self._company.delegations) or "",
        }
        self._answer_form(row, PROMPT_RATE_ONE_ON_ONE, answers, updated=[row])
        return Done(Deed.RATED_ONE_ON_ONE)

    def _rate_pod(self, row: AgendaRow) -> Done:
        answers: dict[str, Answer] = {
            ANSWERS_SCORE: str(self._score(row.kind, self._company.pod_ratings, row.occasion)),
            ANSWERS_DECIDED: self._note(self._company.pod_next_steps) or "",
        }
        self._answer_form(row, PROMPT_RATE_POD, answers, updated=[row])
        return Done(Deed.RATED_POD)

    def _answer_360(self, row: AgendaRow) -> Done:
        score = self._score(row.kind, self._company.three_sixty_scores, row.occasion)
        self._answer_form(row, PROMPT_ANSWER_360, {ANSWERS_SCORE: str(score)}, updated=[row])
        return Done(Deed.ANSWERED_360)

    def _answer_survey(self, row: AgendaRow, *, survey: AgendaRow) -> Done:
        """Answer ``survey`` from ``row``: the survey itself or one of its reminders."""
        assert survey.id is not None
        team = self._teams.get(survey.about)
        shift = team.survey_shift if team is not None else 0.0
        # One stream per round: each round's average keeps to the tendency on its own.
        stream = f"{survey.kind}:{survey.occasion}"
        score = self._score(stream, self._company.survey_scores, survey.occasion, shift=shift)
        prompts = [survey, *self._reminders[survey.id]]
        self._answer_form(row, PROMPT_ANSWER_SURVEY, {ANSWERS_SCORE: str(score)}, updated=prompts)
        after_reminder = row is not survey
        return Done(Deed.ANSWERED_AFTER_REMINDER if after_reminder else Deed.ANSWERED_SURVEY)

    # --- the owner ---------------------------------------------------------------------------

    def _enter_values(self, occasion: date) -> Done:
        """The week before a checkpoint the owner enters the values that came in."""
        company, owner = self._company, self._company.owner
        month = checkpoint_month(self._program, occasion)
        overview = self._walk.reply(owner, "metrics")
        entered: list[Team] = []
        for team in company.teams:
            measurement = team.checkpoints.get(month)
            if measurement is None:
                continue
            view = self._walk.modal_from_click(
                owner, overview, METRICS_LEADER, near=f"<@{team.leader.id}>"
            )
            answers = measurement_answers(
                view, measurement, form=METRICS_FORM, source=company.checkpoint_source
            )
            self._walk.submit(owner, view, answers)
            entered.append(team)
        left = [team for team in company.teams if team not in entered]
        note = (
            f"{company.who(owner)} enters the month-{month} values with /emcoach metrics for "
            + _names(company, entered)
        )
        if left:
            note += f"; none came in for {_names(company, left)}, so the post will say missing"
        return Done(Deed.ENTERED_VALUES, note + ".")

    def _adjust(self) -> Done:
        """After the month-3 post the owner and the coach agree to continue, and record it."""
        company, owner = self._company, self._company.owner
        command = f"adjust continue {company.adjustment_note}"
        answer = text_of(self._walk.reply(owner, command))
        if "Recorded" not in answer:
            raise WalkError(f"/emcoach adjust recorded nothing; it said:\n{answer}")
        return Done(
            Deed.ADJUSTED,
            f"{company.who(owner)} and {company.who(company.coach)} go through the month-3 "
            f"post and record: /emcoach adjust continue “{company.adjustment_note}”",
        )


def _names(company: Company, teams: list[Team]) -> str:
    return ", ".join(company.who(team.leader) for team in teams) or "nobody"
