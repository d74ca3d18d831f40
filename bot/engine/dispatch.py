"""Send what is due, exactly once: claim, send with metadata, record — and reconcile any row
whose outcome is unknown against the channel's history before it is ever sent again."""

from __future__ import annotations

import logging
import socket
import threading
import uuid
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.blocks.reply import FileUpload, Reply
from bot.clock import Clock
from bot.domain.cadence import AgendaKind, AgendaState, is_late
from bot.domain.localtime import local_date
from bot.domain.program_rules import ProgramState, has_reached
from bot.domain.roles import Role
from bot.domain.timeline import Timeline
from bot.flows.uninstall import WORKSPACE_GONE, stop_workspace
from bot.logging_setup import request_id
from storage.agenda import (
    Posted,
    Wanted,
    add_once,
    claim_rows,
    claim_shares,
    due_teams,
    mark_final,
    mark_sent,
    rate_limited,
    reclaim,
    release_for_check,
    requeue,
    retry_later,
    rows_by_id,
    stale_sending,
    thread_of,
)
from storage.batch import AgendaBatch, load_batch
from storage.db import session_scope
from storage.models import AgendaRow
from storage.programs import members, program_by_id

logger = logging.getLogger("emcoach.dispatch")

PROMPT_EVENT = "emcoach_prompt"
# Claimed, read and recorded together: each batch costs a few queries whatever its size
# (benchmarks/dispatch.py, 10,000 prompts on Postgres with 4 senders: 50 a batch ~535/s, 100
# ~610/s).
# Small enough that a clock which dies strands at most two batches (the one sending and the
# one claimed next) until another clock reconciles them, and two clocks share a due burst.
BATCH_SIZE = 100
# Messages of one batch in flight at once (DISPATCH_SENDERS). Against Slack (~100 ms a call)
# 4 give a clock ~40 prompts/s, well above what one workspace accepts (about one message a
# second per channel, several hundred a minute in all). More only pay off for a clock serving
# many workspaces, whose rows share each batch turn by turn (turns(), claim_shares()) and
# whose rate limits are each their own: with no latency to hide, they spend CPU handing the
# GIL around (benchmarks/dispatch.py on SQLite, batches of 100: 1 sender 584/s, 2 608/s,
# 4 619/s, 8 520/s).
SENDERS = 4
# A worker that claimed a row longer ago than this has died: a send, even with its timeout
# (a 429 is never waited out in a sender thread), is long over by then.
STALE_AFTER = timedelta(minutes=5)
MAX_ATTEMPTS = 8
FIRST_BACKOFF = timedelta(seconds=30)
MAX_BACKOFF = timedelta(minutes=30)
# Slack will refuse these again however often we ask: the row fails and the owners are told.
PERMANENT_ERRORS = frozenset(
    {
        "channel_not_found",
        "cannot_dm_bot",
        "is_archived",
        "not_in_channel",
        "user_disabled",
        "user_not_found",
        "user_not_visible",
        "restricted_action",
    }
)
# Slack answered but did not post: safe to send again later. (An expired rotating token is
# refreshed before the next try.)
TRANSIENT_ERRORS = frozenset(
    {"ratelimited", "rate_limited", "service_unavailable", "token_expired"}
)
# A 429 pauses its workspace for Retry-After seconds (this many when Slack gives none), at most
# MAX_PAUSE: the workspace's rows wait, every other workspace's go on.
DEFAULT_RETRY_AFTER = 1
MAX_PAUSE = timedelta(minutes=15)
# Neither: WORKSPACE_GONE (token_revoked, account_inactive, invalid_auth) means emcoach was
# removed from the workspace. The row is held, not failed, and the whole workspace stops.

Renderer = Callable[[Session, AgendaRow, AgendaBatch, datetime], Reply]
# The client carrying a workspace's token; None: emcoach is not installed there.
ClientFor = Callable[[str], WebClient | None]

# Results are published whatever happens: a refused checkpoint post is retried (at most every
# 30 minutes) until the owners fix the channel, e.g. invite emcoach back.
KEEP_TRYING = frozenset({AgendaKind.CHECKPOINT_PUBLISH})
# Posts whose copy in the channel means something lasting. One that may have landed is never
# given up as unconfirmed: a second copy would be worse than a late confirmation.
PUBLIC_RECORD = KEEP_TRYING | {
    AgendaKind.COMMITMENT_POST,
    AgendaKind.COMMITMENT_COPY,
    AgendaKind.DEVIATION_POST,
    AgendaKind.DEVIATION_CHANGE,
    AgendaKind.CLOSING_SUMMARY,
    AgendaKind.CLOSING_SUMMARY_OWNER,
}
# Beyond the clock's own claim: how far before a row's first claim its message may carry a
# Slack timestamp (clocks of different machines, Slack's own).
CLOCK_SKEW = timedelta(minutes=5)
# conversations.history pages read per check (at most 200 messages each); the message is
# almost always on the first, since the search starts at the row's first send.
HISTORY_PAGES = 5


class _CheckFailed(Exception):
    """Slack's history could not be read: whether a message went out is still unknown."""


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, … capped at 30 min."""
    delay: timedelta = FIRST_BACKOFF * (2 ** max(attempts - 1, 0))
    return min(delay, MAX_BACKOFF)


@dataclass
class TickReport:
    sent: int = 0
    missed: int = 0
    failed: int = 0
    retried: int = 0
    unsure: int = 0
    reconciled: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    # Seconds from due_at to Slack's acceptance, one per sent prompt (bot/metrics.py).
    lag_seconds: list[float] = field(default_factory=list, repr=False)

    def count_error(self, code: str) -> None:
        self.errors[code] = self.errors.get(code, 0) + 1

    def merge(self, other: TickReport) -> None:
        for name in ("sent", "missed", "failed", "retried", "unsure", "reconciled"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for code, count in other.errors.items():
            self.errors[code] = self.errors.get(code, 0) + count


class Dispatcher:
    def __init__(
        self,
        *,
        engine: Engine,
        clock: Clock,
        render: Renderer,
        clients: ClientFor | None = None,
        client: WebClient | None = None,
        worker: str | None = None,
        batch_size: int = BATCH_SIZE,
        stale_after: timedelta = STALE_AFTER,
        senders: int = SENDERS,
    ) -> None:
        """``clients``: each workspace's client; ``client``: one client for every workspace
        (single-workspace mode). Exactly one of them."""
        if (clients is None) == (client is None):
            raise ValueError("a Dispatcher needs clients (per workspace) or one client")
        self._engine = engine
        self._clients: ClientFor = clients if clients is not None else (lambda _team: client)
        self._clock = clock
        self._render = render
        self._worker = worker or f"{socket.gethostname()}:{uuid.uuid4().hex[:8]}"
        self._batch_size = batch_size
        self._stale_after = stale_after
        self._pool = ThreadPoolExecutor(max_workers=senders, thread_name_prefix="emcoach-send")
        # Teams found uninstalled during this tick: the rest of their claimed rows are held
        # without a call (the claim leaves them out from the next batch on).
        self._gone: set[str] = set()
        # Teams Slack rate-limited (429), until when: their rows wait without a call, and
        # claims leave them out until then. Sender threads write it, so under a lock.
        self._paused: dict[str, datetime] = {}
        self._paused_lock = threading.Lock()
        # Due rows left per workspace, as last counted this tick (the tick's thread only), and
        # whose turn comes first in the next batch.
        self._due: dict[str, int] = {}
        self._rotation = 0

    @property
    def worker(self) -> str:
        return self._worker

    def tick(self, *, max_batches: int | None = None) -> TickReport:
        """Reconcile unknown outcomes, then send due rows batch by batch until none is due.

        A batch's messages go out from a small thread pool: each is a round trip to Slack
        (~100 ms), so one at a time would cap a clock near 10 prompts a second. While they
        are in flight, this thread claims and reads the next batch.
        """
        report = TickReport()
        self._gone = set()
        self._due = {}
        clients = _TeamClients(self._clients)  # each team looked up once a tick
        self._reconcile(report, clients)
        batches = 0
        claimed = self._claim(clients)
        while claimed is not None:
            rows, batch = claimed
            batches += 1
            sending = [
                self._pool.submit(self._deliver_one, row, batch=batch, clients=clients)
                for row in rows
            ]
            more = max_batches is None or batches < max_batches
            claimed = self._claim(clients) if more else None
            try:
                sent: list[Posted | None] = []
                for future in sending:
                    part, posted = future.result()
                    report.merge(part)
                    sent.append(posted)
                self._record(rows, sent, report)
            except BaseException:
                # The database failed under us: what was sent is reconciled from Slack later;
                # the batch claimed ahead was never sent, so it goes straight back.
                if claimed is not None:
                    self._release(claimed[0])
                raise
            if claimed is None and more:
                claimed = self._claim(clients)  # e.g. an owner alert this batch raised
        return report

    def send_now(self, row_ids: Sequence[int]) -> list[AgendaRow]:
        """Send these pending rows at once, in the caller's thread, through the same claim,
        send-with-metadata and record steps as every tick; a post the person is waiting for
        (the pre-commitment, a deviation) needs no clock. Returns the rows as they stand
        afterwards: ``sent``, ``sending`` (outcome unknown: a tick reconciles it), ``pending``
        (Slack asked us to wait) or ``failed``. Rows another worker holds are left to it."""
        rows = claim_rows(self._engine, row_ids=row_ids, now=self._clock.now(), worker=self._worker)
        if rows:
            with session_scope(self._engine) as session:
                batch = load_batch(session, rows)
            clients = _TeamClients(self._clients)
            clients.resolve(program.team_id for program in batch.programs.values())
            report = TickReport()
            sent = [self._deliver_one(row, batch=batch, clients=clients)[1] for row in rows]
            self._record(rows, sent, report)
        with session_scope(self._engine) as session:
            return rows_by_id(session, row_ids=row_ids)

    def _release(self, rows: list[AgendaRow]) -> None:
        with suppress(Exception):  # the original failure is the one worth reporting
            for row in rows:
                if row.id is not None:
                    requeue(self._engine, row_id=row.id, worker=self._worker)

    def _claim(self, clients: _TeamClients) -> tuple[list[AgendaRow], AgendaBatch] | None:
        """The next due batch, claimed for this worker, with what rendering it reads and the
        client of each of its workspaces (looked up here, in the tick's thread).

        Workspaces take turns (:func:`turns`): each with rows due gets its share of the batch,
        so one with thousands due never holds back another's few; a rate-limited one sits out.
        Due rows are counted per workspace once, and again when the count runs out (rows that
        fell due meanwhile, an owner alert a batch raised)."""
        now = self._clock.now()
        rows: list[AgendaRow] = []
        counted = False
        while not rows:
            if not any(count > 0 for count in self._due.values()):
                if counted:
                    return None
                self._due, counted = due_teams(self._engine, now=now), True
            waiting = set(self._paused_teams(now)) | self._gone
            due = {team: count for team, count in self._due.items() if team not in waiting}
            shares = turns(due, limit=self._batch_size, rotation=self._rotation)
            self._rotation += 1
            if not shares:
                self._due = {}  # only waiting workspaces were left: count again, once
                continue
            wanted: dict[str | None, int] = dict(shares.items())
            if len(shares) == 1 and len(self._due) == 1:
                wanted = {None: next(iter(shares.values()))}  # the only one: no filter needed
            claimed = claim_shares(self._engine, now=now, worker=self._worker, shares=wanted)
            for key, got in claimed.items():
                team_id = key if key is not None else next(iter(shares))
                # Fewer than asked: another clock took some, or the count was old.
                left = max(self._due[team_id] - len(got), 0)
                self._due[team_id] = left if len(got) == shares[team_id] else 0
                rows += got
        rows.sort(key=lambda row: (row.due_at, row.id or 0))
        try:
            with session_scope(self._engine) as session:
                batch = load_batch(session, rows)
            clients.resolve(program.team_id for program in batch.programs.values())
        except BaseException:
            self._release(rows)  # claimed, never sent: straight back
            raise
        return rows, batch

    def _deliver_one(
        self, row: AgendaRow, *, batch: AgendaBatch, clients: _TeamClients
    ) -> tuple[TickReport, Posted | None]:
        """One sender thread's work: its own report, merged by the tick's thread."""
        report = TickReport()
        if row.program_id not in batch.programs:
            return report, None  # deleted meanwhile: its rows go with it (CASCADE)
        team_id = batch.programs[row.program_id].team_id
        if team_id in self._gone:
            self._hold(row)
            return report, None
        paused_until = self._paused_until(team_id)
        if paused_until is not None:
            self._wait_for_limit(row, paused_until)  # claimed before Slack said 429
            return report, None
        client = clients.get(team_id)
        if client is None:
            self._not_installed(row, team_id, report)
            return report, None
        with request_id(f"agenda:{row.id}"):  # the row's id on every line its sending logs
            return report, self._deliver(row, batch, client, report)

    def _record(self, rows: list[AgendaRow], sent: list[Posted | None], report: TickReport) -> None:
        """What Slack accepted, recorded for the whole batch in one transaction. A clock that
        dies before this leaves the rows ``sending``: reconciled from the channels' history,
        never sent twice."""
        posted = [item for item in sent if item is not None]
        now = self._clock.now()
        mark_sent(self._engine, posted=posted, worker=self._worker, now=now)
        report.sent += len(posted)
        report.lag_seconds += [
            (now - row.due_at).total_seconds()
            for row, item in zip(rows, sent, strict=True)
            if item is not None
        ]
        for row, item in zip(rows, sent, strict=True):
            if item is not None and row.kind == AgendaKind.CHECKPOINT_PUBLISH:
                self._checkpoint_published(row, item)

    # --- sending ----------------------------------------------------------------------------

    def _deliver(
        self, row: AgendaRow, batch: AgendaBatch, client: WebClient, report: TickReport
    ) -> Posted | None:
        """Send one row with its workspace's client; what Slack accepted is returned for the
        batch to record."""
        assert row.id is not None
        now = self._clock.now()
        kind = AgendaKind(row.kind)
        if is_late(kind, row.due_at, now):
            mark_final(
                self._engine,
                row_id=row.id,
                worker=self._worker,
                state=AgendaState.MISSED,
                error="too late to send: emcoach was offline when it was due",
            )
            report.missed += 1
            return None
        try:
            with session_scope(self._engine) as session:
                reply = self._render(session, row, batch, now)
        except Exception:
            # A bug on our side, not Slack's: this row fails loudly, the batch goes on.
            logger.exception("agenda row %s (%s) could not be rendered", row.id, row.kind)
            self._fail(row, "render_error", report)
            return None
        team_id = batch.programs[row.program_id].team_id
        if reply.upload is not None:
            return self._upload(
                row, team_id=team_id, client=client, reply=reply, upload=reply.upload, report=report
            )
        try:
            posted = client.chat_postMessage(
                channel=row.recipient,
                text=reply.text,
                blocks=reply.blocks,
                thread_ts=reply.thread_ts,
                metadata={
                    "event_type": PROMPT_EVENT,
                    "event_payload": {"agenda_id": row.id, "program_id": row.program_id},
                },
                unfurl_links=False,
                unfurl_media=False,
            )
        except SlackApiError as error:
            code = str(error.response.get("error") or "")
            if error.response.status_code == 429:
                self._rate_limited(row, team_id, error, report)
            elif code in WORKSPACE_GONE:
                self._workspace_gone(row, team_id, code, report)
            else:
                self._refused(row, error, report)
            return None
        except (SlackClientError, OSError) as error:
            # Timeout or dropped connection: the message may be in Slack already.
            self._unsure(row, type(error).__name__, report)
            return None
        return Posted(row_id=row.id, channel_id=str(posted["channel"]), ts=str(posted["ts"]))

    def _upload(
        self,
        row: AgendaRow,
        *,
        team_id: str,
        client: WebClient,
        reply: Reply,
        upload: FileUpload,
        report: TickReport,
    ) -> Posted | None:
        """A file into a thread (the results chart), through files_upload_v2.

        An upload whose answer was lost (5xx, timeout, dropped connection) is reconciled like
        any post: the post's thread is read for emcoach's file before anything is uploaded
        again. The text post was recorded before this row existed, so nothing here ever holds
        it up.
        """
        assert row.id is not None
        try:
            answer = client.files_upload_v2(
                channel=row.recipient,
                thread_ts=upload.thread_ts,
                file=upload.content,
                filename=upload.filename,
                title=upload.title,
                alt_txt=upload.alt_text,
                initial_comment=reply.text,
            )
        except SlackApiError as error:
            code = str(error.response.get("error") or f"http_{error.response.status_code}")
            if error.response.status_code == 429:
                self._rate_limited(row, team_id, error, report)  # nothing was shared
            elif code in WORKSPACE_GONE:
                self._workspace_gone(row, team_id, code, report)
            elif code in PERMANENT_ERRORS:
                self._refused(row, error, report)  # the owners are told; the row fails
            elif error.response.status_code >= 500:
                # The file may be in the thread already: look there before uploading again.
                self._unsure(row, code, report)
            else:
                # Slack answered and shared nothing (e.g. internal_error): bounded retries.
                self._upload_again(row, code, report)
            return None
        except (SlackClientError, OSError) as error:
            self._unsure(row, type(error).__name__, report)  # maybe shared: look first
            return None
        shared: dict[str, Any] = answer.get("file") or {}
        # The agenda's ``ts`` holds the file's id here: the upload's answer has no message ts.
        return Posted(row_id=row.id, channel_id=row.recipient, ts=str(shared.get("id") or ""))

    def _upload_again(self, row: AgendaRow, code: str, report: TickReport) -> None:
        report.count_error(code)
        if row.attempts < MAX_ATTEMPTS:
            self._retry(row, code, report)
        else:
            self._fail(row, code, report)

    def _checkpoint_published(self, row: AgendaRow, posted: Posted) -> None:
        """The lifecycle moves on (month-3 checkpoint done, or the program evaluated), and the
        results chart is due in the post's thread: its own row, sent (or refused, or retried)
        on its own, so the text post never waits for an image. Its key makes this idempotent."""
        with session_scope(self._engine) as session:
            program = program_by_id(session, program_id=row.program_id)
            if program is None:
                return
            add_once(
                session,
                program_id=row.program_id,
                row=Wanted(
                    key=f"{AgendaKind.CHECKPOINT_CHART.value}:{row.id}",
                    kind=AgendaKind.CHECKPOINT_CHART.value,
                    recipient=posted.channel_id,
                    about=str(row.id),
                    occasion=row.occasion,
                    due_at=self._clock.now(),
                    state=AgendaState.PENDING,
                ),
            )
            if program.kickoff_date is None:
                return
            final = (
                row.occasion
                >= Timeline(kickoff=program.kickoff_date, months=program.months).evaluation
            )
            state = ProgramState.EVALUATED if final else ProgramState.MIDPOINT_DONE
            if not has_reached(program.status, state):
                program.status = state
                session.add(program)

    def _refused(self, row: AgendaRow, error: SlackApiError, report: TickReport) -> None:
        assert row.id is not None
        code = str(error.response.get("error") or f"http_{error.response.status_code}")
        report.count_error(code)
        status = error.response.status_code
        never_dropped = row.kind in KEEP_TRYING
        if code in PERMANENT_ERRORS:
            self._alert_owners(row, code)
            if never_dropped:
                # The results are published whatever happens: keep trying (at most every
                # 30 minutes) until the owners fix the channel, e.g. invite emcoach back.
                self._retry(row, code, report)
            else:
                self._fail(row, code, report)
            return
        if status >= 500:
            self._unsure(row, code, report)
            return
        if code in TRANSIENT_ERRORS and (never_dropped or row.attempts < MAX_ATTEMPTS):
            self._retry(row, code, report)
            return
        # Anything else is a bug on our side (e.g. invalid_blocks): fail loudly, once.
        logger.error("agenda row %s (%s) refused by Slack: %s", row.id, row.kind, code)
        self._fail(row, code, report)

    def _workspace_gone(self, row: AgendaRow, team_id: str, code: str, report: TickReport) -> None:
        """emcoach was removed from the row's workspace: stop it (one WARNING), hold the row
        for a reinstall to send or mark missed. Not an error of ours, and no owner alert:
        nothing can reach the workspace."""
        report.count_error(code)
        self._gone.add(team_id)
        stop_workspace(
            self._engine, team_id=team_id, now=self._clock.now(), why=f"Slack answered {code}"
        )
        self._hold(row)

    def _not_installed(self, row: AgendaRow, team_id: str, report: TickReport) -> None:
        """No installation of emcoach holds a token for the row's workspace (never installed
        through OAuth, or its installation removed): stopped like an uninstalled one (one
        WARNING), the row held for an install to send or mark missed."""
        report.count_error("not_installed")
        self._gone.add(team_id)
        stop_workspace(
            self._engine,
            team_id=team_id,
            now=self._clock.now(),
            why="no installation of emcoach holds a token for it",
        )
        self._hold(row)

    # --- per-workspace rate limits --------------------------------------------------------------

    def _rate_limited(
        self, row: AgendaRow, team_id: str, error: SlackApiError, report: TickReport
    ) -> None:
        """Slack answered 429 for the row's workspace: that workspace waits Retry-After (its
        rows claimed meanwhile go back without a call, and claims leave it out), the others
        go on. Nothing was posted, so the row is simply pending again."""
        now = self._clock.now()
        wait = min(timedelta(seconds=_retry_after(error)), MAX_PAUSE)
        until = now + wait
        with self._paused_lock:
            known = self._paused.get(team_id)
            if known is None or known < until:
                self._paused[team_id] = until
        if known is None or known <= now:
            logger.info(
                "workspace %s: Slack asked to wait %d s (429); its prompts wait, others go on",
                team_id,
                wait.total_seconds(),
            )
        report.count_error("ratelimited")
        report.retried += 1
        self._wait_for_limit(row, until)

    def _wait_for_limit(self, row: AgendaRow, until: datetime) -> None:
        assert row.id is not None
        rate_limited(self._engine, row_id=row.id, worker=self._worker, not_before=until)

    def _paused_until(self, team_id: str) -> datetime | None:
        now = self._clock.now()
        with self._paused_lock:
            until = self._paused.get(team_id)
        return until if until is not None and until > now else None

    def _paused_teams(self, now: datetime) -> list[str]:
        """Workspaces waiting out a 429 now (those whose wait is over are forgotten)."""
        with self._paused_lock:
            for team_id in [team for team, until in self._paused.items() if until <= now]:
                del self._paused[team_id]
            return list(self._paused)

    def _hold(self, row: AgendaRow) -> None:
        assert row.id is not None
        retry_later(
            self._engine,
            row_id=row.id,
            worker=self._worker,
            error="workspace_uninstalled",
            not_before=self._clock.now(),
        )

    def _retry(self, row: AgendaRow, code: str, report: TickReport) -> None:
        assert row.id is not None
        retry_later(
            self._engine,
            row_id=row.id,
            worker=self._worker,
            error=code,
            not_before=self._clock.now() + backoff(row.attempts),
        )
        report.retried += 1

    def _fail(self, row: AgendaRow, error: str, report: TickReport) -> None:
        assert row.id is not None
        mark_final(
            self._engine, row_id=row.id, worker=self._worker, state=AgendaState.FAILED, error=error
        )
        report.failed += 1

    def _unsure(self, row: AgendaRow, reason: str, report: TickReport) -> None:
        assert row.id is not None
        release_for_check(
            self._engine,
            row_id=row.id,
            worker=self._worker,
            error=reason,
            not_before=self._clock.now() + backoff(row.attempts),
        )
        report.unsure += 1

    def _alert_owners(self, row: AgendaRow, code: str) -> None:
        """Tell the owners once per person and reason; the rest of the program goes on."""
        if row.kind == AgendaKind.OWNER_ALERT:
            return
        now = self._clock.now()
        with session_scope(self._engine) as session:
            program = program_by_id(session, program_id=row.program_id)
            if program is None:
                return
            for owner in members(session, program_id=row.program_id, role=Role.OWNER):
                add_once(
                    session,
                    program_id=row.program_id,
                    row=Wanted(
                        key=f"owner_alert:{code}:{row.recipient}:{owner}",
                        kind=AgendaKind.OWNER_ALERT.value,
                        recipient=owner,
                        about=f"{row.recipient}|{code}|{row.kind}",
                        occasion=local_date(now, program.timezone),
                        due_at=now,
                        state=AgendaState.PENDING,
                    ),
                )

    # --- reconciliation -----------------------------------------------------------------------

    def _reconcile(self, report: TickReport, clients: _TeamClients) -> None:
        now = self._clock.now()
        for row in stale_sending(
            self._engine, now=now, claimed_before=now - self._stale_after, limit=self._batch_size
        ):
            assert row.id is not None
            if not reclaim(
                self._engine,
                row_id=row.id,
                previous_worker=row.claimed_by,
                worker=self._worker,
                now=now,
            ):
                continue  # another clock took it
            row.attempts += 1
            try:
                found = self._find_posted(row, clients)
            except _CheckFailed:
                # Slack could not tell us; ask again later rather than risk a second copy.
                if row.attempts >= MAX_ATTEMPTS and row.kind not in PUBLIC_RECORD:
                    self._fail(row, "delivery could not be confirmed", report)
                else:
                    self._unsure(row, "history check failed", report)
                continue
            if found is not None:
                channel_id, ts = found
                posted = Posted(row_id=row.id, channel_id=channel_id, ts=ts)
                mark_sent(self._engine, posted=[posted], worker=self._worker, now=now)
                report.reconciled += 1
                if row.kind == AgendaKind.CHECKPOINT_PUBLISH:
                    self._checkpoint_published(row, posted)
            elif row.attempts >= MAX_ATTEMPTS and row.kind not in KEEP_TRYING:
                self._fail(row, row.last_error or "no answer from Slack", report)
            else:
                requeue(self._engine, row_id=row.id, worker=self._worker)

    def _find_posted(self, row: AgendaRow, clients: _TeamClients) -> tuple[str, str] | None:
        """The channel and ts of this row's message if Slack has it (found by its metadata),
        None if it certainly does not; raises _CheckFailed when Slack cannot say.

        A top-level message is searched in the channel's history from before the row's
        *first* claim, whatever happened since: one that landed on the first try is found
        however many later checks failed or came late. A reply in a thread (the locked record,
        a results chart) is searched in that thread, which the channel's history leaves out.
        """
        with session_scope(self._engine) as session:
            parent = thread_of(session, row)
            program = program_by_id(session, program_id=row.program_id)
            team_id = program.team_id if program is not None else ""
        client = clients.get(team_id)
        if client is None:
            # Not installed there (any more): nothing can be read; the workspace is stopped,
            # so its rows wait for an install, unsent.
            stop_workspace(
                self._engine,
                team_id=team_id,
                now=self._clock.now(),
                why="no installation of emcoach holds a token for it",
            )
            raise _CheckFailed
        try:
            thread: str | None = None
            since = ""
            if parent is not None:
                channel, thread = parent
            else:
                channel = row.recipient
                if channel.startswith(("U", "W")):
                    opened = client.conversations_open(users=row.recipient)
                    channel = opened["channel"]["id"]
                first = row.first_claimed_at or row.claimed_at or row.due_at
                since = f"{(first - CLOCK_SKEW).timestamp():.6f}"
            cursor: str | None = None
            for _ in range(HISTORY_PAGES):
                page = _page(client, channel, thread=thread, since=since, cursor=cursor)
                found = _message_of(page.get("messages", []), row=row)
                if found is not None:
                    return str(channel), found
                cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
                if not page.get("has_more") or cursor is None:
                    return None
        except (SlackApiError, SlackClientError, OSError) as error:
            logger.warning("could not check whether agenda row %s was posted: %s", row.id, error)
            raise _CheckFailed from error
        logger.warning("agenda row %s: more history than a check reads; asking again later", row.id)
        raise _CheckFailed


def turns(due: dict[str, int], *, limit: int, rotation: int) -> dict[str, int]:
    """How many of its due rows each workspace sends in the next batch of ``limit``: an even
    share each (at least one), what a workspace with fewer due leaves going to the others;
    with more workspaces than ``limit``, the next ``limit`` of them in turn (``rotation``)."""
    teams = sorted(team for team, count in due.items() if count > 0)
    if not teams:
        return {}
    start = rotation % len(teams)
    chosen = (teams[start:] + teams[:start])[:limit]
    even = max(limit // len(chosen), 1)
    shares = {team: min(due[team], even) for team in chosen}
    left = limit - sum(shares.values())
    for team in chosen:
        more = min(due[team] - shares[team], left)
        shares[team] += more
        left -= more
    return shares


class _TeamClients:
    """Each workspace's client, looked up once per tick (or per ``send_now``): a lookup may
    read the installation store. Filled by the tick's thread; sender threads only read it."""

    def __init__(self, lookup: ClientFor) -> None:
        self._lookup = lookup
        self._known: dict[str, WebClient | None] = {}

    def resolve(self, team_ids: Iterable[str]) -> None:
        for team_id in team_ids:
            self.get(team_id)

    def get(self, team_id: str) -> WebClient | None:
        if team_id not in self._known:
            self._known[team_id] = self._lookup(team_id)
        return self._known[team_id]


def _retry_after(error: SlackApiError) -> int:
    """Seconds Slack's 429 asks to wait (its Retry-After header)."""
    headers = error.response.headers or {}
    value = next(
        (str(v) for k, v in headers.items() if k.lower() == "retry-after"),
        "",
    )
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return DEFAULT_RETRY_AFTER


def _page(
    client: WebClient, channel: str, *, thread: str | None, since: str, cursor: str | None
) -> Any:
    """One page of the thread ``thread`` or, for a top-level message, of the channel's
    history since ``since``."""
    if thread is not None:
        return client.conversations_replies(
            channel=channel, ts=thread, include_all_metadata=True, limit=200, cursor=cursor
        )
    return client.conversations_history(
        channel=channel, oldest=since, include_all_metadata=True, limit=200, cursor=cursor
    )


def _message_of(messages: list[dict[str, Any]], *, row: AgendaRow) -> str | None:
    """The ts of ``row``'s message if it is among these: the one carrying its id in its
    metadata; for a results chart (a file share carries no metadata), emcoach's file in the
    post's thread — the only file emcoach puts there — whose id the row records instead."""
    for message in messages:
        metadata: dict[str, Any] = message.get("metadata") or {}
        payload: dict[str, Any] = metadata.get("event_payload") or {}
        if metadata.get("event_type") == PROMPT_EVENT and payload.get("agenda_id") == row.id:
            return str(message["ts"])
        files: list[dict[str, Any]] = message.get("files") or []
        if row.kind == AgendaKind.CHECKPOINT_CHART and files and message.get("bot_id"):
            return str(files[0].get("id") or message["ts"])
    return None
