from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy.exc import OperationalError

from storage.deadline import DatabaseUnavailable, within


def test_an_answer_in_time_is_returned() -> None:
    assert within(1.0, lambda: 42) == 42


def test_an_error_in_time_is_raised_as_it_is() -> None:
    def fails() -> None:
        raise KeyError("x")

    with pytest.raises(KeyError):
        within(1.0, fails)


def test_a_lost_connection_is_database_unavailable() -> None:
    def dropped() -> None:
        raise OperationalError(
            "SELECT 1", {}, Exception("server closed"), connection_invalidated=True
        )

    with pytest.raises(DatabaseUnavailable, match="server closed"):
        within(1.0, dropped)


def test_other_driver_errors_are_raised_as_they_are() -> None:
    def no_table() -> None:
        raise OperationalError("SELECT 1", {}, Exception("no such table: program_member"))

    with pytest.raises(OperationalError):
        within(1.0, no_table)


def test_no_answer_in_time_is_database_unavailable_after_the_deadline() -> None:
    release = threading.Event()
    started = time.monotonic()
    with pytest.raises(DatabaseUnavailable, match=r"no answer within 0\.05 s"):
        within(0.05, release.wait)
    assert 0.05 <= time.monotonic() - started < 0.35
    release.set()


def _deadline_threads() -> int:
    return sum(thread.name == "emcoach-deadline" for thread in threading.enumerate())


def test_threads_are_reused_and_a_stuck_call_does_not_hold_up_the_next() -> None:
    within(1.0, lambda: None)
    before = _deadline_threads()
    for _ in range(200):
        within(1.0, lambda: None)
    assert _deadline_threads() == before  # one call at a time: one thread, reused
    stuck = threading.Event()
    with pytest.raises(DatabaseUnavailable):
        within(0.05, stuck.wait)
    started = time.monotonic()
    assert within(1.0, lambda: "next") == "next"  # a thread of its own, at once
    assert time.monotonic() - started < 0.5
    stuck.set()
