"""What the App Homes read: who opened theirs, and the per-role facts each home shows.

Every query is scoped to one program (or one workspace) and returns plain rows; the flow
(bot/flows/home.py) decides who may see what.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, bindparam, or_
from sqlmodel import Session, col, func, select

from bot.domain.cadence import AgendaKind, AgendaState, SessionKind
from bot.domain.roles import Role
from storage.models import (
    AgendaRow,
    CheckpointValue,
    HomeView,
    Leader,
    LeaderPause,
    Pod,
    Program,
    ProgramMember,
    Rating,
    SessionLog,
    SurveyResponse,
)

# --- who has a home ----------------------------------------------------------------------------


def mark_opened(session: Session, *, team_id: str, user_id: str, now: datetime) -> None:
    """Remember that ``user_id`` has opened their home (from now on it is kept current)."""
    if session.get(HomeView, (team_id, user_id)) is None:
        session.add(HomeView(team_id=team_id, user_id=user_id, opened_at=now))
        session.flush()


@dataclass(frozen=True, slots=True)
class Opener:
    user_id: str
    digest: str | None  # of the view last published
    commands: tuple[str, ...]  # the help lines it listed


def openers(session: Session, *, team_id: str, user_ids: Collection[str]) -> list[Opener]:
    """Of ``user_ids``, those who have opened their home."""
    if not user_ids:
        return []
    rows = session.exec(
        select(HomeView)
        .where(HomeView.team_id == team_id, col(HomeView.user_id).in_(list(user_ids)))
        .order_by(col(HomeView.user_id))
    )
    return [_opener(row) for row in rows]


def _opener(row: HomeView) -> Opener:
    return Opener(
        user_id=row.user_id,
        digest=row.digest,
        commands=tuple(json.loads(row.commands_json)) if row.commands_json else (),
    )


# Built once: it runs after every request that wrote (bot/flows/home.py refresh_after_request).
_MY_PROGRAMS = (
    select(ProgramMember.program_id)
    .join(Program, col(Program.id) == col(ProgramMember.program_id))
    .where(Program.team_id == bindparam("team_id"), ProgramMember.user_id == bindparam("user_id"))
)
_PEOPLE_AROUND = select(ProgramMember.user_id).where(
    col(ProgramMember.program_id).in_(_MY_PROGRAMS)
)
_OPENERS_AROUND = (
    select(HomeView)
    .where(
        HomeView.team_id == bindparam("team_id"),
        or_(
            col(HomeView.user_id) == bindparam("user_id"),
            col(HomeView.user_id).in_(_PEOPLE_AROUND),
        ),
    )
    .order_by(col(HomeView.user_id))
)


def openers_around(session: Session, *, team_id: str, user_id: str) -> list[Opener]:
    """``openers`` of ``user_id`` and everyone in the workspace's programs they hold a role in
    (``roles_by_program`` then ``people_of``), in one query."""
    rows = session.exec(_OPENERS_AROUND, params={"team_id": team_id, "user_id": user_id})
    return [_opener(row) for row in rows]


def record_published(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    digest: str,
    commands: Sequence[str],
    now: datetime,
) -> bool:
    """What was published to someone who opened their home. False when their row has gone
    meanwhile (they asked to be forgotten): it is not made again, only ``mark_opened`` makes
    one, so a refresh that raced the forgetting never remembers them."""
    row = session.get(HomeView, (team_id, user_id))
    if row is None:
        return False
    row.digest, row.published_at, row.commands_json = digest, now, json.dumps(list(commands))
    session.add(row)
    session.flush()
    return True


# --- who is in which program -------------------------------------------------------------------


def roles_by_program(
    session: Session, *, team_id: str, user_id: str
) -> list[tuple[Program, set[Role]]]:
    """Each program of the workspace ``user_id`` holds a role in, with those roles, by name."""
    rows = session.exec(
        select(Program, ProgramMember.role)
        .join(ProgramMember, col(Program.id) == col(ProgramMember.program_id))
        .where(Program.team_id == team_id, ProgramMember.user_id == user_id)
        .order_by(col(Program.name))
    ).all()
    found: dict[int, tuple[Program, set[Role]]] = {}
    for program, role in rows:
        assert program.id is not None
        found.setdefault(program.id, (program, set()))[1].add(Role(role))
    return list(found.values())


def people_of(session: Session, *, program_ids: Collection[int]) -> set[str]:
    """Everyone holding a role in any of the programs."""
    if not program_ids:
        return set()
    rows = session.exec(
        select(ProgramMember.user_id).where(col(ProgramMember.program_id).in_(program_ids))
    ).all()
    return set(rows)


def programs_sent_since(session: Session, *, since: datetime) -> set[int]:
    """Programs with a prompt or post sent since ``since``: their people's homes may read
    differently now (a checkpoint post, a 1:1 that became "not logged yet")."""
    rows = session.exec(
        select(AgendaRow.program_id).where(col(AgendaRow.sent_at) >= since).distinct()
    ).all()
    return set(rows)


# --- the cohort --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CohortLeader:
    leader_id: int
    user_id: str
    pod_id: int
    pod_name: str
    coach_id: str | None
    manager_id: str | None
    left_on: date | None


def cohort_of(session: Session, *, program_id: int) -> list[CohortLeader]:
    rows = session.exec(
        select(Leader, Pod)
        .join(Pod, col(Pod.id) == col(Leader.pod_id))
        .where(Leader.program_id == program_id)
        .order_by(col(Pod.name), col(Leader.id))
    ).all()
    return [
        CohortLeader(
            leader_id=leader.id or 0,
            user_id=leader.user_id,
            pod_id=pod.id or 0,
            pod_name=pod.name,
            coach_id=pod.coach_id,
            manager_id=leader.manager_id,
            left_on=leader.left_on,
        )
        for leader, pod in rows
    ]


def pods_coached(session: Session, *, program_id: int, coach_id: str) -> list[Pod]:
    statement = (
        select(Pod)
        .where(Pod.program_id == program_id, Pod.coach_id == coach_id)
        .order_by(col(Pod.name))
    )
    return list(session.exec(statement).all())


def pauses_from(
    session: Session, *, leader_ids: Collection[int], today: date
) -> dict[int, LeaderPause]:
    """Per leader, the pause that covers ``today`` or else the next one to start."""
    if not leader_ids:
        return {}
    found: dict[int, LeaderPause] = {}
    statement = (
        select(LeaderPause)
        .where(col(LeaderPause.leader_id).in_(leader_ids), col(LeaderPause.end) >= today)
        .order_by(col(LeaderPause.start))
    )
    for pause in session.exec(statement):
        found.setdefault(pause.leader_id, pause)
    return found


# --- sessions ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Attendance:
    held: int = 0
    not_held: int = 0
    skipped: int = 0
    not_logged: int = 0


def attendance_by_leader(
    session: Session, *, program_id: int, today: date
) -> dict[str, Attendance]:
    """Per leader (user id), their 1:1s up to ``today``: held / not held (the coach's log),
    skipped (paused), and sent logs the coach has not answered yet."""
    logs = session.exec(
        select(AgendaRow.about, SessionLog.held)
        .join(SessionLog, col(SessionLog.agenda_id) == col(AgendaRow.id), isouter=True)
        .where(
            AgendaRow.program_id == program_id,
            AgendaRow.kind == AgendaKind.ONE_ON_ONE_LOG.value,
            AgendaRow.state == AgendaState.SENT,
        )
    ).all()
    counts: dict[str, dict[str, int]] = {}
    for about, held in logs:
        mine = counts.setdefault(about, {})
        key = "not_logged" if held is None else ("held" if held else "not_held")
        mine[key] = mine.get(key, 0) + 1
    skipped = session.exec(
        select(AgendaRow.about, func.count())
        .where(
            AgendaRow.program_id == program_id,
            AgendaRow.kind == SessionKind.ONE_ON_ONE.value,
            AgendaRow.state == AgendaState.SKIPPED,
            col(AgendaRow.occasion) <= today,
        )
        .group_by(col(AgendaRow.about))
    ).all()
    for about, count in skipped:
        counts.setdefault(about, {})["skipped"] = int(count)
    return {about: Attendance(**mine) for about, mine in counts.items()}


def rows_between(
    session: Session,
    *,
    program_id: int,
    kinds: Collection[str],
    first: date,
    last: date,
    recipient: str | None = None,
) -> list[AgendaRow]:
    """Agenda rows of ``kinds`` whose occasion is in ``[first, last]``, by due time."""
    conditions: list[ColumnElement[bool]] = [
        col(AgendaRow.program_id) == program_id,
        col(AgendaRow.kind).in_(list(kinds)),
        col(AgendaRow.occasion) >= first,
        col(AgendaRow.occasion) <= last,
    ]
    if recipient is not None:
        conditions.append(col(AgendaRow.recipient) == recipient)
    statement = (
        select(AgendaRow).where(*conditions).order_by(col(AgendaRow.due_at), col(AgendaRow.id))
    )
    return list(session.exec(statement).all())


def logged(session: Session, *, row_ids: Collection[int]) -> dict[int, bool]:
    """The coach's held / not held answer, by ONE_ON_ONE_LOG row id."""
    if not row_ids:
        return {}
    rows = session.exec(select(SessionLog).where(col(SessionLog.agenda_id).in_(row_ids)))
    return {row.agenda_id: row.held for row in rows}


def rated(session: Session, *, row_ids: Collection[int]) -> set[int]:
    """Which of the rows (a rating prompt each) have their rating."""
    if not row_ids:
        return set()
    rows = session.exec(select(Rating.agenda_id).where(col(Rating.agenda_id).in_(row_ids)))
    return set(rows.all())


def next_row(
    session: Session, *, program_id: int, kind: str, recipient: str, after: datetime
) -> AgendaRow | None:
    """The first pending row of ``kind`` to ``recipient`` due after ``after``."""
    statement = (
        select(AgendaRow)
        .where(
            AgendaRow.program_id == program_id,
            AgendaRow.kind == kind,
            AgendaRow.recipient == recipient,
            AgendaRow.state == AgendaState.PENDING,
            col(AgendaRow.due_at) > after,
        )
        .order_by(col(AgendaRow.due_at), col(AgendaRow.id))
    )
    return session.exec(statement).first()


# --- answers -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OwnRating:
    occasion: date
    kind: str  # the prompt's AgendaKind: ONE_ON_ONE_POST, POD_POST or THREE_SIXTY
    score: int
    decided: str | None
    say_no: str | None


def ratings_by(session: Session, *, program_id: int, rater_id: str) -> list[OwnRating]:
    """The ratings ``rater_id`` gave in the program, oldest first (only ever shown to them)."""
    rows = session.exec(
        select(Rating, col(AgendaRow.kind), col(AgendaRow.occasion))
        .join(AgendaRow, col(AgendaRow.id) == col(Rating.agenda_id))
        .where(Rating.program_id == program_id, Rating.rater_id == rater_id)
        .order_by(col(AgendaRow.occasion), col(Rating.rated_at), col(Rating.id))
    ).all()
    return [
        OwnRating(
            occasion=occasion,
            kind=kind,
            score=rating.score,
            decided=rating.decided,
            say_no=rating.say_no,
        )
        for rating, kind, occasion in rows
    ]


@dataclass(frozen=True, slots=True)
class ThreeSixtyRow:
    occasion: date
    about: str  # the leader
    recipient: str
    due_at: datetime
    state: AgendaState
    answered: bool


def three_sixties(
    session: Session, *, program_id: int, recipient: str, about: str | None = None
) -> list[ThreeSixtyRow]:
    """The 360 invitations to ``recipient`` (about ``about`` if given), with whether each
    was answered — never the answer."""
    conditions = [
        AgendaRow.program_id == program_id,
        AgendaRow.kind == AgendaKind.THREE_SIXTY.value,
        AgendaRow.recipient == recipient,
    ]
    if about is not None:
        conditions.append(AgendaRow.about == about)
    rows = session.exec(
        select(AgendaRow, Rating.id)
        .join(Rating, col(Rating.agenda_id) == col(AgendaRow.id), isouter=True)
        .where(*conditions)
        .order_by(col(AgendaRow.occasion), col(AgendaRow.id))
    ).all()
    return [
        ThreeSixtyRow(
            occasion=row.occasion,
            about=row.about,
            recipient=row.recipient,
            due_at=row.due_at,
            state=row.state,
            answered=rating_id is not None,
        )
        for row, rating_id in rows
    ]


# --- surveys and checkpoints -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RoundCount:
    occasion: date
    asked: int  # people sent the survey
    answered: int  # people who answered (a count; never who, never what)


def survey_rounds(session: Session, *, program_id: int) -> list[RoundCount]:
    """Per round sent so far: how many people were asked and how many answered."""
    asked = session.exec(
        select(col(AgendaRow.occasion), func.count(func.distinct(AgendaRow.recipient)))
        .where(
            AgendaRow.program_id == program_id,
            AgendaRow.kind == AgendaKind.SURVEY.value,
            AgendaRow.state == AgendaState.SENT,
        )
        .group_by(col(AgendaRow.occasion))
        .order_by(col(AgendaRow.occasion))
    ).all()
    answered: dict[date, int] = dict(
        session.exec(
            select(
                col(SurveyResponse.occasion),
                func.count(func.distinct(SurveyResponse.respondent)),
            )
            .where(SurveyResponse.program_id == program_id)
            .group_by(col(SurveyResponse.occasion))
        ).all()
    )
    return [
        RoundCount(occasion=occasion, asked=int(count), answered=int(answered.get(occasion, 0)))
        for occasion, count in asked
    ]


def entered_values(session: Session, *, program_id: int, month: int) -> set[tuple[str, int]]:
    """(metric id, leader row id) pairs with a value entered for checkpoint ``month``."""
    rows = session.exec(
        select(CheckpointValue.metric_id, CheckpointValue.leader_id).where(
            CheckpointValue.program_id == program_id, CheckpointValue.month == month
        )
    ).all()
    return {(metric_id, leader_id) for metric_id, leader_id in rows if leader_id is not None}


@dataclass(frozen=True, slots=True)
class PostedRow:
    occasion: date
    channel_id: str | None
    ts: str | None
    sent_at: datetime | None


def posted(session: Session, *, program_id: int, kind: str) -> list[PostedRow]:
    """The sent rows of ``kind`` (a public post each), oldest first."""
    rows = session.exec(
        select(AgendaRow)
        .where(
            AgendaRow.program_id == program_id,
            AgendaRow.kind == kind,
            AgendaRow.state == AgendaState.SENT,
        )
        .order_by(col(AgendaRow.occasion), col(AgendaRow.id))
    ).all()
    return [
        PostedRow(occasion=row.occasion, channel_id=row.channel_id, ts=row.ts, sent_at=row.sent_at)
        for row in rows
    ]
