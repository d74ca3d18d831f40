"""Issue 11 point 7 over signed HTTP: `/emcoach export` (and the owner's App Home button)
puts the record in the owner's DM as a zip of CSV files; the test opens it and matches its
figures against the month-6 post; anonymous survey figures below the threshold never appear
as numbers; cells cannot run as formulas; non-owners are refused with what to do."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile

from bot.blocks.export import EXPORT_ACTION
from bot.sim.standin.records import SharedFile
from tests.support.finished import (
    CFO,
    OWNER,
    run_to_close,
    run_to_month_3,
    section_texts,
    world_after,
)
from tests.support.live import LiveApp
from tests.support.programs import make_program
from tests.support.public_posts import answer

Tables = dict[str, list[dict[str, str]]]


def _zips(live: LiveApp) -> list[SharedFile]:
    return [shared for shared in live.slack.files() if shared.filename.endswith(".zip")]


def _opened(live: LiveApp, *, count: int = 1) -> tuple[zipfile.ZipFile, str]:
    live.slack.wait_for(lambda: len(_zips(live)) >= count)
    shared = _zips(live)[count - 1]
    assert shared.channel is not None and shared.channel.startswith("D")
    return zipfile.ZipFile(io.BytesIO(shared.content)), shared.channel


def _tables(archive: zipfile.ZipFile) -> Tables:
    return {
        name: list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig"))))
        for name in archive.namelist()
        if name.endswith(".csv")
    }


def _export(live: LiveApp, user: str = OWNER) -> str:
    return answer(live, lambda: live.sender.command("export", user_id=user))


def test_the_export_is_a_zip_of_csv_files_in_the_owners_dm_matching_the_month_6_post() -> None:
    with world_after(run_to_close) as (live, finished):
        said = _export(live)
        archive, channel = _opened(live)
        owner_dm = live.slack.messages(OWNER)
        tables = _tables(archive)
        record = archive.read("record.txt").decode("utf-8").splitlines()
    assert "Sent the record of *Pilot* to your DM" in said
    assert any(message["channel"] == channel for message in owner_dm)
    post = "\n".join(section_texts(finished.month_6))
    post_text = post + "\n" + str(finished.month_6["blocks"])
    # Lead Time at month 6, every figure as the post printed it.
    (lead_time,) = [
        row
        for row in tables["results.csv"]
        if row["month"] == "6" and row["metric_id"] == "lead_time"
    ]
    assert f"Baseline: {lead_time['baseline']}" in post
    assert f"Now: {lead_time['now']}" in post
    assert f"Change: {lead_time['change']}" in post and lead_time["change"] == "−16.7%"
    assert f"Verdict: *{lead_time['verdict']}*" in post
    assert lead_time["based_on"] in post
    assert lead_time["left_out"] == "U0LEAD2"
    # 1:1 quality at month 6: two people answered, below the threshold of 3.
    (quality,) = [
        row
        for row in tables["results.csv"]
        if row["month"] == "6" and row["metric_id"] == "one_on_one_quality"
    ]
    assert quality["now"] == quality["change"] == "fewer than 3 responses"
    assert quality["verdict"] == "no data"
    # The locked plan and its hash: record.txt hashes to it; the definitions hash is the post's.
    plan = {row["field"]: row["value"] for row in tables["plan.csv"]}
    assert hashlib.sha256(record[0].encode("utf-8")).hexdigest() == plan["locked_record_sha256"]
    assert f"`{plan['definitions_sha256']}`" in post_text
    assert plan["status"] == "closed"
    # Baselines: the locked pooled figure and each leader's value it came from.
    baselines = tables["baselines.csv"]
    pooled = [row for row in baselines if row["scope"] == "pooled, locked at commit"]
    assert {row["metric_id"]: row["shown"] for row in pooled}["lead_time"] == "52.33 h"
    leaders = {row["who"]: row["value"] for row in baselines if row["scope"] == "leader"}
    assert leaders == {"U0LEAD1": "30", "U0LEAD2": "52", "U0LEAD3": "75"}
    values = {
        (row["month"], row["leader"]): row["shown"] for row in tables["checkpoint_values.csv"]
    }
    assert values[("6", "U0LEAD1")] == "18 h" and values[("3", "U0LEAD2")] == "39 h"
    # Sessions: the totals are the "Tracked besides" line of the post.
    (total,) = [row for row in tables["sessions.csv"] if row["pod"] == "all pods"]
    tracked = re.search(r"1:1s: (\d+) held, (\d+) not held, (\d+) skipped", post)
    assert tracked is not None
    assert (total["held"], total["not_held"], total["skipped"]) == tracked.groups()
    assert (total["held"], total["not_held"]) == ("1", "1")


def test_survey_figures_below_the_threshold_never_appear_as_numbers() -> None:
    with world_after(run_to_close) as (live, _):
        _export(live)
        archive, _ = _opened(live)
        tables = _tables(archive)
        everything = "\n".join(
            archive.read(name).decode("utf-8-sig") for name in archive.namelist()
        )
    rounds = {row["round"]: row for row in tables["surveys.csv"]}
    # Month 3: three people — shown, as the month-3 post showed it (4, 4, 5).
    assert (rounds["month 3"]["people"], rounds["month 3"]["mean_of_5"]) == ("3", "4.33")
    # Month 6: two people (2 and 5); the baseline round: nobody. Never a number.
    for label in ("month 6", "baseline"):
        assert rounds[label]["people"] == "fewer than 3"
        assert rounds[label]["mean_of_5"] == "fewer than 3 responses"
    assert "3.5" not in everything  # the month-6 pair's mean
    # No table has a row per survey answer or respondent.
    assert "U0REP" not in everything


def test_a_cell_that_would_run_as_a_formula_is_neutralised() -> None:
    with world_after(run_to_close) as (live, _):
        _export(live)
        tables = _tables(_opened(live)[0])
    sources = {row["source"] for row in tables["checkpoint_values.csv"] if row["month"] == "6"}
    assert sources == {'\'=HYPERLINK("http://x")'}
    # Plain negative numbers stay numbers; the results' changes use the minus sign anyway.
    assert all(not row["change"].startswith("'") for row in tables["results.csv"])


def test_non_owners_are_refused_with_what_to_do() -> None:
    with world_after(run_to_close) as (live, finished):
        for person in (CFO, "U0STRANGER", "U0LEAD1"):
            # Refused inside the acknowledgement itself.
            said = str(live.sender.command("export", user_id=person).json()["text"])
            assert "is for a program's owners" in said and "/emcoach help" in said
        # The App Home button checks again: the budget owner gets a DM saying who can.
        live.sender.block_action(
            user_id=CFO, action_id=EXPORT_ACTION, value=str(finished.program_id)
        )
        live.slack.wait_for(
            lambda: any("Only the owners" in m["text"] for m in live.slack.messages(CFO))
        )
        assert _zips(live) == []


def test_the_owners_app_home_button_sends_the_same_export() -> None:
    with world_after(run_to_close) as (live, finished):
        result = live.sender.block_action(
            user_id=OWNER, action_id=EXPORT_ACTION, value=str(finished.program_id)
        )
        assert result.status == 200
        tables = _tables(_opened(live)[0])
    assert {row["month"] for row in tables["results.csv"]} == {"3", "6"}


def test_a_running_program_exports_what_is_published_so_far_and_a_draft_has_nothing() -> None:
    with world_after(run_to_month_3) as (live, _):
        said = _export(live)
        tables = _tables(_opened(live)[0])
        make_program(live.services.engine, name="Draft", criteria=("lead_time",))
        draft = answer(live, lambda: live.sender.command('export "Draft"', user_id=OWNER))
    assert "Sent the record" in said
    assert {row["month"] for row in tables["results.csv"]} == {"3"}
    assert {row["field"]: row["value"] for row in tables["plan.csv"]}["status"] == "midpoint_done"
    assert "isn't committed yet" in draft and "/emcoach status" in draft
