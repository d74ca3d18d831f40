"""How long a session rating may be corrected: a misclick or a second thought, not a rewrite."""

from __future__ import annotations

from datetime import datetime, timedelta

# From when the rating was first sent; a correction does not extend it.
CORRECTION_WINDOW = timedelta(days=7)


def correctable_until(rated_at: datetime) -> datetime:
    return rated_at + CORRECTION_WINDOW


def may_correct(*, rated_at: datetime, now: datetime) -> bool:
    return now < correctable_until(rated_at)
