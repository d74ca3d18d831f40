"""Bounded waits on the database for code that must answer on time (Slack's 3 s, a probe's 2 s).

A database that stops answering (a black-holed connection, a held lock) blocks the calling
thread inside the driver, and no client-side timeout can interrupt a psycopg or sqlite3 call
already waiting. So the work runs on a thread of its own and the caller waits at most
``seconds``: on time it gets the result (or the error), late it gets ``DatabaseUnavailable`` and
can say so. The abandoned thread finishes, or fails, whenever the database or the connection's
own timeouts (storage/db.py) let it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import TypeVar

from sqlalchemy.exc import DBAPIError

T = TypeVar("T")


class DatabaseUnavailable(Exception):
    """The database did not answer within the deadline, or refused the connection."""


def within(seconds: float, work: Callable[[], T]) -> T:
    """``work()``'s result if it finishes within ``seconds``; otherwise DatabaseUnavailable.

    A lost connection is DatabaseUnavailable too; any other error (a missing table, a refused
    login) is raised as it is, for the one error handler to log and apologise for.
    """
    future: Future[T] = Future()

    def run() -> None:
        try:
            future.set_result(work())
        except BaseException as exc:
            future.set_exception(exc)

    # A daemon thread, not a pool: a hung call must neither starve later ones nor hold up
    # the process's exit.
    threading.Thread(target=run, name="emcoach-deadline", daemon=True).start()
    try:
        return future.result(timeout=seconds)
    except TimeoutError:
        raise DatabaseUnavailable(f"no answer within {seconds:g} s") from None
    except DBAPIError as exc:
        if exc.connection_invalidated:
            raise DatabaseUnavailable(" ".join(str(exc.orig).split())) from exc
        raise
