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
    OpenCheckpoint,
    build_checkpoint_values,
    build_leader_checkpoint_modal,
    build_pod_checkpoint_modal,
    leader_values_saved_text,
    pod_value_saved_text,
    when_published,
)
from bot.blocks.pod import ViewState
from bot.blocks.prompts.checkpoint import METRICS_COMMAND
from bot.blocks.reply import Reply
from bot.domain.args import escape_mrkdwn
from bot.domain.localtime import format_day
from bot.domain.roles import Audience
from bot.flows.baseline import as_rows, find_leader_entries
from bot.flows.checkpoints import published_text
from bot.flows.metrics import (
    Checkpoint,
    Checkpoints,
    LeaderSaved,
    PodInput,
    PodSaved,
    checkpoint_entries,
    checkpoints_of,
    emcoach_survey_names,
    pod_value_form,
    submit_leader_values,
    submit_pod_value,
)
from bot.services import Services
from bot.slack_names import COMMAND
from handlers.baseline import notice, only_pod
from handlers.programs import (
    Chosen,
    choose_program,
    clicked_program,
    refuse_click,
    team_of,
)
from handlers.router import Invocation, Router, Subcommand
from storage.db import session_scope
from storage.models import Leader, Pod, Program

_NOT_OWNER = (
    "Only the program's owners can enter checkpoint values. Ask an owner to add you with "
    f"`{COMMAND} owner add @you`."
)


def closed_text(checkpoints: Checkpoints, program: Program) -> str:
    """What to do when no checkpoint takes values: wait for the first, or nothing is left."""
    final = checkpoints.final
    if final.published_at is not None:
        return (
            f"{published_text(checkpoints, final, zone=program.timezone)} Planning the next "
            f"cycle? `{COMMAND} check` is where it starts."
        )
    midpoint = checkpoints.midpoint
    return (
        f"Nothing to enter yet for *{escape_mrkdwn(program.name)}*: the month-3 checkpoint "
        f"takes values from {format_day(checkpoints.opens_on)}, two weeks before its results "
        f"are published on {format_day(midpoint.occasion)}. Come back then with "
        f"`{METRICS_COMMAND}`; the preview two business days before reminds you."
    )


def refusal_for_month(checkpoints: Checkpoints, program: Program, month: int) -> str:
    """Why values for ``month`` are no longer (or not yet) taken, and what to do instead."""
    checkpoint = checkpoints.of_month(month)
    if checkpoint is None or checkpoint.published_at is None:
        return closed_text(checkpoints, program)
    text = published_text(checkpoints, checkpoint, zone=program.timezone)
    if checkpoint is checkpoints.midpoint:
        text += f" Type `{METRICS_COMMAND}` to enter them."
    return text


def open_checkpoint(
    checkpoints: Checkpoints, checkpoint: Checkpoint, program: Program
) -> OpenCheckpoint:
    midpoint = checkpoints.midpoint
    earlier = (
        published_text(checkpoints, midpoint, zone=program.timezone)
        if checkpoint is not midpoint and midpoint.published_at is not None
        else None
    )
    return OpenCheckpoint(
        program_name=program.name,
        month=checkpoint.month,
        occasion=checkpoint.occasion,
        channel_id=program.commitment_channel_id or program.publish_channel_id or "",
        late=checkpoints.today > checkpoint.occasion,
        earlier=earlier,
    )


# --- /emcoach metrics -------------------------------------------------------------------------


def _before_commit(program: Program) -> Reply:
    return Reply(
        text=f"*{escape_mrkdwn(program.name)}* isn't committed yet, so it has no checkpoint "
        f"values to enter. Before commit, where each leader starts goes in with "
        f"`{COMMAND} baseline`; `{COMMAND} status` shows what else is left."
    )


def run_metrics(invocation: Invocation) -> Reply:
    chosen = choose_program(invocation, subcommand="metrics")
    if not isinstance(chosen, Chosen):
        return chosen
    program = chosen.program
    if program.committed_at is None or program.kickoff_date is None or program.id is None:
        return _before_commit(program)
    with session_scope(invocation.services.engine) as session:
        checkpoints = checkpoints_of(session, program, now=invocation.services.clock.now())
        checkpoint = checkpoints.open
        if checkpoint is None:
            return Reply(text=closed_text(checkpoints, program))
        pods = only_pod(
            session,
            program,
            checkpoint_entries(session, program, month=checkpoint.month),
            name=chosen.args,
            subcommand="metrics",
        )
        if isinstance(pods, Reply):
            return pods
        surveys = emcoach_survey_names(session, program)
    return build_checkpoint_values(
        checkpoint=open_checkpoint(checkpoints, checkpoint, program),
        pods=pods,
        survey_names=surveys,
        anonymity_threshold=program.anonymity_threshold,
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
    with session_scope(services.engine) as session:
        leader = session.get(Leader, int(action["value"]))
        program = (
            clicked_program(session, body, program_id=leader.program_id)
            if leader is not None
            else None
        )
        if leader is None or program is None or program.id is None:
            refuse_click(respond, _NOT_OWNER)
            return
        checkpoints = checkpoints_of(session, program, now=services.clock.now())
        checkpoint = checkpoints.open
        if checkpoint is None:
            refuse_click(respond, closed_text(checkpoints, program))
            return
        pods = checkpoint_entries(session, program, month=checkpoint.month)
        pod, entries = find_leader_entries(pods, leader)
        view = build_leader_checkpoint_modal(
            program_id=program.id,
            month=checkpoint.month,
            occasion=checkpoint.occasion,
            pod_name=pod.name,
            leader=entries,
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
        notice(ack, "Not saved", _NOT_OWNER)
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
    with session_scope(services.engine) as session:
        pod = session.get(Pod, int(target["pod"]))
        program = clicked_program(session, body, program_id=pod.program_id if pod else None)
        if pod is None or program is None or program.id is None:
            refuse_click(respond, _NOT_OWNER)
            return
        form = pod_value_form(
            session,
            program,
            pod_id=int(target["pod"]),
            metric_id=str(target["metric"]),
            now=services.clock.now(),
        )
        if form is None:
            refuse_click(respond, _NOT_OWNER)
            return
        if isinstance(form, Checkpoints):
            refuse_click(respond, closed_text(form, program))
            return
        checkpoint, entries = form
        entry = next(s for s in entries.surveys if s.metric.id.value == target["metric"])
        view = build_pod_checkpoint_modal(
            program_id=program.id,
            pod_id=entries.pod_id,
            month=checkpoint.month,
            occasion=checkpoint.occasion,
            pod_name=entries.name,
            entry=entry,
        )
    client.views_open(trigger_id=body["trigger_id"], view=view)


_POD_INPUTS = {PodInput.VALUE: METRICS_POD_VALUE, PodInput.SOURCE: METRICS_POD_SOURCE}


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
        notice(ack, "Not saved", _NOT_OWNER)
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
