"""The locked record under the pre-commitment (issue #10 item 1): the one command printed in
the thread recomputes, from the code blocks as shown, the record's hash and the definitions'
hash published in the post."""

from __future__ import annotations

import html
import re
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

from bot.blocks.prompts.data import CommitmentRecord, PromptContext
from bot.blocks.prompts.records import build_commitment_record
from bot.domain.analysis import Instrument, LockedFigure
from bot.domain.cadence import AgendaKind
from bot.domain.metrics import CATALOG, definitions_hash
from bot.domain.record import (
    RECORD_FILE,
    VERIFY_COMMAND,
    canonical,
    definition_lines,
    locked_record,
    sha256,
)

METRICS = [CATALOG["one_on_one_quality"], CATALOG["lead_time"]]
DEFINITIONS = [metric.to_dict() for metric in METRICS]
BASELINES = (
    LockedFigure("one_on_one_quality", Decimal("3.21"), 13, Instrument.EMCOACH_SURVEY),
    LockedFigure("lead_time", Decimal("52.3333"), 3, Instrument.LEADER_VALUES),
)


def _record(name: str = "Pilot <&> “cohort”") -> dict[str, object]:
    return locked_record(
        program_name=name,
        definitions=DEFINITIONS,
        definitions_hash=definitions_hash(METRICS),
        baselines=BASELINES,
        midpoint=date(2027, 5, 3),
        evaluation=date(2027, 8, 2),
        anonymity_threshold=3,
        signed_off_by="U0CFO",
    )


def test_the_record_holds_everything_the_post_prints() -> None:
    record = _record()
    assert record["checkpoints"] == {"month_3": "2027-05-03", "month_6": "2027-08-02"}
    criteria = {item["id"]: item for item in record["criteria"]}  # type: ignore[attr-defined]
    assert criteria["lead_time"]["baseline"] == "52.3333"
    assert criteria["lead_time"]["baseline_n"] == 3
    assert criteria["lead_time"]["instrument"] == "leader_values"
    assert "own change" in criteria["lead_time"]["rule"]
    assert criteria["one_on_one_quality"]["expected_6_months"] == "+0.5 to +1.0 points"


def test_the_printed_command_recomputes_both_hashes_from_the_thread(tmp_path: Path) -> None:
    record_json = canonical(_record())
    reply = build_commitment_record(
        PromptContext(
            kind=AgendaKind.COMMITMENT_RECORD,
            program_name="Pilot",
            recipient_id="C0ENG",
            about_id="1",
            occasion=date(2027, 1, 4),
            row_id=1,
        ),
        CommitmentRecord(
            record_json=record_json,
            definition_lines=tuple(definition_lines(DEFINITIONS)),
            record_hash=sha256(record_json),
            definitions_hash=definitions_hash(METRICS),
            thread_ts="1700000000.000100",
        ),
    )
    assert reply.thread_ts == "1700000000.000100"
    texts = [block["text"]["text"] for block in reply.blocks]
    assert all(len(text) <= 3000 for text in texts)
    # What a reader copies: each code block as Slack shows it (entities decoded).
    shown = [
        html.unescape(match)
        for text in texts
        for match in re.findall(r"```(.*?)```", text, flags=re.DOTALL)
    ]
    *lines, command = shown
    assert command == VERIFY_COMMAND
    (tmp_path / RECORD_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")
    printed = subprocess.run(
        command, shell=True, cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout.split()
    assert printed == [
        "record",
        sha256(record_json),
        "definitions",
        definitions_hash(METRICS),
    ]
    assert f"`{definitions_hash(METRICS)}`" in "\n".join(texts)
