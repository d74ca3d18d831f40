"""All tables, in one module so Alembic and the drift test see one metadata."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Column, Enum, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.domain.roles import Role
from storage.types import UTCDateTime


class ProgramStatus(enum.StrEnum):
    DRAFT = "draft"
    CRITERIA_SIGNED_OFF = "criteria_signed_off"
    COHORT_READY = "cohort_ready"
    BASELINED = "baselined"
    COMMITTED = "committed"
    MIDPOINT_DONE = "midpoint_done"
    EVALUATED = "evaluated"
    CLOSED = "closed"


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


class Program(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("team_id", "name", name="uq_program_team_name"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(foreign_key="workspace.team_id", index=True, max_length=32)
    name: str = Field(max_length=80)
    status: ProgramStatus = Field(
        default=ProgramStatus.DRAFT, sa_column=_enum_column(ProgramStatus, name="program_status")
    )
    publish_channel_id: str | None = Field(default=None, max_length=32)
    kickoff_date: date | None = None
    months: int = 6
    timezone: str = Field(default="UTC", max_length=64)
    budget_owner_id: str | None = Field(default=None, max_length=32)
    coaching_model: str | None = Field(default=None, max_length=32)
    created_by: str = Field(max_length=32)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


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
