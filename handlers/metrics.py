"""/emcoach metrics: each leader's values for the open checkpoint (month 3, then the final one).

The checkpoint preview asks owners for missing values two business days before the results go
out; the results (``bot.engine.results``) read what is entered here. The per-leader form, its
checks and its wording are the baselines' (``bot.flows.baseline``), so a value means the same
at week 4 and at month 6. When 1:1 quality is on the company's own survey, each pod's result
is entered here too. Once a checkpoint's CHECKPOINT_PUBLISH row is sent its values are final:
the public post said what it said, and later values count for the next checkpoint.
"""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.blocks.metrics import (
    METRICS_FORM,
    METRICS_LEADER,
    METRICS_LEADER_VIEW,
    METRICS_POD,
    METRICS_POD_SOURCE,
    METRICS_POD_VALUE,
    METRICS_POD_VIEW,
    build_checkpoint_values,
    build_leader_checkpoint_modal,
    build_pod_checkpoint_modal,
    leader_values_saved_text,
    pod_value_saved_text,
    when_published,
)
from bot.blocks.picker import build_program_choice
from bot.blocks.pod import ViewState
from bot.blocks.reply import Reply
from bot.domain.roles import Audience
from bot.flows.baseline import SurveyInput, as_rows
from bot.flows.metrics import (
    LeaderSaved,
    PodSaved,
    submit_leader_values,
    submit_pod_value,
)
from bot.flows.metrics_views import (
    METRICS_NOT_OWNER,
    open_checkpoint,
    open_leader_values,
    open_pod_value,
    refusal_for_month,
    show_checkpoint,
)
from bot.flows.outcomes import Refused
from bot.flows.programs import NotChosen, ProgramAsk
from bot.services import Services
from bot.slack.payload import team_of
from bot.slack.replies import notice, refuse_click
from handlers.router import Invocation, Router, Subcommand

# --- /emcoach metrics -------------------------------------------------------------------------


def run_metrics(invocation: Invocation) -> Reply:
    ask = ProgramAsk.of(invocation)
    outcome = show_checkpoint(
        invocation.services.engine, ask=ask, now=invocation.services.clock.now()
    )
    if isinstance(outcome, NotChosen):
        return build_program_choice(
            roles=outcome.roles, candidates=outcome.candidates, subcommand="metrics", args=ask.args
        )
    if isinstance(outcome, Refused):
        return Reply(text=outcome.text)
    return build_checkpoint_values(
        checkpoint=outcome.checkpoint,
        pods=outcome.pods,
        survey_names=outcome.survey_names,
        anonymity_threshold=outcome.anonymity_threshold,
    )


# --- the per-leader form ----------------------------------------------------------------------


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
    form = open_leader_values(
        services.engine,
        team_id=team_of(body),
        user_id=body["user"]["id"],
        leader_id=int(action["value"]),
        now=services.clock.now(),
    )
    if isinstance(form, Refused):
        refuse_click(respond, form.text)
        return
    view = build_leader_checkpoint_modal(
        program_id=form.program_id,
        month=form.month,
        occasion=form.occasion,
        pod_name=form.pod_name,
        leader=form.leader,
    )
    client.views_open(trigger_id=body["trigger_id"], view=view)


def leader_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], *, services: Services
) -> None:
    meta = json.loads(view["private_metadata"])
    month = int(meta["month"])
    outcome = submit_leader_values(
        services.engine,
        team_id=team_of(body),
        user_id=body["user"]["id"],
        program_id=int(meta["program"]),
        leader_id=int(meta["leader"]),
        month=month,
        state=ViewState(view["state"]["values"]),
        form=METRICS_FORM,
        now=services.clock.now(),
    )
    if outcome.saved is LeaderSaved.INVALID:
        ack(response_action="errors", errors=dict(outcome.errors or {}))
        return
    if outcome.saved is LeaderSaved.NOT_OWNER:
        notice(ack, "Not saved", METRICS_NOT_OWNER)
        return
    assert outcome.program is not None and outcome.checkpoints is not None
    if outcome.saved is LeaderSaved.CLOSED:
        notice(ack, "Not saved", refusal_for_month(outcome.checkpoints, outcome.program, month))
        return
    assert outcome.checkpoint is not None
    published = when_published(
        open_checkpoint(outcome.checkpoints, outcome.checkpoint, outcome.program)
    )
    notice(
        ack,
        "Values saved",
        leader_values_saved_text(
            user_id=outcome.user_id,
            month=month,
            saved=as_rows(outcome.values),
            source=outcome.source,
            missing=outcome.missing,
            published=published,
        ),
    )


def open_pod_form(
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
    form = open_pod_value(
        services.engine,
        team_id=team_of(body),
        user_id=body["user"]["id"],
        pod_id=int(target["pod"]),
        metric_id=str(target["metric"]),
        now=services.clock.now(),
    )
    if isinstance(form, Refused):
        refuse_click(respond, form.text)
        return
    view = build_pod_checkpoint_modal(
        program_id=form.program_id,
        pod_id=form.pod_id,
        month=form.month,
        occasion=form.occasion,
        pod_name=form.pod_name,
        entry=form.entry,
    )
    client.views_open(trigger_id=body["trigger_id"], view=view)


_POD_INPUTS = {SurveyInput.VALUE: METRICS_POD_VALUE, SurveyInput.SOURCE: METRICS_POD_SOURCE}


def pod_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], *, services: Services
) -> None:
    meta = json.loads(view["private_metadata"])
    state = ViewState(view["state"]["values"])
    month = int(meta["month"])
    outcome = submit_pod_value(
        services.engine,
        team_id=team_of(body),
        user_id=body["user"]["id"],
        program_id=int(meta["program"]),
        pod_id=int(meta["pod"]),
        metric_id=str(meta["metric"]),
        month=month,
        value_text=state.text(METRICS_POD_VALUE),
        source=state.text(METRICS_POD_SOURCE),
        now=services.clock.now(),
    )
    if outcome.saved is PodSaved.INVALID:
        errors = {_POD_INPUTS[key]: text for key, text in (outcome.errors or {}).items()}
        ack(response_action="errors", errors=errors)
        return
    if outcome.saved is PodSaved.NOT_OWNER:
        notice(ack, "Not saved", METRICS_NOT_OWNER)
        return
    assert outcome.program is not None and outcome.checkpoints is not None
    if outcome.saved is PodSaved.CLOSED:
        notice(ack, "Not saved", refusal_for_month(outcome.checkpoints, outcome.program, month))
        return
    assert outcome.value is not None and outcome.checkpoint is not None
    open_ = open_checkpoint(outcome.checkpoints, outcome.checkpoint, outcome.program)
    notice(
        ack,
        "Value saved",
        pod_value_saved_text(
            pod_name=outcome.pod_name,
            month=month,
            saved=as_rows([outcome.value]),
            source=outcome.source,
            missing=outcome.missing,
            published=when_published(open_),
        ),
    )


def register(app: App, services: Services, router: Router) -> None:
    """Adds the subcommand to ``router`` and its action and view to ``app``."""
    router.add(
        Subcommand(
            name="metrics",
            usage="metrics [program] [pod]",
            summary="month 3 and month 6: enter each leader's values for the checkpoint results",
            audience=Audience.OWNERS,
            run=run_metrics,
        )
    )
    app.action(METRICS_LEADER)(partial(open_leader_form, services=services))
    app.view(METRICS_LEADER_VIEW)(partial(leader_submitted, services=services))
    app.action(METRICS_POD)(partial(open_pod_form, services=services))
    app.view(METRICS_POD_VIEW)(partial(pod_submitted, services=services))
