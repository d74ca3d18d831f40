"""Losing a race to an identical request is not an error.

Handlers check for duplicates before they write ("already owned it", "there's already a pod
called…"), but two identical requests can both pass the check; the database's unique
constraint then keeps one row and the loser's flush or commit raises IntegrityError. Running
the loser's unit of work once more lets it see the winner's row and answer exactly as its
duplicate check answers.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from sqlalchemy.exc import IntegrityError

logger = logging.getLogger("emcoach.conflicts")

_P = ParamSpec("_P")
_T = TypeVar("_T")


# A unit of work that writes under several unique constraints can lose once per constraint
# to different winners; each rerun sees every row they committed. More than this is a bug.
_ATTEMPTS = 3


def once_more_on_conflict(work: Callable[_P, _T]) -> Callable[_P, _T]:
    """``work`` run again when it lost a unique-constraint race (up to ``_ATTEMPTS`` runs).

    ``work`` must do its database writes in one unit of work that rolls back on error and its
    Slack calls only after that commits (the handlers' rule), so a lost run left nothing
    behind. For a Bolt listener, wrap the ``partial`` (Bolt finds the argument names by
    unwrapping to it).
    """

    @functools.wraps(work)
    def retried(*args: _P.args, **kwargs: _P.kwargs) -> _T:
        for _ in range(_ATTEMPTS - 1):
            try:
                return work(*args, **kwargs)
            except IntegrityError as conflict:
                logger.info("lost a race to an identical request; answering again: %s", conflict)
        return work(*args, **kwargs)

    return retried
