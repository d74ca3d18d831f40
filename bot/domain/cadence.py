"""The running program's agenda as pure data: every prompt, to whom, when, under a stable key.

``plan`` turns a committed program into ``AgendaItem`` rows; storage upserts them by ``key`` and
the engine sends what is due. Re-planning the same program gives the same keys, so a changed
slot or a new pause is a diff (``replan_from``), never a second copy of a prompt.

The rules, each from PRODUCT.md "Cadence while running" and the seed's weeks 3 and 4:

* Wall times are local to the person who gets the prompt (the leader's or coach's zone field,
  else ``person_zones``, else the program zone — except that a manager's or direct report's
  unknown zone is their leader's: same team) and go through ``localtime.to_instant``, so DST
  never moves a 09:00 slot.
* Weekly 1:1 (45 min, leader's slot in the leader's zone): ONE_ON_ONE_PRE to the leader
  2 hours before — time to pick one decision to bring, close enough to be remembered;
  ONE_ON_ONE_POST to the leader and ONE_ON_ONE_LOG to the coach when the 45 minutes end.
* Monthly pod session (90 min): one in every calendar month whose configured slot (e.g. the
  2nd Tuesday) falls inside the execution phase — so a program gets ``months`` sessions give or
  take one, depending on where kickoff falls against the slot. POD_PRE to each leader and the
  coach at 10:00 their time the day before; POD_POST to each leader when it ends.
* THREE_SIXTY: one at the end of each full quarter of execution (months 3, 6, ... up to
  ``months``), to the leader, their manager and the coach, 7 days before the quarter ends so
  the ratings are in for the checkpoint that closes it.
* SURVEY to each direct report, exactly three, when a criterion is measured on emcoach's
  survey (none otherwise): the baseline in setup week 4 (see ``baseline_survey_day``; always
  due before the program starts), then 7 days before the month-3 and the final checkpoint —
  the same measurement week as the 360 — or earlier when the round, which closes at the
  preview, would be open less than ``SURVEY_OPEN`` (see ``checkpoint_survey_day``), leaving
  room for the reminders at 24 h and 72 h.
* Dated prompts (surveys, 360s, previews, publication) fall on business days: checkpoints
  and quarter ends move off weekends in ``Timeline``, the rest is counted from them.
* COACH_DIGEST: Fridays 16:00 coach time, one per coach however many pods they run.
* CHECKPOINT_PREVIEW to each owner two business days before each checkpoint (10:00 their time);
  CHECKPOINT_PUBLISH to the publish channel at 10:00 program time on the checkpoint date.

Window: a session belongs to the program when its local date lies in ``[kickoff, end)``;
every prompt is then kept only if it is due inside ``[kickoff 00:00, evaluation 00:00)`` in the
program zone. Two exceptions, both deliberate: the baseline survey (before kickoff by design)
and the final CHECKPOINT_PUBLISH (on the evaluation date, the only thing planned on it). So a
pod session on kickoff day has no pre-prompt (it would be due the day before), and a person
far from the program zone may lose a prompt at the very edges instead of getting one before
the program has begun.

Pauses: a paused leader's 1:1 and pod sessions whose local date lies in a pause get no prompts;
``skipped_in_pauses`` lists those sessions so the engine records them as "skipped" rather than
leaving a gap that reads as "missed". A separate list, not a flag on ``AgendaItem``: what is
skipped is a session (one row for attendance), not three prompts, and keeping sendable items
in one list means nothing downstream has to remember to filter. 360s and surveys are kept:
the manager and the reports are not on holiday.

Leaving: a leader who left on date D has no item about them (theirs, their manager's, their
reports', the coach's log) due after the end of D in the leader's zone.

SURVEY_REMINDER and SETUP_NUDGE are agenda kinds too, but depend on responses and setup
progress, so the engine adds them; ``grace_window`` covers them like every other kind.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import NamedTuple

from bot.domain.localtime import (
    local_date,
    nth_weekday_of_month,
    require_aware,
    to_instant,
)
from bot.domain.timeline import (
    MIN_EXECUTION_MONTHS,
    Timeline,
    next_business_day,
    previous_business_day,
)

ONE_ON_ONE_LENGTH = timedelta(minutes=45)
POD_SESSION_LENGTH = timedelta(minutes=90)
ONE_ON_ONE_PRE_LEAD = timedelta(hours=2)
PROMPT_TIME = time(10, 0)
"""Wall time for day-level prompts: pod pre-prompts, 360s, surveys, previews, publication."""
DIGEST_WEEKDAY = 4  # Friday: the week's sessions are over, the coach can plan the next one.
DIGEST_TIME = time(16, 0)
MEASUREMENT_LEAD = timedelta(days=7)
SETUP_WEEK_4_OFFSET = timedelta(days=21)
BASELINE_MARGIN = timedelta(hours=1)
PREVIEW_BUSINESS_DAYS = 2
# A checkpoint's survey round closes at the preview: open at least this long before, so both
# reminders (24 h and 72 h) and a day to answer the last one fit inside it.
SURVEY_OPEN = timedelta(days=5)
_ONE_DAY = timedelta(days=1)
_ONE_WEEK = timedelta(days=7)


class AgendaKind(StrEnum):
    ONE_ON_ONE_PRE = "one_on_one_pre"
    ONE_ON_ONE_POST = "one_on_one_post"
    ONE_ON_ONE_LOG = "one_on_one_log"
    POD_PRE = "pod_pre"
    POD_POST = "pod_post"
    THREE_SIXTY = "three_sixty"
    SURVEY = "survey"
    SURVEY_REMINDER = "survey_reminder"  # added by the engine, never by plan()
    COACH_DIGEST = "coach_digest"
    CHECKPOINT_PREVIEW = "checkpoint_preview"
    CHECKPOINT_PUBLISH = "checkpoint_publish"
    SETUP_NUDGE = "setup_nudge"  # added by the engine, never by plan()
    OWNER_ALERT = "owner_alert"  # added by the engine when a prompt cannot be delivered
    # Posts with a lasting public meaning, added by commit and deviation: recorded before
    # they are sent and reconciled like every prompt, so none is doubled or lost.
    COMMITMENT_POST = "commitment_post"
    COMMITMENT_COPY = "commitment_copy"  # the same commitment in the budget owner's DM
    DEVIATION_POST = "deviation_post"
    # The results post's chart, uploaded into its thread once the post is sent (its ``about``
    # is the CHECKPOINT_PUBLISH row's id, which holds the channel and the thread's ts).
    CHECKPOINT_CHART = "checkpoint_chart"
    DEVIATION_CHANGE = "deviation_change"  # what the deviation changed, old → new, once made
    # The locked record (JSON and the command that checks its hash), in the pre-commitment's
    # thread; added when the commit settles, once the post's ts is known.
    COMMITMENT_RECORD = "commitment_record"
    # The end of a program (bot/flows/close.py): the one-page summary in the budget owner's
    # DM, and the same page as a reply under each owner's month-6 preview.
    CLOSING_SUMMARY = "closing_summary"
    CLOSING_SUMMARY_OWNER = "closing_summary_owner"


class AgendaState(StrEnum):
    """A row's life: pending → sending → sent; or skipped (paused), missed (too late after
    downtime), failed (Slack said no for good). ``sending`` left behind by a crash is
    reconciled against the channel's history before any resend."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    SKIPPED = "skipped"
    MISSED = "missed"
    FAILED = "failed"


class SessionKind(StrEnum):
    ONE_ON_ONE = "one_on_one"
    POD = "pod"


# How late a prompt may still go out after downtime. Pre-prompts are useless once the session
# has started: a 1:1 pre-prompt is due exactly ONE_ON_ONE_PRE_LEAD before it; a pod pre-prompt
# (10:00 the day before, recipient time) is at least 14 h before it, a DST jump can take 1 h.
# A preview is at least 22 h before its publication even with owner and program 26 h apart.
# A checkpoint publication is never dropped: the product publishes late and says so.
_GRACE: dict[AgendaKind, timedelta | None] = {
    AgendaKind.ONE_ON_ONE_PRE: ONE_ON_ONE_PRE_LEAD,
    AgendaKind.ONE_ON_ONE_POST: timedelta(hours=24),
    AgendaKind.ONE_ON_ONE_LOG: timedelta(hours=24),
    AgendaKind.POD_PRE: timedelta(hours=12),
    AgendaKind.POD_POST: timedelta(hours=24),
    AgendaKind.THREE_SIXTY: timedelta(days=3),
    AgendaKind.SURVEY: timedelta(days=3),
    AgendaKind.SURVEY_REMINDER: timedelta(days=1),
    AgendaKind.COACH_DIGEST: timedelta(days=1),
    AgendaKind.CHECKPOINT_PREVIEW: timedelta(hours=12),
    AgendaKind.CHECKPOINT_PUBLISH: None,
    AgendaKind.SETUP_NUDGE: timedelta(days=1),
    AgendaKind.OWNER_ALERT: timedelta(days=7),
    AgendaKind.COMMITMENT_POST: None,
    AgendaKind.COMMITMENT_COPY: None,
    AgendaKind.DEVIATION_POST: None,
    AgendaKind.CHECKPOINT_CHART: None,  # part of the results post: late, never dropped
    AgendaKind.DEVIATION_CHANGE: None,
    AgendaKind.COMMITMENT_RECORD: None,
    AgendaKind.CLOSING_SUMMARY: None,  # what the budget owner signed off ends here: never dropped
    AgendaKind.CLOSING_SUMMARY_OWNER: None,
}


@dataclass(frozen=True, slots=True)
class Pause:
    """A leader's absence, both dates included (the leader's local dates)."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"a pause cannot end ({self.end}) before it starts ({self.start})")

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True, slots=True)
class MonthlySlot:
    """ "The ``ordinal``-th ``weekday`` of each month at ``at``", e.g. 2nd Tuesday 15:00."""

    ordinal: int
    weekday: int
    at: time

    def __post_init__(self) -> None:
        self.on(2000, 1)  # validates ordinal and weekday with the one rule that uses them

    def on(self, year: int, month: int) -> date:
        return nth_weekday_of_month(year, month, self.ordinal, self.weekday)


@dataclass(frozen=True, slots=True)
class PlanLeader:
    user_id: str
    timezone: str | None
    one_on_one_weekday: int
    one_on_one_time: time
    manager_id: str | None
    report_ids: tuple[str, ...] = ()
    pauses: tuple[Pause, ...] = ()
    left_on: date | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.one_on_one_weekday <= 6:
            raise ValueError(f"1:1 weekday must be 0 (Monday) to 6, got {self.one_on_one_weekday}")

    def paused_on(self, day: date) -> bool:
        return any(pause.covers(day) for pause in self.pauses)


@dataclass(frozen=True, slots=True)
class PlanPod:
    pod_id: str
    coach_id: str
    coach_timezone: str | None
    leaders: tuple[PlanLeader, ...]
    session: MonthlySlot
    session_timezone: str | None = None


@dataclass(frozen=True, slots=True)
class PlanProgram:
    program_id: str
    kickoff: date
    months: int
    timezone: str
    """The program's zone: its window, checkpoint publication, and anyone's unknown zone."""
    owner_ids: tuple[str, ...]
    setup_date: date
    publish_channel: str
    pods: tuple[PlanPod, ...]
    person_zones: tuple[tuple[str, str], ...] = ()
    """(user id, zone) for owners, managers and reports, from their Slack profiles."""
    emcoach_survey: bool = True
    """Whether a criterion is measured on emcoach's own survey: without one, no direct report
    is asked anything (the company's own survey, entered by an owner, is the instrument)."""

    def __post_init__(self) -> None:
        if self.months < MIN_EXECUTION_MONTHS:
            raise ValueError(f"a program runs at least {MIN_EXECUTION_MONTHS} months")
        if self.setup_date >= self.kickoff:
            raise ValueError("setup must start before kickoff")

    @property
    def timeline(self) -> Timeline:
        return Timeline(kickoff=self.kickoff, months=self.months)


class AgendaItem(NamedTuple):
    """One prompt. ``about`` is whom or what it concerns (a leader, a pod, the program);
    ``occasion`` is the date it is for (session date in its slot's zone, checkpoint or quarter
    end) — so moving a slot's time keeps the key and only changes ``due``.

    A NamedTuple rather than a frozen dataclass: equally immutable and typed, and about three
    times cheaper to build — a program has ~500 of these and a bulk re-plan touches every
    program. ``key`` is derived, not stored, for the same reason and so it cannot disagree
    with the fields it names.
    """

    kind: AgendaKind
    recipient: str
    due: datetime
    about: str
    occasion: date

    @property
    def key(self) -> str:
        return item_key(self.kind, self.about, self.recipient, self.occasion)


@dataclass(frozen=True, slots=True)
class SkippedSession:
    kind: SessionKind
    pod_id: str
    leader_id: str
    coach_id: str
    start: datetime
    occasion: date

    @property
    def key(self) -> str:
        about = self.leader_id if self.kind is SessionKind.ONE_ON_ONE else self.pod_id
        return item_key(self.kind, about, self.leader_id, self.occasion)


class Replan(NamedTuple):
    to_cancel: list[str]
    to_add: list[AgendaItem]
    """Upserted by key: a surviving key whose due moved is here, not in ``to_cancel``."""


def item_key(kind: AgendaKind | SessionKind, about: str, recipient: str, occasion: date) -> str:
    """The idempotency key, unique within a program, e.g. ``one_on_one_pre:U1:U1:2027-01-11``."""
    return f"{kind}:{about}:{recipient}:{occasion}"  # StrEnum and date format as value, ISO


def grace_window(kind: AgendaKind) -> timedelta | None:
    """How long after ``due`` a prompt may still be sent; ``None`` means never dropped."""
    return _GRACE[kind]


def is_late(kind: AgendaKind, due: datetime, now: datetime) -> bool:
    """True when a prompt is past its grace window: the engine expires it instead of sending."""
    require_aware(due)
    require_aware(now)
    grace = _GRACE[kind]
    return grace is not None and now > due + grace


def baseline_survey_day(setup_date: date, kickoff: date) -> date:
    """The first day of setup week 4 (setup + 21 days), the seed's measurement week — moved
    earlier to a week before kickoff when kickoff is closer than that, so the answers and
    both reminders fit before kickoff; never before setup began. Always before kickoff.

    A Saturday or Sunday moves to the next Monday, or back to the Friday when the Monday
    would break the limits above; a setup squeezed into a weekend keeps its day."""
    fits = kickoff - _ONE_WEEK  # the answers and both reminders before kickoff
    day = max(setup_date, min(setup_date + SETUP_WEEK_4_OFFSET, fits))
    if (forward := next_business_day(day)) <= max(setup_date, fits) and forward < kickoff:
        return forward
    if (backward := previous_business_day(day)) >= setup_date:
        return backward
    return day


def checkpoint_survey_day(checkpoint: date) -> date:
    """The day a checkpoint's survey goes out: a week before the checkpoint, earlier when
    that would leave fewer than ``SURVEY_OPEN`` days before the round closes at the owners'
    preview (a Monday or Tuesday checkpoint), and on a business day."""
    closes = business_days_before(checkpoint, PREVIEW_BUSINESS_DAYS)
    return previous_business_day(min(checkpoint - MEASUREMENT_LEAD, closes - SURVEY_OPEN))


def business_days_before(day: date, count: int) -> date:
    """The date ``count`` working days (Monday-Friday) before ``day``."""
    current = day
    while count > 0:
        current -= _ONE_DAY
        if current.weekday() < 5:
            count -= 1
    return current


def _weekly(start: date, end: date, weekday: int) -> Iterator[date]:
    """Every ``weekday`` in ``[start, end)``."""
    day = start + timedelta(days=(weekday - start.weekday()) % 7)
    while day < end:
        yield day
        day += _ONE_WEEK


# Stands in for "never left" so the hot path compares instants instead of testing for None.
_NEVER = datetime.max.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class _Leader:
    """A leader with their zone and leaving instant resolved once per plan."""

    spec: PlanLeader
    zone: str
    left_at: datetime
    """The first instant after their last day (``_NEVER`` while they stay)."""


class _Plan:
    """One planning pass: zones, window and leaders resolved once, items collected."""

    def __init__(self, program: PlanProgram) -> None:
        self.program = program
        timeline = self.timeline = program.timeline
        # Timeline computes its dates on each access; the loops below read them per week.
        self.kickoff = program.kickoff
        self.midpoint = timeline.midpoint
        self.evaluation = timeline.evaluation
        self.end_date = timeline.end
        self.start = to_instant(self.kickoff, time(0), program.timezone)
        self.end = to_instant(self.end_date, time(0), program.timezone)
        self.zones = dict(program.person_zones)
        self.items: list[AgendaItem] = []

    def zone_of(self, user_id: str, fallback: str | None = None) -> str:
        return self.zones.get(user_id) or fallback or self.program.timezone

    def resolve(self, leader: PlanLeader) -> _Leader:
        zone = leader.timezone or self.zone_of(leader.user_id)
        left_at = _NEVER
        if leader.left_on is not None:
            left_at = to_instant(leader.left_on + _ONE_DAY, time(0), zone)
        return _Leader(spec=leader, zone=zone, left_at=left_at)

    def add(
        self,
        *,
        kind: AgendaKind,
        recipient: str,
        due: datetime,
        about: str,
        occasion: date,
        leader: _Leader | None = None,
        windowed: bool = True,
    ) -> None:
        """Keep the item if it is due inside the program window (unless ``windowed`` is False,
        for the two documented exceptions) and, when it concerns a leader, before they left."""
        if windowed and not self.start <= due < self.end:
            return
        if leader is not None and due >= leader.left_at:
            return
        self.items.append(AgendaItem(kind, recipient, due, about, occasion))

    def one_on_one_sessions(self, leader: _Leader) -> Iterator[tuple[date, datetime, bool]]:
        """(local date, start, paused) of each weekly 1:1 in the execution phase while the
        leader is still in the program."""
        slot = leader.spec
        for day in _weekly(self.kickoff, self.end_date, slot.one_on_one_weekday):
            start = to_instant(day, slot.one_on_one_time, leader.zone)
            if start >= leader.left_at:
                return
            yield day, start, slot.paused_on(day)

    def pod_sessions(self, pod: PlanPod) -> Iterator[tuple[date, datetime]]:
        """(local date, start) of the pod's monthly session in each calendar month whose slot
        falls inside the execution phase."""
        zone = pod.session_timezone or self.program.timezone
        kickoff, end = self.kickoff, self.end_date
        year, month = kickoff.year, kickoff.month
        while (year, month) <= (end.year, end.month):
            day = pod.session.on(year, month)
            if kickoff <= day < end:
                yield day, to_instant(day, pod.session.at, zone)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)

    def attendance(
        self, leaders: Iterable[_Leader], start: datetime
    ) -> tuple[list[_Leader], list[_Leader]]:
        """Leaders still in the program at ``start``, split into attending and paused (by the
        session's date in each leader's own zone)."""
        attending: list[_Leader] = []
        paused: list[_Leader] = []
        for leader in leaders:
            if start >= leader.left_at:
                continue
            on_pause = bool(leader.spec.pauses) and leader.spec.paused_on(
                local_date(start, leader.zone)
            )
            (paused if on_pause else attending).append(leader)
        return attending, paused


def plan(program: PlanProgram) -> list[AgendaItem]:
    """Every prompt of a committed program, in a deterministic order (pod by pod, leader by
    leader), not sorted by due: storage orders by due anyway, and a bulk re-plan of every
    program should not pay for a sort nobody reads."""
    run = _Plan(program)
    digest_zones: dict[str, str] = {}
    for pod in program.pods:
        coach_zone = pod.coach_timezone or run.zone_of(pod.coach_id)
        digest_zones.setdefault(pod.coach_id, coach_zone)
        leaders = [run.resolve(leader) for leader in pod.leaders]
        for leader in leaders:
            _plan_one_on_ones(run, leader=leader, coach_id=pod.coach_id)
            _plan_measurements(run, leader=leader, coach_id=pod.coach_id, coach_zone=coach_zone)
        _plan_pod_sessions(run, pod=pod, leaders=leaders, coach_zone=coach_zone)
    for coach_id, zone in digest_zones.items():
        _plan_digests(run, coach_id=coach_id, zone=zone)
    _plan_checkpoints(run)
    return run.items


def skipped_in_pauses(program: PlanProgram) -> list[SkippedSession]:
    """The 1:1 and pod sessions that fall in a leader's pause, for "skipped" rows; the same
    sessions ``plan`` gives no prompts, inside the same window."""
    run = _Plan(program)
    skipped: list[SkippedSession] = []

    def skip(kind: SessionKind, pod: PlanPod, leader: _Leader, start: datetime, day: date) -> None:
        if run.start <= start < run.end:
            skipped.append(
                SkippedSession(kind, pod.pod_id, leader.spec.user_id, pod.coach_id, start, day)
            )

    for pod in program.pods:
        leaders = [run.resolve(leader) for leader in pod.leaders]
        for leader in leaders:
            for day, start, paused in run.one_on_one_sessions(leader):
                if paused:
                    skip(SessionKind.ONE_ON_ONE, pod, leader, start, day)
        for day, start in run.pod_sessions(pod):
            for leader in run.attendance(leaders, start)[1]:
                skip(SessionKind.POD, pod, leader, start, day)
    skipped.sort(key=lambda session: (session.start, session.key))
    return skipped


def replan_from(
    old_items: Iterable[AgendaItem], new_items: Iterable[AgendaItem], now: datetime
) -> Replan:
    """What to change in stored rows so the future matches ``new_items``; the past stays.

    Only items due after ``now`` are touched: an old future key missing from the new plan is
    cancelled; a new future item is added (upserted) unless the same key is already stored
    unchanged. A key whose old row is already due or sent is never re-armed, even if the new
    plan moves it into the future.
    """
    require_aware(now)
    old_by_key = {item.key: item for item in old_items}
    new_future = {item.key: item for item in new_items if item.due > now}
    to_cancel = sorted(
        key for key, item in old_by_key.items() if item.due > now and key not in new_future
    )
    to_add = [
        item
        for key, item in new_future.items()
        if (old := old_by_key.get(key)) is None or (old.due > now and old != item)
    ]
    to_add.sort(key=lambda item: (item.due, item.key))
    return Replan(to_cancel=to_cancel, to_add=to_add)


def _plan_one_on_ones(run: _Plan, *, leader: _Leader, coach_id: str) -> None:
    user_id = leader.spec.user_id
    for day, start, paused in run.one_on_one_sessions(leader):
        if paused:
            continue
        end = start + ONE_ON_ONE_LENGTH
        for kind, recipient, due in (
            (AgendaKind.ONE_ON_ONE_PRE, user_id, start - ONE_ON_ONE_PRE_LEAD),
            (AgendaKind.ONE_ON_ONE_POST, user_id, end),
            (AgendaKind.ONE_ON_ONE_LOG, coach_id, end),
        ):
            run.add(
                kind=kind, recipient=recipient, due=due, about=user_id, occasion=day, leader=leader
            )


def _plan_pod_sessions(
    run: _Plan, *, pod: PlanPod, leaders: list[_Leader], coach_zone: str
) -> None:
    for day, start in run.pod_sessions(pod):
        attending = run.attendance(leaders, start)[0]
        if not attending:
            continue  # nobody to meet: no prompt for the coach either
        recipients: list[tuple[str, str, _Leader | None]] = [
            (leader.spec.user_id, leader.zone, leader) for leader in attending
        ]
        recipients.append((pod.coach_id, coach_zone, None))
        for recipient, zone, leader in recipients:
            eve = local_date(start, zone) - _ONE_DAY
            run.add(
                kind=AgendaKind.POD_PRE,
                recipient=recipient,
                due=to_instant(eve, PROMPT_TIME, zone),
                about=pod.pod_id,
                occasion=day,
                leader=leader,
            )
        end = start + POD_SESSION_LENGTH
        for leader in attending:
            run.add(
                kind=AgendaKind.POD_POST,
                recipient=leader.spec.user_id,
                due=end,
                about=pod.pod_id,
                occasion=day,
                leader=leader,
            )


def _plan_measurements(run: _Plan, *, leader: _Leader, coach_id: str, coach_zone: str) -> None:
    """360s at each full quarter's end and the three direct-report surveys."""
    program, slot = run.program, leader.spec
    user_id = slot.user_id
    circle = {user_id: leader.zone}
    if slot.manager_id is not None:
        circle.setdefault(slot.manager_id, run.zone_of(slot.manager_id, leader.zone))
    circle.setdefault(coach_id, coach_zone)
    for quarter in range(1, program.months // 3 + 1):
        quarter_end = run.timeline.quarter_end(quarter)
        for recipient, zone in circle.items():
            run.add(
                kind=AgendaKind.THREE_SIXTY,
                recipient=recipient,
                due=to_instant(quarter_end - MEASUREMENT_LEAD, PROMPT_TIME, zone),
                about=user_id,
                occasion=quarter_end,
                leader=leader,
            )
    if not slot.report_ids or not program.emcoach_survey:
        return
    baseline = baseline_survey_day(program.setup_date, run.kickoff)
    midpoint_day = checkpoint_survey_day(run.midpoint)
    evaluation_day = checkpoint_survey_day(run.evaluation)
    for report_id in slot.report_ids:
        zone = run.zone_of(report_id, leader.zone)
        # The baseline measures "before": when a setup squeezed into kickoff's eve puts 10:00
        # of a report far west of the program zone after the program has begun, it goes out
        # in the last hour before instead.
        run.add(
            kind=AgendaKind.SURVEY,
            recipient=report_id,
            due=min(to_instant(baseline, PROMPT_TIME, zone), run.start - BASELINE_MARGIN),
            about=user_id,
            occasion=run.kickoff,
            leader=leader,
            windowed=False,
        )
        for occasion, day in ((run.midpoint, midpoint_day), (run.evaluation, evaluation_day)):
            run.add(
                kind=AgendaKind.SURVEY,
                recipient=report_id,
                due=to_instant(day, PROMPT_TIME, zone),
                about=user_id,
                occasion=occasion,
                leader=leader,
            )


def _plan_digests(run: _Plan, *, coach_id: str, zone: str) -> None:
    for day in _weekly(run.kickoff, run.end_date, DIGEST_WEEKDAY):
        run.add(
            kind=AgendaKind.COACH_DIGEST,
            recipient=coach_id,
            due=to_instant(day, DIGEST_TIME, zone),
            about=run.program.program_id,
            occasion=day,
        )


def _plan_checkpoints(run: _Plan) -> None:
    program = run.program
    for checkpoint in (run.midpoint, run.evaluation):
        preview_day = business_days_before(checkpoint, PREVIEW_BUSINESS_DAYS)
        for owner_id in program.owner_ids:
            run.add(
                kind=AgendaKind.CHECKPOINT_PREVIEW,
                recipient=owner_id,
                due=to_instant(preview_day, PROMPT_TIME, run.zone_of(owner_id)),
                about=program.program_id,
                occasion=checkpoint,
            )
        run.add(
            kind=AgendaKind.CHECKPOINT_PUBLISH,
            recipient=program.publish_channel,
            due=to_instant(checkpoint, PROMPT_TIME, program.timezone),
            about=program.program_id,
            occasion=checkpoint,
            # The evaluation is published on its own date, after the window closes; a
            # publication is never dropped.
            windowed=False,
        )
