"""Hostile text through every builder that shows what a person typed.

Each builder below gets the same hostile string for every person-supplied field (program and
pod names, reasons, comments, notes, sources, typed words). Whatever it is, no mention, user
group, channel link, link or formatting of the person's may reach Slack's mrkdwn or a
message's notification ``text``, and the person's words are still shown. ``plain_text``
objects (titles, labels, buttons) render no markup, so they may carry the text as typed.

A new builder that echoes person text belongs in ``BUILDERS``, so it is fuzzed like the rest.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.blocks import (
    adjust,
    answers,
    baseline,
    check,
    coach,
    commit,
    criteria,
    deviation,
    forget,
    help,
    metrics,
    owner,
    pause,
    picker,
    pod,
    schedule,
    setup,
    status,
)
from bot.blocks.criteria import COMMENT_MAX_CHARS
from bot.blocks.prompts import (
    CheckpointData,
    DigestData,
    OwnerAlert,
    PromptContext,
    SetupNudge,
    build_prompt,
    criterion_result,
)
from bot.blocks.reply import Reply
from bot.blocks.setup import NAME_MAX
from bot.domain.args import MonthlySlot, WeeklySlot
from bot.domain.cadence import AgendaKind, SessionKind
from bot.domain.coach_choice import choose_coach
from bot.domain.cost import CostModel, estimate
from bot.domain.eligibility import assess
from bot.domain.metrics import CATALOG
from bot.domain.program_rules import LeaderSetup, PodSetup, ProgramField, cohort_gaps
from bot.domain.sprint import next_action, sprint_checklist
from tests.support.blockkit import assert_valid_message, assert_valid_view
from tests.support.markup import foreign_markup, mrkdwn_texts

# Ids Slack gave us: the only mentions a payload may carry.
USER = "U0SAFE"
CHANNEL = "C0SAFE"
DAY = date(2027, 5, 3)
AT = datetime(2027, 5, 3, 9, 30, tzinfo=UTC)
MARKER = "Zebra42"

# Everything Slack would parse as markup, and entity spellings that must stay text.
FRAGMENTS = (
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<!group>",
    "<!subteam^S0ABC|@team>",
    "<!subteam^S0>",
    "<@U0ABC>",
    "<@W0ABC|anna>",
    "<#C0ABC>",
    "<#C0ABC|general>",
    "<http://evil.example|the plan>",
    "<https://evil.example>",
    "<mailto:a@evil.example|mail>",
    "<!date^1^{date}|today>",
    "&lt;!channel&gt;",
    "&amp;lt;!here&amp;gt;",
    "&#60;!channel&#62;",
    "*bold*",
    "_ital_",
    "~strike~",
    "`code`",
    "```block```",
    "> quote",
    ">>> all",
    "\n> quote",
    "＊wide＊",
    "\x00",
    "\r\n",
    ":white_check_mark:",
    "snake_case",
    # Escaping makes these five times longer: a capped input must still fit Slack's limits.
    "&&&&&",
    "<<>>",
)


def hostile(limit: int) -> st.SearchStrategy[str]:
    """The marker word, then fragments and arbitrary text, sometimes repeated to ``limit``."""
    piece = st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=30))
    long_piece = st.tuples(st.sampled_from(FRAGMENTS), st.integers(50, 200)).map(
        lambda pair: pair[0] * pair[1]
    )
    parts = st.lists(st.one_of(piece, piece, piece, long_piece), max_size=6)
    return parts.map(lambda rest: " ".join([MARKER, *rest])[:limit])


# --- the builders, each fed the hostile text ``s`` in every person-supplied field ---------------

Payload = dict[str, Any]


def _message(reply: Reply) -> Payload:
    payload = {"text": reply.text, "blocks": reply.blocks}
    assert_valid_message(payload)
    return payload


def _view(view: Payload) -> Payload:
    assert_valid_view(view)
    return view


def _prompt(kind: AgendaKind, s: str, **fields: Any) -> Payload:
    context = PromptContext(
        kind=kind,
        program_name=s,
        recipient_id=fields.pop("recipient_id", USER),
        about_id=fields.pop("about_id", USER),
        occasion=DAY,
        coach_id=USER,
        row_id=1,
        **fields,
    )
    return _message(build_prompt(context))


def _checkpoint(s: str) -> CheckpointData:
    result = criterion_result(
        CATALOG["lead_time"], baseline=Decimal(36), now=None, data_points=1, missing_for=(USER,)
    )
    return CheckpointData(
        month=3,
        final=False,
        channel_id=CHANNEL,
        criteria=(dataclasses.replace(result, name=s, unit=s, expected=s),),
        definitions_hash="ab" * 32,
    )


def _commitment(s: str) -> commit.Commitment:
    definition = CATALOG["lead_time"].to_dict()
    return commit.Commitment(
        program_name=s,
        criteria=[definition | {"name": s, "definition": s, "data_source": s}],
        criteria_hash="ab" * 32,
        signed_off_by=USER,
        signed_off_on=DAY,
        baseline_date=DAY,
        kickoff=DAY,
        midpoint=DAY,
        evaluation=DAY,
        anonymity_threshold=3,
        publish_channel_id=CHANNEL,
        pods=1,
        leaders=2,
    )


def _signoff(s: str) -> criteria.SignoffRequest:
    definition = CATALOG["lead_time"].to_dict()
    return criteria.SignoffRequest(
        program_id=1,
        program_name=s,
        criteria=[definition | {"name": s}],
        criteria_hash="ab" * 32,
        requested_by=USER,
    )


def _decided(note: str) -> adjust.Decided:
    return adjust.Decided(
        decision=adjust.Decision.CADENCE, note=note, decided_by=USER, decided_on=DAY
    )


EVALUATION = adjust.Evaluation(month=6, occasion=DAY)


def _pod_line(s: str) -> pod.PodLine:
    leader = pod.LeaderLine(
        id=1,
        user_id=USER,
        manager_id=USER,
        reports=(USER,),
        one_on_one=WeeklySlot(weekday=1, time=time(10)),
    )
    return pod.PodLine(
        id=1,
        name=s,
        coach_id=USER,
        session=MonthlySlot(ordinal=1, weekday=1, time=time(15)),
        leaders=(leader,),
    )


def _pod_entries(s: str, source: str = "") -> baseline.PodEntries:
    leader = baseline.LeaderEntries(
        leader_id=1, user_id=USER, entries=(baseline.Entry(metric=CATALOG["lead_time"]),)
    )
    survey = baseline.Entry(
        metric=CATALOG["one_on_one_quality"], value=Decimal(3), source=source[: baseline.SOURCE_MAX]
    )
    return baseline.PodEntries(pod_id=1, name=s, leaders=(leader,), surveys=(survey,))


def _gaps(s: str) -> list[str]:
    """What commit readiness says is missing, worded by the domain around a pod's name."""
    leader = LeaderSetup(
        user_id=USER, manager_id=None, direct_report_count=0, has_one_on_one_slot=False
    )
    return cohort_gaps([PodSetup(name=s, coach_id=None, leaders=(leader,), has_session_slot=False)])


def _sprint(s: str) -> status.SprintStatus:
    return status.SprintStatus(
        program_id=1,
        program_name=s,
        setup_date=DAY,
        today=DAY,
        steps=sprint_checklist(DAY, today=DAY, done=set()),
        next_step=next_action(DAY, today=DAY, done=set()),
        missing=(),
        committed_on=None,
        kickoff=DAY,
        months=6,
    )


def _schedule(s: str) -> schedule.Schedule:
    line = schedule.PromptLine(
        due=AT,
        kind=AgendaKind.POD_PRE,
        recipient=USER,
        occasion=DAY,
        pod_name=s,
        program_name=s,
    )
    return schedule.Schedule(
        title=s, lines=(line,), total=1, zone="UTC", show_recipient=True, empty="Nothing."
    )


def _setup_form(s: str) -> setup.SetupForm:
    return setup.SetupForm(
        name=s, channel_id=CHANNEL, kickoff=DAY, months=6, timezone=s, budget_owner_id=USER
    )


def _coach_recommendation(s: str) -> Payload:
    choice = choose_coach(engineering_headcount=20, has_senior_em_with_capacity=False, leaders=4)
    costs = [estimate(CostModel.INTERNAL, leaders=4)]
    return coach.build_coach_recommendation(
        program_id=1, program_name=s, choice=choice, costs=costs, leaders_note="For 4."
    )


# ``s`` goes into names (programs, pods: at most 80 characters), ``long`` into free text
# (reasons, comments, notes, sources, typed words), up to the longest the handlers accept.
BUILDERS: dict[str, Callable[[str, str], Payload]] = {
    # forget: deleting a program names it
    "delete_confirm": lambda s, long: _message(forget.build_delete_confirm(s, program_id=7)),
    "delete_refused": lambda s, long: _message(
        forget.build_delete_refused(s, evaluation=date(2027, 7, 1))
    ),
    "deleted": lambda s, long: _message(forget.build_deleted(s)),
    # deviation: the public post and the owner's replies
    "deviation_post": lambda s, long: _message(
        deviation.build_deviation_post(
            program_name=s, field=ProgramField.DATES, reason=long, requested_by=USER
        )
    ),
    "deviation_recorded": lambda s, long: _message(
        deviation.build_deviation_recorded(
            program_name=s, field=ProgramField.DATES, channel_id=CHANNEL
        )
    ),
    "deviation_not_posted": lambda s, long: _message(
        deviation.build_deviation_not_posted(channel_id=CHANNEL, error="not_in_channel", retry=long)
    ),
    "nothing_locked": lambda s, long: _message(
        deviation.build_nothing_locked(program_name=s, field=ProgramField.CRITERIA)
    ),
    "deviation_usage": lambda s, long: _message(deviation.build_deviation_usage(typed=long)),
    # criteria: the picker, the budget owner's request and every answer to it
    "criteria_modal": lambda s, long: _view(
        criteria.build_criteria_modal(
            program_id=1, program_name=s, catalog=list(CATALOG.values()), selected=[]
        )
    ),
    "signoff_request": lambda s, long: _message(criteria.build_signoff_request(_signoff(s))),
    "signoff_changes_outcome": lambda s, long: _message(
        criteria.build_signoff_request(
            _signoff(s),
            outcome=criteria.changes_outcome(at=AT, timezone="UTC", comment=long),
        )
    ),
    "changes_modal": lambda s, long: _view(
        criteria.build_changes_modal(
            ref=criteria.SignoffRef(program_id=1, criteria_hash="h", requested_by=USER),
            program_name=s,
        )
    ),
    "approved_notice": lambda s, long: _message(
        criteria.build_approved_notice(
            program_name=s, approved_by=USER, at=AT, timezone="UTC", criteria_hash="h"
        )
    ),
    "changes_notice": lambda s, long: _message(
        criteria.build_changes_notice(program_name=s, budget_owner_id=USER, comment=long)
    ),
    "comment_sent": lambda s, long: {
        "text": criteria.comment_sent_text(program_name=s, owners=[USER])
    },
    "request_sent": lambda s, long: {
        "text": criteria.request_sent_text(
            program_name=s, names=[s], budget_owner_id=USER, resent=False
        )
    },
    "criteria_unchanged": lambda s, long: {
        "text": criteria.unchanged_text(program_name=s, signed_off_by=USER)
    },
    "no_budget_owner": lambda s, long: {
        "text": criteria.no_budget_owner_text(program_name=s, names=[s])
    },
    "delivery_failed": lambda s, long: _message(
        criteria.build_delivery_failed(program_name=s, budget_owner_id=USER, error=long)
    ),
    "delivery_unanswered": lambda s, long: _message(
        criteria.build_delivery_failed(program_name=s, budget_owner_id=USER, error=None)
    ),
    "signoff_changes_outcome_not_reached": lambda s, long: _message(
        criteria.build_signoff_request(
            _signoff(s),
            outcome=criteria.changes_outcome(
                at=AT, timezone="UTC", comment=long, not_reached=[USER]
            ),
        )
    ),
    "comment_not_delivered": lambda s, long: _message(
        criteria.build_comment_not_delivered(program_name=s, not_reached=[USER], comment=long)
    ),
    "not_budget_owner": lambda s, long: {
        "text": criteria.not_budget_owner_text(program_name=s, budget_owner_id=USER)
        + criteria.not_budget_owner_text(program_name=s, budget_owner_id=None)
    },
    # commit: the public pre-commitment
    "commitment_post": lambda s, long: _message(
        Reply(
            text=commit.commitment_text(_commitment(s)),
            blocks=commit.build_commitment_blocks(_commitment(s)),
        )
    ),
    "commit_preview": lambda s, long: _message(
        commit.build_commit_preview(_commitment(s), program_id=1)
    ),
    "commit_missing": lambda s, long: _message(commit.build_commit_missing(s, _gaps(s))),
    "committed": lambda s, long: _message(commit.build_committed(_commitment(s))),
    # owners
    "not_owner": lambda s, long: _message(owner.build_not_owner(s, [USER])),
    "owner_list": lambda s, long: _message(
        owner.build_owner_list(s, owners=[USER], budget_owner=USER)
    ),
    "owners_added": lambda s, long: _message(
        owner.build_owners_added(s, added=[USER], already=[USER], not_told=[USER], owners=[USER])
    ),
    "co_owner_welcome": lambda s, long: _message(owner.build_co_owner_welcome(s, added_by=USER)),
    "owners_removed": lambda s, long: _message(
        owner.build_owners_removed(s, removed=[USER], not_owners=[USER], owners=[USER])
    ),
    "last_owner": lambda s, long: _message(owner.build_last_owner(s)),
    # pods
    "cohort": lambda s, long: _message(
        pod.build_cohort(
            program_id=1,
            program_name=s,
            timezone="UTC",
            pods=[_pod_line(s)] * (pod.MAX_PODS_SHOWN + 1),
            time_per_leader="About 3 hours a month.",
            committed=True,
        )
    ),
    "cohort_empty": lambda s, long: _message(
        pod.build_cohort(
            program_id=1,
            program_name=s,
            timezone="UTC",
            pods=[],
            time_per_leader="",
            committed=False,
        )
    ),
    "pod_modal": lambda s, long: _view(
        pod.build_pod_modal(program_id=1, timezone="UTC", pod=_pod_line(s))
    ),
    "leader_modal": lambda s, long: _view(
        pod.build_leader_modal(program_id=1, pods=[(1, s)], pod_id=1, leader=None)
    ),
    # setup
    "setup_modal": lambda s, long: _view(setup.build_setup_modal(_setup_form(s), program_id=1)),
    "setup_modal_committed": lambda s, long: _view(
        setup.build_setup_modal(_setup_form(s), program_id=1, committed_on=DAY)
    ),
    "setup_done": lambda s, long: _view(
        setup.build_setup_done(
            _setup_form(s), created=True, changed=True, owner_id="U0OTHER", budget_owner_told=True
        )
    ),
    "budget_owner_heads_up": lambda s, long: _message(
        setup.build_budget_owner_heads_up(program_name=s, owner_id=USER)
    ),
    "heads_up_not_delivered": lambda s, long: _message(
        setup.build_heads_up_not_delivered(program_name=s, budget_owner_id=USER)
    ),
    # status, schedule, check, coach
    "status": lambda s, long: _message(
        status.build_status(dataclasses.replace(_sprint(s), missing=_gaps(s)))
    ),
    "schedule": lambda s, long: _message(schedule.build_schedule(_schedule(s))),
    "check_modal": lambda s, long: _view(
        check.build_check_modal(program_id=1, program_name=s, checked=set())
    ),
    "check_result": lambda s, long: _view(
        check.build_check_result(assess(set()), saved_on=s, override=True)
    ),
    "coach_modal": lambda s, long: _view(
        coach.build_coach_modal(program_id=1, program_name=s, current_decision=None)
    ),
    "coach_recommendation": lambda s, long: _view(_coach_recommendation(s)),
    "coach_decided": lambda s, long: _view(
        coach.build_coach_decided(
            program_name=s, decision="internal", previous="external", committed=False
        )
    ),
    # pauses and leavers
    "paused": lambda s, long: _message(
        pause.build_paused(
            pause.Paused(
                leader_id=USER,
                program_name=s,
                start=DAY,
                end=DAY,
                reason=long[:255],
                running=True,
                kickoff=DAY,
                skipped=(SessionKind.ONE_ON_ONE,),
            )
        )
    ),
    "resumed": lambda s, long: _message(
        pause.build_resumed(leader_id=USER, program_name=s, running=False, back=())
    ),
    "left": lambda s, long: _message(
        pause.build_left(
            pause.Left(
                leader_id=USER,
                program_name=s,
                left_on=DAY,
                reason=long[:255],
                cancelled=2,
                pod_name=s,
                coach_id=USER,
                leaders_staying=1,
            )
        )
    ),
    # baselines and checkpoint values
    "baselines": lambda s, long: _message(
        baseline.build_baselines(
            program_name=s,
            pods=[_pod_entries(s, long)] * (baseline.MAX_PODS_SHOWN + 1),
            locked=None,
        )
    ),
    "leader_baseline_modal": lambda s, long: _view(
        baseline.build_leader_baseline_modal(
            program_id=1, pod_name=s, leader=_pod_entries(s).leaders[0]
        )
    ),
    "survey_baseline_modal": lambda s, long: _view(
        baseline.build_survey_baseline_modal(
            program_id=1,
            pod_id=1,
            pod_name=s,
            entry=_pod_entries(s, long).surveys[0],
            asked=True,
            people=2,
            threshold=3,
        )
    ),
    "checkpoint_values": lambda s, long: _message(
        metrics.build_checkpoint_values(
            checkpoint=metrics.OpenCheckpoint(
                program_name=s, month=3, occasion=DAY, channel_id=CHANNEL, late=False
            ),
            pods=[_pod_entries(s)] * (metrics.MAX_PODS_SHOWN + 1),
            survey_names=[s],
            anonymity_threshold=3,
        )
    ),
    "leader_checkpoint_modal": lambda s, long: _view(
        metrics.build_leader_checkpoint_modal(
            program_id=1, month=3, occasion=DAY, pod_name=s, leader=_pod_entries(s).leaders[0]
        )
    ),
    "pod_checkpoint_modal": lambda s, long: _view(
        metrics.build_pod_checkpoint_modal(
            program_id=1,
            pod_id=1,
            month=3,
            occasion=DAY,
            pod_name=s,
            entry=_pod_entries(s, long).surveys[0],
        )
    ),
    # the month-3 decision
    "adjust_usage": lambda s, long: _message(
        adjust.build_adjust_usage(
            program_name=s, published_on=DAY, latest=_decided(long), problem=None
        )
    ),
    "adjust_recorded": lambda s, long: _message(
        adjust.build_adjust_recorded(
            program_name=s,
            decided=_decided(long),
            replaced=_decided(long),
            evaluation=EVALUATION,
            by_owner=True,
            told=[USER],
            not_told=[USER],
        )
    ),
    "adjust_notice": lambda s, long: _message(
        adjust.build_adjust_notice(
            program_name=s, decided=_decided(long), evaluation=EVALUATION, by_owner=False
        )
    ),
    # answering prompts, help, the program picker
    "pod_answer_modal": lambda s, long: _view(
        answers.build_answer_modal(row_id=1, form=answers.pod_form(pod_name=s, day=DAY))
    ),
    "unknown_subcommand": lambda s, long: _message(
        help.build_unknown_subcommand(
            long, suggestion="status", entries=[help.HelpEntry(usage="status", summary="Status.")]
        )
    ),
    "program_picker": lambda s, long: _message(
        picker.build_program_picker(subcommand="status", args=s, programs=[(1, s), (2, s)])
    ),
    # the cadence engine's prompts
    "prompt_pod_pre": lambda s, long: _prompt(AgendaKind.POD_PRE, s, about_id=s),
    "prompt_pod_post": lambda s, long: _prompt(AgendaKind.POD_POST, s, about_id=s),
    "prompt_three_sixty": lambda s, long: _prompt(AgendaKind.THREE_SIXTY, s, recipient_id="U0MGR"),
    "prompt_coach_digest": lambda s, long: _prompt(
        AgendaKind.COACH_DIGEST, s, data=DigestData(leaders=())
    ),
    "prompt_setup_nudge": lambda s, long: _prompt(
        AgendaKind.SETUP_NUDGE, s, data=SetupNudge(week=2, due=DAY)
    ),
    "prompt_owner_alert": lambda s, long: _prompt(
        AgendaKind.OWNER_ALERT,
        s,
        data=OwnerAlert(recipient_id=USER, kind=AgendaKind.SURVEY, error=long),
    ),
    "prompt_checkpoint_preview": lambda s, long: _prompt(
        AgendaKind.CHECKPOINT_PREVIEW, s, data=_checkpoint(s)
    ),
    "prompt_checkpoint_publish": lambda s, long: _prompt(
        AgendaKind.CHECKPOINT_PUBLISH, s, recipient_id=CHANNEL, data=_checkpoint(s)
    ),
}


# --- what must hold for each ----------------------------------------------------------------

# A formatting run of the person's, still able to format: the fragment at word boundaries.
_FORMATTING = re.compile(
    r"(?<![A-Za-z0-9])(\*bold\*|_ital_|~strike~|`code`|```|＊wide＊)(?![A-Za-z0-9])"
)
# A line whose text (after our own quote mark, if any) opens a quote of the person's.
_QUOTE = re.compile(r"^[ \t]*>?[ \t]*(&gt;|＞)", re.MULTILINE)


def assert_safe(payload: Payload) -> None:
    texts = list(mrkdwn_texts(payload))
    assert texts, "a builder in this list must show some mrkdwn"
    for text in texts:
        assert not foreign_markup(text, ids=(USER, CHANNEL)), text
        assert not _FORMATTING.search(text), text
        assert not _QUOTE.search(text), text
        # Every "&" opens one of Slack's entities: nothing typed can decode into markup.
        assert not re.search(r"&(?!amp;|lt;|gt;)", text), text
        assert "\x00" not in text


# The builders in four groups, so that no one test runs for seconds.
_GROUPS = 4
BUILDER_GROUPS = [sorted(BUILDERS)[group::_GROUPS] for group in range(_GROUPS)]


@pytest.mark.parametrize("names", BUILDER_GROUPS, ids=[f"group{g}" for g in range(_GROUPS)])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(short=hostile(NAME_MAX), long=hostile(COMMENT_MAX_CHARS))
def test_hostile_text_never_becomes_markup(names: list[str], short: str, long: str) -> None:
    # Every builder of the group gets each drawn pair: each still sees 40 hostile inputs of
    # its own, and the pairs are drawn 40 times a group instead of 40 times a builder (two
    # thirds of the time went to drawing them). Each builder that fails is named.
    failed: dict[str, str] = {}
    for name in names:
        build = BUILDERS[name]
        try:
            payload = build(short, long)
            json.dumps(payload)  # what goes to Slack
            assert_safe(payload)
            shown = json.dumps(payload, ensure_ascii=False)
            assert MARKER in shown, "the person's words are shown"
        except AssertionError as error:
            failed[name] = str(error).splitlines()[0]
    assert not failed, failed


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_each_fragment_alone(name: str) -> None:
    # One test per builder, every fragment in it (2,190 test items cost more in pytest's
    # bookkeeping than in the builders); each fragment that fails is named.
    failed: dict[str, str] = {}
    for fragment in FRAGMENTS:
        text = f"{MARKER} {fragment}"
        try:
            assert_safe(BUILDERS[name](text, text))
        except AssertionError as error:
            failed[fragment] = str(error).splitlines()[0]
    assert not failed, failed


@pytest.mark.parametrize(
    "slack_id", ["U1> <!channel", "<!here>", "C1><http://evil.example|x", "U0ABC|anna", ""]
)
def test_ids_that_are_not_ids_are_shown_as_text(slack_id: str) -> None:
    post = deviation.build_deviation_post(
        program_name="Pilot", field=ProgramField.DATES, reason="Why.", requested_by=slack_id
    )
    recorded = deviation.build_deviation_recorded(
        program_name="Pilot", field=ProgramField.DATES, channel_id=slack_id
    )
    owners = owner.build_owner_list("Pilot", owners=[slack_id], budget_owner=slack_id)
    for reply in (post, recorded, owners):
        for text in mrkdwn_texts({"text": reply.text, "blocks": reply.blocks}):
            assert not foreign_markup(text, ids=()), text
