"""The sample company `emcoach demo` runs a program for, and the sprint walk's test uses.

Northwind Labs: a CTO who owns the program, a CFO who signs off, an external coach, and four
new engineering managers spread from Lisbon to Sydney, each with their own manager and team.
The people are `StandInUser`s so the Slack stand-in can answer users.info for them; everything
else here is what those people would type or pick in emcoach's modals.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from bot.domain.coach_choice import CoachRecommendation
from bot.domain.cost import CostModel
from bot.domain.eligibility import Condition
from bot.domain.metrics import MetricId
from bot.sim.standin import SlackStandIn, StandInUser


@dataclass(frozen=True, slots=True, kw_only=True)
class UserGroupSpec:
    """A Slack user group such as @payments-team (``id`` starts with S)."""

    id: str
    handle: str
    member_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Measurement:
    """What the owner enters for one leader at a checkpoint with `/emcoach metrics`: a number
    per directly entered criterion, and the two counts report retention is computed from
    (12-month rolling, so an old leaver drops out of the window)."""

    values: Mapping[MetricId, str]
    reports_a_year_ago: int
    leavers: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Tendency:
    """Where a kind of 1-to-5 score averages at kickoff and at the evaluation; in between it
    moves in a straight line, so month 3 sits halfway."""

    start: float
    end: float

    def at(self, progress: float) -> float:
        """The average at ``progress`` through the program (0 at kickoff, 1 at the end)."""
        progress = min(max(progress, 0.0), 1.0)
        return self.start + (self.end - self.start) * progress


@dataclass(frozen=True, slots=True, kw_only=True)
class Team:
    """One new engineering manager (a leader of the program) and their part of the company."""

    name: str
    leader: StandInUser
    manager: StandInUser
    reports: tuple[StandInUser, ...]
    # The weekly 1:1 with the coach as the leader modal shows it: a day name and HH:MM in the
    # leader's own time zone.
    one_on_one_day: str
    one_on_one_time: str
    # Baselines as the owner types them: metric id -> number for the directly entered
    # criteria, and the two counts report retention is computed from.
    baselines: Mapping[MetricId, str]
    reports_a_year_ago: int
    leavers: int
    # Set when the owner adds this team's reports by naming its user group, not one by one.
    group: UserGroupSpec | None = None
    # What the owner enters at each checkpoint month; a month left out is a value the owner
    # never got, published as missing.
    checkpoints: Mapping[int, Measurement] = field(default_factory=dict)
    # How this team's reports rate their 1:1s relative to the company's survey tendency.
    survey_shift: float = 0.0


@dataclass(frozen=True, slots=True, kw_only=True)
class Company:
    name: str
    program_name: str
    owner: StandInUser  # the CTO: creates the program and runs the setup sprint
    budget_owner: StandInUser  # the CFO: signs off the success criteria
    coach: StandInUser  # the external coach of the one pod
    teams: tuple[Team, ...]
    publish_channel_id: str
    publish_channel_name: str
    # What the owner answers in /emcoach check and /emcoach cost.
    true_conditions: tuple[Condition, ...]
    cost_args: str
    # The setup modal's coaching model and /emcoach coach's two answers and decision.
    coaching_model: CostModel
    engineering_headcount: int
    senior_em_with_capacity: bool
    coach_decision: CoachRecommendation
    criteria: tuple[MetricId, ...]
    # The pod and its monthly session as the pod modal shows it (program time zone).
    pod_name: str
    pod_session_week: str
    pod_session_day: str
    pod_session_time: str
    baseline_source: str
    survey_baseline: str
    survey_source: str
    # User id -> job title; a leader's title comes from their team.
    titles: Mapping[str, str] = field(default_factory=dict)
    # How people score during the program: the direct reports' survey, the leaders' ratings
    # of their 1:1s and pod sessions, and the quarterly 360s.
    survey_scores: Tendency = Tendency(start=3.0, end=3.0)
    one_on_one_ratings: Tendency = Tendency(start=3.0, end=3.0)
    pod_ratings: Tendency = Tendency(start=3.0, end=3.0)
    three_sixty_scores: Tendency = Tendency(start=3.0, end=3.0)
    # What leaders write in the optional boxes of their ratings.
    decisions: tuple[str, ...] = ()
    delegations: tuple[str, ...] = ()
    pod_next_steps: tuple[str, ...] = ()
    # Where the owner says the checkpoint numbers come from, and the month-3 decision's note.
    checkpoint_source: str = ""
    adjustment_note: str = ""

    @property
    def people(self) -> tuple[StandInUser, ...]:
        """Everyone in the company once, in a stable order."""
        everyone = [self.owner, self.budget_owner, self.coach]
        for team in self.teams:
            everyone += [team.manager, team.leader, *team.reports]
        unique = {person.id: person for person in everyone}
        return tuple(unique.values())

    @property
    def usergroups(self) -> tuple[UserGroupSpec, ...]:
        return tuple(team.group for team in self.teams if team.group is not None)

    def who(self, person: StandInUser) -> str:
        """``Olga (CTO)``: how the narration names a person."""
        first = person.real_name.partition(" ")[0]
        title = self.titles.get(person.id) or next(
            (f"new EM, {team.name}" for team in self.teams if team.leader.id == person.id), None
        )
        return f"{first} ({title})" if title else first

    def install(self, slack: SlackStandIn) -> None:
        """Put the company's people, its results channel (with emcoach invited) and its user
        groups into the Slack stand-in."""
        for person in self.people:
            slack.add_user(person)
        slack.add_channel(self.publish_channel_id, name=self.publish_channel_name)
        for group in self.usergroups:
            slack.add_usergroup(group.id, group.handle, group.member_ids)


def _person(user_id: str, real_name: str, tz: str) -> StandInUser:
    return StandInUser(
        id=user_id, name=real_name.partition(" ")[0].lower(), real_name=real_name, tz=tz
    )


def _measured(*, lead_time: str, reports: int, leavers: int) -> Measurement:
    return Measurement(
        values={MetricId.LEAD_TIME: lead_time}, reports_a_year_ago=reports, leavers=leavers
    )


OLGA = _person("U0OLGA", "Olga Nowak", "Europe/Berlin")
CARL = _person("U0CARL", "Carl Mendes", "America/New_York")
CORA = _person("U0CORA", "Cora Whitfield", "Europe/London")
DARIO = _person("U0DARIO", "Dario Rossi", "Europe/Rome")
MAYA = _person("U0MAYA", "Maya Chen", "America/Los_Angeles")

LENA = _person("U0LENA", "Lena Kowalska", "Europe/Warsaw")
LENA_REPORTS = (
    _person("U0PAWEL", "Pawel Zielinski", "Europe/Warsaw"),
    _person("U0AGATA", "Agata Wrobel", "Europe/Warsaw"),
    _person("U0JONAS", "Jonas Berg", "Europe/Stockholm"),
    _person("U0ELIF", "Elif Demir", "Europe/Istanbul"),
)
PAYMENTS_TEAM = UserGroupSpec(
    id="S0PAYMENTS",
    handle="payments-team",
    # Like most team groups it includes its manager; emcoach leaves her out of her reports.
    member_ids=(LENA.id, *(person.id for person in LENA_REPORTS)),
)

TEO = _person("U0TEO", "Teo Almeida", "Europe/Lisbon")
PRIYA = _person("U0PRIYA", "Priya Raman", "Asia/Kolkata")
JACK = _person("U0JACK", "Jack Turner", "Australia/Sydney")

SAMPLE_COMPANY: Final = Company(
    name="Northwind Labs",
    program_name="Pilot 2027",
    owner=OLGA,
    budget_owner=CARL,
    coach=CORA,
    teams=(
        Team(
            name="Payments",
            leader=LENA,
            manager=DARIO,
            reports=LENA_REPORTS,
            one_on_one_day="Tuesday",
            one_on_one_time="10:00",
            baselines={MetricId.LEAD_TIME: "52"},
            reports_a_year_ago=5,
            leavers=1,
            group=PAYMENTS_TEAM,
            checkpoints={
                3: _measured(lead_time="45", reports=5, leavers=1),
                # The leaver of a year ago is out of the 12-month window by month 6.
                6: _measured(lead_time="36", reports=4, leavers=0),
            },
            survey_shift=0.2,
        ),
        Team(
            name="Platform",
            leader=TEO,
            manager=DARIO,
            reports=(
                _person("U0RUI", "Rui Costa", "Europe/Lisbon"),
                _person("U0INES", "Ines Duarte", "Europe/Lisbon"),
                _person("U0SEAN", "Sean Byrne", "Europe/Dublin"),
            ),
            one_on_one_day="Wednesday",
            one_on_one_time="09:30",
            baselines={MetricId.LEAD_TIME: "30"},
            reports_a_year_ago=3,
            leavers=0,
            checkpoints={
                3: _measured(lead_time="28", reports=3, leavers=0),
                6: _measured(lead_time="24", reports=3, leavers=0),
            },
            survey_shift=0.1,
        ),
        Team(
            name="Mobile",
            leader=PRIYA,
            manager=MAYA,
            reports=(
                _person("U0ARJUN", "Arjun Mehta", "Asia/Kolkata"),
                _person("U0KAVYA", "Kavya Nair", "Asia/Kolkata"),
                _person("U0NOOR", "Noor Haddad", "Asia/Dubai"),
            ),
            one_on_one_day="Thursday",
            one_on_one_time="11:00",
            baselines={MetricId.LEAD_TIME: "75"},
            reports_a_year_ago=4,
            leavers=1,
            checkpoints={
                3: _measured(lead_time="63", reports=4, leavers=0),
                6: _measured(lead_time="50", reports=4, leavers=0),
            },
            survey_shift=-0.1,
        ),
        Team(
            name="Growth",
            leader=JACK,
            manager=MAYA,
            reports=(
                _person("U0MIA", "Mia Walker", "Australia/Sydney"),
                _person("U0LIAM", "Liam Nguyen", "Australia/Melbourne"),
                _person("U0ZOE", "Zoe Taylor", "Australia/Brisbane"),
                _person("U0HANA", "Hana Sato", "Asia/Tokyo"),
            ),
            one_on_one_day="Monday",
            one_on_one_time="16:00",
            baselines={MetricId.LEAD_TIME: "44"},
            reports_a_year_ago=4,
            leavers=0,
            # Month 3: the Sydney numbers never reach the owner, so they are published as
            # missing. Month 6: one of Jack's reports has left — the honest miss.
            checkpoints={6: _measured(lead_time="32", reports=4, leavers=1)},
            survey_shift=-0.2,
        ),
    ),
    publish_channel_id="C0ENGINEERING",
    publish_channel_name="engineering",
    true_conditions=(
        Condition.MULTIPLE_EMS_ONE_NEW,
        Condition.LOW_MANAGEMENT_SATISFACTION,
        Condition.PROMOTION_PLANNED,
    ),
    cost_args="pod 4",
    coaching_model=CostModel.EXTERNAL_POD,
    engineering_headcount=24,
    senior_em_with_capacity=False,
    coach_decision=CoachRecommendation.EXTERNAL,
    criteria=(MetricId.LEAD_TIME, MetricId.REPORT_RETENTION, MetricId.ONE_ON_ONE_QUALITY),
    pod_name="Alpha",
    # 09:00 in Berlin is 08:00 in Lisbon, 13:30 in Kolkata and 19:00 in Sydney.
    pod_session_week="First week",
    pod_session_day="Tuesday",
    pod_session_time="09:00",
    baseline_source="GitHub pull requests and the deploy log, 90 days to 31 Dec 2026; HR records",
    survey_baseline="3.4",
    survey_source="Q4 2026 engineering survey, Dec 2026, 14 answers",
    titles={
        OLGA.id: "CTO",
        CARL.id: "CFO",
        CORA.id: "coach",
        DARIO.id: "Director of Engineering",
        MAYA.id: "Director of Engineering",
    },
    # The survey's baseline round averages about 3.2, month 3 about 3.6, month 6 about 4.0.
    survey_scores=Tendency(start=3.2, end=4.0),
    one_on_one_ratings=Tendency(start=3.4, end=4.3),
    pod_ratings=Tendency(start=3.3, end=4.1),
    three_sixty_scores=Tendency(start=3.0, end=3.8),
    decisions=(
        "Stop joining every incident call; the on-call lead runs them.",
        "Hire a second backend engineer before a third mobile one.",
        "Move the API migration to next quarter.",
        "Turn the weekly status meeting into a written update.",
        "Ask product for a decision on the roadmap conflict by Friday.",
        "Give the release checklist to the team to own.",
    ),
    delegations=(
        "Reviewing every pull request.",
        "Preparing the sprint demo.",
        "Writing the incident postmortems.",
        "The interview loops for the junior role.",
        "First answer on support escalations.",
    ),
    pod_next_steps=(
        "Try a skip-level 1:1 with one report this month.",
        "Write the promotion case and share it with my manager.",
        "Have the hard feedback conversation on Tuesday.",
        "Let the team set its own on-call rules.",
        "Cut two hours of meetings from my week.",
    ),
    checkpoint_source=(
        "GitHub pull requests and the deploy log, 30 days to the checkpoint; HR records"
    ),
    adjustment_note=(
        "Sessions are rated useful and lead time is moving: keep the cadence, and get the "
        "Growth numbers from Jack well before month 6."
    ),
)
