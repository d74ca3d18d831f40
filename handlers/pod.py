"""/emcoach pod listeners: the typed subcommand, the overview's buttons and the two modals
(the use case is bot/flows/pod.py)."""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.cohort import (
    SavedLeader,
    SavedPod,
    leader_saved_text,
    odd_hours_text,
    pod_saved_text,
)
from bot.blocks.picker import build_program_choice
from bot.blocks.pod import (
    LEADER_DAY,
    LEADER_GROUP,
    LEADER_MANAGER,
    LEADER_NIGHT_INPUTS,
    LEADER_POD,
    LEADER_REPORTS,
    LEADER_TIME,
    LEADER_USER,
    POD_ADD_LEADER,
    POD_COACH,
    POD_EDIT,
    POD_EDIT_LEADER,
    POD_LEADER_VIEW,
    POD_NAME,
    POD_NEW,
    POD_NIGHT_INPUTS,
    POD_SESSION_DAY,
    POD_SESSION_TIME,
    POD_SESSION_WEEK,
    POD_VIEW,
    LeaderLine,
    PodLine,
    ViewState,
    build_cohort,
    build_leader_modal,
    build_pod_modal,
    shown_night,
)
from bot.blocks.reply import Reply
from bot.domain.args import MonthlySlot, WeeklySlot
from bot.domain.program_rules import POD_MAX_LEADERS
from bot.domain.roles import Audience
from bot.domain.sprint import leader_time_per_month
from bot.flows.pod import (
    Cohort,
    LeaderChange,
    LeaderForm,
    LeaderPlan,
    PodChange,
    PodForm,
    Refusal,
    Said,
    leader_form,
    pod_form,
    save_leader_form,
    save_pod_form,
)
from bot.flows.pod_nights import leader_nights, pod_nights, saved_nights
from bot.flows.pod_typed import typed_pod
from bot.flows.programs import NotChosen, ProgramAsk
from bot.flows.work import once_more_on_conflict, unit_of_work
from bot.services import Services
from bot.slack.directory import SlackDirectory
from bot.slack.payload import team_of
from bot.slack.replies import notice
from handlers.router import Invocation, Router, Subcommand


def run_pod(invocation: Invocation) -> Reply:
    ask = ProgramAsk.of(invocation)
    outcome = typed_pod(
        unit_of_work(invocation.services.engine),
        SlackDirectory(invocation.client),
        ask=ask,
        now=invocation.services.clock.now(),
    )
    if isinstance(outcome, NotChosen):
        return build_program_choice(
            roles=outcome.roles, candidates=outcome.candidates, subcommand="pod", args=ask.args
        )
    if isinstance(outcome, Said):
        return Reply(text=_with_nights(invocation, outcome))
    return _cohort_reply(outcome)


def _with_nights(invocation: Invocation, said: Said) -> str:
    """A typed change that saved a slot falling in someone's night says so, as the modal does
    while it is filled in."""
    if said.saved is None:
        return said.text
    warnings = saved_nights(
        unit_of_work(invocation.services.engine),
        SlackDirectory(invocation.client),
        team_id=invocation.team_id,
        user_id=invocation.user_id,
        saved=said.saved,
        now=invocation.services.clock.now(),
    )
    return f"{said.text}\n\n{odd_hours_text(warnings, typed=True)}" if warnings else said.text


def _cohort_reply(cohort: Cohort) -> Reply:
    return build_cohort(
        program_id=cohort.program_id,
        program_name=cohort.program_name,
        timezone=cohort.timezone,
        pods=list(cohort.pods),
        time_per_leader=leader_time_per_month().sentence,
        committed=cohort.committed,
    )


# --- buttons: open the modals ---------------------------------------------------------------


def open_modal(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    *,
    services: Services,
) -> None:
    """*New pod*, *Edit pod*, *Add leader* or *Edit leader* clicked: open that modal."""
    ack()
    clicked, value = action["action_id"], int(action["value"])
    who = {"team_id": team_of(body), "user_id": body["user"]["id"]}
    uow = unit_of_work(services.engine)
    form: Said | PodForm | LeaderForm
    if clicked in (POD_NEW, POD_EDIT):
        new = clicked == POD_NEW
        form = pod_form(
            uow, **who, program_id=value if new else None, pod_id=None if new else value
        )
    else:
        new = clicked == POD_ADD_LEADER
        form = leader_form(
            uow, **who, program_id=value if new else None, leader_id=None if new else value
        )
    if isinstance(form, Said):
        _refuse_click(respond, form.text)
        return
    if isinstance(form, PodForm):
        view = build_pod_modal(program_id=form.program_id, timezone=form.timezone, pod=form.pod)
    else:
        view = build_leader_modal(
            program_id=form.program_id, pods=form.pods, pod_id=form.pod_id, leader=form.leader
        )
    client.views_open(trigger_id=body["trigger_id"], view=view)


def _refuse_click(respond: Respond, text: str) -> None:
    """An ephemeral answer to a click, leaving the message clicked on as it was."""
    respond(text=text, response_type="ephemeral", replace_original=False)


# --- modals: filled in, submitted ----------------------------------------------------------


def _errors(ack: Ack, field: str, message: str) -> None:
    ack(response_action="errors", errors={field: message})


def _pod_change(view: dict[str, Any]) -> PodChange | Refusal:
    """What the pod modal holds, or why its session slot can't be read yet."""
    state = ViewState(view["state"]["values"])
    week, day, at = (
        state.option(POD_SESSION_WEEK),
        state.option(POD_SESSION_DAY),
        state.time(POD_SESSION_TIME),
    )
    slot = None
    if week is not None and day is not None and at is not None:
        slot = MonthlySlot(ordinal=int(week), weekday=int(day), time=at)
    elif week is not None or day is not None or at is not None:
        chosen = {POD_SESSION_WEEK: week, POD_SESSION_DAY: day, POD_SESSION_TIME: at}
        unset = next(block for block, value in chosen.items() if value is None)
        return Refusal(unset, "Pick the week, the day and the time — or leave all three empty.")
    meta = json.loads(view["private_metadata"])
    return PodChange(
        program_id=int(meta["program"]),
        pod_id=meta["pod"],
        name=state.text(POD_NAME),
        coach_id=state.user(POD_COACH),
        slot=slot,
    )


def _leader_change(view: dict[str, Any]) -> LeaderChange | Refusal:
    """What the leader modal holds, or why it can't be read yet."""
    state = ViewState(view["state"]["values"])
    day, at = state.option(LEADER_DAY), state.time(LEADER_TIME)
    if (day is None) != (at is None):
        field = LEADER_TIME if at is None else LEADER_DAY
        return Refusal(field, "Pick both a day and a time, or neither.")
    user = state.user(LEADER_USER)
    if user is None:
        return Refusal(LEADER_USER, "Pick the leader.")
    meta = json.loads(view["private_metadata"])
    slot = None if day is None or at is None else WeeklySlot(weekday=int(day), time=at)
    return LeaderChange(
        program_id=int(meta["program"]),
        leader_id=meta["leader"],
        plan=LeaderPlan(
            pod_id=int(state.option(LEADER_POD) or 0),
            user_id=user,
            manager_id=state.user(LEADER_MANAGER),
            reports=state.users(LEADER_REPORTS),
            one_on_one=slot,
        ),
        group=state.text(LEADER_GROUP),
    )


def pod_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], *, services: Services
) -> None:
    change = _pod_change(view)
    if isinstance(change, Refusal):
        _errors(ack, change.field, change.message)
        return
    outcome = save_pod_form(
        unit_of_work(services.engine),
        team_id=team_of(body),
        user_id=body["user"]["id"],
        change=change,
        now=services.clock.now(),
    )
    match outcome:
        case Said(text):
            notice(ack, "Not changed", text)
        case Refusal(field, message):
            _errors(ack, field, message)
        case SavedPod():
            notice(ack, "Pod saved", pod_saved_text(outcome))


def leader_submitted(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    client: WebClient,
    *,
    services: Services,
) -> None:
    change = _leader_change(view)
    if isinstance(change, Refusal):
        _errors(ack, change.field, change.message)
        return
    outcome = save_leader_form(
        unit_of_work(services.engine),
        SlackDirectory(client),
        team_id=team_of(body),
        user_id=body["user"]["id"],
        change=change,
        now=services.clock.now(),
    )
    match outcome:
        case Said(text):
            notice(ack, "Not changed", text)
        case Refusal(field, message):
            _errors(ack, field, message)
        case SavedLeader():
            notice(ack, "Leader saved", leader_saved_text(outcome))


def pod_slot_changed(
    ack: Ack, body: dict[str, Any], client: WebClient, *, services: Services
) -> None:
    """The coach or session slot changed in the pod modal: warn if it falls in someone's
    night (or take the warning away)."""
    ack()
    view = body["view"]
    change = _pod_change(view)
    if isinstance(change, Refusal):
        return  # half a slot: nothing to check yet
    nights = pod_nights(
        unit_of_work(services.engine),
        SlackDirectory(client),
        team_id=team_of(body),
        user_id=body["user"]["id"],
        change=change,
        now=services.clock.now(),
    )
    if isinstance(nights, Said):
        return
    night = odd_hours_text(nights.warnings) if nights.warnings else None
    typed_so_far = PodLine(
        id=change.pod_id or 0, name=change.name, coach_id=change.coach_id, session=change.slot
    )
    again = build_pod_modal(
        program_id=change.program_id,
        timezone=nights.timezone,
        pod=typed_so_far,
        new=change.pod_id is None,
        night=night,
    )
    _update_if_changed(client, view, again, night)


def leader_slot_changed(
    ack: Ack, body: dict[str, Any], client: WebClient, *, services: Services
) -> None:
    """The leader, their pod or their 1:1 slot changed in the leader modal: warn if the 1:1
    falls in their or the coach's night (or take the warning away)."""
    ack()
    view = body["view"]
    change = _leader_change(view)
    if isinstance(change, Refusal):
        return
    nights = leader_nights(
        unit_of_work(services.engine),
        SlackDirectory(client),
        team_id=team_of(body),
        user_id=body["user"]["id"],
        change=change,
        now=services.clock.now(),
    )
    if isinstance(nights, Said):
        return
    night = odd_hours_text(nights.warnings) if nights.warnings else None
    plan = change.plan
    typed_so_far = LeaderLine(
        id=change.leader_id or 0,
        user_id=plan.user_id,
        manager_id=plan.manager_id,
        reports=plan.reports,
        one_on_one=plan.one_on_one,
    )
    again = build_leader_modal(
        program_id=change.program_id,
        pods=nights.pods,
        pod_id=plan.pod_id,
        leader=typed_so_far,
        new=change.leader_id is None,
        group=change.group,
        night=night,
    )
    _update_if_changed(client, view, again, night)


def _update_if_changed(
    client: WebClient, view: dict[str, Any], again: dict[str, Any], night: str | None
) -> None:
    """Redraw the modal when its warning changes; a newer redraw (hash_conflict) wins."""
    if shown_night(view) == night:
        return
    try:
        client.views_update(view_id=view["id"], hash=view.get("hash"), view=again)
    except SlackApiError as error:
        if error.response.get("error") != "hash_conflict":
            raise


def register(app: App, services: Services, router: Router) -> None:
    """Adds the subcommand to ``router`` and its actions and views to ``app``."""
    router.add(
        Subcommand(
            name="pod",
            usage="pod [program] [pod] [add|coach|session|leader …]",
            summary=(
                f"week 3: form pods of up to {POD_MAX_LEADERS} leaders with a coach, each "
                "leader's manager, reports and 1:1 slot"
            ),
            audience=Audience.OWNERS,
            run=run_pod,
        )
    )
    for button in (POD_NEW, POD_EDIT, POD_ADD_LEADER, POD_EDIT_LEADER):
        app.action(button)(partial(open_modal, services=services))
    # Two saves of the same new pod or leader at once: the loser answers as a duplicate.
    # (The partial inside: Bolt reads the argument names by unwrapping to it.)
    app.view(POD_VIEW)(once_more_on_conflict(partial(pod_submitted, services=services)))
    app.view(POD_LEADER_VIEW)(once_more_on_conflict(partial(leader_submitted, services=services)))
    # While a modal is filled in: the slot checked against everyone's waking hours.
    for input_id in POD_NIGHT_INPUTS:
        app.action(input_id)(partial(pod_slot_changed, services=services))
    for input_id in LEADER_NIGHT_INPUTS:
        app.action(input_id)(partial(leader_slot_changed, services=services))
