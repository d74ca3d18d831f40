"""The baselines the pre-commitment printed, locked: written once, read by every later post."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from sqlalchemy import update
from sqlmodel import Session, col, select

from bot.domain.analysis import Instrument, LockedFigure
from storage.models import LockedBaseline


def lock_figures(
    session: Session, *, program_id: int, figures: Iterable[LockedFigure], now: datetime
) -> None:
    """Record the figures in the caller's unit of work (the one that begins the commit)."""
    for figure in figures:
        session.add(
            LockedBaseline(
                program_id=program_id,
                metric_id=figure.metric_id,
                figure=figure.figure,
                n=figure.n,
                instrument=figure.instrument.value,
                locked_at=now,
            )
        )
    session.flush()


def locked_figures(session: Session, *, program_id: int) -> dict[str, LockedFigure]:
    rows = session.exec(select(LockedBaseline).where(LockedBaseline.program_id == program_id))
    return {
        row.metric_id: LockedFigure(
            metric_id=row.metric_id,
            figure=row.figure,
            n=row.n,
            instrument=Instrument(row.instrument),
        )
        for row in rows
    }


def fill_survey_figure(
    session: Session, *, program_id: int, metric_id: str, figure: Decimal | None, n: int
) -> None:
    """The baseline round's figure, once its round has closed; a figure already there stays."""
    session.exec(
        update(LockedBaseline)
        .where(
            col(LockedBaseline.program_id) == program_id,
            col(LockedBaseline.metric_id) == metric_id,
            col(LockedBaseline.figure).is_(None),
        )
        .values(figure=figure, n=n)
    )


def forget_locked(session: Session, *, program_id: int) -> None:
    """A refused commit unlocks everything, these figures included."""
    for row in session.exec(select(LockedBaseline).where(LockedBaseline.program_id == program_id)):
        session.delete(row)


def relock_figures(
    session: Session,
    *,
    program_id: int,
    figures: Iterable[LockedFigure],
    criteria: Iterable[str],
    now: datetime,
) -> None:
    """After a deviation changed the criteria: ``figures`` replace the locked rows of their
    criteria, and the rows of criteria no longer in ``criteria`` (metric ids) go."""
    replaced = list(figures)
    kept = set(criteria) - {figure.metric_id for figure in replaced}
    for row in session.exec(select(LockedBaseline).where(LockedBaseline.program_id == program_id)):
        if row.metric_id not in kept:
            session.delete(row)
    session.flush()
    lock_figures(session, program_id=program_id, figures=replaced, now=now)
