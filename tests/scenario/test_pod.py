"""/emcoach pod end to end: the cohort overview, the pod and leader modals, the typed forms."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import time
from typing import Any

import pytest
from sqlmodel import col, select

from bot.blocks.pod import (
    LEADER_DAY,
    LEADER_GROUP,
    LEADER_MANAGER,
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
    POD_SESSION_DAY,
    POD_SESSION_TIME,
    POD_SESSION_WEEK,
    POD_VIEW,
)
from bot.domain.args import ArgumentError, WeeklySlot, tokenize
from bot.domain.args.leader import TypedLeader, parse_typed_leader
from bot.domain.program_rules import POD_SIZE_REASON
from bot.domain.roles import Role
from bot.flows.pod import with_group
from bot.sim.standin import SlackError
from storage.db import session_scope
from storage.models import DirectReport, Leader, Pod
from storage.pods import LeaderPlan
from storage.programs import members
from tests.support.live import LiveApp
from tests.support.programs import LeaderSpec, PodSpec, make_program

OWNER = "U0OWNER"
STRANGER = "U0STRANGER"
COACH = "U0COACH"
LENA = "U0LEAD1"
LEO = "U0LEAD2"


# --- helpers ---------------------------------------------------------------------------------


def _say(live: LiveApp, text: str, *, user_id: str = OWNER) -> dict[str, Any]:
    """Run a command and return the reply that reached the response_url."""
    before = len(live.slack.responses())
    assert live.sender.command(text, user_id=user_id).status == 200
    live.slack.wait_for(lambda: len(live.slack.responses()) > before)
    return live.slack.responses()[-1]


def _click(live: LiveApp, action_id: str, value: object, *, user_id: str = OWNER) -> None:
    live.sender.block_action(user_id=user_id, action_id=action_id, value=str(value))


def _opened(live: LiveApp, count: int = 1) -> dict[str, Any]:
    live.slack.wait_for(lambda: len(live.slack.calls_to("views.open")) >= count)
    view: dict[str, Any] = live.slack.calls_to("views.open")[count - 1].args["view"]
    return view


def _submit(
    live: LiveApp, view: dict[str, Any], values: dict[str, Any], *, user_id: str = OWNER
) -> dict[str, Any]:
    result = live.sender.view_submission(
        user_id=user_id,
        callback_id=view["callback_id"],
        values={block: {block: value} for block, value in values.items()},
        private_metadata=view["private_metadata"],
    )
    assert result.status == 200
    answer: dict[str, Any] = result.json() if result.body else {}
    return answer


def _text(value: str) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": value}


def _user(user_id: str | None) -> dict[str, Any]:
    return {"type": "users_select", "selected_user": user_id}


def _users(*user_ids: str) -> dict[str, Any]:
    return {"type": "multi_users_select", "selected_users": list(user_ids)}


def _option(value: object | None) -> dict[str, Any]:
    selected = (
        None
        if value is None
        else {"text": {"type": "plain_text", "text": "x"}, "value": str(value)}
    )
    return {"type": "static_select", "selected_option": selected}


def _time(value: str | None) -> dict[str, Any]:
    return {"type": "timepicker", "selected_time": value}


def _pods(live: LiveApp) -> list[Pod]:
    with session_scope(live.services.engine) as session:
        return list(session.exec(select(Pod).order_by(col(Pod.id))).all())


def _leader(live: LiveApp, user_id: str) -> Leader:
    with session_scope(live.services.engine) as session:
        found = session.exec(select(Leader).where(Leader.user_id == user_id)).one()
        return found


def _reports(live: LiveApp, leader_id: int | None) -> list[str]:
    with session_scope(live.services.engine) as session:
        rows = session.exec(
            select(DirectReport.user_id)
            .where(DirectReport.leader_id == leader_id)
            .order_by(col(DirectReport.id))
        )
        return list(rows.all())


def _holders(live: LiveApp, program_id: int, role: Role) -> list[str]:
    with session_scope(live.services.engine) as session:
        return members(session, program_id=program_id, role=role)


def _leader_values(pod_id: int | None, leader: str, **overrides: dict[str, Any]) -> dict[str, Any]:
    return {
        LEADER_POD: _option(pod_id),
        LEADER_USER: _user(leader),
        LEADER_MANAGER: _user("U0MAX"),
        LEADER_REPORTS: _users("U0R1", "U0R2"),
        LEADER_GROUP: _text(""),
        LEADER_DAY: _option(1),
        LEADER_TIME: _time("10:00"),
    } | overrides


def _full_pod(live: LiveApp) -> int:
    four = [LeaderSpec(f"U0L{number}") for number in range(1, 5)]
    return make_program(live.services.engine, pods=(PodSpec(leaders=four),))


# --- the overview ----------------------------------------------------------------------------


def test_an_empty_program_explains_pods_and_offers_new_pod(live: LiveApp) -> None:
    program_id = make_program(live.services.engine)
    reply = _say(live, "pod")
    assert "has no pods yet" in reply["text"] or "0 pod(s)" in reply["text"]
    shown = json.dumps(reply["blocks"], ensure_ascii=False)
    assert "has no pods yet" in shown
    assert POD_NEW in shown
    assert POD_ADD_LEADER not in shown
    assert f'"value": "{program_id}"' in shown


def test_the_overview_shows_leaders_slots_and_what_is_missing(live: LiveApp) -> None:
    make_program(
        live.services.engine,
        pods=(
            PodSpec(
                leaders=[LeaderSpec(LENA), LeaderSpec(LEO, manager_id=None, weekday=None, at=None)]
            ),
        ),
    )
    shown = json.dumps(_say(live, "pod")["blocks"], ensure_ascii=False)
    assert "coach <@U0COACH>, 2 of 4 leaders" in shown
    assert "the first Tuesday of each month, 15:00 Europe/Warsaw (90 min)" in shown
    assert "<@U0LEAD1> — manager <@U0MGR>, 3 direct reports, 1:1 Tuesdays 10:00" in shown
    assert "the manager of <@U0LEAD2>" in shown
    assert "a weekly 1:1 slot for <@U0LEAD2>" in shown
    assert shown.count(POD_EDIT_LEADER) == 2


def test_someone_who_owns_nothing_is_told_how_to_start(live: LiveApp) -> None:
    make_program(live.services.engine)
    result = live.sender.command("pod", user_id=STRANGER)
    assert "is for a program's owners" in result.json()["text"]


# --- modals ----------------------------------------------------------------------------------


def test_new_pod_through_the_modal_sets_coach_session_and_role(live: LiveApp) -> None:
    program_id = make_program(live.services.engine)
    _click(live, POD_NEW, program_id)
    view = _opened(live)
    assert view["callback_id"] == POD_VIEW
    assert "90 minutes" in json.dumps(view)
    answer = _submit(
        live,
        view,
        {
            POD_NAME: _text("  Alpha "),
            POD_COACH: _user(COACH),
            POD_SESSION_WEEK: _option(1),
            POD_SESSION_DAY: _option(1),
            POD_SESSION_TIME: _time("15:00"),
        },
    )
    assert answer["response_action"] == "update"
    shown = json.dumps(answer["view"], ensure_ascii=False)
    assert "Created pod *Alpha*" in shown
    assert "Add leader" in shown
    [pod] = _pods(live)
    assert (pod.name, pod.coach_id, pod.session_ordinal, pod.session_weekday) == (
        "Alpha",
        COACH,
        1,
        1,
    )
    assert str(pod.session_time) == "15:00:00"
    assert _holders(live, program_id, Role.COACH) == [COACH]


def test_the_pod_modal_explains_each_mistake_inline(live: LiveApp) -> None:
    make_program(live.services.engine, pods=(PodSpec(),))
    [pod] = _pods(live)
    _click(live, POD_EDIT, pod.id)
    view = _opened(live)
    mistakes = [
        (
            {POD_NAME: _text("Beta"), POD_SESSION_WEEK: _option(1), POD_SESSION_DAY: _option(None)},
            POD_SESSION_DAY,
            "week, the day and the time",
        ),
        ({POD_NAME: _text("   ")}, POD_NAME, "Give the pod a name"),
        ({POD_NAME: _text("Alpha"), POD_COACH: _user(LENA)}, POD_COACH, "can't also coach it"),
    ]
    for values, block, says in mistakes:
        answer = _submit(live, view, values)
        assert says in answer["errors"][block], answer
    _click(live, POD_NEW, pod.program_id)
    answer = _submit(live, _opened(live, 2), {POD_NAME: _text("alpha")})
    assert "already has a pod called Alpha" in answer["errors"][POD_NAME]
    assert [row.name for row in _pods(live)] == ["Alpha"]


def test_changing_the_coach_moves_the_coach_role(live: LiveApp) -> None:
    program_id = make_program(live.services.engine, pods=(PodSpec(),))
    [pod] = _pods(live)
    _click(live, POD_EDIT, pod.id)
    view = _opened(live)
    assert '"initial_user": "U0COACH"' in json.dumps(view)
    answer = _submit(live, view, {POD_NAME: _text("Alpha"), POD_COACH: _user("U0NEWCOACH")})
    assert answer["response_action"] == "update"
    assert _holders(live, program_id, Role.COACH) == ["U0NEWCOACH"]
    [pod] = _pods(live)
    assert pod.session_ordinal is None, "emptied session fields clear the slot"


def test_add_leader_through_the_modal_with_a_user_group(live: LiveApp) -> None:
    program_id = make_program(live.services.engine, pods=(PodSpec(leaders=[]),))
    live.slack.add_usergroup("S0TEAM", "lena-team", [LEO, "U0R2", "U0R3"])
    [pod] = _pods(live)
    _click(live, POD_ADD_LEADER, program_id)
    view = _opened(live)
    assert view["callback_id"] == POD_LEADER_VIEW
    assert "45 minutes" in json.dumps(view)
    answer = _submit(
        live,
        view,
        _leader_values(pod.id, LEO, **{LEADER_GROUP: _text("@Lena-Team")}),
    )
    assert answer["response_action"] == "update", answer
    shown = json.dumps(answer["view"], ensure_ascii=False)
    assert "Saved in pod *Alpha*" in shown
    assert "left out of their own reports" in shown
    leader = _leader(live, LEO)
    assert (leader.manager_id, leader.one_on_one_weekday) == ("U0MAX", 1)
    assert str(leader.one_on_one_time) == "10:00:00"
    assert _reports(live, leader.id) == ["U0R1", "U0R2", "U0R3"]
    assert live.slack.calls_to("usergroups.users.list")[0].args["usergroup"] == "S0TEAM"
    assert _holders(live, program_id, Role.LEADER) == [LEO]
    assert _holders(live, program_id, Role.MANAGER) == ["U0MAX"]


def test_the_leader_modal_explains_slot_and_group_mistakes_inline(live: LiveApp) -> None:
    program_id = make_program(live.services.engine, pods=(PodSpec(leaders=[]),))
    [pod] = _pods(live)
    _click(live, POD_ADD_LEADER, program_id)
    view = _opened(live)
    answer = _submit(live, view, _leader_values(pod.id, LEO, **{LEADER_GROUP: _text("@nope")}))
    assert "no user group “@nope”" in answer["errors"][LEADER_GROUP]
    answer = _submit(live, view, _leader_values(pod.id, LEO, **{LEADER_TIME: _time(None)}))
    assert "both a day and a time" in answer["errors"][LEADER_TIME]
    answer = _submit(live, view, _leader_values(pod.id, LEO, **{LEADER_USER: _user(None)}))
    assert "Pick the leader" in answer["errors"][LEADER_USER]
    assert not _holders(live, program_id, Role.LEADER)


def test_a_fifth_leader_is_refused_in_the_modal_with_the_seeds_reason(live: LiveApp) -> None:
    program_id = _full_pod(live)
    [pod] = _pods(live)
    _click(live, POD_ADD_LEADER, program_id)
    answer = _submit(live, _opened(live), _leader_values(pod.id, LEO))
    assert answer["response_action"] == "errors"
    assert POD_SIZE_REASON in answer["errors"][LEADER_POD]
    assert LEO not in _holders(live, program_id, Role.LEADER)


def test_a_person_leads_in_one_pod_per_program(live: LiveApp) -> None:
    program_id = make_program(
        live.services.engine, pods=(PodSpec(), PodSpec(name="Beta", leaders=[]))
    )
    beta = _pods(live)[1]
    _click(live, POD_ADD_LEADER, program_id)
    answer = _submit(live, _opened(live), _leader_values(beta.id, LENA))
    assert "already a leader in pod Alpha" in answer["errors"][LEADER_USER]


def test_a_leader_is_neither_their_own_manager_nor_their_own_report(live: LiveApp) -> None:
    program_id = make_program(live.services.engine, pods=(PodSpec(leaders=[]),))
    [pod] = _pods(live)
    _click(live, POD_ADD_LEADER, program_id)
    view = _opened(live)
    answer = _submit(live, view, _leader_values(pod.id, LEO, **{LEADER_MANAGER: _user(LEO)}))
    assert "can't be their own manager" in answer["errors"][LEADER_MANAGER]
    answer = _submit(
        live, view, _leader_values(pod.id, LEO, **{LEADER_REPORTS: _users("U0R1", LEO)})
    )
    assert "can't be their own direct report" in answer["errors"][LEADER_REPORTS]
    assert not _holders(live, program_id, Role.LEADER)


def test_editing_a_leader_moves_the_manager_role_and_replaces_reports(live: LiveApp) -> None:
    program_id = make_program(live.services.engine, pods=(PodSpec(),))
    with session_scope(live.services.engine) as session:
        from storage.programs import add_member
        from tests.support.programs import NOW

        add_member(
            session,
            program_id=program_id,
            user_id="U0MGR",
            role=Role.MANAGER,
            added_by=OWNER,
            now=NOW,
        )
    leader = _leader(live, LENA)
    _click(live, POD_EDIT_LEADER, leader.id)
    view = _opened(live)
    assert '"initial_users": ["U0REP1", "U0REP2", "U0REP3"]' in json.dumps(view)
    answer = _submit(
        live, view, _leader_values(leader.pod_id, LENA, **{LEADER_REPORTS: _users("U0REP1")})
    )
    assert answer["response_action"] == "update"
    assert _reports(live, leader.id) == ["U0REP1"]
    assert _holders(live, program_id, Role.MANAGER) == ["U0MAX"]


def test_a_non_owner_gets_no_modal_and_their_submission_changes_nothing(live: LiveApp) -> None:
    program_id = make_program(live.services.engine)
    _click(live, POD_NEW, program_id, user_id=STRANGER)
    live.slack.wait_for(lambda: bool(live.slack.responses()))
    assert "Only the program's owners" in live.slack.responses()[-1]["text"]
    assert not live.slack.calls_to("views.open")
    _click(live, POD_NEW, program_id)
    answer = _submit(live, _opened(live), {POD_NAME: _text("Alpha")}, user_id=STRANGER)
    assert "Only the program's owners" in json.dumps(answer["view"])
    assert not _pods(live)


# --- typed forms -----------------------------------------------------------------------------


def test_typed_forms_build_a_pod_from_scratch(live: LiveApp) -> None:
    program_id = make_program(live.services.engine)
    live.slack.add_usergroup("S0TEAM", "team", ["U0R3", LENA])
    created = str(_say(live, "pod add Alpha")["text"])
    assert "Created pod *Alpha*" in created
    # Each missing piece once (the session slot was listed twice).
    assert created.count("a monthly session slot for pod “Alpha”") == 1
    assert "coach <@U0COACH>" in _say(live, "pod alpha coach <@U0COACH|cora>")["text"]
    reply = _say(live, "pod Alpha session first tuesday 15:00")
    assert "the first Tuesday of each month, 15:00 Europe/Warsaw" in reply["text"]
    reply = _say(
        live,
        "pod Alpha leader <@U0LEAD1|lena> manager <@U0MAX> reports <@U0R1>, <@U0R2> "
        "<!subteam^S0TEAM|@team> 1:1 tue 10:00",
    )
    assert "Saved in pod *Alpha*" in reply["text"]
    assert "Pod Alpha is complete" in reply["text"]
    leader = _leader(live, LENA)
    assert _reports(live, leader.id) == ["U0R1", "U0R2", "U0R3"]
    assert _holders(live, program_id, Role.LEADER) == [LENA]
    # Only what is typed changes.
    _say(live, "pod Alpha leader <@U0LEAD1> 1:1 wed 11:30")
    leader = _leader(live, LENA)
    assert (leader.manager_id, leader.one_on_one_weekday) == ("U0MAX", 2)
    assert _reports(live, leader.id) == ["U0R1", "U0R2", "U0R3"]


def test_a_fifth_leader_is_refused_in_the_typed_form(live: LiveApp) -> None:
    _full_pod(live)
    reply = _say(live, "pod Alpha leader <@U0LEAD2>")
    assert POD_SIZE_REASON in reply["text"]
    assert "Start another pod" in reply["text"]


def test_typed_mistakes_say_what_to_type_and_long_names_work(live: LiveApp) -> None:
    make_program(live.services.engine, pods=(PodSpec(),))
    assert "There's no pod called “Gamma”" in _say(live, "pod Gamma coach <@U0X>")["text"]
    assert "`/emcoach pod add Gamma`" in _say(live, "pod Gamma")["text"]
    assert "Mention one person as coach" in _say(live, "pod Alpha coach")["text"]
    assert "isn't a week of the month" in _say(live, "pod Alpha session fifth tue 15:00")["text"]
    assert "Mention the leader" in _say(live, "pod Alpha leader manager <@U0X>")["text"]
    assert "For pod Alpha I understand" in _say(live, "pod Alpha dance")["text"]
    # Names with spaces work quoted or not.
    _say(live, 'pod add "Platform Leads"')
    assert "coach <@U0COACH>" in _say(live, "pod platform leads coach <@U0COACH>")["text"]
    shown = json.dumps(_say(live, 'pod "Platform Leads"')["blocks"])
    assert "Pod Platform Leads" in shown


def test_cohort_changes_after_commit_apply_to_future_sessions(live: LiveApp) -> None:
    make_program(
        live.services.engine,
        criteria=("lead_time", "one_on_one_quality"),
        signed_off=True,
        pods=(PodSpec(),),
        baselines=True,
        committed=True,
    )
    reply = _say(live, "pod Alpha leader <@U0LEAD2> manager <@U0MAX>")
    assert "Saved in pod *Alpha*" in reply["text"]
    assert "applies to future sessions" in reply["text"]
    # A seat with baselines keeps its person: the baselines are about them.
    lena = _leader(live, LENA)
    _click(live, POD_EDIT_LEADER, lena.id)
    answer = _submit(live, _opened(live), _leader_values(lena.pod_id, "U0NEW"))
    assert "Baselines are recorded for <@U0LEAD1>" in answer["errors"][LEADER_USER]


def test_user_group_failures_are_explained_or_go_to_the_error_handler(live: LiveApp) -> None:
    program_id = make_program(live.services.engine, pods=(PodSpec(leaders=[]),))
    reply = _say(live, "pod Alpha leader <@U0LEAD2> reports <!subteam^S0GONE|@gone>")
    assert "doesn't exist in Slack any more" in reply["text"]
    assert live.slack.calls_to("usergroups.users.list")[0].error == "no_such_subteam"
    live.slack.inject("usergroups.users.list", SlackError("missing_scope"))
    # The HTTP status is not asserted: Bolt's thread runner may reset an ack when the listener
    # fails within its 10 ms poll (slack_bolt/listener/thread_runner.py), answering 404.
    live.sender.command("pod Alpha leader <@U0LEAD2> reports <!subteam^S0TEAM>", user_id=OWNER)
    live.slack.wait_for(lambda: len(live.slack.responses()) > 1)
    reply = live.slack.responses()[-1]
    assert "reference" in reply["text"]
    assert "missing_scope" not in reply["text"]
    assert LEO not in _holders(live, program_id, Role.LEADER)


# --- pure parts ------------------------------------------------------------------------------


def test_a_typed_leader_clause_reads_in_any_order() -> None:
    typed = parse_typed_leader(
        tokenize(
            "<@U0L|lena> 1:1 Tuesdays at 3pm reports <@U0A> and <@U0B> <!subteam^S1> manager <@U0M>"
        )
    )
    assert typed == TypedLeader(
        user_id="U0L",
        manager_id="U0M",
        reports=("U0A", "U0B"),
        group_ids=("S1",),
        one_on_one=WeeklySlot(weekday=1, time=time(15, 0)),
    )
    assert parse_typed_leader(tokenize("<@U0L>")) == TypedLeader(user_id="U0L")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "Mention the leader"),
        ("@lena", "pick people from the list"),
        ("<@U0L> with <@U0M>", "say `manager`, `reports` or `1:1`"),
        ("<@U0L> manager <@U0M> <@U0N>", "exactly one manager"),
        ("<@U0L> reports bob", "mention people or a user group"),
        ("<@U0L> reports", "mention people or a user group"),
        ("<@U0L> 1:1 someday 10:00", "isn't a day of the week"),
    ],
)
def test_a_typed_leader_clause_refuses_with_what_to_type(text: str, says: str) -> None:
    with pytest.raises(ArgumentError, match=re.escape(says)):
        parse_typed_leader(tokenize(text))


def test_a_user_group_adds_reports_but_never_the_leader() -> None:
    plan = LeaderPlan(pod_id=1, user_id="U0L", manager_id=None, reports=("U0A",), one_on_one=None)
    merged, left_out = with_group(plan, ["U0A", "U0L", "U0B"])
    assert merged.reports == ("U0A", "U0B")
    assert left_out
    assert with_group(plan, ["U0C"]) == (replace(plan, reports=("U0A", "U0C")), False)
