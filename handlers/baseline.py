"""/emcoach baseline: week 4, where each leader starts on each criterion.

Thin listeners over ``bot.flows.baseline``: per leader, one value per criterion entered by
hand; for 1:1 quality, whatever instrument was locked with the criteria (emcoach's baseline
round, or the company survey's result per pod). Baselines lock at commit.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import partial
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from sqlmodel import Session

from bot.blocks.baseline import (
    BASELINE_FORM,
    BASELINE_LEADER,
    BASELINE_LEADER_VIEW,
    BASELINE_SURVEY,
    BASELINE_SURVEY_VIEW,
    SURVEY_SOURCE,
    SURVEY_VALUE,
    PodEntries,
    baseline_saved_text,
    build_baselines,
    build_leader_baseline_modal,
    build_survey_baseline_modal,
    round_sent_text,
)
from bot.blocks.pod import ViewState
from bot.blocks.reply import Reply, build_notice_modal
from bot.domain.args import escape_mrkdwn
from bot.domain.roles import Audience
from bot.flows.baseline import (
    LeaderSaved,
    SurveyInput,
    SurveySaved,
    as_rows,
    find_leader_entries,
    peek_refusal,
    pod_entries,
    submit_leader_baselines,
    submit_survey,
    survey_form,
)
from bot.services import Services
from bot.slack_names import COMMAND
from handlers.programs import Chosen, choose_program, clicked_program, refuse_click, team_of
from handlers.router import Invocation, Router, Subcommand
from storage.db import session_scope
from storage.models import Leader, Pod, Program
from storage.pods import find_pod
from storage.setup_state import metrics_of

# --- /emcoach baseline --------------------------------------------------------------------------


def run_baseline(invocation: Invocation) -> Reply:
    chosen = choose_program(invocation, subcommand="baseline")
    if not isinstance(chosen, Chosen):
        return chosen
    program = chosen.program
    assert program.id is not None
    with session_scope(invocation.services.engine) as session:
        if not metrics_of(session, program_id=program.id):
            return Reply(
                text=f"*{escape_mrkdwn(program.name)}* has no success criteria yet, so there is "
                f"nothing to baseline. Choose 2–3 with `{COMMAND} criteria` first."
            )
        pods = pod_entries(session, program)
        if not any(pod.leaders or pod.surveys for pod in pods):
            return Reply(
                text=f"*{escape_mrkdwn(program.name)}* has no pods or leaders yet. Add them with "
                f"`{COMMAND} pod`, then come back to `{COMMAND} baseline`."
            )
        shown = only_pod(session, program, pods, name=chosen.args, subcommand="baseline")
        if isinstance(shown, Reply):
            return shown
    locked = peek_refusal(invocation.services.engine, program, now=invocation.services.clock.now())
    return build_baselines(program_name=program.name, pods=shown, locked=locked)


def only_pod(
    session: Session, program: Program, pods: list[PodEntries], *, name: str, subcommand: str
) -> list[PodEntries] | Reply:
    """``pods``, or only the one named (what's left of the arguments), or what to type."""
    if not name.strip():
        return pods
    assert program.id is not None
    pod = find_pod(session, program_id=program.id, name=name.strip(' "“”'))
    if pod is None:
        names = ", ".join(escape_mrkdwn(entry.name) for entry in pods)
        return Reply(
            text=f"There's no pod called “{escape_mrkdwn(name.strip())}” in "
            f"*{escape_mrkdwn(program.name)}*. Its pods: {names}. Type `{COMMAND} {subcommand}` "
            "to see them all."
        )
    return [entry for entry in pods if entry.pod_id == pod.id]


# --- buttons ----------------------------------------------------------------------------------


_NOT_OWNER = (
    "Only the program's owners can enter baselines. Ask an owner to add you with "
    f"`{COMMAND} owner add @you`."
)


@dataclass(frozen=True, slots=True)
class _Clicked:
    program: Program
    view: dict[str, Any]


def _open_checked(
    *,
    services: Services,
    body: dict[str, Any],
    client: WebClient,
    respond: Respond,
    clicked: _Clicked | None,
) -> None:
    """Open the modal unless the person may not, or the baselines are locked."""
    if clicked is None:
        refuse_click(respond, _NOT_OWNER)
        return
    refusal = peek_refusal(services.engine, clicked.program, now=services.clock.now())
    if refusal:
        refuse_click(respond, refusal)
        return
    client.views_open(trigger_id=body["trigger_id"], view=clicked.view)


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
    clicked = None
    with session_scope(services.engine) as session:
        leader = session.get(Leader, int(action["value"]))
        program = clicked_program(session, body, program_id=leader.program_id if leader else None)
        if leader is not None and program is not None and program.id is not None:
            pod, entries = find_leader_entries(pod_entries(session, program), leader)
            view = build_leader_baseline_modal(
                program_id=program.id, pod_name=pod.name, leader=entries
            )
            clicked = _Clicked(program, view)
    _open_checked(services=services, body=body, client=client, respond=respond, clicked=clicked)


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
    clicked = None
    with session_scope(services.engine) as session:
        pod = session.get(Pod, int(target["pod"]))
        program = clicked_program(session, body, program_id=pod.program_id if pod else None)
        if pod is not None and program is not None and program.id is not None:
            form = survey_form(
                session, program, pod_id=int(target["pod"]), metric_id=target["metric"]
            )
            if form is not None:
                view = build_survey_baseline_modal(
                    program_id=form.program_id,
                    pod_id=form.pod_id,
                    pod_name=form.pod_name,
                    entry=form.entry,
                    asked=form.asked,
                    people=form.people,
                    threshold=form.threshold,
                )
                clicked = _Clicked(program, view)
    _open_checked(services=services, body=body, client=client, respond=respond, clicked=clicked)


# --- modals submitted -------------------------------------------------------------------------


def notice(ack: Ack, title: str, text: str) -> None:
    """Replace the submitted modal with what happened and what to do next."""
    ack(response_action="update", view=build_notice_modal(title=title, text=text))


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
        notice(ack, "Not saved", _NOT_OWNER)
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
        notice(ack, "Not saved", _NOT_OWNER)
    elif outcome.saved is SurveySaved.REFUSED:
        notice(ack, "Not saved", outcome.message)
    elif outcome.saved is SurveySaved.SENT:
        text = round_sent_text(added=outcome.added, threshold=outcome.threshold)
        notice(ack, "Baseline survey", text)
    else:
        assert outcome.value is not None
        text = baseline_saved_text(
            who=f"pod {escape_mrkdwn(outcome.pod_name)}",
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
