"""All tables, in one module so Alembic and the drift test see one metadata."""

from __future__ import annotations

import enum
from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import Column, Enum, Index, Numeric, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from bot.domain.cadence import AgendaState
from bot.domain.program_rules import ProgramState
from bot.domain.roles import Role
from storage.types import UTCDateTime


def _enum_column(enum_type: type[enum.StrEnum], *, name: str) -> Column[str]:
    # Stored as plain strings with a CHECK-free VARCHAR so adding a value needs no ALTER TYPE.
    return Column(
        Enum(
            enum_type,
            name=name,
            native_enum=False,
            create_constraint=False,
            length=32,
            values_callable=lambda members: [member.value for member in members],
        ),
        nullable=False,
    )


class Workspace(SQLModel, table=True):
    """A Slack workspace (team) emcoach has seen; everything else hangs off its team id."""

    team_id: str = Field(primary_key=True, max_length=32)
    name: str = Field(default="", max_length=255)
    first_seen_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    # Set when Slack says emcoach was removed (app_uninstalled, tokens_revoked, or a call
    # answered token_revoked / account_inactive / invalid_auth): nothing is sent to the
    # workspace until its next request clears it. Its data is kept for the reinstall.
    uninstalled_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class Program(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("team_id", "name", name="uq_program_team_name"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(foreign_key="workspace.team_id", index=True, max_length=32)
    name: str = Field(max_length=80)
    status: ProgramState = Field(
        default=ProgramState.DRAFT, sa_column=_enum_column(ProgramState, name="program_status")
    )
    publish_channel_id: str | None = Field(default=None, max_length=32)
    kickoff_date: date | None = None
    months: int = 6
    timezone: str = Field(default="UTC", max_length=64)
    budget_owner_id: str | None = Field(default=None, max_length=32)
    coaching_model: str | None = Field(default=None, max_length=32)
    created_by: str = Field(max_length=32)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    # Week 0: the eligibility check (comma-separated condition ids) and whether the owner
    # went ahead against the advice.
    eligibility_conditions: str | None = Field(default=None, max_length=255)
    eligibility_override: bool = False
    # Week 2: internal or external coach, as decided with the helper.
    coach_decision: str | None = Field(default=None, max_length=32)
    coach_decided_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    # Week 1: the frozen criteria's hash and the budget owner's sign-off.
    criteria_hash: str | None = Field(default=None, max_length=64)
    signoff_requested_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    signed_off_by: str | None = Field(default=None, max_length=32)
    signed_off_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    anonymity_threshold: int = 3
    # Week 4: the public pre-commitment.
    committed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    commitment_channel_id: str | None = Field(default=None, max_length=32)
    commitment_ts: str | None = Field(default=None, max_length=32)
    # Set by a change to the cohort or its slots after commit; the clock re-plans the agenda.
    agenda_stale: bool = False


class ProgramMember(SQLModel, table=True):
    """A person's role in one program; a person may hold several roles in several programs."""

    __tablename__ = "program_member"
    __table_args__ = (
        UniqueConstraint("program_id", "user_id", "role", name="uq_program_member_role"),
    )

    id: int | None = Field(default=None, primary_key=True)
    program_id: int = Field(foreign_key="program.id", index=True, ondelete="CASCADE")
    user_id: str = Field(index=True, max_length=32)
    role: Role = Field(sa_column=_enum_column(Role, name="member_role"))
    added_by: str = Field(max_length=32)
    added_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class ProcessedEvent(SQLModel, table=True):
    """Events API deliveries already handled: a retry of the same event id has no effect."""

    __tablename__ = "processed_event"

    event_id: str = Field(primary_key=True, max_length=64)
    team_id: str = Field(max_length=32)
    received_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))


class Criterion(SQLModel, table=True):
    """A chosen success criterion with the exact definition that was (or will be) signed off."""

    __table_args__ = (UniqueConstraint("program_id", "metric_id", name="uq_criterion_metric"),)

    id: int | None = Field(default=None, primary_key=True)
    program_id: int = Field(foreign_key="program.id", index=True, ondelete="CASCADE")
    metric_id: str = Field(max_length=32)
    position: int
    definition_json: str = Field(sa_column=Column(Text(), nullable=False))
    # bot.domain.analysis.Instrument; None: the metric's default (emcoach's survey for 1:1
    # quality, entered leader values for the rest).
    instrument: str | None = Field(default=None, max_length=32)


class Pod(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("program_id", "name", name="uq_pod_name"),)

    id: int | None = Field(default=None, primary_key=True)
    program_id: int = Field(foreign_key="program.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=80)
    coach_id: str | None = Field(default=None, max_length=32)
    # The monthly 90-minute session, e.g. first (1) Tuesday (1) 15:00; -1 means "last".
    session_ordinal: int | None = None
    session_weekday: int | None = None
    session_time: time | None = None


class Leader(SQLModel, table=True):
    """A coached EM in a pod, with their manager and weekly 1:1 slot."""

    __table_args__ = (UniqueConstraint("program_id", "user_id", name="uq_leader_program_user"),)

    id: int | None = Field(default=None, primary_key=True)
    program_id: int = Field(foreign_key="program.id", index=True, ondelete="CASCADE")
    pod_id: int = Field(foreign_key="pod.id", index=True, ondelete="CASCADE")
    user_id: str = Field(max_length=32)
    manager_id: str | None = Field(default=None, max_length=32)
    one_on_one_weekday: int | None = None
    one_on_one_time: time | None = None
    added_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    # The last day in the program; no prompt about the leader is due after it.
    left_on: date | None = None


class DirectReport(SQLModel, table=True):
    __tablename__ = "direct_report"
    __table_args__ = (UniqueConstraint("leader_id", "user_id", name="uq_direct_report"),)

    id: int | None = Field(default=None, primary_key=True)
    leader_id: int = Field(foreign_key="leader.id", index=True, ondelete="CASCADE")
    user_id: str = Field(max_length=32)


class Baseline(SQLModel, table=True):
    """The locked starting value of one criterion for one leader, or for a pod (anonymous
    survey scores are baselined per pod)."""

    id: int | None = Field(default=None, primary_key=True)
    program_id: int = Field(foreign_key="program.id", index=True, ondelete="CASCADE")
    metric_id: str = Field(max_length=32)
    leader_id: int | None = Field(default=None, foreign_key="leader.id", ondelete="CASCADE")
    pod_id: int | None = Field(default=None, foreign_key="pod.id", ondelete="CASCADE")
    value: Decimal = Field(sa_column=Column(Numeric(14, 4), nullable=False))
    details: str | None = Field(default=None, max_length=255)
    source: str = Field(max_length=255)
    recorded_by: str = Field(max_length=32)
    recorded_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class Deviation(SQLModel, table=True):
    """A change to a locked field after commit, posted publicly with its reason first.

    The post is an agenda row (``agenda_id``), recorded with the deviation before it is sent
    and reconciled like every other post; the deviation allows its one change only once that
    row is sent. Rows from before that (``agenda_id`` empty) carry the post's channel and ts.
    """

    __table_args__ = (
        # One deviation per Slack request: a retried, replayed or double-clicked command
        # finds the first one instead of posting again.
        UniqueConstraint("program_id", "request_key", name="uq_deviation_request"),
    )

    id: int | None = Field(default=None, primary_key=True)
    program_id: int = Field(foreign_key="program.id", index=True, ondelete="CASCADE")
    field: str = Field(max_length=32)
    reason: str = Field(sa_column=Column(Text(), nullable=False))
    requested_by: str = Field(max_length=32)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    channel_id: str | None = Field(default=None, max_length=32)
    ts: str | None = Field(default=None, max_length=32)
    used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    request_key: str | None = Field(default=None, max_length=64)
    # What the change it allowed did, old → new: [{"what", "old", "new"}] as JSON.
    change_json: str | None = Field(default=None, sa_column=Column(Text()))
    agenda_id: int | None = Field(
        default=None, foreign_key="agenda_item.id", ondelete="SET NULL", unique=True
    )


class LeaderPause(SQLModel, table=True):
    """A leader away (e.g. on vacation): sessions inside are "skipped", never "missed"."""

    __tablename__ = "leader_pause"

    id: int | None = Field(default=None, primary_key=True)
    leader_id: int = Field(foreign_key="leader.id", index=True, ondelete="CASCADE")
    start: date
    end: date
    reason: str | None = Field(default=None, max_length=255)
    created_by: str = Field(max_length=32)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class Person(SQLModel, table=True):
    """What Slack says about a person, cached: their time zone drives every local wall time."""

    team_id: str = Field(primary_key=True, max_length=32)
    user_id: str = Field(primary_key=True, max_length=32)
    timezone: str | None = Field(default=None, max_length=64)
    deleted: bool = False
    refreshed_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class AgendaRow(SQLModel, table=True):
    """One prompt of a running program: the database owns the agenda, APScheduler the clock."""

    __tablename__ = "agenda_item"
    __table_args__ = (
        UniqueConstraint("program_id", "key", name="uq_agenda_program_key"),
        # The dispatch tick reads only due pending rows: its cost follows them, not programs.
        Index("ix_agenda_state_due", "state", "due_at"),
        # Reconciliation reads only rows left "sending"; a partial index keeps that lookup
        # tiny even where statistics would make the planner scan (SQLite after ANALYZE).
        Index(
            "ix_agenda_sending",
            "claimed_at",
            sqlite_where=text("state = 'sending'"),
            postgresql_where=text("state = 'sending'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    program_id: int = Field(foreign_key="program.id", index=True, ondelete="CASCADE")
    key: str = Field(max_length=200)
    kind: str = Field(max_length=32)
    recipient: str = Field(max_length=32)
    about: str = Field(max_length=80)
    occasion: date
    due_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    state: AgendaState = Field(
        default=AgendaState.PENDING, sa_column=_enum_column(AgendaState, name="agenda_state")
    )
    attempts: int = 0
    not_before: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    last_error: str | None = Field(default=None, max_length=255)
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    # The first time any worker claimed the row to send it; never reset. Reconciliation
    # searches the channel's history from here, so a message that landed on the first try is
    # found however many checks failed or how late they came (issue #8, item 8).
    first_claimed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    channel_id: str | None = Field(default=None, max_length=32)
    ts: str | None = Field(default=None, max_length=32)
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class SessionLog(SQLModel, table=True):
    """The coach's answer to "did the 1:1 happen?" (one per ONE_ON_ONE_LOG agenda row)."""

    __tablename__ = "session_log"

    id: int | None = Field(default=None, primary_key=True)
    agenda_id: int = Field(foreign_key="agenda_item.id", unique=True, ondelete="CASCADE")
    held: bool
    logged_by: str = Field(max_length=32)
    logged_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class Rating(SQLModel, table=True):
    """A named answer: a leader rating a 1:1 or pod session, or a 360 rating (the manager on
    the leader's effectiveness, the leader on their own self-efficacy). One per agenda row."""

    id: int | None = Field(default=None, primary_key=True)
    agenda_id: int = Field(foreign_key="agenda_item.id", unique=True, ondelete="CASCADE")
    program_id: int = Field(foreign_key="program.id", index=True, ondelete="CASCADE")
    rater_id: str = Field(max_length=32)
    about_id: str = Field(max_length=80)
    score: int  # 1..5 on the agree scale
    decided: str | None = Field(default=None, sa_column=Column(Text()))
    say_no: str | None = Field(default=None, sa_column=Column(Text()))
    rated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class SurveyAnswer(SQLModel, table=True):
    """An anonymous direct-report answer: no user id, no agenda row, no timestamp finer than
    the day — nothing that links it back to who answered (PRODUCT "Privacy")."""

    __tablename__ = "survey_answer"

    id: int | None = Field(default=None, primary_key=True)
    program_id: int = Field(foreign_key="program.id", index=True, ondelete="CASCADE")
    leader_id: str = Field(max_length=32)  # whose 1:1s the answer is about
    occasion: date  # the survey round (baseline, month 3, final)
    score: int


class SurveyResponse(SQLModel, table=True):
    """Who has answered a survey round, kept apart from what they answered: needed so
    reminders go to non-responders, and so a person answers once per round — a report of two
    leaders included — which makes the count of answers the count of people."""

    __tablename__ = "survey_response"
    __table_args__ = (
        UniqueConstraint("program_id", "occasion", "respondent", name="uq_survey_response_person"),
    )

    id: int | None = Field(default=None, primary_key=True)
    agenda_id: int = Field(foreign_key="agenda_item.id", unique=True, ondelete="CASCADE")
    responded_on: date
    program_id: int = Field(foreign_key="program.id", ondelete="CASCADE")
    occasion: date  # the round
    # None only for a second response to one round recorded before 0009 enforced one a person.
    respondent: str | None = Field(default=None, max_length=32)


class SurveyRound(SQLModel, table=True):
    """One survey round of a program. Closed (``closed_at``) when its results are first taken
    — the owners' preview, or the post if no preview went out — and never reopened: an answer
    takes this row's lock and is refused once it is closed, so every figure shown from the
    round is the same figure. ``respondents`` is the number of people counted at the close."""

    __tablename__ = "survey_round"
    __table_args__ = (UniqueConstraint("program_id", "occasion", name="uq_survey_round"),)

    id: int | None = Field(default=None, primary_key=True)
    program_id: int = Field(foreign_key="program.id", index=True, ondelete="CASCADE")
    occasion: date
    closed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    respondents: int | None = None


class CheckpointValue(SQLModel, table=True):
    """A criterion's value at a checkpoint, entered by an owner for one leader (DORA,
    retention) or, for a criterion on the company's own survey, for one pod; emcoach's
    survey comes from SurveyAnswer instead."""

    __tablename__ = "checkpoint_value"
    __table_args__ = (
        UniqueConstraint(
            "program_id", "metric_id", "leader_id", "month", name="uq_checkpoint_value"
        ),
        UniqueConstraint(
            "program_id", "metric_id", "pod_id", "month", name="uq_checkpoint_pod_value"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    program_id: int = Field(foreign_key="program.id", index=True, ondelete="CASCADE")
    metric_id: str = Field(max_length=32)
    leader_id: int | None = Field(default=None, foreign_key="leader.id", ondelete="CASCADE")
    pod_id: int | None = Field(default=None, foreign_key="pod.id", ondelete="CASCADE")
    month: int
    value: Decimal = Field(sa_column=Column(Numeric(14, 4), nullable=False))
    details: str | None = Field(default=None, max_length=255)
    source: str = Field(max_length=255)
    recorded_by: str = Field(max_length=32)
    recorded_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class Adjustment(SQLModel, table=True):
    """The mid-program decision after the month-3 results: continue, change the cadence or
    change the coach, with a note (PRODUCT "Checkpoints")."""

    id: int | None = Field(default=None, primary_key=True)
    program_id: int = Field(foreign_key="program.id", index=True, ondelete="CASCADE")
    decision: str = Field(max_length=16)  # continue | cadence | coach
    note: str = Field(sa_column=Column(Text(), nullable=False))
    decided_by: str = Field(max_length=32)
    decided_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class LockedBaseline(SQLModel, table=True):
    """A criterion's baseline as the pre-commitment printed it: pooled over the cohort, with
    its n and instrument. Written in the unit of work that begins the commit and part of the
    hashed record; every later post prints this figure, so a baseline never moves."""

    __tablename__ = "locked_baseline"
    __table_args__ = (UniqueConstraint("program_id", "metric_id", name="uq_locked_baseline"),)

    id: int | None = Field(default=None, primary_key=True)
    program_id: int = Field(foreign_key="program.id", index=True, ondelete="CASCADE")
    metric_id: str = Field(max_length=32)
    figure: Decimal | None = Field(default=None, sa_column=Column(Numeric(14, 4)))
    n: int
    instrument: str = Field(max_length=32)
    locked_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class Heartbeat(SQLModel, table=True):
    """A scheduler process's last completed dispatch tick (``emcoach health`` reads it) and what
    it has dispatched since it started (``/metrics`` in ``emcoach serve`` reads it)."""

    process: str = Field(primary_key=True, max_length=128)  # e.g. "clock:host:pid"
    kind: str = Field(index=True, max_length=16)  # "clock" or "run"
    started_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    beat_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    # DispatchTotals as JSON (bot/metrics.py).
    stats: str | None = Field(default=None, sa_column=Column(Text()))


class HomeView(SQLModel, table=True):
    """A person who has opened emcoach's App Home. Only their home is published again when
    something they see changes; ``digest`` (SHA-256 of the view last published) makes a
    refresh that would show the same thing cost no Slack call."""

    __tablename__ = "home_view"

    team_id: str = Field(primary_key=True, max_length=32)
    user_id: str = Field(primary_key=True, max_length=32)
    opened_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    digest: str | None = Field(default=None, max_length=64)
    published_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    # The help lines the home last listed (JSON): the clock, which has no command registry,
    # rebuilds a home with them after a post it sent.
    commands_json: str | None = Field(default=None, sa_column=Column(Text()))
