"""Faults at each step of publishing, many times over: does any post double, vanish or stick?

Runs every case of ``tests/support/public_posts.py`` (the same cases the scenario tests run
once) ``--tries`` times, each in a fresh world: a SQLite file, the Slack stand-in and the real
app over signed HTTP on one simulated clock, then the clock's own jobs. Prints one row per
fault: tries, public posts expected and seen, duplicates, stuck programs, and what the owner
read first (the most common answer, shortened).

    .venv/bin/python -m benchmarks.faults            # 10 tries per fault
    .venv/bin/python -m benchmarks.faults --tries 50
"""

from __future__ import annotations

import argparse
import logging
import time
from collections import Counter

from tests.support.public_posts import CASES, Trial, world


def said_briefly(text: str) -> str:
    first = text.split("\n", 1)[0]
    for marker, brief in (
        ("Posted the pre-commitment", "posted"),
        ("on its way", "on its way (confirming)"),
        ("You can now make one change", "posted; one change allowed"),
        ("couldn't post", "not posted: how to fix"),
        ("something went wrong", "apology with reference; try again"),
        ("already", "already posted"),
    ):
        if marker in first:
            return brief
    return first[:40]


def run_case(name: str, tries: int) -> tuple[list[Trial], float]:
    trials: list[Trial] = []
    started = time.monotonic()
    for _ in range(tries):
        with world() as live:
            trials.append(CASES[name](live))
    return trials, time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tries", type=int, default=10)
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)  # the apologies' tracebacks are the point, not noise
    header = (
        f"{'fault':<50} {'tries':>5} {'expected':>8} {'seen':>5} {'dupes':>5} {'lost':>4} "
        f"{'stuck':>5}  owner read first"
    )
    print(header)
    print("-" * len(header))
    bad = 0
    for name in CASES:
        trials, _seconds = run_case(name, args.tries)
        expected = sum(trial.expected for trial in trials)
        seen = sum(trial.seen for trial in trials)
        dupes = sum(max(trial.seen - trial.expected, 0) for trial in trials)
        lost = sum(max(trial.expected - trial.seen, 0) for trial in trials)
        stuck = sum(trial.stuck for trial in trials)
        said = Counter(said_briefly(trial.said) for trial in trials).most_common(1)[0][0]
        bad += dupes + lost + stuck
        print(
            f"{name:<50} {len(trials):>5} {expected:>8} {seen:>5} {dupes:>5} {lost:>4} "
            f"{stuck:>5}  {said}"
        )
    print(f"\n{'all rows: 0 duplicates, 0 lost, 0 stuck' if bad == 0 else f'{bad} BAD outcomes'}")


if __name__ == "__main__":
    main()
