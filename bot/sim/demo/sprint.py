"""The four-week setup sprint walked end to end, as Slack would drive it: `emcoach demo` and the
end-to-end test share this walk.

Each step sends what Slack sends for a person's action — a slash command, a button click, a
modal submission whose ``state.values`` are shaped as Slack shapes them — over signed HTTP to
the real app, and reads the bot's answer where Slack would show it (the acknowledgement, the
response_url, a DM, the modal shown in place of the submitted one). Answers are matched to the
modals the bot actually opened, by block id and option label, so a changed modal or a refused
step stops the walk with a `WalkError` saying what the bot said, instead of being papered over.

Simulated time moves one week between the sprint's weeks, so each step happens in its own week.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Final, TypeAlias

from bot.blocks.baseline import (
    BASELINE_LEADER,
    BASELINE_SOURCE,
    BASELINE_SURVEY,
    BASELINE_VALUE_PREFIX,
    RETENTION_LEAVERS,
    RETENTION_START,
)
from bot.blocks.check import condition_block_id
from bot.blocks.coach import (
    COACH_DECISION_BLOCK,
    COACH_DECISION_VIEW,
    COACH_HEADCOUNT_BLOCK,
    COACH_SENIOR_BLOCK,
    NO,
    YES,
)
from bot.blocks.commit import COMMIT_CONFIRM
from bot.blocks.criteria import CRITERIA_APPROVE, CRITERIA_INSTRUMENT, CRITERIA_PICK
from bot.blocks.pod import (
    LEADER_DAY,
    LEADER_GROUP,
    LEADER_MANAGER,
    LEADER_REPORTS,
    LEADER_TIME,
    LEADER_USER,
    POD_ADD_LEADER,
    POD_COACH,
    POD_NAME,
    POD_NEW,
    POD_SESSION_DAY,
    POD_SESSION_TIME,
    POD_SESSION_WEEK,
)
from bot.blocks.setup import SETUP_BUDGET_OWNER, SETUP_CHANNEL, SETUP_MODEL, SETUP_NAME
from bot.domain.metrics import Instrument, MetricId, get_metric
from bot.sim.demo.company import Company, Team
from bot.sim.demo.harness import LiveApp
from bot.sim.standin import StandInUser
from bot.sim.standin.sender import HttpResult
from storage.agenda import rows_of
from storage.db import session_scope
from storage.models import Program
from storage.programs import find_program
from storage.setup_state import setup_state, sprint_weeks_done

WEEK: Final = timedelta(days=7)

# What a person enters in one input: text, a date, a time, an id, or an option's value or
# label; a tuple for multi-selects and checkboxes.
Answer: TypeAlias = str | tuple[str, ...]

# Element type -> (its key in view.state.values, the key of its initial value in the view).
_STATE_KEYS: Final = {
    "plain_text_input": ("value", "initial_value"),
    "number_input": ("value", "initial_value"),
    "datepicker": ("selected_date", "initial_date"),
    "timepicker": ("selected_time", "initial_time"),
    "conversations_select": ("selected_conversation", "initial_conversation"),
    "users_select": ("selected_user", "initial_user"),
    "multi_users_select": ("selected_users", "initial_users"),
    "static_select": ("selected_option", "initial_option"),
    "radio_buttons": ("selected_option", "initial_option"),
    "checkboxes": ("selected_options", "initial_options"),
}
_ONE_OPTION: Final = frozenset({"static_select", "radio_buttons"})
_SEVERAL: Final = frozenset({"multi_users_select", "checkboxes"})


class WalkError(RuntimeError):
    """The app answered differently from how a working flow answers this step."""


# --- reading what the bot sent ------------------------------------------------------------------


def text_of(node: object) -> str:
    """Every text a message, reply or view shows, one per line (for narration and checks)."""
    parts: list[str] = []
    _collect_text(node, parts)
    return "\n".join(parts)


def _collect_text(node: object, parts: list[str]) -> None:
    if isinstance(node, Mapping):
        for key, value in node.items():
            if key == "text" and isinstance(value, str):
                parts.append(value)
            else:
                _collect_text(value, parts)
    elif isinstance(node, list):
        for item in node:
            _collect_text(item, parts)


def find_button(
    message: Mapping[str, Any], action_id: str, *, near: str | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(block, button) of the first ``action_id`` button, in a block showing ``near`` if given."""
    for block in message.get("blocks") or []:
        elements = [block.get("accessory") or {}, *(block.get("elements") or [])]
        for element in elements:
            if element.get("action_id") == action_id and (near is None or near in text_of(block)):
                return block, element
    where = f" next to {near!r}" if near else ""
    raise WalkError(f"no {action_id!r} button{where} in the bot's message:\n{text_of(message)}")


# --- filling a modal as a person would ----------------------------------------------------------


def input_elements(view: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """A modal's inputs: block id -> element."""
    return {
        block["block_id"]: block["element"]
        for block in view.get("blocks") or []
        if block.get("type") == "input"
    }


def state_values(
    view: Mapping[str, Any], answers: Mapping[str, Answer]
) -> dict[str, dict[str, dict[str, Any]]]:
    """``view.state.values`` as Slack submits ``view`` after a person entered ``answers``.

    ``answers`` maps an input's block id to what was entered; an option is named by its value
    or its label. Inputs left alone keep their initial value, as in Slack. Naming an input or
    option the view doesn't have raises WalkError: the modal changed under the walk.
    """
    inputs = input_elements(view)
    unknown = sorted(set(answers) - set(inputs))
    if unknown:
        raise WalkError(
            f"the {view.get('callback_id')!r} modal has no input {unknown}; it has {sorted(inputs)}"
        )
    return {
        block_id: {element["action_id"]: _element_state(element, answers.get(block_id))}
        for block_id, element in inputs.items()
    }


def _element_state(element: Mapping[str, Any], answer: Answer | None) -> dict[str, Any]:
    kind = element["type"]
    if kind not in _STATE_KEYS:
        raise WalkError(f"the walk doesn't know how Slack submits a {kind!r} element")
    key, initial_key = _STATE_KEYS[kind]
    value: Any
    if answer is None:
        value = element.get(initial_key)
        if value is None and kind in _SEVERAL:
            value = []
    elif kind in _SEVERAL:
        if isinstance(answer, str):
            raise WalkError(f"{element['action_id']!r} takes several values: pass a tuple")
        value = [_option(element, one) for one in answer] if kind == "checkboxes" else list(answer)
    elif isinstance(answer, str):
        value = _option(element, answer) if kind in _ONE_OPTION else answer
    else:
        raise WalkError(f"{element['action_id']!r} takes one value, not {answer!r}")
    return {"type": kind, key: value}


def _option(element: Mapping[str, Any], wanted: str) -> dict[str, Any]:
    options: list[dict[str, Any]] = element.get("options") or []
    for option in options:
        if wanted in (option["value"], option["text"]["text"]):
            return option
    offered = [option["text"]["text"] for option in options]
    raise WalkError(f"{element['action_id']!r} offers no {wanted!r}; it offers {offered}")


# --- the walk -----------------------------------------------------------------------------------


def walk_setup_sprint(
    live: LiveApp,
    company: Company,
    *,
    narrate: Callable[[str], None] = lambda _: None,
    baseline_round: Callable[[int], None] | None = None,
) -> int:
    """Walk ``company`` through the setup sprint, from `/emcoach check` to the public
    pre-commitment, and return the new program's id.

    ``company`` must already be in the stand-in (``company.install``). Returns once the
    pre-commitment is posted and the program's agenda is planned. ``narrate`` gets one short
    line per step.
    """
    walk = Walk(live=live, company=company, narrate=narrate)
    walk.check_and_price()
    program_id = walk.set_up()
    walk.week_1_criteria(program_id)
    live.clock.advance(WEEK)
    walk.week_2_coach(program_id)
    live.clock.advance(WEEK)
    walk.week_3_pods(program_id)
    live.clock.advance(WEEK)
    walk.week_4_baselines(program_id)
    if baseline_round is None:
        # Imported here: the simulation's people answer through this module's Walk.
        from bot.sim.demo.simulate import BaselineRound

        baseline_round = BaselineRound(live, company)
    baseline_round(program_id)  # the direct reports answer emcoach's baseline survey
    walk.expect_ready(program_id)
    walk.commit(program_id)
    return program_id


@dataclass(frozen=True, slots=True)
class _Mark:
    """How much the stand-in had seen before a step, to find what the step caused."""

    views: int
    responses: int


@dataclass
class Walk:
    live: LiveApp
    company: Company
    narrate: Callable[[str], None]

    # --- the steps ------------------------------------------------------------------------

    def check_and_price(self) -> None:
        company, owner = self.company, self.company.owner
        self.narrate(
            f"{company.who(owner)} runs /emcoach check: {len(company.true_conditions)} of the "
            f"five conditions hold at {company.name}."
        )
        view = self.modal(owner, "check")
        ticked = {condition_block_id(c): (c.value,) for c in company.true_conditions}
        self.submit(owner, view, ticked)
        self.narrate(f"{company.who(owner)} prices it: /emcoach cost {company.cost_args}.")
        self.reply(owner, f"cost {company.cost_args}")

    def set_up(self) -> int:
        company, owner, cfo = self.company, self.company.owner, self.company.budget_owner
        self.narrate(
            f"{company.who(owner)} runs /emcoach setup: “{company.program_name}”, results in "
            f"#{company.publish_channel_name}, {company.who(cfo)} as budget owner."
        )
        view = self.modal(owner, "setup")
        mark, dms = self.mark(), len(self.dms(cfo))
        self.submit(
            owner,
            view,
            {
                SETUP_NAME: company.program_name,
                SETUP_CHANNEL: company.publish_channel_id,
                SETUP_BUDGET_OWNER: cfo.id,
                SETUP_MODEL: company.coaching_model.value,
            },
        )
        self.await_effect(lambda: len(self.dms(cfo)) > dms, mark, doing="the budget owner's DM")
        with session_scope(self.live.services.engine) as session:
            program = find_program(
                session, team_id=self.live.sender.team_id, name=company.program_name
            )
            if program is None or program.id is None:
                raise WalkError(f"/emcoach setup created no program {company.program_name!r}")
            return program.id

    def week_1_criteria(self, program_id: int) -> None:
        company, owner, cfo = self.company, self.company.owner, self.company.budget_owner
        names = ", ".join(get_metric(metric).short_name for metric in company.criteria)
        self.narrate(f"Week 1 — {company.who(owner)} picks the success criteria: {names}.")
        answers: dict[str, Answer] = {CRITERIA_PICK: tuple(m.value for m in company.criteria)}
        if any(get_metric(metric).anonymous_survey for metric in company.criteria):
            self.narrate(
                f"For 1:1 quality {company.who(owner)} chooses emcoach's anonymous survey of the "
                "direct reports, locked with the criteria (the budget owner signs it off too)."
            )
            answers[CRITERIA_INSTRUMENT] = Instrument.EMCOACH_SURVEY.value
        view = self.modal(owner, "criteria")
        mark, requests = self.mark(), len(self.signoff_requests())
        self.submit(owner, view, answers)
        self.await_effect(
            lambda: len(self.signoff_requests()) > requests, mark, doing="the sign-off request"
        )
        self.narrate(f"{company.who(cfo)} clicks Approve on the sign-off request in their DM.")
        mark, dms = self.mark(), len(self.dms(owner))
        self.click(cfo, self.signoff_requests()[-1], CRITERIA_APPROVE)
        self.await_effect(lambda: len(self.dms(owner)) > dms, mark, doing="approving")
        self.expect_week_done(program_id, 1)

    def week_2_coach(self, program_id: int) -> None:
        company, owner = self.company, self.company.owner
        senior = "a" if company.senior_em_with_capacity else "no"
        self.narrate(
            f"Week 2 — {company.who(owner)} answers /emcoach coach: "
            f"{company.engineering_headcount} engineers, {senior} senior EM with capacity; "
            f"decides on {company.coach_decision.value}."
        )
        view = self.modal(owner, "coach")
        recommendation = self.submit(
            owner,
            view,
            {
                COACH_HEADCOUNT_BLOCK: str(company.engineering_headcount),
                COACH_SENIOR_BLOCK: YES if company.senior_em_with_capacity else NO,
            },
        )
        if recommendation.get("callback_id") != COACH_DECISION_VIEW:
            raise WalkError(
                f"/emcoach coach showed no decision to record:\n{text_of(recommendation)}"
            )
        self.submit(owner, recommendation, {COACH_DECISION_BLOCK: company.coach_decision.value})
        self.expect_week_done(program_id, 2)

    def week_3_pods(self, program_id: int) -> None:
        company, owner = self.company, self.company.owner
        self.narrate(
            f"Week 3 — {company.who(owner)} creates pod {company.pod_name} with /emcoach pod: "
            f"coach {company.who(company.coach)}, monthly session in the "
            f"{company.pod_session_week.lower()}, {company.pod_session_day} "
            f"{company.pod_session_time}."
        )
        view = self.modal_from_click(owner, self.reply(owner, "pod"), POD_NEW)
        self.submit(
            owner,
            view,
            {
                POD_NAME: company.pod_name,
                POD_COACH: company.coach.id,
                POD_SESSION_WEEK: company.pod_session_week,
                POD_SESSION_DAY: company.pod_session_day,
                POD_SESSION_TIME: company.pod_session_time,
            },
        )
        cohort = self.reply(owner, "pod")
        for team in company.teams:
            reports = f"@{team.group.handle}" if team.group else f"{len(team.reports)} reports"
            self.narrate(
                f"{company.who(owner)} adds {company.who(team.leader)}: manager "
                f"{company.who(team.manager)}, {reports}, 1:1 {team.one_on_one_day} "
                f"{team.one_on_one_time}."
            )
            view = self.modal_from_click(owner, cohort, POD_ADD_LEADER)
            self.submit(owner, view, _leader_answers(team))
        self.expect_week_done(program_id, 3)

    def week_4_baselines(self, program_id: int) -> None:
        company, owner = self.company, self.company.owner
        overview = self.reply(owner, "baseline")
        if any(get_metric(metric).anonymous_survey for metric in company.criteria):
            self.narrate(
                f"Week 4 — {company.who(owner)} sends emcoach's baseline survey (1:1 quality's "
                "instrument) to every direct report now, before commit."
            )
            view = self.modal_from_click(owner, overview, BASELINE_SURVEY)
            self.submit(owner, view, {})
        for team in company.teams:
            self.narrate(
                f"{company.who(owner)} enters the baselines of {company.who(team.leader)} "
                "with /emcoach baseline."
            )
            leader = f"<@{team.leader.id}>"
            view = self.modal_from_click(owner, overview, BASELINE_LEADER, near=leader)
            self.submit(owner, view, self.leader_baselines(view, team))
        self.narrate(f"{company.who(owner)} looks at the checklist with /emcoach status.")
        self.reply(owner, "status")

    def expect_ready(self, program_id: int) -> None:
        with session_scope(self.live.services.engine) as session:
            program = session.get(Program, program_id)
            missing = setup_state(session, program).missing if program else ("the program",)
        if missing:
            raise WalkError("before commit, it still misses: " + "; ".join(missing))

    def commit(self, program_id: int) -> None:
        company, owner = self.company, self.company.owner
        channel = company.publish_channel_id
        self.narrate(
            f"{company.who(owner)} previews /emcoach commit and posts the pre-commitment in "
            f"#{company.publish_channel_name}."
        )
        preview = self.reply(owner, "commit")
        mark, posts = self.mark(), len(self.live.slack.messages(channel))
        self.click(owner, preview, COMMIT_CONFIRM)
        self.await_effect(
            lambda: len(self.live.slack.messages(channel)) > posts, mark, doing="posting"
        )
        self.await_reply(mark)  # "Posted the pre-commitment…", in place of the preview
        self.live.slack.wait_for(lambda: self.agenda_planned(program_id))
        self.expect_week_done(program_id, 4)

    def leader_baselines(self, view: Mapping[str, Any], team: Team) -> dict[str, Answer]:
        """An answer for each input of the leader baseline modal, from the team's numbers."""
        answers: dict[str, Answer] = {}
        for block_id in input_elements(view):
            if block_id.startswith(BASELINE_VALUE_PREFIX):
                metric = MetricId(block_id.removeprefix(BASELINE_VALUE_PREFIX))
                if metric not in team.baselines:
                    raise WalkError(f"{self.company.name} has no {metric} for team {team.name}")
                answers[block_id] = team.baselines[metric]
            elif block_id == RETENTION_START:
                answers[block_id] = str(team.reports_a_year_ago)
            elif block_id == RETENTION_LEAVERS:
                answers[block_id] = str(team.leavers)
            elif block_id == BASELINE_SOURCE:
                answers[block_id] = self.company.baseline_source
            else:
                raise WalkError(f"the leader baseline modal asks for {block_id!r}, unknown here")
        return answers

    # --- what a person does in Slack -------------------------------------------------------

    def command(self, person: StandInUser, text: str) -> HttpResult:
        result = self.live.sender.command(text, user_id=person.id)
        if result.status != 200:
            raise WalkError(f"/emcoach {text} answered HTTP {result.status}: {result.body}")
        return result

    def reply(self, person: StandInUser, text: str) -> dict[str, Any]:
        """The bot's answer to `/emcoach <text>`: in the acknowledgement or at response_url."""
        mark = self.mark()
        result = self.command(person, text)
        if result.body:
            answer: dict[str, Any] = result.json()
            return answer
        return self.await_reply(mark)

    def modal(self, person: StandInUser, text: str) -> dict[str, Any]:
        """The modal `/emcoach <text>` opened."""
        mark = self.mark()
        result = self.command(person, text)
        if result.body:
            raise WalkError(f"/emcoach {text} opened no modal; it said:\n{text_of(result.json())}")
        return self.await_modal(mark, doing=f"/emcoach {text}")

    def click(
        self,
        person: StandInUser,
        message: Mapping[str, Any],
        action_id: str,
        *,
        near: str | None = None,
    ) -> None:
        block, button = find_button(message, action_id, near=near)
        located: dict[str, Any] = {}
        if "channel" in message and "ts" in message:
            # A stored message (a DM): Slack says where it is, and the app updates it there.
            channel, ts = message["channel"], message["ts"]
            located = {
                "container": {"type": "message", "message_ts": ts, "channel_id": channel},
                "channel": {"id": channel},
                "message": {"ts": ts, "text": message.get("text", "")},
            }
        result = self.live.sender.block_action(
            user_id=person.id,
            action_id=action_id,
            value=button.get("value", ""),
            block_id=block.get("block_id", "b"),
            **located,
        )
        if result.status != 200:
            raise WalkError(f"clicking {action_id!r} answered HTTP {result.status}")

    def modal_from_click(
        self,
        person: StandInUser,
        message: Mapping[str, Any],
        action_id: str,
        *,
        near: str | None = None,
    ) -> dict[str, Any]:
        mark = self.mark()
        self.click(person, message, action_id, near=near)
        return self.await_modal(mark, doing=f"clicking {action_id!r}")

    def submit(
        self, person: StandInUser, view: Mapping[str, Any], answers: Mapping[str, Answer]
    ) -> dict[str, Any]:
        """Submit ``view`` with ``answers``; returns the view the bot shows in its place."""
        callback_id = view.get("callback_id", "")
        result = self.live.sender.view_submission(
            user_id=person.id,
            callback_id=callback_id,
            values=state_values(view, answers),
            private_metadata=view.get("private_metadata", ""),
        )
        answer = result.json() if result.status == 200 and result.body else {}
        if answer.get("response_action") == "errors":
            raise WalkError(f"the {callback_id!r} modal refused the input: {answer['errors']}")
        if answer.get("response_action") != "update":
            raise WalkError(
                f"the {callback_id!r} modal answered HTTP {result.status} {result.body!r}, not a "
                "view saying what happened"
            )
        shown: dict[str, Any] = answer["view"]
        return shown

    # --- waiting for the bot -----------------------------------------------------------------

    def mark(self) -> _Mark:
        slack = self.live.slack
        return _Mark(views=len(slack.calls_to("views.open")), responses=len(slack.responses()))

    def await_effect(self, happened: Callable[[], bool], mark: _Mark, *, doing: str) -> None:
        """Wait until ``happened()``; an ephemeral answer instead is the bot saying why not."""
        slack = self.live.slack
        slack.wait_for(lambda: happened() or len(slack.responses()) > mark.responses)
        if not happened():
            refusal = text_of(slack.responses()[mark.responses])
            raise WalkError(f"{doing}: instead the bot answered:\n{refusal}")

    def await_modal(self, mark: _Mark, *, doing: str) -> dict[str, Any]:
        slack = self.live.slack
        self.await_effect(lambda: len(slack.calls_to("views.open")) > mark.views, mark, doing=doing)
        call = slack.calls_to("views.open")[mark.views]
        if call.error is not None:
            raise WalkError(f"{doing}: views.open failed with {call.error}")
        view: dict[str, Any] = call.args["view"]
        return view

    def await_reply(self, mark: _Mark) -> dict[str, Any]:
        slack = self.live.slack
        slack.wait_for(lambda: len(slack.responses()) > mark.responses)
        return slack.responses()[mark.responses]

    # --- where things land -------------------------------------------------------------------

    def dms(self, person: StandInUser) -> list[dict[str, Any]]:
        return self.live.slack.messages(person.id)

    def signoff_requests(self) -> list[dict[str, Any]]:
        """The budget owner's DMs that still carry the Approve button."""
        requests = []
        for message in self.dms(self.company.budget_owner):
            try:
                find_button(message, CRITERIA_APPROVE)
            except WalkError:
                continue
            requests.append(message)
        return requests

    def agenda_planned(self, program_id: int) -> bool:
        with session_scope(self.live.services.engine) as session:
            return bool(rows_of(session, program_id=program_id))

    def expect_week_done(self, program_id: int, week: int) -> None:
        with session_scope(self.live.services.engine) as session:
            program = session.get(Program, program_id)
            done = sprint_weeks_done(session, program) if program else set()
        if week not in done:
            raise WalkError(f"week {week} of the setup sprint isn't done after its step")


def _leader_answers(team: Team) -> dict[str, Answer]:
    """The leader modal as the owner fills it for ``team``: the group's handle, or each report."""
    answers: dict[str, Answer] = {
        LEADER_USER: team.leader.id,
        LEADER_MANAGER: team.manager.id,
        LEADER_DAY: team.one_on_one_day,
        LEADER_TIME: team.one_on_one_time,
    }
    if team.group is not None:
        answers[LEADER_GROUP] = f"@{team.group.handle}"
    else:
        answers[LEADER_REPORTS] = tuple(person.id for person in team.reports)
    return answers
