"""/emcoach baseline: week 4, where each leader starts on each criterion.

Thin listeners over ``bot.flows.baseline_views`` (what is shown and opened) and
``bot.flows.baseline`` (what is saved): per leader, one value per criterion entered by
hand; for 1:1 quality, whatever instrument was locked with the criteria (emcoach's baseline
round, or the company survey's result per pod). Baselines lock at commit.
"""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.blocks.baseline import (
    BASELINE_FORM,
    BASELINE_LEADER,
    BASELINE_LEADER_VIEW,
    BASELINE_NOT_OWNER,
    BASELINE_SURVEY,
    BASELINE_SURVEY_VIEW,
    SURVEY_SOURCE,
    SURVEY_VALUE,
    baseline_saved_text,
    build_baselines,
    build_leader_baseline_modal,
    build_survey_baseline_modal,
    round_sent_text,
)
from bot.blocks.picker import build_program_choice
from bot.blocks.pod import ViewState
from bot.blocks.reply import Reply
from bot.domain.mrkdwn import plain
from bot.domain.roles import Audience
from bot.flows.baseline import (
    LeaderSaved,
    SurveyInput,
    SurveySaved,
    as_rows,
    submit_leader_baselines,
    submit_survey,
)
from bot.flows.baseline_views import open_leader_baselines, open_survey_baseline, show_baselines
from bot.flows.outcomes import Refused
from bot.flows.programs import NotChosen, ProgramAsk
from bot.services import Services
from bot.slack.payload import team_of
from bot.slack.replies import notice, refuse_click
from bot.slack_names import COMMAND
from handlers.router import Invocation, Router, Subcommand

# --- /emcoach baseline --------------------------------------------------------------------------


def run_baseline(invocation: Invocation) -> Reply:
    ask = ProgramAsk.of(invocation)
    outcome = show_baselines(
        invocation.services.engine, ask=ask, now=invocation.services.clock.now()
    )
    if isinstance(outcome, NotChosen):
        return build_program_choice(
            roles=outcome.roles, candidates=outcome.candidates, subcommand="baseline", args=ask.args
        )
    if isinstance(outcome, Refused):
        return Reply(text=outcome.text)
    return build_baselines(
        program_name=outcome.program_name, pods=outcome.pods, locked=outcome.locked
    )


# --- buttons ----------------------------------------------------------------------------------


def open_leader_form(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    *,
    services: Services,
) -> None:
    ack()
    form = open_leader_baselines(
        services.engine,
        team_id=team_of(body),
        user_id=body["user"]["id"],
        leader_id=int(action["value"]),
        now=services.clock.now(),
    )
    if isinstance(form, Refused):
        refuse_click(respond, form.text)
        return
    view = build_leader_baseline_modal(
        program_id=form.program_id, pod_name=form.pod_name, leader=form.leader
    )
    client.views_open(trigger_id=body["trigger_id"], view=view)


def open_survey_form(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    *,
    services: Services,
) -> None:
    ack()
    target = json.loads(action["value"])
    form = open_survey_baseline(
        services.engine,
        team_id=team_of(body),
        user_id=body["user"]["id"],
        pod_id=int(target["pod"]),
        metric_id=target["metric"],
        now=services.clock.now(),
    )
    if isinstance(form, Refused):
        refuse_click(respond, form.text)
        return
    view = build_survey_baseline_modal(
        program_id=form.program_id,
        pod_id=form.pod_id,
        pod_name=form.pod_name,
        entry=form.entry,
        asked=form.asked,
        people=form.people,
        threshold=form.threshold,
    )
    client.views_open(trigger_id=body["trigger_id"], view=view)


# --- modals submitted -------------------------------------------------------------------------


def leader_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], *, services: Services
) -> None:
    meta = json.loads(view["private_metadata"])
    outcome = submit_leader_baselines(
        services.engine,
        team_id=team_of(body),
        user_id=body["user"]["id"],
        program_id=int(meta["program"]),
        leader_id=int(meta["leader"]),
        state=ViewState(view["state"]["values"]),
        form=BASELINE_FORM,
        now=services.clock.now(),
    )
    if outcome.saved is LeaderSaved.INVALID:
        ack(response_action="errors", errors=dict(outcome.errors or {}))
    elif outcome.saved is LeaderSaved.NOT_OWNER:
        notice(ack, "Not saved", BASELINE_NOT_OWNER)
    elif outcome.saved is LeaderSaved.NOTHING:
        notice(ack, "Not saved", f"Nothing to enter per leader. `{COMMAND} baseline` shows why.")
    elif outcome.saved is LeaderSaved.REFUSED:
        notice(ack, "Not saved", outcome.message)
    else:
        text = baseline_saved_text(
            who=f"<@{outcome.user_id}>",
            saved=as_rows(outcome.values),
            source=outcome.source,
            missing=outcome.missing,
        )
        notice(ack, "Baselines saved", text)


_SURVEY_INPUTS = {SurveyInput.VALUE: SURVEY_VALUE, SurveyInput.SOURCE: SURVEY_SOURCE}


def survey_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], *, services: Services
) -> None:
    meta = json.loads(view["private_metadata"])
    state = ViewState(view["state"]["values"])
    outcome = submit_survey(
        services.engine,
        team_id=team_of(body),
        user_id=body["user"]["id"],
        program_id=int(meta["program"]),
        pod_id=int(meta["pod"]),
        metric_id=str(meta["metric"]),
        value_text=state.text(SURVEY_VALUE),
        source=state.text(SURVEY_SOURCE),
        now=services.clock.now(),
    )
    if outcome.saved is SurveySaved.INVALID:
        errors = {_SURVEY_INPUTS[key]: text for key, text in (outcome.errors or {}).items()}
        ack(response_action="errors", errors=errors)
    elif outcome.saved is SurveySaved.NOT_OWNER:
        notice(ack, "Not saved", BASELINE_NOT_OWNER)
    elif outcome.saved is SurveySaved.REFUSED:
        notice(ack, "Not saved", outcome.message)
    elif outcome.saved is SurveySaved.SENT:
        text = round_sent_text(added=outcome.added, threshold=outcome.threshold)
        notice(ack, "Baseline survey", text)
    else:
        assert outcome.value is not None
        text = baseline_saved_text(
            who=f"pod {plain(outcome.pod_name)}",
            saved=as_rows([outcome.value]),
            source=outcome.source,
            missing=outcome.missing,
        )
        notice(ack, "Baseline saved", text)


def register(app: App, services: Services, router: Router) -> None:
    """Adds the subcommand to ``router`` and its actions and views to ``app``."""
    router.add(
        Subcommand(
            name="baseline",
            usage="baseline [program] [pod]",
            summary="week 4: enter where each leader starts on each success criterion",
            audience=Audience.OWNERS,
            run=run_baseline,
        )
    )
    app.action(BASELINE_LEADER)(partial(open_leader_form, services=services))
    app.action(BASELINE_SURVEY)(partial(open_survey_form, services=services))
    app.view(BASELINE_LEADER_VIEW)(partial(leader_submitted, services=services))
    app.view(BASELINE_SURVEY_VIEW)(partial(survey_submitted, services=services))
