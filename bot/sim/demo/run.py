"""`emcoach demo`: Northwind Labs' whole program — the four-week setup sprint and six months of
cadence, with its people answering the prompts — through the production code, against the
Slack stand-in, in well under a minute."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any, TextIO

from bot.clock import FixedClock
from bot.domain.cadence import AgendaKind
from bot.sim.demo.company import SAMPLE_COMPANY, Company
from bot.sim.demo.harness import START, TEAM_ID, live_app
from bot.sim.demo.homes import show_homes
from bot.sim.demo.people import People, describe_month
from bot.sim.demo.simulate import KIND_NAMES, BaselineRound, Simulation, counted, run_program
from bot.sim.demo.sprint import walk_setup_sprint
from bot.sim.demo.transcript import render_message
from bot.sim.standin import SlackStandIn
from storage.db import make_engine
from storage.migrate import upgrade_to_head

# The examples shown in full, in the order a reader meets them.
EXAMPLES = (
    AgendaKind.ONE_ON_ONE_PRE,
    AgendaKind.ONE_ON_ONE_POST,
    AgendaKind.ONE_ON_ONE_LOG,
    AgendaKind.SURVEY,
    AgendaKind.COACH_DIGEST,
    AgendaKind.CHECKPOINT_PREVIEW,
)


def run_demo(
    out: TextIO = sys.stdout, *, database: Path | None = None, out_dir: Path | None = None
) -> int:
    """``out_dir``: where the results posts (text) and their charts (PNG) are written."""
    started = time.monotonic()
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)

    def say(text: str = "") -> None:
        print(text, file=out, flush=True)

    # The demo's own story is the output; the app's INFO logs would drown it.
    logging.getLogger().setLevel(logging.WARNING)
    company = SAMPLE_COMPANY
    names = _names(company)
    with TemporaryDirectory(prefix="emcoach-demo-") as scratch:
        path = database or Path(scratch) / "emcoach-demo.db"
        engine = make_engine(f"sqlite:///{path}")
        upgrade_to_head(engine)
        clock = FixedClock(START)
        with SlackStandIn(
            team_id=TEAM_ID, team_name=company.name, users=company.people, clock=clock
        ) as slack:
            company.install(slack)
            with live_app(slack, engine, clock=clock) as live:
                say(f"emcoach demo — {company.name}, simulated against a local Slack stand-in.")
                say("Everything below went through the real app over signed HTTP.\n")
                say("THE FOUR-WEEK SETUP SPRINT")
                baseline_round = BaselineRound(
                    live, company, narrate=lambda line: say(f"  • {line}")
                )
                program_id = walk_setup_sprint(
                    live,
                    company,
                    narrate=lambda line: say(f"  • {line}"),
                    baseline_round=baseline_round,
                )
                posted = slack.messages(company.publish_channel_id)
                post = next(message for message in posted if not message.get("thread_ts"))
                say(f"\nPosted in #{company.publish_channel_name}:")
                say(render_message(post, names))
                for reply in (message for message in posted if message.get("thread_ts")):
                    say("\nIn its thread:")
                    say(render_message(reply, names))
                say("\nSIX MONTHS OF CADENCE")
                people = baseline_round.people or People(live, company, program_id=program_id)
                simulation = run_program(
                    live, program_id, people=people, simulation=baseline_round.simulation
                )
                _report(say, simulation, slack, names, company, out_dir=out_dir)
                show_homes(live, company, names=names, say=say)
        engine.dispose()
    say(
        f"\nDone in {time.monotonic() - started:.0f} s: {simulation.total} prompts sent, "
        f"{simulation.missed} missed, {simulation.failed} failed; people took "
        f"{simulation.actions} actions." + (f" The database is at {path}." if database else "")
    )
    say("To run emcoach in your own workspace, see README.md → “Create the Slack app”.")
    return 0


def _names(company: Company) -> dict[str, str]:
    names = {person.id: person.real_name.split(maxsplit=1)[0] for person in company.people}
    names[company.publish_channel_id] = company.publish_channel_name
    return names


def _report(
    say: Callable[[str], None],
    simulation: Simulation,
    slack: SlackStandIn,
    names: dict[str, str],
    company: Company,
    *,
    out_dir: Path | None = None,
) -> None:
    for month in simulation.months:
        parts = ", ".join(
            counted(AgendaKind(kind), count) for kind, count in month.sent.most_common()
        )
        say(f"  {month.label}: {parts}")
        did = describe_month(month.did, coach=company.who(company.coach))
        if did:
            say(f"    What people did: {did}.")
        for note in month.notes:
            say(f"    • {note}")
    by_ts = _as_posted(slack)
    for kind in EXAMPLES:
        row = simulation.first_of_kind.get(kind.value)
        message = by_ts.get((row.channel_id, row.ts)) if row else None
        if row is None or message is None:
            continue
        say(f"\nWhat {names.get(row.recipient, row.recipient)} saw ({KIND_NAMES[kind][1]}):")
        say(render_message(message, names))
    for row in simulation.published:
        message = by_ts.get((row.channel_id, row.ts))
        if message is None:
            continue
        say(f"\nPublished in #{company.publish_channel_name} on {row.occasion}:")
        post = render_message(message, names)
        say(post)
        if out_dir is not None:
            (out_dir / f"results-{row.occasion.isoformat()}.txt").write_text(post + "\n", "utf-8")
        for shared in slack.files():
            if shared.channel == row.channel_id and shared.thread_ts == row.ts:
                where = ""
                if out_dir is not None:
                    path = out_dir / shared.filename
                    path.write_bytes(shared.content)
                    where = f", saved as {path}"
                size = f"{len(shared.content):,} bytes"
                say(f"  In its thread: the chart “{shared.title}” ({size}{where})")
    summary = simulation.first_of_kind.get(AgendaKind.CLOSING_SUMMARY.value)
    closing = by_ts.get((summary.channel_id, summary.ts)) if summary else None
    if summary is not None and closing is not None:
        who = names.get(summary.recipient, summary.recipient)
        say(f"\nThe program closed after its last results post; {who} got the summary:")
        say(render_message(closing, names))


def _as_posted(slack: SlackStandIn) -> dict[tuple[str | None, str | None], dict[str, Any]]:
    """Each message as it arrived — before an answer replaced its buttons with a thank-you —
    by (channel, ts), as an agenda row records where its prompt went."""
    return {
        (call.response["channel"], call.response["ts"]): call.response["message"]
        for call in slack.calls_to("chat.postMessage")
        if call.error is None and "message" in call.response
    }


def main() -> int:
    return run_demo()
