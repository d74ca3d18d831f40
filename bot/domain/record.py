"""The locked record of a pre-commitment: what the thread under the post holds, and its hash.

Everything the pre-commitment prints is in it — the frozen definitions (by their own hash,
each shown in full beside it), each criterion's instrument, rule, locked baseline figure and
n, the seed's range, the checkpoint dates and the anonymity threshold — as canonical JSON
(keys sorted, no whitespace, non-ASCII kept), so anyone can recompute both hashes with the one
command ``VERIFY_COMMAND`` prints. Pure: no database, no Slack, no clock.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Final

from bot.domain.analysis import LockedFigure, rule_text

RECORD_FILE: Final = "record.txt"
# Reads the record (first line) and one frozen definition a line; prints the record's hash and
# the definitions' hash exactly as emcoach computes them (bot.domain.metrics.definitions_hash).
VERIFY_COMMAND: Final = (
    'python3 -c "import hashlib,json,sys;'
    "r,*d=[l.strip() for l in open(sys.argv[1],encoding='utf-8') if l.strip()];"
    "h=lambda s:hashlib.sha256(s.encode('utf-8')).hexdigest();"
    "print('record',h(r));"
    "print('definitions',h(json.dumps(sorted(map(json.loads,d),key=lambda x:x['id']),"
    "sort_keys=True,separators=(',',':'),ensure_ascii=False)))\" "
    f"{RECORD_FILE}"
)


def canonical(data: object) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def locked_record(
    *,
    program_name: str,
    definitions: Sequence[Mapping[str, Any]],
    definitions_hash: str,
    baselines: Sequence[LockedFigure],
    midpoint: date,
    evaluation: date,
    anonymity_threshold: int,
    signed_off_by: str,
) -> dict[str, Any]:
    """The record as plain JSON-ready data; figures as exact strings."""
    locked = {figure.metric_id: figure for figure in baselines}
    criteria = []
    for definition in definitions:
        figure = locked.get(str(definition["id"]))
        expected = definition.get("expected")
        criteria.append(
            {
                "id": definition["id"],
                "unit": definition["unit"],
                "direction": definition["direction"],
                "instrument": None if figure is None else figure.instrument.value,
                "rule": None if figure is None else rule_text(figure.instrument),
                "baseline": None if figure is None or figure.figure is None else str(figure.figure),
                "baseline_n": None if figure is None else figure.n,
                "expected_6_months": None if not expected else expected["seed_text"],
            }
        )
    return {
        "program": program_name,
        "definitions_sha256": definitions_hash,
        "criteria": criteria,
        "checkpoints": {"month_3": midpoint.isoformat(), "month_6": evaluation.isoformat()},
        "anonymity_threshold": anonymity_threshold,
        "signed_off_by": signed_off_by,
    }


def definition_lines(definitions: Sequence[Mapping[str, Any]]) -> list[str]:
    """One canonical JSON line per frozen definition, in id order (as they are hashed)."""
    return [canonical(item) for item in sorted(definitions, key=lambda item: str(item["id"]))]
