"""Bounded waits on the database for code that must answer on time (Slack's 3 s, a probe's 2 s).

A database that stops answering (a black-holed connection, a held lock) blocks the calling
thread inside the driver, and no client-side timeout can interrupt a psycopg or sqlite3 call
already waiting. So the work runs on a thread of its own and the caller waits at most
``seconds``: on time it gets the result (or the error), late it gets ``DatabaseUnavailable`` and
can say so. The abandoned thread finishes, or fails, whenever the database or the connection's
own timeouts (storage/db.py) let it.
"""

from __future__ import annotations

import os
import queue
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
    return result_within(seconds, started(work))


def started(work: Callable[[], T]) -> Future[T]:
    """``work`` under way on a thread of its own; ``result_within`` waits for it. Started
    early (before its caller needs it), its thread runs while the caller's gets going."""
    future: Future[T] = Future()

    def run() -> None:
        try:
            future.set_result(work())
        except BaseException as exc:
            future.set_exception(exc)

    _WORKERS.submit(run)
    return future


def result_within(seconds: float, future: Future[T]) -> T:
    """What ``within`` answers, for work already ``started``: waits at most ``seconds``."""
    try:
        return future.result(timeout=seconds)
    except TimeoutError:
        raise DatabaseUnavailable(f"no answer within {seconds:g} s") from None
    except DBAPIError as exc:
        if exc.connection_invalidated:
            raise DatabaseUnavailable(" ".join(str(exc.orig).split())) from exc
        raise


class _Workers:
    """Daemon threads kept for reuse (a new thread per call cost ~80 µs at the median and
    ~4 ms at the 99th percentile of every /emcoach; a kept one ~25 µs and ~0.1 ms).

    Not a ThreadPoolExecutor: its fixed size lets calls stuck on a hung database starve the
    ones behind them, and the interpreter joins its threads at exit, so a stuck call would hold
    up a worker's shutdown. Here a call that finds no idle thread starts one; a stuck thread is
    simply not idle.
    """

    def __init__(self) -> None:
        self.forget()

    def forget(self) -> None:
        """Start with no threads; also in a forked child (a gunicorn worker), which has none of
        the parent's."""
        self._tasks: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._idle = 0

    def submit(self, task: Callable[[], None]) -> None:
        with self._lock:
            if self._idle:
                self._idle -= 1  # that thread is spoken for
            else:
                threading.Thread(target=self._serve, name="emcoach-deadline", daemon=True).start()
        self._tasks.put(task)

    def _serve(self) -> None:
        while True:
            self._tasks.get()()
            with self._lock:
                self._idle += 1


_WORKERS = _Workers()
os.register_at_fork(after_in_child=_WORKERS.forget)
