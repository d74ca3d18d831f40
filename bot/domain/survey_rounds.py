"""Survey rounds as rules: when a round closes, and what figure it may show.

PRODUCT "Privacy": the anonymity threshold counts distinct people, not answers, and a survey
round closes before its preview, so no two figures shown to anyone can be differenced into one
answer. The product behaviour, decided here:

* A person answers once a round. A report listed under two leaders gets a survey about each
  (the statement is about one manager's 1:1s), and the first one they answer is their answer
  for the round; the other then says so. So the answers of a round are one a person, and
  "n responses" is n people in every figure — the pooled one included — without ever linking
  an answer to a person.
* A round closes when its results are first taken: the owners' preview two business days
  before the checkpoint (the earliest, for owners in several zones), or the post if no
  preview is planned; the baseline round when the program starts. An answer after the close
  is not recorded, and the person is told so. Preview and post show the same closed round.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Final

_PLACES: Final = Decimal("0.01")


def round_closes_at(*, results_taken: Iterable[datetime], start: datetime) -> datetime:
    """The first time the round's results are taken; ``start`` (the program's start) for a
    round no checkpoint takes — the baseline."""
    return min(results_taken, default=start)


@dataclass(frozen=True, slots=True)
class RoundFigure:
    """A round's pooled figure: ``mean`` is None when too few people answered to show it."""

    mean: Decimal | None
    people: int


def round_figure(scores: Sequence[int], *, people: int, threshold: int) -> RoundFigure:
    """The mean of the round's answers, shown only when at least ``threshold`` different
    people answered — people, never a count of answers."""
    if people < threshold or not scores:
        return RoundFigure(mean=None, people=people)
    total = Decimal(sum(scores)) / len(scores)
    return RoundFigure(mean=total.quantize(_PLACES), people=people)
