"""A program's month-3 and final checkpoints as its published results stand, and which one
takes values now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session

from bot.blocks.metrics import published_sentence
from bot.domain.localtime import local_date
from bot.domain.timeline import Timeline
from bot.engine.results import checkpoint_month
from storage.checkpoint_values import publications
from storage.models import Program

# The month-3 checkpoint takes values from two weeks before its date: the numbers are pulled
# from the data sources by hand, and the survey and 360 week (7 days before) falls inside.
OPENS_BEFORE = timedelta(days=14)


@dataclass(frozen=True, slots=True, kw_only=True)
class Checkpoint:
    month: int
    occasion: date
    published_at: datetime | None  # when its results post went out; None until then


@dataclass(frozen=True, slots=True, kw_only=True)
class Checkpoints:
    """A program's month-3 and final checkpoints, seen on the program's local ``today``."""

    midpoint: Checkpoint
    final: Checkpoint
    today: date

    @property
    def opens_on(self) -> date:
        return self.midpoint.occasion - OPENS_BEFORE

    @property
    def open(self) -> Checkpoint | None:
        """Month 3 from two weeks before it until it is published (however late), then the
        final one until it is published; None before the first window and after the last."""
        if self.midpoint.published_at is None:
            return self.midpoint if self.today >= self.opens_on else None
        return self.final if self.final.published_at is None else None

    def of_month(self, month: int) -> Checkpoint | None:
        return next((c for c in (self.midpoint, self.final) if c.month == month), None)


def checkpoints_of(session: Session, program: Program, *, now: datetime) -> Checkpoints:
    assert program.id is not None
    assert program.kickoff_date is not None
    timeline = Timeline(kickoff=program.kickoff_date, months=program.months)
    published = publications(session, program_id=program.id)

    def checkpoint(occasion: date) -> Checkpoint:
        return Checkpoint(
            month=checkpoint_month(program, occasion),
            occasion=occasion,
            published_at=published.get(occasion),
        )

    return Checkpoints(
        midpoint=checkpoint(timeline.midpoint),
        final=checkpoint(timeline.evaluation),
        today=local_date(now, program.timezone),
    )


def published_text(checkpoints: Checkpoints, checkpoint: Checkpoint, *, zone: str) -> str:
    """``The month-3 results were published on …; values entered now count for month 6.``"""
    assert checkpoint.published_at is not None
    later = checkpoints.final.month if checkpoint is checkpoints.midpoint else None
    return published_sentence(
        month=checkpoint.month,
        published_on=local_date(checkpoint.published_at, zone),
        next_month=later,
    )
