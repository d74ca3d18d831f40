"""Each person's App Home: what it shows (one part per role they hold in each program, within
the privacy rules), and keeping it current for everyone who has opened it.

Privacy (PRODUCT "Privacy and permissions") is decided here, by what is read for whom: a
leader's part reads only the ratings they gave; a coach's only their own pods; a manager's only
whether the 360s about their reports were sent — never a score; nobody's part reads a survey
answer, and a round's response count below the anonymity threshold is not shown at all.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from bot.blocks.homes import build_home
from bot.blocks.homes.data import (
    BudgetPart,
    CoachPart,
    CoachSession,
    CostSoFar,
    DeviationLine,
    Home,
    LeaderPart,
    LoggedAnswer,
    ManagedLeader,
    ManagerPart,
    OwnerPart,
    PodHealth,
    ProgramHeading,
    Publication,
    RatingPoint,
    SurveyRate,
    ThreeSixtyStatus,
)
from bot.domain.analysis import Instrument, default_instrument
from bot.domain.cadence import (
    ONE_ON_ONE_LENGTH,
    POD_SESSION_LENGTH,
    AgendaKind,
    AgendaState,
    SessionKind,
)
from bot.domain.cost import (
    DEPARTURE_COST,
    DEPARTURE_COST_WHY,
    CostModel,
    MoneyRange,
    break_even_sentence,
    estimate,
)
from bot.domain.errors import DomainError
from bot.domain.localtime import local_date
from bot.domain.metrics import get_metric
from bot.domain.mrkdwn import user_mention
from bot.domain.program_rules import ProgramState
from bot.domain.roles import Role
from bot.domain.timeline import MIDPOINT_MONTH, Timeline, add_months
from bot.engine.people import cached_zones
from bot.flows.status import sprint_status
from storage import home as homes
from storage.db import session_scope
from storage.deviations import deviations_of
from storage.models import AgendaRow, Program
from storage.programs import program_by_id
from storage.setup_state import criteria_of, metrics_of, self_approved

logger = logging.getLogger("emcoach.home")

# Who may use which commands, as help lines: the router's help, for the person's roles.
CommandsFor = Callable[[frozenset[Role]], Sequence[str]]
# Sends a view to a person's Home tab; False when Slack refused (the next change retries).
PublishHome = Callable[[str, dict[str, Any]], bool]

RATING_LOOKBACK = timedelta(days=14)  # a coach sees ratings still owed for this long
_RATED_KINDS = {
    AgendaKind.ONE_ON_ONE_POST.value: "1:1",
    AgendaKind.POD_POST.value: "pod session",
    AgendaKind.THREE_SIXTY.value: "360 (your self-efficacy)",
}


# --- keeping homes current ---------------------------------------------------------------------


def digest_of(view: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(view, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class BuiltHome:
    user_id: str
    view: dict[str, Any]
    commands: tuple[str, ...]

    @property
    def digest(self) -> str:
        return digest_of(self.view)


def _build(
    session: Session, *, team_id: str, user_id: str, now: datetime, commands_for: CommandsFor
) -> BuiltHome:
    home = home_for(session, team_id=team_id, user_id=user_id, now=now, commands_for=commands_for)
    return BuiltHome(user_id=user_id, view=build_home(home), commands=home.commands)


def open_home(
    engine: Engine, *, team_id: str, user_id: str, now: datetime, commands_for: CommandsFor
) -> BuiltHome:
    """The person opened their Home tab: remember it (their home is kept current from now on)
    and build what it shows."""
    with session_scope(engine) as session:
        homes.mark_opened(session, team_id=team_id, user_id=user_id, now=now)
        return _build(session, team_id=team_id, user_id=user_id, now=now, commands_for=commands_for)


def forgotten_home(*, user_id: str, now: datetime, commands_for: CommandsFor) -> BuiltHome:
    """The home of someone emcoach has just forgotten: a newcomer's, built from no data and
    not recorded (recording it would remember them again)."""
    home = Home(user_id=user_id, zone="UTC", now=now, commands=tuple(commands_for(frozenset())))
    return BuiltHome(user_id=user_id, view=build_home(home), commands=home.commands)


def record_published(
    engine: Engine, *, team_id: str, homes_sent: Sequence[BuiltHome], now: datetime
) -> list[str]:
    """Remember what was published; returns the people forgotten since their home was built
    (``homes.record_published``), whose Home tab now shows what emcoach no longer holds."""
    with session_scope(engine) as session:
        return [
            built.user_id
            for built in homes_sent
            if not homes.record_published(
                session,
                team_id=team_id,
                user_id=built.user_id,
                digest=built.digest,
                commands=built.commands,
                now=now,
            )
        ]


def published(
    engine: Engine,
    *,
    team_id: str,
    homes_sent: Sequence[BuiltHome],
    now: datetime,
    publish: PublishHome,
    commands_for: CommandsFor | None,
) -> None:
    """``record_published``, and a newcomer's home over the one just published to anyone
    forgotten while it was built (a refresh that raced their forget-me)."""
    for user_id in record_published(engine, team_id=team_id, homes_sent=homes_sent, now=now):
        home = forgotten_home(user_id=user_id, now=now, commands_for=commands_for or _listed(()))
        publish(user_id, home.view)


def refresh_homes(
    engine: Engine,
    *,
    team_id: str,
    people: Collection[str],
    now: datetime,
    publish: PublishHome,
    commands_for: CommandsFor | None = None,
) -> int:
    """Publish again the homes of ``people`` who have opened theirs and whose home now reads
    differently. Reads in one unit of work, calls Slack with none open, records after; never
    inside the caller's transaction. ``commands_for`` None (the clock, which has no command
    registry): each home lists the commands it listed last time. Returns how many were sent."""
    return _refresh(
        engine,
        team_id=team_id,
        openers=lambda session: homes.openers(session, team_id=team_id, user_ids=set(people)),
        now=now,
        publish=publish,
        commands_for=commands_for,
    )


def _refresh(
    engine: Engine,
    *,
    team_id: str,
    openers: Callable[[Session], list[homes.Opener]],
    now: datetime,
    publish: PublishHome,
    commands_for: CommandsFor | None,
) -> int:
    with session_scope(engine) as session:
        changed = []
        for opener in openers(session):
            built = _build(
                session,
                team_id=team_id,
                user_id=opener.user_id,
                now=now,
                commands_for=commands_for or _listed(opener.commands),
            )
            if built.digest != opener.digest:
                changed.append(built)
    sent = [built for built in changed if publish(built.user_id, built.view)]
    if sent:
        published(
            engine,
            team_id=team_id,
            homes_sent=sent,
            now=now,
            publish=publish,
            commands_for=commands_for,
        )
    return len(sent)


def _listed(lines: Sequence[str]) -> CommandsFor:
    return lambda _roles: lines


def refresh_program_homes(
    engine: Engine,
    *,
    since: datetime,
    now: datetime,
    publish_for: Callable[[str], PublishHome | None],
) -> int:
    """The clock's side: homes in programs with a prompt or post sent since ``since`` (a
    checkpoint post, a settled commit, a 1:1 now waiting for its log). ``publish_for(team)``
    is None for a workspace that cannot be reached now."""
    with session_scope(engine) as session:
        teams: dict[str, set[str]] = {}
        for program_id in sorted(homes.programs_sent_since(session, since=since)):
            program = program_by_id(session, program_id=program_id)
            if program is not None:
                people = homes.people_of(session, program_ids=[program_id])
                teams.setdefault(program.team_id, set()).update(people)
    total = 0
    for team_id, people in sorted(teams.items()):
        publish = publish_for(team_id)
        if publish is not None:
            total += refresh_homes(engine, team_id=team_id, people=people, now=now, publish=publish)
    return total


# --- what one home shows -----------------------------------------------------------------------


def home_for(
    session: Session, *, team_id: str, user_id: str, now: datetime, commands_for: CommandsFor
) -> Home:
    programs = homes.roles_by_program(session, team_id=team_id, user_id=user_id)
    all_roles = frozenset(role for _, roles in programs for role in roles)
    fallback = programs[0][0].timezone if programs else "UTC"
    zone = cached_zones(session, team_id=team_id, user_ids=[user_id]).get(user_id) or fallback
    parts: dict[Role, list[Any]] = {role: [] for role in Role}
    for program, roles in programs:
        heading = _heading(program)
        if Role.OWNER in roles:
            parts[Role.OWNER].append(_owner_part(session, program, heading, now=now))
        if Role.BUDGET_OWNER in roles:
            parts[Role.BUDGET_OWNER].append(_budget_part(session, program, heading, now=now))
        if Role.COACH in roles:
            parts[Role.COACH].append(
                _coach_part(session, program, heading, coach_id=user_id, zone=zone, now=now)
            )
        if Role.LEADER in roles:
            leader = _leader_part(session, program, heading, user_id=user_id, zone=zone, now=now)
            if leader is not None:
                parts[Role.LEADER].append(leader)
        if Role.MANAGER in roles:
            parts[Role.MANAGER].append(_manager_part(session, program, heading, user_id=user_id))
    return Home(
        user_id=user_id,
        zone=zone,
        now=now,
        owner=tuple(parts[Role.OWNER]),
        budget=tuple(parts[Role.BUDGET_OWNER]),
        coach=tuple(parts[Role.COACH]),
        leader=tuple(parts[Role.LEADER]),
        manager=tuple(parts[Role.MANAGER]),
        commands=tuple(commands_for(all_roles)),
    )


def _timeline(program: Program) -> Timeline | None:
    if program.kickoff_date is None:
        return None
    return Timeline(kickoff=program.kickoff_date, months=program.months)


def _heading(program: Program) -> ProgramHeading:
    assert program.id is not None
    timeline = _timeline(program)
    return ProgramHeading(
        program_id=program.id,
        name=program.name,
        state=program.status,
        kickoff=program.kickoff_date,
        months=program.months,
        checkpoints=(timeline.midpoint, timeline.evaluation) if timeline else (),
    )


def _month_of(program: Program, occasion: date) -> int:
    timeline = _timeline(program)
    return MIDPOINT_MONTH if timeline and occasion == timeline.midpoint else program.months


def _published(session: Session, program: Program) -> tuple[Publication, ...]:
    assert program.id is not None
    return tuple(
        Publication(
            occasion=row.occasion, month=_month_of(program, row.occasion), channel_id=row.channel_id
        )
        for row in homes.posted(
            session, program_id=program.id, kind=AgendaKind.CHECKPOINT_PUBLISH.value
        )
    )


def _running(program: Program) -> bool:
    return program.committed_at is not None and program.status is not ProgramState.COMMITTING


# --- owner -------------------------------------------------------------------------------------


def _owner_part(
    session: Session, program: Program, heading: ProgramHeading, *, now: datetime
) -> OwnerPart:
    assert program.id is not None
    if not _running(program):
        return OwnerPart(program=heading, sprint=sprint_status(session, program, now=now))
    today = local_date(now, program.timezone)
    cohort = homes.cohort_of(session, program_id=program.id)
    attendance = homes.attendance_by_leader(session, program_id=program.id, today=today)
    pods: dict[str, dict[str, int]] = {}
    for leader in cohort:
        counts = pods.setdefault(
            leader.pod_name, dict.fromkeys(("held", "not_held", "skipped", "not_logged"), 0)
        )
        mine = attendance.get(leader.user_id)
        if mine is not None:
            for key in counts:
                counts[key] += getattr(mine, key)
    published = _published(session, program)
    done = {item.occasion for item in published}
    upcoming = [day for day in heading.checkpoints if day not in done]
    next_checkpoint = upcoming[0] if upcoming else None
    month = _month_of(program, next_checkpoint) if next_checkpoint else None
    return OwnerPart(
        program=heading,
        sprint=None,
        pods=tuple(PodHealth(pod_name=name, **counts) for name, counts in pods.items()),
        surveys=tuple(
            SurveyRate(occasion=item.occasion, asked=item.asked, answered=item.answered)
            for item in homes.survey_rounds(session, program_id=program.id)
        ),
        threshold=program.anonymity_threshold,
        next_checkpoint=next_checkpoint,
        next_checkpoint_month=month,
        missing=_missing_values(session, program, cohort, month=month) if month else (),
        deviations=tuple(
            DeviationLine(
                on=local_date(item.created_at, program.timezone),
                field=item.field,
                reason=item.reason,
            )
            for item in deviations_of(session, program_id=program.id)
        ),
        published=published,
    )


def _missing_values(
    session: Session, program: Program, cohort: Sequence[homes.CohortLeader], *, month: int
) -> tuple[str, ...]:
    """The leader values the checkpoint still lacks: one per criterion entered per leader
    (surveys are answered, not entered), for leaders still in the program."""
    assert program.id is not None
    entered = homes.entered_values(session, program_id=program.id, month=month)
    missing = []
    for criterion in criteria_of(session, program_id=program.id):
        metric = get_metric(criterion.metric_id)
        instrument = (
            Instrument(criterion.instrument) if criterion.instrument else default_instrument(metric)
        )
        if instrument is not Instrument.LEADER_VALUES:
            continue
        missing += [
            f"{metric.short_name} for {user_mention(leader.user_id)}"
            for leader in cohort
            if leader.left_on is None and (criterion.metric_id, leader.leader_id) not in entered
        ]
    return tuple(missing)


# --- budget owner ------------------------------------------------------------------------------


def months_elapsed(kickoff: date | None, today: date, months: int) -> int:
    """Whole months of execution completed by ``today``, at most ``months``."""
    if kickoff is None or today < kickoff:
        return 0
    elapsed = 0
    while elapsed < months and add_months(kickoff, elapsed + 1) <= today:
        elapsed += 1
    return elapsed


def _cost(session: Session, program: Program, *, today: date) -> CostSoFar | None:
    assert program.id is not None
    leaders = len(homes.cohort_of(session, program_id=program.id))
    try:
        model = CostModel(program.coaching_model or "")
        quote = estimate(model, leaders=leaders, months=program.months)
    except (ValueError, DomainError):
        return None  # no model chosen or no leaders yet: nothing to price
    elapsed = months_elapsed(program.kickoff_date, today, program.months)
    share = Decimal(elapsed) / Decimal(program.months)
    total = quote.total
    return CostSoFar(
        model_label=model.profile.label,
        leaders=leaders,
        months=program.months,
        months_elapsed=elapsed,
        planned=total,
        so_far=MoneyRange(low=total.low * share, high=total.high * share),
        departure=DEPARTURE_COST,
        departure_why=DEPARTURE_COST_WHY,
        break_even=break_even_sentence(quote),
    )


def _budget_part(
    session: Session, program: Program, heading: ProgramHeading, *, now: datetime
) -> BudgetPart:
    assert program.id is not None
    zone = program.timezone
    return BudgetPart(
        program=heading,
        criteria=tuple(metric.name for metric in metrics_of(session, program_id=program.id)),
        signoff_requested=(
            local_date(program.signoff_requested_at, zone)
            if program.signoff_requested_at and program.signed_off_at is None
            else None
        ),
        signed_off=local_date(program.signed_off_at, zone) if program.signed_off_at else None,
        self_approved=self_approved(session, program),
        cost=_cost(session, program, today=local_date(now, zone)),
        published=_published(session, program),
    )


# --- coach -------------------------------------------------------------------------------------


def _coach_part(
    session: Session,
    program: Program,
    heading: ProgramHeading,
    *,
    coach_id: str,
    zone: str,
    now: datetime,
) -> CoachPart:
    assert program.id is not None
    today = local_date(now, zone)
    first = today - timedelta(days=today.weekday())
    last = first + timedelta(days=6)
    pods = homes.pods_coached(session, program_id=program.id, coach_id=coach_id)
    pod_ids = {str(pod.id) for pod in pods}
    cohort = [
        leader
        for leader in homes.cohort_of(session, program_id=program.id)
        if str(leader.pod_id) in pod_ids
    ]
    mine = {leader.user_id for leader in cohort}
    week = homes.rows_between(
        session,
        program_id=program.id,
        kinds=[
            AgendaKind.ONE_ON_ONE_LOG.value,
            AgendaKind.POD_POST.value,
            SessionKind.ONE_ON_ONE.value,
        ],
        first=first,
        last=last,
    )
    logs = homes.logged(session, row_ids=[row.id for row in week if row.id is not None])
    sessions = _coach_sessions(
        week,
        logs,
        coach_id=coach_id,
        mine=mine,
        pod_ids=pod_ids,
        names={str(pod.id): pod.name for pod in pods},
    )
    owed = homes.rows_between(
        session,
        program_id=program.id,
        kinds=[AgendaKind.ONE_ON_ONE_LOG.value],
        first=program.kickoff_date or today,
        last=today,
        recipient=coach_id,
    )
    owed_logs = homes.logged(session, row_ids=[row.id for row in owed if row.id is not None])
    rating_rows = [
        row
        for row in homes.rows_between(
            session,
            program_id=program.id,
            kinds=[AgendaKind.ONE_ON_ONE_POST.value, AgendaKind.POD_POST.value],
            first=today - RATING_LOOKBACK,
            last=today,
        )
        if row.recipient in mine and row.state is AgendaState.SENT
    ]
    rated = homes.rated(session, row_ids=[row.id for row in rating_rows if row.id is not None])
    pauses = homes.pauses_from(
        session, leader_ids=[leader.leader_id for leader in cohort], today=today
    )
    by_leader_id = {leader.leader_id: leader.user_id for leader in cohort}
    return CoachPart(
        program=heading,
        pods=tuple(
            (pod.name, tuple(leader.user_id for leader in cohort if leader.pod_id == pod.id))
            for pod in pods
        ),
        week=(first, last),
        sessions=tuple(sessions),
        not_logged=tuple(
            (row.about, row.occasion)
            for row in owed
            if row.state is AgendaState.SENT and row.id not in owed_logs
        ),
        not_rated=tuple(
            (row.recipient, row.occasion) for row in rating_rows if row.id not in rated
        ),
        paused=tuple(
            (by_leader_id[leader_id], pause.start, pause.end)
            for leader_id, pause in sorted(pauses.items(), key=lambda item: item[1].start)
        ),
    )


def _coach_sessions(
    rows: Sequence[AgendaRow],
    logs: dict[int, bool],
    *,
    coach_id: str,
    mine: set[str],
    pod_ids: set[str],
    names: dict[str, str],
) -> list[CoachSession]:
    sessions: list[CoachSession] = []
    pods_seen: set[tuple[str, date]] = set()
    for row in rows:
        if row.kind == AgendaKind.ONE_ON_ONE_LOG and row.recipient == coach_id:
            sessions.append(
                CoachSession(
                    start=row.due_at - ONE_ON_ONE_LENGTH,
                    what="1:1",
                    with_id=row.about,
                    pod_name=None,
                    state=_log_state(row, logs),
                )
            )
        elif row.kind == SessionKind.ONE_ON_ONE and row.about in mine:
            sessions.append(
                CoachSession(
                    start=row.due_at,
                    what="1:1",
                    with_id=row.about,
                    pod_name=None,
                    state="skipped (paused)",
                )
            )
        elif row.kind == AgendaKind.POD_POST and row.about in pod_ids:
            if (row.about, row.occasion) in pods_seen:
                continue
            pods_seen.add((row.about, row.occasion))
            sessions.append(
                CoachSession(
                    start=row.due_at - POD_SESSION_LENGTH,
                    what="pod",
                    with_id=None,
                    pod_name=names.get(row.about),
                    state="coming up" if row.state is AgendaState.PENDING else "done",
                )
            )
    return sorted(sessions, key=lambda item: item.start)


def _log_state(row: AgendaRow, logs: dict[int, bool]) -> str:
    if row.state is AgendaState.PENDING:
        return "coming up"
    if row.state is not AgendaState.SENT:
        return "no log asked (the prompt was missed)"
    held = logs.get(row.id or 0)
    if held is None:
        return "not logged yet"
    return "held" if held else "not held"


# --- leader ------------------------------------------------------------------------------------


def _leader_part(
    session: Session,
    program: Program,
    heading: ProgramHeading,
    *,
    user_id: str,
    zone: str,
    now: datetime,
) -> LeaderPart | None:
    assert program.id is not None
    me = next(
        (
            leader
            for leader in homes.cohort_of(session, program_id=program.id)
            if leader.user_id == user_id
        ),
        None,
    )
    if me is None:
        return None
    today = local_date(now, zone)
    one_on_one = homes.next_row(
        session,
        program_id=program.id,
        kind=AgendaKind.ONE_ON_ONE_POST.value,
        recipient=user_id,
        after=now,
    )
    pod = homes.next_row(
        session, program_id=program.id, kind=AgendaKind.POD_POST.value, recipient=user_id, after=now
    )
    # Only the ratings this leader gave: never another leader's, never their manager's.
    ratings = homes.ratings_by(session, program_id=program.id, rater_id=user_id)
    pause = homes.pauses_from(session, leader_ids=[me.leader_id], today=today).get(me.leader_id)
    return LeaderPart(
        program=heading,
        coach_id=me.coach_id,
        pod_name=me.pod_name,
        next_one_on_one=one_on_one.due_at - ONE_ON_ONE_LENGTH if one_on_one else None,
        next_pod_session=pod.due_at - POD_SESSION_LENGTH if pod else None,
        ratings=tuple(
            RatingPoint(occasion=item.occasion, what=_RATED_KINDS[item.kind], score=item.score)
            for item in ratings
            if item.kind in _RATED_KINDS
        ),
        answers=tuple(
            LoggedAnswer(occasion=item.occasion, decided=item.decided, say_no=item.say_no)
            for item in ratings
            if item.decided or item.say_no
        ),
        three_sixty=_three_sixty(session, program_id=program.id, recipient=user_id, about=user_id),
        paused=(pause.start, pause.end) if pause is not None and pause.start <= today else None,
        pause_planned=(pause.start, pause.end)
        if pause is not None and pause.start > today
        else None,
    )


def _three_sixty(
    session: Session, *, program_id: int, recipient: str, about: str
) -> tuple[ThreeSixtyStatus, ...]:
    return tuple(
        ThreeSixtyStatus(
            occasion=row.occasion,
            sent=row.state is AgendaState.SENT,
            answered=row.answered,
        )
        for row in homes.three_sixties(
            session, program_id=program_id, recipient=recipient, about=about
        )
        if row.state in (AgendaState.PENDING, AgendaState.SENDING, AgendaState.SENT)
    )


# --- manager -----------------------------------------------------------------------------------


def _manager_part(
    session: Session, program: Program, heading: ProgramHeading, *, user_id: str
) -> ManagerPart:
    assert program.id is not None
    reports = [
        leader.user_id
        for leader in homes.cohort_of(session, program_id=program.id)
        if leader.manager_id == user_id
    ]
    return ManagerPart(
        program=heading,
        leaders=tuple(
            ManagedLeader(
                leader_id=leader,
                three_sixty=_three_sixty(
                    session, program_id=program.id, recipient=user_id, about=leader
                ),
            )
            for leader in reports
        ),
    )


def refresh_after_request(
    engine: Engine,
    *,
    team_id: str,
    user_id: str,
    affected: Collection[str],
    now: datetime,
    publish: PublishHome,
    commands_for: CommandsFor,
) -> int:
    """After a person's request: the homes of ``user_id``, of the people in their programs and
    of the people storage noted as ``affected`` beyond them (someone taken out of a program
    would otherwise keep a home showing it) published again where they now read differently.
    A database error is logged, not raised: the request itself is done, and the next one (or
    opening the home) catches up."""

    def openers(session: Session) -> list[homes.Opener]:
        # The person and everyone in the programs they hold a role in: whose home a change by
        # them may alter; of those, the ones who opened theirs, found in one query.
        around = homes.openers_around(session, team_id=team_id, user_id=user_id)
        known = {opener.user_id for opener in around}
        beyond = [user for user in affected if user not in known]
        return around + homes.openers(session, team_id=team_id, user_ids=beyond)

    try:
        return _refresh(
            engine,
            team_id=team_id,
            openers=openers,
            now=now,
            publish=publish,
            commands_for=commands_for,
        )
    except SQLAlchemyError as error:
        logger.warning("App Homes not refreshed after a request: %s", type(error).__name__)
        return 0
